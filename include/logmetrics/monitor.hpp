// SPDX-License-Identifier: MIT
#pragma once
// monitor: the pipeline for one stream, read top to bottom in the class below:
//   frame          bytes (any chunks) -> runs of whole lines (line_framer, line_block.hpp)
//   match          each run -> captures per line (in one pass for a block matcher)
//   build samples  captures -> typed samples with their line number, time and step
//   deliver        batches of samples -> every sink (detail/sink_set.hpp), and a tick each second
//
//     auto definitions = logmetrics::load_definitions("metrics.json");
//     logmetrics::memory_store store;
//     auto monitor = logmetrics::make_monitor(definitions, logmetrics::pcre2_engine{}, store);
//     monitor.feed(chunk);   // any bytes, any chunk boundaries
//     monitor.finish();      // the last line, then flush
//     store.last("validation:error");
//
// One monitor serves one stream and is not thread-safe; many monitors (one per thread or stream)
// can share one compiled matcher through `compile()`. feed() never throws and, once warmed up,
// never allocates: an unparsable value is counted and kept as an example, a throwing sink is
// caught, counted and reported to the error handler by the sink's name, and the other sinks go on
// (detail/sink_set.hpp). Sinks with `tick(now)` are ticked at least once a second while fed.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "config.hpp"
#include "definition.hpp"
#include "detail/sink_set.hpp"
#include "error.hpp"
#include "framer.hpp"
#include "matcher.hpp"
#include "number.hpp"
#include "sample.hpp"
#include "sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

struct monitor_options {
    framing_options framing{};
    /// The stream's label, carried by every sample (a file name, "stdin", a pod name...).
    std::string stream{};
    /// Where timestamps come from; the wall clock when empty. Must not throw. Read at most once per
    /// feed(), feed_line() or finish() call (the lines of one call arrived together), never per line.
    std::function<timestamp()> clock{};
    /// When set, the step of every sample is the latest value seen of this metric (e.g. "epoch"),
    /// truncated to an integer; 0 before the first. A line that has a sample of it gives every
    /// sample of that line that value, those before it in the line included; a negative, NaN or
    /// infinite value leaves the step as it was. When empty, a sample's step is the count of its
    /// metric's earlier samples. `monitor::set_step()` overrides both.
    std::string step_metric{};
    /// Samples are handed to sinks in batches of at most this many, and at the end of each feed().
    std::size_t batch_size = 256;
    /// Called for each exception a sink throws, with the sink's position and name; by default the
    /// first error of each sink is printed to stderr. All are counted either way.
    sink_error_handler on_sink_error{};
};

/// Counts for one definition.
struct definition_stats {
    std::uint64_t samples = 0;
    std::uint64_t rejected = 0;      ///< captures that were not numbers, or group 1 did not take part
    std::uint64_t match_errors = 0;  ///< lines the regex engine gave up on (backtracking limits)
    std::string rejected_example;    ///< the first rejected capture's text (cut to 120 bytes)
    std::uint64_t rejected_example_line = 0;

    /// Adds another stream's counts for the same definition; the first example stays.
    definition_stats& operator+=(const definition_stats& other) {
        samples += other.samples;
        rejected += other.rejected;
        match_errors += other.match_errors;
        if (rejected_example.empty() && !other.rejected_example.empty()) {
            rejected_example = other.rejected_example;
            rejected_example_line = other.rejected_example_line;
        }
        return *this;
    }
};

/// Counts for the whole stream; they reconcile: samples + rejected = captures.
struct monitor_stats {
    std::uint64_t bytes = 0;
    std::uint64_t lines = 0;
    std::uint64_t cut_lines = 0;
    std::uint64_t samples = 0;
    std::uint64_t rejected = 0;
    std::uint64_t match_errors = 0;
    std::uint64_t sink_errors = 0;  ///< exceptions sinks threw (each counted once)
    std::uint64_t sink_lost = 0;    ///< samples lost in the writes that threw (a batch sink: the batch)
    std::uint64_t sink_drops = 0;   ///< samples sinks reported as dropped (e.g. an async queue full)

    /// Adds another stream's counts (e.g. the totals of many files).
    monitor_stats& operator+=(const monitor_stats& other) noexcept {
        bytes += other.bytes;
        lines += other.lines;
        cut_lines += other.cut_lines;
        samples += other.samples;
        rejected += other.rejected;
        match_errors += other.match_errors;
        sink_errors += other.sink_errors;
        sink_lost += other.sink_lost;
        sink_drops += other.sink_drops;
        return *this;
    }
};

namespace detail {

/// The longest rejected example a definition keeps, in bytes.
inline constexpr std::size_t rejected_example_limit = 120;

/// Every definition's counts at zero, each with room for its rejected example (so that keeping
/// one never allocates while fed).
LOGMETRICS_DECL std::vector<definition_stats> make_definition_stats(std::size_t definitions);

/// Checks what a monitor is given: a positive batch size and, when `step_metric` is set, a
/// defined metric, whose index among `definitions.metric_names()` it returns. Throws
/// `error(errc::invalid_argument)` otherwise.
LOGMETRICS_DECL std::optional<std::size_t> check_monitor_options(const monitor_options& options,
                                                                 const definition_set& definitions);

}  // namespace detail

/// The pipeline for one stream: frame -> match -> build samples -> deliver (see the top of this
/// file). Made by `make_monitor`; `Sinks` are values (owned) or lvalue references (held).
///
/// @note Not thread-safe: one monitor per stream, each on one thread at a time.
template <regex_matcher Matcher, metric_sink... Sinks>
class monitor {
public:
    /// Throws `error(errc::invalid_argument)` for a batch size of 0, an unknown step metric or
    /// framing options out of range, and what the matcher throws making its scratch.
    monitor(std::shared_ptr<const Matcher> matcher, monitor_options options, Sinks... sinks)
        : matcher_(std::move(matcher)),
          options_(std::move(options)),
          sinks_(options_.on_sink_error, detail::unhandled_policy::print_first, std::forward<Sinks>(sinks)...),
          framer_(options_.framing, run_lines),
          scratch_(matcher_->make_scratch()),
          captures_(matcher_->definitions().size()),
          definition_stats_(detail::make_definition_stats(matcher_->definitions().size())),
          metric_counts_(matcher_->definitions().metric_names().size(), 0),
          step_metric_(detail::check_monitor_options(options_, matcher_->definitions())) {
        batch_.reserve(options_.batch_size + matcher_->definitions().size());
    }

    monitor(const monitor&) = delete;
    monitor& operator=(const monitor&) = delete;
    monitor(monitor&&) = default;

    /// Feeds bytes, split anywhere. Samples of complete lines reach the sinks before it returns.
    void feed(std::string_view bytes) noexcept {
        run_matcher match_runs = start_call();
        framer_.feed(bytes, match_runs);
        end_call();
    }

    /// Feeds one line and ends it (a '\n' is added). After a feed() that ended mid-line, it
    /// continues that line: one monitor is one stream.
    void feed_line(std::string_view line) noexcept {
        run_matcher match_runs = start_call();
        framer_.feed_line(line, match_runs);
        end_call();
    }

    /// End of the stream: frames the last unterminated line, delivers, ticks the sinks that have
    /// `tick`, flushes every sink.
    void finish() noexcept {
        run_matcher match_runs = start_call();
        framer_.finish(match_runs);
        deliver();
        if constexpr (sink_set_type::any_ticking()) tick(feed_time());
        sinks_.flush();
    }

    /// finish(), then closes every sink that has `close()`: for a monitor that owns its sinks.
    void close() noexcept {
        finish();
        sinks_.close();
    }

    /// Delivers what is batched and flushes every sink.
    void flush() noexcept {
        deliver();
        sinks_.flush();
    }

    /// From now on, every sample's step is `step` (for hosts that know their training step).
    void set_step(std::uint64_t step) noexcept { host_step_ = step; }

    const Matcher& matcher() const noexcept { return *matcher_; }
    const definition_set& definitions() const noexcept { return matcher_->definitions(); }
    const monitor_options& options() const noexcept { return options_; }
    const definition_stats& stats(std::size_t definition) const noexcept { return definition_stats_[definition]; }
    /// Every definition's counts, in definition order.
    std::span<const definition_stats> per_definition() const noexcept { return definition_stats_; }

    /// How many sinks the monitor delivers to.
    static constexpr std::size_t sink_count() noexcept { return sizeof...(Sinks); }
    /// Sink `i`'s name: its `name()` when it has a non-empty one, else "sink <i>".
    std::string_view sink_name(std::size_t i) const noexcept { return sinks_.name(i); }
    /// Exceptions sink `i` threw so far.
    std::uint64_t sink_errors(std::size_t i) const noexcept { return sinks_.errors(i); }
    /// Samples sink `i` lost because it threw: each failed single-sample write loses its sample, a
    /// failed batch write its batch (a fanout without a handler that rethrows counts as one sink).
    std::uint64_t sink_lost(std::size_t i) const noexcept { return sinks_.lost(i); }
    /// What sink `i`'s last failure said (empty when none); valid until its next failure.
    std::string_view sink_last_error(std::size_t i) const noexcept { return sinks_.last_error(i); }
    /// The samples sink `i` reports as dropped, by reason (empty when it counts none); valid until
    /// the next call.
    std::span<const drop_count> sink_drops(std::size_t i) const { return sinks_.drops(i); }

    monitor_stats stats() const noexcept {
        monitor_stats total;
        total.bytes = framer_.stats().bytes;
        total.lines = framer_.stats().lines;
        total.cut_lines = framer_.stats().cut_lines;
        for (const auto& s : definition_stats_) {
            total.samples += s.samples;
            total.rejected += s.rejected;
            total.match_errors += s.match_errors;
        }
        total.sink_errors = sinks_.errors();
        total.sink_lost = sinks_.lost();
        try {
            total.sink_drops = sinks_.drops();
        } catch (...) {  // a sink's drops() failed to allocate: leave the count at 0
        }
        return total;
    }

    /// The sink at position I, as given.
    template <std::size_t I>
    auto& sink() noexcept {
        return sinks_.list().template get<I>();
    }

private:
    using sink_set_type = detail::sink_set<detail::sink_tuple<Sinks...>>;
    static constexpr std::chrono::seconds tick_interval{1};
    // A block matcher scans long runs in one pass. A matcher that takes lines one by one gets short
    // runs, so it reads each line while the framer's scan left it in L1 (16 lines of a training
    // log are about 2 KiB); with 4096-line runs the PCRE2 engine measured 5% slower.
    static constexpr std::size_t run_lines = block_regex_matcher<Matcher> ? line_framer::default_max_run_lines : 16;

    // ---- each feed call: frame -> match -> build samples -> deliver ----

    /// What the framer calls with each run of whole lines. One type for feed, feed_line and
    /// finish, passed as an lvalue by all three, so the framer is compiled once per monitor type.
    struct run_matcher {
        monitor* self;
        void operator()(const line_block& lines) const noexcept { self->match(lines); }
    };

    /// The start of a feed call: the lines it brings arrived together, so the clock is read at
    /// most once per call (`feed_time()`); returns what the framer hands the runs to.
    run_matcher start_call() noexcept {
        feed_time_.reset();
        return run_matcher{this};
    }

    /// The end of feed and feed_line: what is batched reaches the sinks, and the tick when due.
    void end_call() noexcept {
        deliver();
        tick_if_due();
    }

    // ---- match: a block of lines from the framer -> captures, line by line ----

    /// A block matcher scans the whole block at once; another gets its lines one by one.
    void match(const line_block& lines) noexcept {
        auto on_captures = [&](std::size_t i, std::string_view line, const capture_list& captures) noexcept {
            build_samples(captures, lines.number(i), feed_time(), cut_edges(lines, i, line));
        };
        if constexpr (block_regex_matcher<Matcher>) {
            matcher_->match_block(lines, scratch_, captures_, on_captures);
        } else {
            for (std::size_t i = 0; i < lines.size(); ++i) {
                const std::string_view line = lines.line(i);
                matcher_->match(line, scratch_, captures_);
                if (!captures_.empty()) on_captures(i, line, captures_);
            }
        }
    }

    timestamp read_clock() const noexcept {
        return options_.clock ? options_.clock() : std::chrono::system_clock::now();
    }

    /// The time of the current feed (feed, feed_line or finish): the lines it brings arrived
    /// together, so the clock is read once per call, when first needed, never per line or run.
    timestamp feed_time() noexcept {
        if (!feed_time_) feed_time_ = read_clock();
        return *feed_time_;
    }

    /// Where a piece of a cut line was cut: a capture that reaches a cut may have lost digits
    /// there (`0.12345678` cut after `0.1`), so it is rejected rather than taken as a value.
    struct cut_edge_view {
        const char* begin = nullptr;  ///< the piece starts mid-line here (null: a real line start)
        const char* end = nullptr;    ///< the piece was cut here (null: a real line end)

        bool touches(std::string_view text) const noexcept {
            return (begin != nullptr && text.data() == begin) || (end != nullptr && text.data() + text.size() == end);
        }
    };

    static cut_edge_view cut_edges(const line_block& lines, std::size_t i, std::string_view line) noexcept {
        return {lines.resumed_at(i) ? line.data() : nullptr,
                lines.continued_at(i) ? line.data() + line.size() : nullptr};
    }

    // ---- build samples: captures of one line -> typed samples with their steps ----

    void build_samples(const capture_list& captures, std::uint64_t line, timestamp now, cut_edge_view cut) noexcept {
        const std::size_t first = batch_.size();
        const auto& definitions = matcher_->definitions();
        std::optional<double> step_value;
        for (const capture& c : captures) {
            auto& stats = definition_stats_[c.definition];
            if (c.result == capture::status::match_error) {
                ++stats.match_errors;
                continue;
            }
            const metric_definition& definition = definitions[c.definition];
            sample s;
            s.definition = c.definition;
            s.metric = definitions.metric_of(c.definition);
            s.name = definition.name;
            s.type = definition.type;
            s.time = now;
            s.line = line;
            s.stream = options_.stream;
            if ((c.result == capture::status::matched && cut.touches(c.text)) || !to_value(c, definition.type, s)) {
                reject(stats, c, line);
                continue;
            }
            if (step_metric_ && s.metric == *step_metric_) step_value = s.value;
            ++stats.samples;
            batch_.push_back(s);
        }
        // Steps last: a step metric on this line is the step of every sample of this line. A step is
        // a count: a negative, NaN or infinite value, or one past 2^64, leaves it as it was.
        if (step_value && *step_value >= 0 && *step_value < 18446744073709551616.0) {
            current_step_ = static_cast<std::uint64_t>(*step_value);
        }
        for (std::size_t i = first; i < batch_.size(); ++i) {
            sample& s = batch_[i];
            std::uint64_t& count = metric_counts_[s.metric];
            s.step = host_step_ ? *host_step_ : step_metric_ ? current_step_ : count;
            ++count;
        }
        if (batch_.size() >= options_.batch_size) deliver();
    }

    static bool to_value(const capture& c, value_type type, sample& s) noexcept {
        if (c.result != capture::status::matched) return false;
        if (type == value_type::integer) {
            auto integer = parse_integer(c.text);
            if (!integer) return false;
            s.integer = *integer;
            s.value = static_cast<double>(*integer);
            return true;
        }
        auto value = parse_number(c.text);
        if (!value) return false;
        s.value = *value;
        return true;
    }

    void reject(definition_stats& stats, const capture& c, std::uint64_t line) noexcept {
        if (stats.rejected++ == 0) {
            std::string_view text = c.result == capture::status::group_unset ? "(group 1 did not take part)" : c.text;
            stats.rejected_example.assign(text.substr(0, detail::rejected_example_limit));  // within reserved capacity
            stats.rejected_example_line = line;
        }
    }

    // ---- deliver: samples -> every sink (detail/sink_set.hpp), and the periodic tick ----

    /// Hands the batched samples to every sink, at most `batch_size` per call (a sink that takes
    /// one sample at a time gets each in its own guarded call).
    void deliver() noexcept {
        const std::span<const sample> all(batch_.data(), batch_.size());
        for (std::size_t at = 0; at < all.size(); at += options_.batch_size) {
            sinks_.write(all.subspan(at, std::min(options_.batch_size, all.size() - at)));
        }
        batch_.clear();
    }

    /// Ticks the sinks that have `tick` when a second or more has passed on the monitor's clock
    /// (or it went back).
    void tick_if_due() noexcept {
        if constexpr (sink_set_type::any_ticking()) {
            const timestamp now = feed_time();
            if (!last_tick_ || now < *last_tick_ || now - *last_tick_ >= tick_interval) tick(now);
        }
    }

    void tick(timestamp now) noexcept {
        last_tick_ = now;
        sinks_.tick(now);
    }

    std::shared_ptr<const Matcher> matcher_;
    monitor_options options_;
    sink_set_type sinks_;
    line_framer framer_;
    typename Matcher::scratch_type scratch_;
    capture_list captures_;
    std::vector<sample> batch_;
    std::vector<definition_stats> definition_stats_;
    std::vector<std::uint64_t> metric_counts_;  // per metric: samples so far (the default step)
    std::optional<std::size_t> step_metric_;
    std::optional<std::uint64_t> host_step_;
    std::uint64_t current_step_ = 0;
    std::optional<timestamp> last_tick_;
    std::optional<timestamp> feed_time_;  // the clock read by the current feed call, once needed
};

/// Makes a monitor over a matcher shared with other monitors. Sinks passed as lvalues are held by
/// reference (they must outlive the monitor); rvalues are moved in.
template <regex_matcher Matcher, metric_sink... Sinks>
monitor<Matcher, Sinks...> make_monitor(std::shared_ptr<const Matcher> matcher, monitor_options options,
                                        Sinks&&... sinks) {
    return monitor<Matcher, Sinks...>(std::move(matcher), std::move(options), std::forward<Sinks>(sinks)...);
}

/// Compiles `definitions` with `engine` and makes a monitor over them.
template <matcher_engine Engine, metric_sink... Sinks>
monitor<matcher_of<Engine>, Sinks...> make_monitor(const definition_set& definitions, const Engine& engine,
                                                   monitor_options options, Sinks&&... sinks) {
    return make_monitor(compile(definitions, engine), std::move(options), std::forward<Sinks>(sinks)...);
}

template <matcher_engine Engine, metric_sink... Sinks>
monitor<matcher_of<Engine>, Sinks...> make_monitor(const definition_set& definitions, const Engine& engine,
                                                   Sinks&&... sinks) {
    return make_monitor(compile(definitions, engine), monitor_options{}, std::forward<Sinks>(sinks)...);
}

LOGMETRICS_END_NAMESPACE

#if !defined(LOGMETRICS_SEPARATE_COMPILATION)
#include "impl/monitor.hpp"
#endif
