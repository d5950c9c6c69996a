// SPDX-License-Identifier: MIT
#pragma once
// statsd_format: samples as StatsD gauges, packed into UDP datagrams, in the plain (Etsy) StatsD
// dialect or in DogStatsD's (Datadog), which adds tags. Pure: it appends the datagrams' bytes to a
// `statsd_packets` and does no I/O (statsd_sink sends them).
//
// Sources: Etsy StatsD, docs/metric_types.md at v0.9.0 (statsd/statsd@df71701): `name:value|g`,
// several metrics per datagram separated by `\n`, "keep the total length of the payload within
// your network's MTU" (1432 bytes for Fast Ethernet), and "you can't explicitly set a gauge to a
// negative number without first setting it to zero" (a signed gauge value is a delta). DogStatsD:
// https://docs.datadoghq.com/extend/dogstatsd/datagram_shell (`<NAME>:<VALUE>|g|#<K>:<V>,<K2>:<V2>`;
// names of ASCII letters, digits, `_` and `.`) and "Getting started with tags"
// (https://docs.datadoghq.com/getting_started/tagging/: tags of letters, digits, `_ - : . /`,
// "other special characters are converted to underscores").
//
// What it writes, one line per sample, e.g. (DogStatsD, stream label "algo-1", label job=train-7):
//
//     train_loss:0.25|g|#stream:algo-1,job:train-7
//     lr:0|g|#stream:algo-1,job:train-7
//     lr:-3|g|#stream:algo-1,job:train-7
//
// - Every sample is a gauge (`|g`): the server keeps the last value of each flush interval (10 s
//   by default in both servers); StatsD has no timestamps, so steps inside one interval collapse
//   to the last. StatsD suits live monitoring, not whole curves (use remote-write or InfluxDB).
// - A negative value is two lines, `name:0|g` then `name:-3|g`, always in one datagram: a lone
//   `-3` would be subtracted from the gauge. Values are the shortest text that reads back as the
//   double (`0.25`, `1e+20`; `-0` is sent as `0`), integer-typed values exactly.
// - Names (`statsd_metric_name`): `prefix + name`, then
//     vanilla:   the characters the protocol reserves, `:` `|` `@` `#` and `,`, and whitespace and
//                control characters (newline included) become `_` (`train:loss` -> `train_loss`,
//                `val loss` -> `val_loss`); other characters stay (Etsy StatsD itself turns `/`
//                into `-` and drops what is not `[a-zA-Z0-9_.;=-]`);
//     dogstatsd: Datadog's rule: every character outside `[a-zA-Z0-9_.]` becomes `_` (what
//                Datadog would do on its side, done here so that two names that would meet are
//                seen), `eval/accuracy` -> `eval_accuracy`.
//   A UTF-8 sequence is one character. An empty name is `_`. Two metrics that get one name are a
//   configuration error when the format is made (`statsd_metric_names`), naming both.
// - Tags (DogStatsD only; the vanilla dialect sends none and refuses constant tags): the stream
//   label as `stream_tag:LABEL` (unless `stream_tag` is empty or the label is), then the constant
//   tags in the order given, `|#k:v,k2:v2`. Keys and values are rewritten by Datadog's tag rule:
//   ASCII characters outside `[a-zA-Z0-9_.:/-]` become `_` (in keys `:` too, since the first `:`
//   ends the key); other bytes stay (Datadog takes Unicode letters). Datadog lowercases tags on
//   its side; they are sent as given, so that other DogStatsD servers see them unchanged.
// - Packing: lines are joined with `\n` (no newline after the last) into datagrams of at most
//   `max_datagram_bytes`; a line (or a negative value's pair) is never split across datagrams.
//
// What it drops, counted by reason (`drops()`, every reason a `drop_cause::format_rule`):
//   "non-finite value"  NaN or an infinity: StatsD has no text for them (Etsy StatsD counts `NaN`
//                       as a bad line and takes `Infinity` as a number);
//   "line too long"     a line (a negative value's pair) longer than `max_datagram_bytes`;
//   "unknown metric"    a sample whose `metric` is not one of the metrics the format was made with
//                       (or whose name is not that metric's).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/text/json_escape.hpp"
#include "../detail/text/number_text.hpp"
#include "../error.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// The two StatsD dialects.
enum class statsd_dialect : std::uint8_t {
    vanilla,    ///< Etsy StatsD: `name:value|g`, no tags
    dogstatsd,  ///< DogStatsD (Datadog Agent): `name:value|g|#k:v,...`
};

/// How statsd_format names, tags and packs its gauges. Checked when the format is made.
struct statsd_options {
    statsd_dialect dialect = statsd_dialect::vanilla;
    /// Put before every metric name, then the naming rule applies to the whole (e.g. "train.").
    std::string prefix{};
    /// The largest datagram, in bytes: 1432 (Fast Ethernet's MTU less the IP and UDP headers, the
    /// StatsD docs' advice and the Datadog clients' default); 8932 for jumbo frames, 512 across the
    /// internet. From 64 to 65507 (the largest UDP payload over IPv4).
    std::size_t max_datagram_bytes = 1432;
    /// DogStatsD: the tag key whose value is the sample's stream label; empty: no such tag.
    std::string stream_tag = "stream";
    /// DogStatsD: constant tags (key, value), e.g. {"job", "train-7"}; keys not empty, each once
    /// and not the stream tag. Refused by the vanilla dialect, which has no tags.
    std::vector<std::pair<std::string, std::string>> tags{};
};

namespace detail {

constexpr bool is_statsd_alnum(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// Appends `text` rewritten by Datadog's tag rule (the top of formats/statsd.hpp); `key`: `:` too.
inline void append_statsd_tag_text(fmt::memory_buffer& out, std::string_view text, bool key) {
    for (const char c : text) {
        const bool kept = static_cast<unsigned char>(c) >= 0x80 || is_statsd_alnum(c) || c == '_' || c == '-' ||
                          c == '.' || c == '/' || (c == ':' && !key);
        out.push_back(kept ? c : '_');
    }
}

}  // namespace detail

/// The StatsD name of `name` in `dialect`, by the rule at the top of this file (`prefix` first).
/// Allocates the result.
inline std::string statsd_metric_name(std::string_view name, statsd_dialect dialect, std::string_view prefix = {}) {
    std::string result;
    result.reserve(prefix.size() + name.size());
    const auto add = [&result, dialect](std::string_view text) {
        for (std::size_t i = 0; i < text.size();) {
            const char c = text[i];
            if (static_cast<unsigned char>(c) >= 0x80) {
                bool valid = false;
                const std::size_t length = detail::scan_utf8(text, i, valid);
                if (dialect == statsd_dialect::dogstatsd) {
                    result.push_back('_');
                } else {
                    result.append(text.substr(i, length));
                }
                i += length;
                continue;
            }
            bool kept = false;
            if (dialect == statsd_dialect::dogstatsd) {
                kept = detail::is_statsd_alnum(c) || c == '_' || c == '.';
            } else {
                kept = static_cast<unsigned char>(c) > 0x20 && c != 0x7f &&
                       std::string_view(":|@#,").find(c) == std::string_view::npos;
            }
            result.push_back(kept ? c : '_');
            ++i;
        }
    };
    add(prefix);
    add(name);
    if (result.empty()) result = "_";
    return result;
}

/// The StatsD names of a list of metrics (a definition set's `metric_names()`, which a sample's
/// `metric` indexes), checked for collisions. Immutable once made; thread-safe to read.
class statsd_metric_names {
public:
    /// Throws `error(errc::invalid_argument)` when two of `metrics` get one name, naming both.
    statsd_metric_names(std::span<const std::string> metrics, statsd_dialect dialect, std::string_view prefix = {})
        : metrics_(metrics.begin(), metrics.end()) {
        names_.reserve(metrics_.size());
        for (const std::string& metric : metrics_) names_.push_back(statsd_metric_name(metric, dialect, prefix));
        for (std::size_t i = 0; i < names_.size(); ++i) {
            for (std::size_t j = i + 1; j < names_.size(); ++j) {
                if (names_[i] != names_[j]) continue;
                LOGMETRICS_THROW(error(
                    errc::invalid_argument,
                    fmt::format("statsd: the metrics {:?} and {:?} would both be named {} ({}); rename one of them",
                                metrics_[i], metrics_[j], names_[i],
                                dialect == statsd_dialect::dogstatsd
                                    ? "DogStatsD: characters other than a-z A-Z 0-9 _ . become _"
                                    : "StatsD: : | @ # , whitespace and control characters become _")));
            }
        }
    }

    std::size_t size() const noexcept { return names_.size(); }
    /// The metric names as given.
    const std::vector<std::string>& metrics() const noexcept { return metrics_; }
    /// The StatsD name of metric `i`.
    const std::string& operator[](std::size_t i) const noexcept { return names_[i]; }

private:
    std::vector<std::string> metrics_;
    std::vector<std::string> names_;
};

/// Datagrams made by statsd_format: their bytes back to back, and where each ends. Reused from
/// batch to batch (clear()), so that it stops allocating once grown.
class statsd_packets {
public:
    void clear() noexcept {
        bytes_.clear();
        packets_.clear();
    }
    /// How many datagrams.
    std::size_t size() const noexcept { return packets_.size(); }
    bool empty() const noexcept { return packets_.empty(); }
    /// The bytes of datagram `i`.
    std::string_view operator[](std::size_t i) const noexcept {
        const std::size_t begin = i == 0 ? 0 : packets_[i - 1].end;
        return {bytes_.data() + begin, packets_[i].end - begin};
    }
    /// How many samples datagram `i` carries.
    std::size_t samples(std::size_t i) const noexcept { return packets_[i].samples; }

private:
    friend class statsd_format;
    struct packet {
        std::size_t end = 0;
        std::size_t samples = 0;
    };
    fmt::memory_buffer bytes_;
    std::vector<packet> packets_;
};

/// Formats batches of samples as StatsD gauges in datagrams (see the top of this file). One
/// object per output; not thread-safe. Appending does not allocate once its buffers have grown.
class statsd_format {
public:
    static constexpr std::size_t min_datagram_bytes = 64;
    static constexpr std::size_t max_udp_payload = 65507;

    /// The drop reasons, in the order `drops()` lists them.
    enum class drop_reason : std::uint8_t { non_finite, too_long, unknown_metric };
    static constexpr std::size_t drop_reasons = 3;

    /// For `metrics`, the metric names that samples' `metric` indexes (a definition set's
    /// `metric_names()`). Throws `error(errc::invalid_argument)` for bad options or when two
    /// metrics get one name.
    explicit statsd_format(std::span<const std::string> metrics, statsd_options options = {})
        : options_(std::move(options)), names_(metrics, options_.dialect, options_.prefix) {
        check_options();
    }

    const statsd_options& options() const noexcept { return options_; }
    const statsd_metric_names& names() const noexcept { return names_; }

    /// Appends the gauges of `batch` to `out`: to its last datagram while that has room, then to
    /// new ones. Returns how many samples were written (the others are counted in drops()).
    std::size_t append(statsd_packets& out, std::span<const sample> batch) {
        std::size_t written = 0;
        for (const sample& s : batch) {
            if (s.metric >= names_.size() || s.name != names_.metrics()[s.metric]) {
                count(drop_reason::unknown_metric);
                continue;
            }
            const bool real = s.type == value_type::real;
            if (real && !std::isfinite(s.value)) {
                count(drop_reason::non_finite);
                continue;
            }
            const bool negative = real ? s.value < 0 : s.integer < 0;
            line_.clear();
            const std::string& name = names_[s.metric];
            if (negative) {
                detail::append_text(line_, name);
                detail::append_text(line_, ":0|g");
                append_tags(line_, s.stream);
                line_.push_back('\n');
            }
            detail::append_text(line_, name);
            line_.push_back(':');
            if (real) {
                detail::append_double(line_, s.value == 0 ? 0.0 : s.value);  // -0 is a delta of 0
            } else {
                detail::append_integer(line_, s.integer);
            }
            detail::append_text(line_, "|g");
            append_tags(line_, s.stream);
            if (line_.size() > options_.max_datagram_bytes) {
                count(drop_reason::too_long);
                continue;
            }
            add_line(out);
            ++written;
        }
        return written;
    }

    /// Samples dropped so far, by reason, in the order of `drop_reason`; static strings.
    std::span<const drop_count> drops() const noexcept { return drops_; }
    std::uint64_t dropped(drop_reason reason) const noexcept { return drops_[static_cast<std::size_t>(reason)].count; }

private:
    [[noreturn]] static void refuse(const std::string& message) {
        LOGMETRICS_THROW(error(errc::invalid_argument, "statsd: " + message));
    }

    void check_options() {
        if (options_.max_datagram_bytes < min_datagram_bytes || options_.max_datagram_bytes > max_udp_payload) {
            refuse(fmt::format("max_datagram_bytes {}: from {} to {}", options_.max_datagram_bytes, min_datagram_bytes,
                               max_udp_payload));
        }
        const bool dog = options_.dialect == statsd_dialect::dogstatsd;
        if (!dog && !options_.tags.empty()) {
            refuse(fmt::format("tag {:?}: plain StatsD has no tags (use the dogstatsd dialect)",
                               options_.tags.front().first));
        }
        constant_tags_.clear();
        stream_key_.clear();
        if (!dog) return;
        detail::append_statsd_tag_text(stream_key_, options_.stream_tag, true);
        std::vector<std::string> keys;
        if (!options_.stream_tag.empty()) keys.emplace_back(stream_key_.data(), stream_key_.size());
        for (const auto& [key, value] : options_.tags) {
            if (key.empty()) refuse("a tag with an empty key");
            fmt::memory_buffer rewritten;
            detail::append_statsd_tag_text(rewritten, key, true);
            std::string k(rewritten.data(), rewritten.size());
            if (std::find(keys.begin(), keys.end(), k) != keys.end()) {
                refuse(fmt::format("tag key {:?} given twice (or the stream tag's)", key));
            }
            keys.push_back(k);
            if (constant_tags_.size() != 0) constant_tags_.push_back(',');
            detail::append_text(constant_tags_, k);
            if (!value.empty()) {
                constant_tags_.push_back(':');
                detail::append_statsd_tag_text(constant_tags_, value, false);
            }
        }
    }

    void count(drop_reason reason) noexcept { ++drops_[static_cast<std::size_t>(reason)].count; }

    /// Appends `|#stream:LABEL,k:v...` (DogStatsD, when there is a tag).
    void append_tags(fmt::memory_buffer& out, std::string_view stream) {
        if (options_.dialect != statsd_dialect::dogstatsd) return;
        const bool with_stream = !options_.stream_tag.empty() && !stream.empty();
        if (!with_stream && constant_tags_.size() == 0) return;
        detail::append_text(out, "|#");
        if (with_stream) {
            detail::append_text(out, {stream_key_.data(), stream_key_.size()});
            out.push_back(':');
            detail::append_statsd_tag_text(out, stream, false);
            if (constant_tags_.size() != 0) out.push_back(',');
        }
        detail::append_text(out, {constant_tags_.data(), constant_tags_.size()});
    }

    /// Adds line_ to the last datagram of `out` if it fits, else to a new one.
    void add_line(statsd_packets& out) {
        auto& packets = out.packets_;
        const std::size_t start = packets.empty() ? 0 : (packets.size() == 1 ? 0 : packets[packets.size() - 2].end);
        const bool fits =
            !packets.empty() && packets.back().end - start + 1 + line_.size() <= options_.max_datagram_bytes;
        if (fits) {
            out.bytes_.push_back('\n');
        } else {
            packets.push_back({out.bytes_.size(), 0});
        }
        detail::append_text(out.bytes_, {line_.data(), line_.size()});
        packets.back().end = out.bytes_.size();
        ++packets.back().samples;
    }

    statsd_options options_;
    statsd_metric_names names_;
    fmt::memory_buffer constant_tags_;  // "k:v,k2:v2", rewritten
    fmt::memory_buffer stream_key_;     // the stream tag's key, rewritten
    fmt::memory_buffer line_;
    std::array<drop_count, drop_reasons> drops_ = {{{"non-finite value", 0, drop_cause::format_rule},
                                                    {"line too long", 0, drop_cause::format_rule},
                                                    {"unknown metric", 0, drop_cause::format_rule}}};
};

LOGMETRICS_END_NAMESPACE
