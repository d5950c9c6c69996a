// SPDX-License-Identifier: MIT
#pragma once
// Every sink logmetrics provides: memory_store (queries, FinalMetricDataList), callback_sink and
// make_callback_sink (user code), csv_sink and jsonl_sink (files and streams), fanout_sink (many
// sinks chosen at run time as one), null_sink (counting only), and the wrappers around any sink:
// synchronized_sink (shared by monitors on many threads) and async_sink (written on a thread of
// its own, through a bounded queue).

#include "sink.hpp"
#include "sinks/async.hpp"
#include "sinks/callback.hpp"
#include "sinks/csv.hpp"
#include "sinks/fanout.hpp"
#include "sinks/jsonl.hpp"
#include "sinks/memory_store.hpp"
#include "sinks/null.hpp"
#include "sinks/synchronized.hpp"
