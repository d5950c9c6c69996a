// SPDX-License-Identifier: MIT
#pragma once
// The umbrella header: definitions, framing, the portable PCRE2 engine, the monitor and the
// built-in sinks. The Hyperscan engine is included too when the build links Hyperscan
// (LOGMETRICS_HAS_HYPERSCAN, set by the CMake target logmetrics::hyperscan); otherwise include
// "logmetrics/matchers/hyperscan.hpp" yourself and link libhs.
//
// Not included: the JSON loader (load_definitions, parse_definitions). Include
// "logmetrics/definitions_json.hpp" in the files that load definitions: it brings nlohmann/json,
// whose parser costs each translation unit that includes it seconds of compile time
// (bench/README.md, "Compile time"); and async_sink ("logmetrics/sinks/async.hpp", which brings
// <thread>). To compile the cold code once per program instead of in every file, see
// LOGMETRICS_SEPARATE_COMPILATION (config.hpp, src.hpp).

#include "version.hpp"
#include "config.hpp"
#include "error.hpp"
#include "definition.hpp"
#include "number.hpp"
#include "framer.hpp"
#include "sample.hpp"
#include "matcher.hpp"
#include "sink.hpp"
#include "monitor.hpp"
#include "matchers/pcre2.hpp"
#include "sinks.hpp"
#if defined(LOGMETRICS_HAS_HYPERSCAN) && LOGMETRICS_HAS_HYPERSCAN
#include "matchers/hyperscan.hpp"
#endif

LOGMETRICS_BEGIN_NAMESPACE
#if defined(LOGMETRICS_HAS_HYPERSCAN) && LOGMETRICS_HAS_HYPERSCAN
/// The fastest engine this build has.
using default_engine = hyperscan_engine;
#else
using default_engine = pcre2_engine;
#endif
LOGMETRICS_END_NAMESPACE
