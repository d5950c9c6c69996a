// SPDX-License-Identifier: MIT
#pragma once
// Loading metric definitions from the JSON people already give SageMaker, as it appears in the
// wild:
//   - an array:                          [{"Name": "train:loss", "Regex": "loss=(\\S+)"}, ...]
//   - an object with MetricDefinitions:  {"MetricDefinitions": [...]}
//   - a CreateTrainingJob request:       {"AlgorithmSpecification": {"MetricDefinitions": [...]}}
// Keys other than Name and Regex are ignored (so annotated lists load), except "Type", a
// logmetrics extension: "float" (default) or "integer". Parsing uses nlohmann/json.
//
// The one header that brings nlohmann/json (through impl/definitions_json.hpp), and the umbrella
// logmetrics.hpp does not include it: parsing that library's header and instantiating its parser
// costs a translation unit seconds at -O2, so only the files that load definitions pay it
// (bench/compile_time.sh measures it). With LOGMETRICS_SEPARATE_COMPILATION (config.hpp) this
// header only declares the two functions, and nlohmann/json is compiled once, in the translation
// unit that includes <logmetrics/src.hpp>.

#include <string>
#include <string_view>

#include "config.hpp"
#include "definition.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Parses definitions from JSON text (UTF-8, any of the three shapes above) into a validated
/// `definition_set`. Throws `error` (invalid_json) for text that is not JSON or not one of the
/// shapes, and `definition_error` listing every problem of every definition, in definition order.
/// Thread-safe (no shared state).
LOGMETRICS_DECL definition_set parse_definitions(std::string_view json_text,
                                                 definition_limits limits = definition_limits::sagemaker());

/// Reads the file at `path` and parses it as `parse_definitions` does. Throws `error` (io_error when
/// the file cannot be opened or read; invalid_json, prefixed with the path) or `definition_error`.
/// Thread-safe (no shared state).
LOGMETRICS_DECL definition_set load_definitions(const std::string& path,
                                                definition_limits limits = definition_limits::sagemaker());

LOGMETRICS_END_NAMESPACE

#if !defined(LOGMETRICS_SEPARATE_COMPILATION)
#include "impl/definitions_json.hpp"
#endif
