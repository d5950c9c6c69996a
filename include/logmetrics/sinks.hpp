// SPDX-License-Identifier: MIT
#pragma once
// The built-in sinks: memory_store (queries, final values), callback_sink and make_callback_sink
// (user code), csv_sink and jsonl_sink (files and streams), fanout_sink (many sinks chosen at run
// time as one), null_sink (counting only), synchronized_sink (one sink shared by monitors on many
// threads), and the FinalMetricDataList writer (formats/sagemaker.hpp) for memory_store's final
// values.
//
// Not included: async_sink ("logmetrics/sinks/async.hpp", a sink written on a thread of its own).
// It brings <thread> and <condition_variable>, which every file including this header would
// otherwise parse (bench/README.md, "Compile time").

#include "formats/sagemaker.hpp"
#include "sink.hpp"
#include "sinks/callback.hpp"
#include "sinks/csv.hpp"
#include "sinks/fanout.hpp"
#include "sinks/jsonl.hpp"
#include "sinks/memory_store.hpp"
#include "sinks/null.hpp"
#include "sinks/synchronized.hpp"
