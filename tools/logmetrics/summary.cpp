// SPDX-License-Identifier: MIT
#include "summary.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "text.hpp"

namespace logmetrics::cli {

void run_totals::add(const monitor_stats& stream, std::span<const definition_stats> definitions,
                     std::string_view label) {
    all += stream;
    for (std::size_t i = 0; i < per_definition.size() && i < definitions.size(); ++i) {
        definition_stats& total = per_definition[i];
        const definition_stats& d = definitions[i];
        // Not definition_stats::operator+=, which keeps the first non-empty example: the summary
        // shows the first rejected capture, and an empty capture is one too ("" on line 4).
        if (total.rejected == 0 && d.rejected > 0) {
            total.rejected_example = d.rejected_example;
            total.rejected_example_line = d.rejected_example_line;
            example_stream[i] = label;
        }
        total.samples += d.samples;
        total.rejected += d.rejected;
        total.match_errors += d.match_errors;
    }
    ++streams;
}

std::string format_summary(const summary_facts& facts, const run_totals& totals) {
    const auto& definitions = facts.definitions;
    // Names escaped (control bytes never reach the terminal) and cut with "…" past 40 columns.
    std::vector<std::string> names;
    std::size_t name_width = 10;  // "definition"
    for (const auto& d : definitions) {
        names.push_back(fit_to_width(printable_name(d.name), 40));
        name_width = std::max(name_width, display_width(names.back()));
    }
    // Notes after the first go on lines of their own, under the first.
    const std::size_t notes_column = 4 + 2 + name_width + 2 + 9 + 2 + 9 + 2;

    fmt::memory_buffer text;
    auto out = std::back_inserter(text);
    out = fmt::format_to(out, "logmetrics: scanned {} stream{} with the {} engine in {} mode\n", totals.streams,
                         totals.streams == 1 ? "" : "s", facts.engine, facts.mode);
    out = fmt::format_to(out, "{:>4}  {:<{}}  {:>9}  {:>9}\n", "#", "definition", name_width, "samples", "rejected");
    for (std::size_t i = 0; i < definitions.size(); ++i) {
        const definition_stats& t = totals.per_definition[i];
        std::vector<std::string> notes;
        if (t.rejected > 0) {
            notes.push_back(
                fmt::format("first rejected: {:?} on line {}", t.rejected_example, t.rejected_example_line));
            if (totals.streams > 1) notes.back() += fmt::format(" of {}", totals.example_stream[i]);
        }
        if (t.match_errors > 0) {
            notes.push_back(fmt::format("{} match error{} (the regex engine gave up on the line)", t.match_errors,
                                        t.match_errors == 1 ? "" : "s"));
        }
        if (i < facts.plans.size() && !facts.plans[i].empty()) notes.push_back(facts.plans[i]);

        out = fmt::format_to(out, "{:>4}  {:<{}}  {:>9}  {:>9}", i, names[i], name_width, t.samples, t.rejected);
        if (!notes.empty()) {
            out = fmt::format_to(out, "  {}", fmt::join(notes, fmt::format("\n{:{}}", "", notes_column)));
        }
        out = fmt::format_to(out, "\n");
    }
    for (const output_losses& o : facts.outputs) {
        std::vector<std::string> losses;
        if (o.errors > 0 && o.lost == 0) {  // failed flushes or closes: no sample known lost
            losses.push_back(fmt::format("{} error{}{}{}", o.errors, o.errors == 1 ? "" : "s",
                                         o.reason.empty() ? "" : ": ", o.reason));
        } else if (o.lost > 0 && o.errors == 0) {  // lost in a buffer whose write failed at the end
            losses.push_back(fmt::format("{} sample{} lost{}{}{}", o.lost, o.lost == 1 ? "" : "s",
                                         o.reason.empty() ? "" : " (", o.reason, o.reason.empty() ? "" : ")"));
        } else if (o.errors > 0) {
            losses.push_back(fmt::format("{} sample{} lost ({} failed write{}{}{})", o.lost, o.lost == 1 ? "" : "s",
                                         o.errors, o.errors == 1 ? "" : "s", o.reason.empty() ? "" : ": ", o.reason));
        }
        for (const auto& d : o.drops) {
            losses.push_back(fmt::format("{} {} ({})", d.count, d.undelivered ? "undelivered" : "dropped", d.reason));
        }
        if (!o.left_out.empty()) {
            std::vector<std::string> left_out;
            for (const std::string& name : o.left_out) left_out.push_back(printable_name(name));
            losses.push_back(fmt::format("left out {} (no finite value)", fmt::join(left_out, ", ")));
        }
        if (!losses.empty()) out = fmt::format_to(out, "output {}: {}\n", o.name, fmt::join(losses, ", "));
    }
    if (!facts.stopped.empty()) out = fmt::format_to(out, "{}\n", facts.stopped);
    const monitor_stats& all = totals.all;
    out = fmt::format_to(out, "total: {} bytes ({}), {} lines, {} cut lines, {} samples, {} rejected, ", all.bytes,
                         human_bytes(all.bytes), all.lines, all.cut_lines, all.samples, all.rejected);
    if (all.match_errors > 0) out = fmt::format_to(out, "{} match errors, ", all.match_errors);
    out = fmt::format_to(out, "{} sink errors", all.sink_errors);
    if (all.sink_lost > 0) out = fmt::format_to(out, " ({} samples lost)", all.sink_lost);
    if (all.sink_drops > 0) out = fmt::format_to(out, ", {} dropped", all.sink_drops);
    out = fmt::format_to(out, "\n");
    out = fmt::format_to(out, "time: {:.3f} s to compile, {:.3f} s to scan", facts.compile_seconds, facts.scan_seconds);
    if (all.bytes > 0 && facts.scan_seconds > 0) {
        const auto rate = static_cast<std::uint64_t>(static_cast<double>(all.bytes) / facts.scan_seconds);
        out = fmt::format_to(out, " ({}/s)", human_bytes(rate));
    }
    fmt::format_to(out, "\n");
    return fmt::to_string(text);
}

}  // namespace logmetrics::cli
