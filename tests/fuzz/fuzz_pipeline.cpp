// SPDX-License-Identifier: MIT
// Fuzz target: the whole pipeline (monitor.hpp) with a fixed set of definitions chosen to cover
// every Hyperscan plan (exact, prefilter, pcre2-only) and the tricky parts of PCRE: lazy and
// greedy quantifiers, anchors, \s*, alternation, lookahead and lookbehind, \K, back-references,
// an optional group 1, word boundaries, case-insensitivity, integer definitions.
//
// Input: [mode] [max_line_length choice] [batch size choice] [chunk count] [chunk sizes...] [log...]
// The log is fed in those chunks to monitors over PCRE2, Hyperscan and the tests' std::regex
// matcher, and in one chunk to another PCRE2 monitor. All must give the same samples (name,
// value bits, integer, line) and the same counts. std::regex runs only where its semantics are
// PCRE's for these patterns and its recursion is safe:
//  - not in raw mode: ECMAScript's `.` does not match \r, PCRE's does (only raw lines keep \r);
//  - without the definitions it cannot compile (lookbehind, \K, inline (?i));
//  - on logs up to 1 KiB (lines up to 4 KiB once escaped): libstdc++'s regex recurses once per
//    character, and a 16 KB line overflows an 8 MB stack under ASan (a limit of std::regex,
//    not of logmetrics).
// Also checked: a sink that throws on every third write is counted exactly, and does not keep
// the sink after it from getting every sample.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "logmetrics/monitor.hpp"
#include "testing/std_regex_matcher.hpp"
#ifdef LOGMETRICS_HAS_HYPERSCAN
#include "logmetrics/matchers/hyperscan.hpp"
#endif

using namespace logmetrics;

namespace {

struct fixed_definition {
    const char* name;
    const char* regex;
    value_type type;
    bool std_regex;  // ECMAScript can take it with PCRE's meaning
};

// Names are unique, so samples of the std::regex subset can be matched up by name.
const fixed_definition fixed_definitions[] = {
    {"loss", R"(loss=(\S+))", value_type::real, true},
    {"train:error", R"(Train_error=(.*?);)", value_type::real, true},  // lazy
    {"epoch", R"(^epoch (\d+))", value_type::integer, true},           // anchored, integer
    {"acc", R"(acc(?:uracy)?\s*[:=]\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?))", value_type::real, true},
    {"val_loss", R"((?:val_loss|validation-loss|valid loss)[:=] ?(\S+))", value_type::real, true},
    {"lr", R"(lr=(\d+(?:\.\d+)?)(?=[ ,;]|$))", value_type::real, true},    // lookahead: prefilter
    {"throughput", R"((?<=throughput: )(\d+))", value_type::real, false},  // lookbehind
    {"tag", R"(<(\w+)>(\d+)</\1>)", value_type::real, true},               // back-reference
    {"count", R"(^\s*(\d*)$)", value_type::real, true},                    // matches "": pcre2-only
    {"validation:rmse", R"(.*\[[0-9]+\].*#011validation-rmse:(\S+))", value_type::real, true},
    {"step", R"(step=\K(\d+))", value_type::integer, false},  // \K
    {"perplexity", R"((?i)perplexity\s*=\s*(\S+))", value_type::real, false},
    {"f1", R"(\bf1\b[^0-9]*([0-9.]+))", value_type::real, true},
    {"time", R"(time: (inf|nan|-?\d+\.\d+)(?: s)?)", value_type::real, true},
    {"tokens", R"([Tt]okens[ =]+(\d+))", value_type::integer, true},
    {"opt", R"(opt(x)?=(\d+))", value_type::real, true},  // group 1 may not take part
};

definition_set make_set(bool std_regex_only) {
    std::vector<metric_definition> list;
    for (const auto& d : fixed_definitions) {
        if (!std_regex_only || d.std_regex) list.push_back({d.name, d.regex, d.type});
    }
    return definition_set(std::move(list));
}

struct seen {
    std::string name;
    std::uint64_t bits;
    std::int64_t integer;
    std::uint64_t line;
    bool operator==(const seen&) const = default;
};

struct recorder {
    std::vector<seen> samples;
    void write(const sample& s) {
        samples.push_back({std::string(s.name), std::bit_cast<std::uint64_t>(s.value), s.integer, s.line});
    }
    void flush() {}
};

struct every_third_throws {
    std::uint64_t writes = 0, throws = 0;
    void write(const sample&) {
        if (++writes % 3 == 0) {
            ++throws;
            throw std::runtime_error("every third write fails");
        }
    }
    void flush() {}
};

std::string describe(const std::vector<seen>& samples) {
    std::string text;
    for (const auto& s : samples) {
        text += "\n  line " + std::to_string(s.line) + " " + s.name + " bits " + std::to_string(s.bits) + " int " +
                std::to_string(s.integer);
    }
    return text;
}

struct run {
    std::vector<seen> samples;
    monitor_stats totals;
    std::vector<definition_stats> per_definition;
};

template <class Matcher, class... Extra>
run scan(std::shared_ptr<const Matcher> matcher, const monitor_options& options, std::string_view log,
         const std::vector<std::size_t>& sizes, Extra&... extra) {
    recorder sink;
    auto m = make_monitor(std::move(matcher), options, sink, extra...);
    fuzz::feed_in_chunks(log, sizes, [&](std::string_view chunk) { m.feed(chunk); });
    m.finish();
    run out{std::move(sink.samples), m.stats(), {m.per_definition().begin(), m.per_definition().end()}};
    FUZZ_CHECK(out.totals.samples == out.samples.size(),
               out.totals.samples << " samples counted, " << out.samples.size() << " delivered");
    FUZZ_CHECK(out.totals.bytes == log.size(), out.totals.bytes << " bytes counted of " << log.size());
    std::uint64_t previous = 0;
    for (const auto& s : out.samples) {
        FUZZ_CHECK(s.line >= 1 && s.line <= out.totals.lines && s.line >= previous, "line " << s.line);
        previous = s.line;
    }
    return out;
}

void check_same(const run& a, const run& b, const char* what, std::string_view log) {
    FUZZ_CHECK(a.samples == b.samples, what << ", log [" << fuzz::printable(log) << "]\nfirst:" << describe(a.samples)
                                            << "\nsecond:" << describe(b.samples));
    FUZZ_CHECK(a.totals.lines == b.totals.lines && a.totals.cut_lines == b.totals.cut_lines &&
                   a.totals.rejected == b.totals.rejected && a.totals.match_errors == b.totals.match_errors,
               what << ": counts differ, log [" << fuzz::printable(log) << "]");
    for (std::size_t i = 0; i < a.per_definition.size(); ++i) {
        FUZZ_CHECK(a.per_definition[i].rejected == b.per_definition[i].rejected &&
                       a.per_definition[i].rejected_example == b.per_definition[i].rejected_example &&
                       a.per_definition[i].rejected_example_line == b.per_definition[i].rejected_example_line,
                   what << ": rejections of definition " << i << " differ");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Compiled once: the matchers are immutable and shared, as in real use.
    static const auto definitions = make_set(false);
    static const auto pcre2 = compile(definitions, pcre2_engine{});
#ifdef LOGMETRICS_HAS_HYPERSCAN
    static const auto hyperscan = compile(definitions, hyperscan_engine{});
#endif
    static const auto std_definitions = make_set(true);
    static const auto std_regex = compile(std_definitions, test_support::std_regex_engine{});

    fuzz::input in(data, size);
    monitor_options options;
    options.framing.mode = static_cast<framing_mode>(in.byte() % 3);
    options.framing.max_line_length = fuzz::choose_max_line_length(in.byte());
    const std::uint8_t batch = in.byte();
    options.batch_size = batch < 128 ? 1 + batch % 8u : 256;
    options.clock = [] { return timestamp{}; };
    options.on_sink_error = [](const sink_error&) {};
    const auto sizes = fuzz::read_chunk_sizes(in);
    const std::string_view log = in.rest();

    every_third_throws failing;
    recorder after_failing;
    const run chunked = scan(pcre2, options, log, sizes, failing, after_failing);
    FUZZ_CHECK(after_failing.samples == chunked.samples, "a failing sink kept the next one from samples");
    FUZZ_CHECK(chunked.totals.sink_errors == failing.throws,
               chunked.totals.sink_errors << " sink errors counted, " << failing.throws << " thrown");

    check_same(chunked, scan(pcre2, options, log, {}), "pcre2 in chunks vs pcre2 in one chunk", log);
#ifdef LOGMETRICS_HAS_HYPERSCAN
    check_same(chunked, scan(hyperscan, options, log, sizes), "pcre2 vs hyperscan", log);
#endif

    if (options.framing.mode != framing_mode::raw && log.size() <= 1024) {
        const run with_std = scan(std_regex, options, log, sizes);
        run subset;
        for (const auto& s : chunked.samples) {
            for (const auto& d : std_definitions) {
                if (d.name == s.name) subset.samples.push_back(s);
            }
        }
        FUZZ_CHECK(subset.samples == with_std.samples,
                   "pcre2 vs std::regex, log [" << fuzz::printable(log) << "]\npcre2:" << describe(subset.samples)
                                                << "\nstd::regex:" << describe(with_std.samples));
        for (std::size_t i = 0, j = 0; i < definitions.size(); ++i) {
            if (!fixed_definitions[i].std_regex) continue;
            FUZZ_CHECK(chunked.per_definition[i].rejected == with_std.per_definition[j].rejected,
                       "pcre2 vs std::regex: rejections of " << definitions[i].name << " differ");
            ++j;
        }
    }
    return 0;
}
