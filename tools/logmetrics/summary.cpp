// SPDX-License-Identifier: MIT
#include "summary.hpp"

#include <algorithm>
#include <cstdio>

#include "text.hpp"

namespace logmetrics::cli {

void run_totals::add(const monitor_stats& s, std::span<const definition_stats> definitions, std::string_view label) {
    all.bytes += s.bytes;
    all.lines += s.lines;
    all.cut_lines += s.cut_lines;
    all.samples += s.samples;
    all.rejected += s.rejected;
    all.match_errors += s.match_errors;
    all.sink_errors += s.sink_errors;
    for (std::size_t i = 0; i < per_definition.size() && i < definitions.size(); ++i) {
        const definition_stats& d = definitions[i];
        definition_totals& t = per_definition[i];
        t.samples += d.samples;
        t.rejected += d.rejected;
        t.match_errors += d.match_errors;
        if (!t.has_example && d.rejected > 0) {
            t.has_example = true;
            t.example = d.rejected_example;
            t.example_stream = label;
            t.example_line = d.rejected_example_line;
        }
    }
    ++streams;
}

std::string format_summary(const summary_facts& facts, const run_totals& totals) {
    const auto& definitions = facts.definitions;
    std::size_t name_width = 10;  // "definition"
    for (const auto& d : definitions) name_width = std::max(name_width, std::min<std::size_t>(d.name.size(), 40));
    std::string out;
    char cell[64];
    auto pad = [&out](std::string_view text, std::size_t width, bool right) {
        const std::size_t fill = text.size() < width ? width - text.size() : 0;
        if (right) out.append(fill, ' ');
        out.append(text);
        if (!right) out.append(fill, ' ');
    };
    auto number = [&cell](std::uint64_t n) {
        std::snprintf(cell, sizeof cell, "%llu", static_cast<unsigned long long>(n));
        return std::string(cell);
    };

    out += "logmetrics: scanned " + number(totals.streams) + (totals.streams == 1 ? " stream" : " streams") +
           " with the " + std::string(facts.engine) + " engine in " + std::string(facts.mode) + " mode\n";
    pad("#", 4, true);
    out += "  ";
    pad("definition", name_width, false);
    out += "  ";
    pad("samples", 9, true);
    out += "  ";
    pad("rejected", 9, true);
    out += '\n';
    const std::string indent(4 + 2 + name_width + 2 + 9 + 2 + 9 + 2, ' ');
    for (std::size_t i = 0; i < definitions.size(); ++i) {
        const definition_totals& t = totals.per_definition[i];
        std::vector<std::string> notes;
        if (t.has_example) {
            std::string where = "line " + number(t.example_line);
            if (totals.streams > 1) where += " of " + t.example_stream;
            notes.push_back("first rejected: " + quote_text(t.example) + " on " + where);
        }
        if (t.match_errors > 0) {
            notes.push_back(number(t.match_errors) + " match error" + (t.match_errors == 1 ? "" : "s") +
                            " (the regex engine gave up on the line)");
        }
        if (i < facts.plans.size() && !facts.plans[i].empty()) notes.push_back(facts.plans[i]);

        pad(number(i), 4, true);
        out += "  ";
        pad(definitions[i].name, name_width, false);
        out += "  ";
        pad(number(t.samples), 9, true);
        out += "  ";
        pad(number(t.rejected), 9, true);
        for (std::size_t n = 0; n < notes.size(); ++n) {
            if (n > 0)
                out += '\n' + indent;
            else
                out += "  ";
            out += notes[n];
        }
        out += '\n';
    }
    const monitor_stats& all = totals.all;
    out += "total: " + number(all.bytes) + " bytes (" + human_bytes(all.bytes) + "), " + number(all.lines) +
           " lines, " + number(all.cut_lines) + " cut lines, " + number(all.samples) + " samples, " +
           number(all.rejected) + " rejected, ";
    if (all.match_errors > 0) out += number(all.match_errors) + " match errors, ";
    out += number(all.sink_errors) + " sink errors\n";
    std::snprintf(cell, sizeof cell, "time: %.3f s to compile, %.3f s to scan", facts.compile_seconds,
                  facts.scan_seconds);
    out += cell;
    if (all.bytes > 0 && facts.scan_seconds > 0) {
        out +=
            " (" + human_bytes(static_cast<std::uint64_t>(static_cast<double>(all.bytes) / facts.scan_seconds)) + "/s)";
    }
    out += '\n';
    return out;
}

}  // namespace logmetrics::cli
