// SPDX-License-Identifier: MIT
#pragma once
// The separate-compilation mode's one source (config.hpp): with LOGMETRICS_SEPARATE_COMPILATION
// defined in every translation unit of a program, the headers only declare their cold code
// (loading and checking definitions, compiling matchers, setting up a monitor, memory_store's
// bookkeeping), and exactly
// one translation unit includes this header, which defines it:
//
//     // logmetrics.cpp, compiled with -DLOGMETRICS_SEPARATE_COMPILATION like the rest
//     #include <logmetrics/src.hpp>
//
// It needs what the whole library needs: PCRE2, fmt, nlohmann/json, and Hyperscan when
// LOGMETRICS_HAS_HYPERSCAN is set (the CMake target logmetrics::hyperscan sets it), in which case
// the program links libhs. In the default header-only mode, including it changes nothing: every
// definition is inline and in the headers already.

#include "definition.hpp"
#include "definitions_json.hpp"
#include "matchers/pcre2.hpp"
#include "monitor.hpp"
#include "sinks/memory_store.hpp"
#if defined(LOGMETRICS_HAS_HYPERSCAN) && LOGMETRICS_HAS_HYPERSCAN
#include "detail/hyperscan/plan.hpp"
#include "matchers/hyperscan.hpp"
#endif

#include "impl/definition.hpp"
#include "impl/definitions_json.hpp"
#include "impl/matchers/pcre2.hpp"
#include "impl/monitor.hpp"
#include "impl/sinks/memory_store.hpp"
#if defined(LOGMETRICS_HAS_HYPERSCAN) && LOGMETRICS_HAS_HYPERSCAN
#include "impl/detail/hyperscan/plan.hpp"
#include "impl/matchers/hyperscan.hpp"
#endif
