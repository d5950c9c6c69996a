// SPDX-License-Identifier: MIT
#pragma once
// A differential check of the engines on any definitions and lines. The oracle is PCRE2's
// interpreter called directly through its C API (tests/support/pcre2_reference.hpp): no JIT, no
// literal filter, no Hyperscan, only the documented semantics. Against it:
// pcre2_matcher::match, hyperscan_matcher::match, and hyperscan_matcher::match_block over all
// the lines at once. Where PCRE2 gives up on a line (a match or depth limit; the JIT and the
// interpreter have different limits), that definition's result on that line is not compared.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "logmetrics/definition.hpp"
#include "logmetrics/matcher.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "testing/engines.hpp"
#include "testing/pcre2_reference.hpp"
#ifdef LOGMETRICS_HAS_HYPERSCAN
#include "logmetrics/matchers/hyperscan.hpp"
#endif

namespace fuzz {

/// One definition's result on one line; `gave_up` when the engine gave up.
using outcome = test_support::reference_outcome;

inline std::string describe(const outcome& o) {
    switch (o.kind) {
        case outcome::no_match: return "no match";
        case outcome::matched: return "[" + printable(o.text, 100) + "]";
        case outcome::group_unset: return "group 1 unset";
        case outcome::gave_up: return "gave up";
    }
    return "?";
}

/// Per line, per definition.
using outcome_table = std::vector<std::vector<outcome>>;

/// Fills `row` (one line's outcomes) from an engine's captures.
inline void record(const logmetrics::capture_list& captures, std::vector<outcome>& row) {
    for (const auto& c : captures) {
        FUZZ_CHECK(c.definition < row.size(), "capture of definition " << c.definition << " of " << row.size());
        FUZZ_CHECK(row[c.definition] == outcome{}, "two captures of definition " << c.definition << " on one line");
        switch (c.result) {
            case logmetrics::capture::status::matched:
                row[c.definition] = {outcome::matched, std::string(c.text)};
                break;
            case logmetrics::capture::status::group_unset: row[c.definition] = {outcome::group_unset, {}}; break;
            case logmetrics::capture::status::match_error: row[c.definition] = {outcome::gave_up, {}}; break;
        }
    }
    for (std::size_t i = 1; i < captures.size(); ++i) {
        FUZZ_CHECK(captures[i - 1].definition < captures[i].definition, "captures not in definition order");
    }
}

inline void compare(const char* engine, const logmetrics::definition_set& set, const outcome_table& want,
                    const outcome_table& got, const std::vector<std::string_view>& lines, const std::string& plans) {
    for (std::size_t line = 0; line < want.size(); ++line) {
        for (std::size_t i = 0; i < set.size(); ++i) {
            const outcome& a = want[line][i];
            const outcome& b = got[line][i];
            if (a.kind == outcome::gave_up || b.kind == outcome::gave_up || a == b) continue;
            FUZZ_CHECK(false, engine << " differs from PCRE2's interpreter on definition " << i << " ["
                                     << printable(set[i].regex) << "], line " << line << " [" << printable(lines[line])
                                     << "]: " << describe(b) << " instead of " << describe(a) << plans);
        }
    }
}

/// Everything compiled for one list of regexes. Compiling (Hyperscan's above all) costs far more
/// than matching, and most mutations change only the lines, so compiled sets are cached.
struct compiled_engines {
    explicit compiled_engines(const logmetrics::definition_set& definitions)
        : set(definitions), oracle(set), pcre2(set) {
#ifdef LOGMETRICS_HAS_HYPERSCAN
        try {
            hyperscan.emplace(set);
        } catch (const logmetrics::error& e) {  // e.g. a database too large: refusing is allowed
            FUZZ_CHECK(e.code() == logmetrics::errc::engine_failed, e.what());
            return;
        }
        plans = "\nplans:";
        for (std::size_t i = 0; i < set.size(); ++i) {
            plans += "\n  " + std::to_string(i) + " " + std::string(to_string(hyperscan->plan(i))) + " " +
                     hyperscan->plan_reason(i);
        }
#endif
    }

    logmetrics::definition_set set;
    test_support::pcre2_reference oracle;
    logmetrics::pcre2_matcher pcre2;
#ifdef LOGMETRICS_HAS_HYPERSCAN
    std::optional<logmetrics::hyperscan_matcher> hyperscan;
#endif
    std::string plans;
};

/// The engines for `set`, compiled or from the cache (keyed by the regexes alone: names do not
/// change what matches).
inline const compiled_engines& compile_engines(const logmetrics::definition_set& set) {
    static std::map<std::string, std::unique_ptr<compiled_engines>> cache;
    std::string key;
    for (const auto& d : set) key += std::to_string(d.regex.size()) + ":" + d.regex;
    if (auto it = cache.find(key); it != cache.end()) return *it->second;
    if (cache.size() >= 256) cache.clear();
    return *cache.emplace(key, std::make_unique<compiled_engines>(set)).first->second;
}

/// Runs every engine over `lines` (none may contain '\n') and checks each against the oracle.
inline void check_engines(const logmetrics::definition_set& definitions, const std::vector<std::string_view>& lines) {
    const compiled_engines& engines = compile_engines(definitions);
    const auto& set = engines.set;
    outcome_table want;
    for (auto line : lines) want.push_back(engines.oracle.match(line));

    auto pcre2_scratch = engines.pcre2.make_scratch();
    logmetrics::capture_list captures(set.size());
    outcome_table got(lines.size(), std::vector<outcome>(set.size()));
    for (std::size_t line = 0; line < lines.size(); ++line) {
        engines.pcre2.match(lines[line], pcre2_scratch, captures);
        record(captures, got[line]);
    }
    compare("pcre2_matcher::match", set, want, got, lines, "");

#ifdef LOGMETRICS_HAS_HYPERSCAN
    if (!engines.hyperscan) return;
    const auto& hyperscan = *engines.hyperscan;
    auto hs_scratch = hyperscan.make_scratch();
    got.assign(lines.size(), std::vector<outcome>(set.size()));
    for (std::size_t line = 0; line < lines.size(); ++line) {
        hyperscan.match(lines[line], hs_scratch, captures);
        record(captures, got[line]);
    }
    compare("hyperscan_matcher::match", set, want, got, lines, engines.plans);

    if constexpr (logmetrics::block_regex_matcher<logmetrics::hyperscan_matcher>) {
        std::string block;
        for (auto line : lines) (block += line) += '\n';
        got.assign(lines.size(), std::vector<outcome>(set.size()));
        std::size_t previous = 0;
        bool first = true;
        std::vector<std::uint32_t> ends;
        hyperscan.match_block(
            test_support::line_block_of(block, ends), hs_scratch, captures,
            [&](std::size_t index, std::string_view text, const logmetrics::capture_list& c) noexcept {
                FUZZ_CHECK(index < lines.size(), "line index " << index << " of " << lines.size());
                FUZZ_CHECK(first || index > previous, "line " << index << " after " << previous);
                FUZZ_CHECK(text == lines[index], "line " << index << " handed on as [" << printable(text) << "]");
                FUZZ_CHECK(!c.empty(), "line " << index << " handed on without captures");
                first = false;
                previous = index;
                record(c, got[index]);
            });
        compare("hyperscan_matcher::match_block", set, want, got, lines, engines.plans);
    }
#endif
}

}  // namespace fuzz
