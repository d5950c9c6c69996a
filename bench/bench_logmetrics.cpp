// SPDX-License-Identifier: MIT
//
// logmetrics against the alternatives, over one in-memory training log, in one binary (so the
// ratios hold on a noisy machine):
//
//   1. logmetrics, Hyperscan engine: framing, matching, capture, number parsing, samples to a sink
//   2. logmetrics, PCRE2 engine: the same pipeline
//   3. baseline: per line and per definition, PCRE2-JIT search and group 1
//   4. baseline: RE2::Set picks the candidate definitions of a line, RE2 captures
//   5. baseline: std::regex per line and per definition (on a small slice: it is very slow)
//   6. bound: Hyperscan with no captures, block mode per line (and one scan of the whole buffer)
//   7. bound: splitting lines (memchr)
//
// Before anything is timed, 1-5 must agree on the number of samples and on a checksum of
// (line, definition, value bits); the binary exits with status 1 when they do not. Every
// contestant parses values with logmetrics::parse_number, so only the matching differs.
//
// Environment: LOGMETRICS_BENCH_BYTES (log size, default 32 MiB), LOGMETRICS_BENCH_SLICE (bytes
// for std::regex, default 64 KiB). After the runs it prints the ratios the README quotes.

#include <benchmark/benchmark.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <logmetrics/logmetrics.hpp>

#include "testing/training_log.hpp"

namespace {

// ---------------------------------------------------------------------------------------------
// The workload
// ---------------------------------------------------------------------------------------------

std::size_t env_size(const char* name, std::size_t fallback) {
    const char* text = std::getenv(name);
    if (!text || !*text) return fallback;
    return static_cast<std::size_t>(std::strtoull(text, nullptr, 10));
}

/// Whole lines from the start of `text`, at most `bytes` of them.
std::string_view head_lines(std::string_view text, std::size_t bytes) {
    if (bytes >= text.size()) return text;
    std::size_t end = text.rfind('\n', bytes);
    return end == std::string_view::npos ? text.substr(0, 0) : text.substr(0, end + 1);
}

struct workload {
    std::string log;
    std::string_view slice;  // for std::regex
    logmetrics::definition_set set40;
    logmetrics::definition_set set10;

    static const workload& get() {
        static const workload instance = [] {
            workload w;
            w.log = lmbench::generate_training_log(env_size("LOGMETRICS_BENCH_BYTES", 32u << 20), 42);
            w.slice = head_lines(w.log, env_size("LOGMETRICS_BENCH_SLICE", 64u << 10));
            w.set40 = logmetrics::definition_set(lmbench::definitions_40());
            w.set10 = logmetrics::definition_set(lmbench::definitions_10());
            return w;
        }();
        return instance;
    }

    const logmetrics::definition_set& set(std::int64_t count) const { return count == 10 ? set10 : set40; }
};

// ---------------------------------------------------------------------------------------------
// What every contestant produces: a count and an order-sensitive checksum of the samples
// ---------------------------------------------------------------------------------------------

struct tally {
    std::uint64_t samples = 0;
    std::uint64_t checksum = 0;

    void add(std::uint64_t line, std::size_t definition, double value) noexcept {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &value, sizeof bits);
        std::uint64_t h = bits ^ (line * 0x9E3779B97F4A7C15ull) ^ (static_cast<std::uint64_t>(definition) << 48);
        checksum = (checksum ^ h) * 0x100000001B3ull;
        ++samples;
    }
    bool operator==(const tally&) const = default;
};

/// The sink of the logmetrics contestants: counts and checksums, nothing else.
class tally_sink {
public:
    explicit tally_sink(tally& out) : out_(&out) {}
    void write(const logmetrics::sample& s) noexcept { out_->add(s.line, s.definition, s.value); }
    void write(std::span<const logmetrics::sample> batch) noexcept {
        for (const auto& s : batch) write(s);
    }
    void flush() noexcept {}

private:
    tally* out_;
};

void add_capture(tally& t, std::uint64_t line, std::size_t definition, std::string_view text) {
    if (auto value = logmetrics::parse_number(text)) t.add(line, definition, *value);
}

// ---------------------------------------------------------------------------------------------
// 1, 2: logmetrics
// ---------------------------------------------------------------------------------------------

constexpr std::size_t chunk_size = 256 * 1024;  // what `logmetrics scan` reads at a time

template <class Matcher>
tally run_logmetrics(const std::shared_ptr<const Matcher>& matcher, std::string_view log,
                     logmetrics::framing_mode mode = logmetrics::framing_mode::raw) {
    tally t;
    logmetrics::monitor_options options;
    options.framing.mode = mode;
    options.clock = [] { return logmetrics::timestamp{}; };
    auto monitor = logmetrics::make_monitor(matcher, std::move(options), tally_sink(t));
    for (std::size_t pos = 0; pos < log.size(); pos += chunk_size) monitor.feed(log.substr(pos, chunk_size));
    monitor.finish();
    return t;
}

template <class Engine>
const auto& compiled(std::int64_t count) {
    using matcher = logmetrics::matcher_of<Engine>;
    static const std::shared_ptr<const matcher> m40 = logmetrics::compile(workload::get().set40, Engine{});
    static const std::shared_ptr<const matcher> m10 = logmetrics::compile(workload::get().set10, Engine{});
    return count == 10 ? m10 : m40;
}

// ---------------------------------------------------------------------------------------------
// 3: the plain PCRE2 loop
// ---------------------------------------------------------------------------------------------

class pcre2_loop {
public:
    explicit pcre2_loop(const logmetrics::definition_set& set) : data_(pcre2_match_data_create(2, nullptr)) {
        for (const auto& d : set) {
            int error = 0;
            PCRE2_SIZE offset = 0;
            pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(d.regex.data()), d.regex.size(), 0, &error,
                                             &offset, nullptr);
            if (!code) throw std::runtime_error("pcre2_loop: cannot compile " + d.regex);
            pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
            codes_.push_back(code);
        }
    }
    ~pcre2_loop() {
        for (auto* code : codes_) pcre2_code_free(code);
        pcre2_match_data_free(data_);
    }
    pcre2_loop(const pcre2_loop&) = delete;
    pcre2_loop& operator=(const pcre2_loop&) = delete;

    tally run(std::string_view log) const {
        tally t;
        std::uint64_t number = 0;
        for_each_line(log, [&](std::string_view line) {
            ++number;
            for (std::size_t i = 0; i < codes_.size(); ++i) {
                int rc = pcre2_match(codes_[i], reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), 0, 0, data_,
                                     nullptr);
                if (rc < 0) continue;  // no match (0 would only mean: more groups than kept)
                const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data_);
                if (rc == 1 || ov[2] == PCRE2_UNSET) continue;
                add_capture(t, number, i, line.substr(ov[2], ov[3] - ov[2]));
            }
        });
        return t;
    }

    template <class F>
    static void for_each_line(std::string_view log, F&& f) {
        const char* p = log.data();
        const char* end = p + log.size();
        while (p < end) {
            const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
            if (!nl) nl = end;
            f(std::string_view(p, static_cast<std::size_t>(nl - p)));
            p = nl + 1;
        }
    }

private:
    std::vector<pcre2_code*> codes_;
    pcre2_match_data* data_;
};

// ---------------------------------------------------------------------------------------------
// 4: RE2::Set, then RE2 for group 1
// ---------------------------------------------------------------------------------------------

class re2_set_loop {
public:
    explicit re2_set_loop(const logmetrics::definition_set& set) : set_(options(), RE2::UNANCHORED) {
        for (const auto& d : set) {
            regexes_.push_back(std::make_unique<RE2>(d.regex, options()));
            if (!regexes_.back()->ok()) throw std::runtime_error("RE2 cannot compile " + d.regex);
            std::string error;
            if (set_.Add(d.regex, &error) < 0) throw std::runtime_error("RE2::Set: " + error);
        }
        if (!set_.Compile()) throw std::runtime_error("RE2::Set::Compile failed");
    }

    tally run(std::string_view log) const {
        tally t;
        std::uint64_t number = 0;
        std::vector<int> hits;
        pcre2_loop::for_each_line(log, [&](std::string_view line) {
            ++number;
            hits.clear();
            if (!set_.Match(line, &hits)) return;
            std::sort(hits.begin(), hits.end());
            for (int i : hits) {
                re2::StringPiece groups[2];
                const RE2& regex = *regexes_[static_cast<std::size_t>(i)];
                if (regex.Match(line, 0, line.size(), RE2::UNANCHORED, groups, 2) && groups[1].data() != nullptr) {
                    add_capture(t, number, static_cast<std::size_t>(i),
                                std::string_view(groups[1].data(), groups[1].size()));
                }
            }
        });
        return t;
    }

private:
    static RE2::Options options() {
        RE2::Options o;
        o.set_encoding(RE2::Options::EncodingLatin1);  // bytes, like the other contestants
        o.set_log_errors(false);
        return o;
    }
    std::vector<std::unique_ptr<RE2>> regexes_;
    RE2::Set set_;
};

// ---------------------------------------------------------------------------------------------
// 5: std::regex
// ---------------------------------------------------------------------------------------------

class std_regex_loop {
public:
    explicit std_regex_loop(const logmetrics::definition_set& set) {
        for (const auto& d : set) regexes_.emplace_back(d.regex, std::regex::ECMAScript);
    }

    tally run(std::string_view log) const {
        tally t;
        std::uint64_t number = 0;
        std::match_results<std::string_view::const_iterator> m;
        pcre2_loop::for_each_line(log, [&](std::string_view line) {
            ++number;
            for (std::size_t i = 0; i < regexes_.size(); ++i) {
                if (!std::regex_search(line.begin(), line.end(), m, regexes_[i]) || !m[1].matched) continue;
                add_capture(t, number, i,
                            line.substr(static_cast<std::size_t>(m[1].first - line.begin()),
                                        static_cast<std::size_t>(m[1].length())));
            }
        });
        return t;
    }

private:
    std::vector<std::regex> regexes_;
};

// ---------------------------------------------------------------------------------------------
// 6: Hyperscan alone, no captures
// ---------------------------------------------------------------------------------------------

class hyperscan_bound {
public:
    enum class patterns { as_written, engine_filters };

    /// The definitions as written (prefilter mode where Hyperscan needs it), or the looser
    /// patterns the Hyperscan engine scans for instead (`scan_pattern`).
    hyperscan_bound(const logmetrics::definition_set& set, unsigned extra_flags,
                    patterns which = patterns::as_written) {
        logmetrics::hyperscan_matcher reference(set);
        std::vector<const char*> expressions;
        std::vector<unsigned> flags, ids;
        for (std::size_t i = 0; i < set.size(); ++i) {
            const auto plan = reference.plan(i);
            if (plan == logmetrics::hyperscan_plan::pcre2_only) continue;
            const bool as_written = which == patterns::as_written;
            if (as_written && plan == logmetrics::hyperscan_plan::filter &&
                !detail_compiles(set[i].regex, extra_flags)) {
                flags.push_back(extra_flags | HS_FLAG_PREFILTER);
            } else {
                flags.push_back(extra_flags | (plan == logmetrics::hyperscan_plan::prefilter ? HS_FLAG_PREFILTER : 0u));
            }
            expressions.push_back(as_written ? set[i].regex.c_str() : reference.scan_pattern(i).c_str());
            ids.push_back(static_cast<unsigned>(i));
        }
        compile(expressions, flags, ids);
        hs_alloc_scratch(db_, &scratch_);
    }

    static bool detail_compiles(const std::string& regex, unsigned flags) {
        return logmetrics::detail::hs_try_compile(regex, flags).empty();
    }

    void compile(const std::vector<const char*>& expressions, const std::vector<unsigned>& flags,
                 const std::vector<unsigned>& ids) {
        hs_compile_error_t* error = nullptr;
        if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                             HS_MODE_BLOCK, nullptr, &db_, &error) != HS_SUCCESS) {
            std::string message = error ? error->message : "?";
            hs_free_compile_error(error);
            throw std::runtime_error("hyperscan_bound: " + message);
        }
    }
    ~hyperscan_bound() {
        hs_free_scratch(scratch_);
        hs_free_database(db_);
    }
    hyperscan_bound(const hyperscan_bound&) = delete;
    hyperscan_bound& operator=(const hyperscan_bound&) = delete;

    std::uint64_t scan_lines(std::string_view log) const {
        std::uint64_t matches = 0;
        pcre2_loop::for_each_line(log, [&](std::string_view line) {
            static constexpr char empty[1] = {};
            hs_scan(db_, line.empty() ? empty : line.data(), static_cast<unsigned>(line.size()), 0, scratch_,
                    &count_match, &matches);
        });
        return matches;
    }

    std::uint64_t scan_buffer(std::string_view log) const {
        std::uint64_t matches = 0;
        hs_scan(db_, log.data(), static_cast<unsigned>(log.size()), 0, scratch_, &count_match, &matches);
        return matches;
    }

private:
    static int count_match(unsigned, unsigned long long, unsigned long long, unsigned, void* context) {
        ++*static_cast<std::uint64_t*>(context);
        return 0;
    }
    hs_database_t* db_ = nullptr;
    hs_scratch_t* scratch_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// The benchmarks
// ---------------------------------------------------------------------------------------------

void set_rates(benchmark::State& state, std::string_view text) {
    const auto lines = static_cast<std::int64_t>(std::count(text.begin(), text.end(), '\n'));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
    state.SetItemsProcessed(state.iterations() * lines);
}

template <class Engine>
void BM_logmetrics(benchmark::State& state) {
    const auto& w = workload::get();
    const auto& matcher = compiled<Engine>(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(run_logmetrics(matcher, w.log));
    set_rates(state, w.log);
}

void BM_logmetrics_hyperscan(benchmark::State& state) { BM_logmetrics<logmetrics::hyperscan_engine>(state); }
void BM_logmetrics_pcre2(benchmark::State& state) { BM_logmetrics<logmetrics::pcre2_engine>(state); }

/// The same pipeline in the other framing modes (no baseline frames this way, so no ratio).
template <logmetrics::framing_mode Mode>
void BM_logmetrics_hyperscan_mode(benchmark::State& state) {
    const auto& w = workload::get();
    const auto& matcher = compiled<logmetrics::hyperscan_engine>(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(run_logmetrics(matcher, w.log, Mode));
    set_rates(state, w.log);
}

void BM_pcre2_loop(benchmark::State& state) {
    const auto& w = workload::get();
    pcre2_loop loop(w.set(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(loop.run(w.log));
    set_rates(state, w.log);
}

void BM_re2_set(benchmark::State& state) {
    const auto& w = workload::get();
    re2_set_loop loop(w.set(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(loop.run(w.log));
    set_rates(state, w.log);
}

void BM_std_regex(benchmark::State& state) {
    const auto& w = workload::get();
    std_regex_loop loop(w.set(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(loop.run(w.slice));
    set_rates(state, w.slice);
}

void BM_hyperscan_per_line(benchmark::State& state) {
    const auto& w = workload::get();
    hyperscan_bound bound(w.set(state.range(0)), HS_FLAG_SINGLEMATCH);
    for (auto _ : state) benchmark::DoNotOptimize(bound.scan_lines(w.log));
    set_rates(state, w.log);
}

void BM_hyperscan_buffer(benchmark::State& state) {
    const auto& w = workload::get();
    hyperscan_bound bound(w.set(state.range(0)), HS_FLAG_MULTILINE);
    for (auto _ : state) benchmark::DoNotOptimize(bound.scan_buffer(w.log));
    set_rates(state, w.log);
}

/// What the Hyperscan engine's own database (its filter patterns) costs over the whole buffer.
void BM_hyperscan_filters_buffer(benchmark::State& state) {
    const auto& w = workload::get();
    hyperscan_bound bound(w.set(state.range(0)), HS_FLAG_MULTILINE, hyperscan_bound::patterns::engine_filters);
    for (auto _ : state) benchmark::DoNotOptimize(bound.scan_buffer(w.log));
    set_rates(state, w.log);
}

void BM_memchr_lines(benchmark::State& state) {
    const auto& w = workload::get();
    for (auto _ : state) {
        std::uint64_t lines = 0;
        pcre2_loop::for_each_line(w.log, [&](std::string_view line) { lines += !line.empty(); });
        benchmark::DoNotOptimize(lines);
    }
    set_rates(state, w.log);
}

/// Latency for a host feeding one line at a time from its training loop.
template <class Engine>
void BM_feed_line(benchmark::State& state) {
    static constexpr std::string_view noise =
        "2026-11-22 10:14:03,512 - INFO - torch.distributed - Added key: store_based_barrier_key:1 to store";
    static constexpr std::string_view metric = "[42]\ttrain-rmse:3.141590\tvalidation-rmse:3.412340";
    const std::string_view line = state.range(1) ? metric : noise;
    tally t;
    logmetrics::monitor_options options;
    options.framing.mode = logmetrics::framing_mode::raw;
    options.clock = [] { return logmetrics::timestamp{}; };
    auto monitor = logmetrics::make_monitor(compiled<Engine>(state.range(0)), std::move(options), tally_sink(t));
    for (auto _ : state) monitor.feed_line(line);
    if (state.range(1) && t.samples == 0) state.SkipWithError("the metric line gave no sample");
    if (!state.range(1) && t.samples != 0) state.SkipWithError("the noise line gave a sample");
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_feed_line_hyperscan(benchmark::State& state) { BM_feed_line<logmetrics::hyperscan_engine>(state); }
void BM_feed_line_pcre2(benchmark::State& state) { BM_feed_line<logmetrics::pcre2_engine>(state); }

/// Threads, each with its own monitor and stream, sharing one compiled matcher. Google Benchmark sums
/// the threads' bytes and iterations and divides by the wall-clock time (UseRealTime), so the rate
/// column is the total over all threads; the scaling printed after the run is the ratio of rates.
template <class Engine>
void BM_threads(benchmark::State& state) {
    const auto& w = workload::get();
    const auto& matcher = compiled<Engine>(40);
    for (auto _ : state) benchmark::DoNotOptimize(run_logmetrics(matcher, w.log));
    set_rates(state, w.log);
}

void BM_threads_hyperscan(benchmark::State& state) { BM_threads<logmetrics::hyperscan_engine>(state); }
void BM_threads_pcre2(benchmark::State& state) { BM_threads<logmetrics::pcre2_engine>(state); }

template <class Engine>
void BM_compile(benchmark::State& state) {
    const auto& set = workload::get().set(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(Engine{}.compile(set));
}

void BM_compile_hyperscan(benchmark::State& state) { BM_compile<logmetrics::hyperscan_engine>(state); }
void BM_compile_pcre2(benchmark::State& state) { BM_compile<logmetrics::pcre2_engine>(state); }

void register_benchmarks() {
    for (std::int64_t count : {40, 10}) {
        benchmark::RegisterBenchmark("logmetrics_hyperscan", BM_logmetrics_hyperscan)->Arg(count);
        benchmark::RegisterBenchmark("logmetrics_pcre2", BM_logmetrics_pcre2)->Arg(count);
        benchmark::RegisterBenchmark("pcre2_loop", BM_pcre2_loop)->Arg(count);
        benchmark::RegisterBenchmark("re2_set", BM_re2_set)->Arg(count);
        benchmark::RegisterBenchmark("std_regex_slice", BM_std_regex)->Arg(count);
        benchmark::RegisterBenchmark("hyperscan_per_line", BM_hyperscan_per_line)->Arg(count);
        benchmark::RegisterBenchmark("hyperscan_buffer", BM_hyperscan_buffer)->Arg(count);
        benchmark::RegisterBenchmark("hyperscan_filters_buffer", BM_hyperscan_filters_buffer)->Arg(count);
    }
    benchmark::RegisterBenchmark("memchr_lines", BM_memchr_lines);
    benchmark::RegisterBenchmark("logmetrics_hyperscan_sagemaker",
                                 BM_logmetrics_hyperscan_mode<logmetrics::framing_mode::sagemaker>)
        ->Arg(40);
    benchmark::RegisterBenchmark("logmetrics_hyperscan_terminal",
                                 BM_logmetrics_hyperscan_mode<logmetrics::framing_mode::terminal>)
        ->Arg(40);
    for (std::int64_t matching : {0, 1}) {
        benchmark::RegisterBenchmark("feed_line_hyperscan", BM_feed_line_hyperscan)->Args({40, matching});
        benchmark::RegisterBenchmark("feed_line_pcre2", BM_feed_line_pcre2)->Args({40, matching});
    }
    benchmark::RegisterBenchmark("threads_hyperscan", BM_threads_hyperscan)->Threads(1)->Threads(2)->UseRealTime();
    benchmark::RegisterBenchmark("threads_pcre2", BM_threads_pcre2)->Threads(1)->Threads(2)->UseRealTime();
    benchmark::RegisterBenchmark("compile_hyperscan", BM_compile_hyperscan)
        ->Arg(40)
        ->Arg(10)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("compile_pcre2", BM_compile_pcre2)->Arg(40)->Arg(10)->Unit(benchmark::kMillisecond);
}

// ---------------------------------------------------------------------------------------------
// Agreement, before timing
// ---------------------------------------------------------------------------------------------

bool agree(const char* what, const tally& reference, const tally& other) {
    const bool same = reference == other;
    std::printf("  %-34s %10" PRIu64 " samples  checksum %016" PRIx64 "  %s\n", what, other.samples, other.checksum,
                same ? "ok" : "DISAGREES");
    return same;
}

bool check_agreement() {
    const auto& w = workload::get();
    std::printf("agreement over %zu bytes (std::regex over the first %zu):\n", w.log.size(), w.slice.size());
    bool ok = true;
    for (std::int64_t count : {40, 10}) {
        const auto& set = w.set(count);
        std::printf(" %lld definitions\n", static_cast<long long>(count));
        pcre2_loop loop(set);
        const tally reference = loop.run(w.log);
        ok &= agree("pcre2 loop (reference)", reference, reference);
        ok &= agree("logmetrics hyperscan", reference,
                    run_logmetrics(compiled<logmetrics::hyperscan_engine>(count), w.log));
        ok &= agree("logmetrics pcre2", reference, run_logmetrics(compiled<logmetrics::pcre2_engine>(count), w.log));
        ok &= agree("re2 set", reference, re2_set_loop(set).run(w.log));
        const tally slice_reference = loop.run(w.slice);
        ok &= agree("std::regex (slice)", slice_reference, std_regex_loop(set).run(w.slice));
        if (reference.samples == 0) {
            std::printf("  no samples at all: the workload is broken\n");
            ok = false;
        }
    }
    return ok;
}

// ---------------------------------------------------------------------------------------------
// Ratios, printed after the runs
// ---------------------------------------------------------------------------------------------

class ratio_reporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const auto& run : runs) {
            if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
            auto it = run.counters.find("bytes_per_second");
            if (it == run.counters.end()) continue;
            rates_[run.benchmark_name()] = it->second.value;
            // For threads_*, real_accumulated_time is the wall-clock time (already divided among the
            // threads) and the rate is the total over them.
            if (run.benchmark_name().rfind("threads_", 0) == 0)
                threads_[run.benchmark_name()] = {it->second.value, static_cast<int>(run.threads),
                                                  run.real_accumulated_time};
        }
    }

    /// Prints the ratios and the thread scaling; false if the scaling is impossible.
    bool print_ratios() const {
        std::printf("\nratios (MiB/s over MiB/s, same log, same run; the targets are for 40 definitions):\n");
        for (const char* count : {"40", "10"}) {
            auto rate = [&](const std::string& name) {
                auto it = rates_.find(name + "/" + count);
                return it == rates_.end() ? 0.0 : it->second;
            };
            auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
            const double hs = rate("logmetrics_hyperscan"), pc = rate("logmetrics_pcre2"), loop = rate("pcre2_loop"),
                         re2 = rate("re2_set"), bound = rate("hyperscan_per_line");
            if (loop == 0) continue;
            std::printf(" %s definitions:\n", count);
            std::printf("  1/6 hyperscan engine / hyperscan bound %6.2fx  (target: >= 1)\n", ratio(hs, bound));
            std::printf("  1/3 hyperscan engine / pcre2 loop      %6.2fx  (the bound itself: %.2fx)\n", ratio(hs, loop),
                        ratio(bound, loop));
            std::printf("  1/4 hyperscan engine / re2 set         %6.2fx  (the bound itself: %.2fx)\n", ratio(hs, re2),
                        ratio(bound, re2));
            std::printf("  2/3 pcre2 engine / pcre2 loop          %6.2fx  (target: >= 2)\n", ratio(pc, loop));
        }
        return print_scaling();
    }

private:
    /// Scaling = total rate with T threads / rate with one thread. It cannot exceed T: a figure above
    /// T (beyond timing noise) means the one-thread run was slowed by other load, or the formula is
    /// wrong (a time per iteration that Google Benchmark already divided among the threads, times T,
    /// gave 4x on 2 cores). Either way the run's figures are not usable, so it fails.
    bool print_scaling() const {
        static constexpr double noise = 0.05;       // tolerated excess over T, as a fraction of T
        static constexpr double min_seconds = 0.1;  // shorter runs (smoke, --quick) are not figures
        std::printf("\nscaling with 2 threads sharing one compiled matcher (two-thread rate / one-thread rate):\n");
        bool ok = true;
        for (const char* engine : {"hyperscan", "pcre2"}) {
            const std::string name = std::string("threads_") + engine + "/real_time/threads:";
            auto one = threads_.find(name + "1"), two = threads_.find(name + "2");
            if (one == threads_.end() || two == threads_.end() || one->second.rate <= 0) continue;
            const double scaling = two->second.rate / one->second.rate;
            const auto threads = static_cast<double>(two->second.threads);
            std::printf("  %-9s %.2fx  (%.0f MiB/s with %d threads, %.0f MiB/s with 1)", engine, scaling,
                        two->second.rate / 1048576, two->second.threads, one->second.rate / 1048576);
            if (std::min(one->second.seconds, two->second.seconds) < min_seconds) {
                std::printf("  runs under %.1f s: not a figure, not checked\n", min_seconds);
                continue;
            }
            std::printf("\n");
            if (scaling > threads * (1 + noise)) {
                std::fflush(stdout);
                std::fprintf(stderr,
                             "bench_logmetrics: the %s scaling %.2fx exceeds %d threads (+%.0f%% noise): "
                             "impossible, so the one-thread run was disturbed or the scaling is computed wrongly; "
                             "these figures are not usable\n",
                             engine, scaling, two->second.threads, noise * 100);
                ok = false;
            }
        }
        return ok;
    }

    struct threads_run {
        double rate = 0;  // bytes per second over all threads
        int threads = 0;
        double seconds = 0;  // wall-clock time measured
    };
    std::map<std::string, threads_run> threads_;
    std::map<std::string, double> rates_;
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    if (!check_agreement()) {
        std::fprintf(stderr, "bench_logmetrics: the contestants disagree; nothing was timed\n");
        return 1;
    }
    register_benchmarks();
    ratio_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    const bool scaling_ok = reporter.print_ratios();
    benchmark::Shutdown();
    return scaling_ok ? 0 : 1;
}
