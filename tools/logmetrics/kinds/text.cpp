// SPDX-License-Identifier: MIT
// The text kinds: jsonl, csv, table and final (FinalMetricDataList).
#include <string>

#include <logmetrics/sinks/csv.hpp>
#include <logmetrics/sinks/jsonl.hpp>

#include "../final_sink.hpp"
#include "../table_sink.hpp"
#include "kinds.hpp"

namespace logmetrics::cli {

namespace {

constexpr option_rule csv_option_rules[] = {{"header", boolean_values}};

any_sink make_jsonl(const output_spec&, const output_context& context) {
    return any_sink(std::string(context.name), jsonl_sink(*context.out));
}

any_sink make_csv(const output_spec& spec, const output_context& context) {
    csv_options options;
    options.header = spec.option("header").value_or("true") == "true";
    return any_sink(std::string(context.name), csv_sink(*context.out, options));
}

any_sink make_table(const output_spec&, const output_context& context) {
    return any_sink(std::string(context.name), table_sink(*context.out, context.metric_names, context.several_streams));
}

any_sink make_final(const output_spec&, const output_context& context) {
    return any_sink(std::string(context.name), final_sink(*context.out, context.metric_names));
}

}  // namespace

output_kind jsonl_kind() {
    return {"jsonl", target_rule::stdout_or_path, {}, "a JSON object per sample (JSON Lines)", make_jsonl};
}

output_kind csv_kind() {
    return {"csv", target_rule::stdout_or_path, csv_option_rules, "CSV rows (header=false: no header line)", make_csv};
}

output_kind table_kind() {
    return {"table", target_rule::stdout_or_path, {}, "aligned rows, then each metric's last value", make_table};
}

output_kind final_kind() {
    return {"final", target_rule::path, {}, "FinalMetricDataList JSON: last finite values", make_final};
}

}  // namespace logmetrics::cli
