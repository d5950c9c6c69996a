// SPDX-License-Identifier: MIT
#pragma once
// pushgateway_sink: the last value of each series, pushed to a Prometheus Pushgateway, which
// Prometheus then scrapes (`honor_labels: true`). For the final and current values of a training
// job; a whole curve needs timestamps, which the Pushgateway refuses (use remote-write for that).
//
// Sources: prometheus/pushgateway README.md at v1.5.1 (commit 837f8e6), "API" (PUT, DELETE,
// status codes, the grouping key) and "About timestamps"; checked against Pushgateway 1.5.1 on
// loopback (tests/integration/pushgateway/run.sh; ../shared/BACKENDS.md section 2).
//
// What it sends:
//  - `PUT <url>/metrics/job/<JOB>{/<LABEL>/<VALUE>}` (formats/pushgateway.hpp: the grouping key,
//    `@base64` for values with `/` and for empty ones), with `Content-Type: text/plain;
//    version=0.0.4; charset=utf-8` and, as body, formats/prometheus.hpp's exposition of every
//    series' last value: one gauge family per metric (the naming rule of prometheus_names.hpp),
//    the stream label and the constant labels on each series, no timestamps (the Pushgateway
//    refuses a push with any). PUT replaces the whole group, so a push always carries every
//    series, and a series the run has stopped writing keeps its last value.
//  - NaN, +Inf and -Inf are sent as they are (`NaN`, `+Inf`, `-Inf`): the text format has them,
//    the Pushgateway 1.5.1 takes them (tried: it serves them, and `/api/v1/metrics` shows
//    "NaN"), and a loss that became NaN is worth seeing. Filter them before the sink otherwise.
//  - When: by `tick(now)` (the monitor ticks about once a second while it is fed) and by
//    `flush()` (which is `tick` at the sink's clock: the CLI flushes after every read of a pipe,
//    and the interval must bound the pushes however often that is), when a value changed since
//    the last push the server accepted and `interval` (default 15 s, the usual scrape interval:
//    pushing more often shows nothing more to Prometheus) has passed since the last attempt (the
//    first push at once). After a push that got no answer or a 5xx/429, the next one is tried
//    at the first tick `retry_interval` (default 1 s: the next tick) after it. After a 4xx (the
//    push was refused, e.g. a metric of another group with the same name but another type), the
//    next push waits for a new value: the same body would be refused again.
//  - `close()` (the end of a run): a last PUT when a value changed since the last accepted push;
//    or, with `delete_on_exit`, `DELETE` of the group instead (no last PUT: the values would be
//    deleted at once), since the Pushgateway never forgets a group by itself.
// No queue is needed: a push carries the current values, so a retry after a failure sends what
// is current then.
//
// What it drops, counted by reason (`drops()`), never throwing from write() or tick():
//   "unknown metric"  formats/prometheus.hpp;
//   "push failed"     a value that a push carried when it got no answer (refused, timed out...)
//                     or a 5xx/429, and that no later push delivered: a newer value of its series
//                     replaced it first, or the run ended (close() without a successful last
//                     push). Counted once per such value, at the next push attempt or at close;
//   "push rejected"   the same for a push the server refused (another 4xx), whose message is in
//                     `last_error()`.
// Not drops: values replaced by a newer value of their series between two pushes, which were
// never meant to be sent (a push carries the current values, at most once per interval), and,
// with `delete_on_exit`, values not delivered when the group is deleted.
// A failed push sets `last_error()` ("PUT URL: 500 <the server's message>", or the transport's
// reason), and counts in `failed_pushes()` (no answer, 5xx, 429) or `rejected_pushes()` (other
// 4xx).
//
// Thread safety: none, like every sink; behind async_sink (the CLI's way) a slow or absent server
// holds up only its worker. A push allocates in libcurl and http_client (the header list, the
// answer); the body is written into a reused buffer.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../config.hpp"
#include "../error.hpp"
#include "../formats/prometheus.hpp"
#include "../formats/pushgateway.hpp"
#include "../sample.hpp"
#include "../sink.hpp"
#include "client.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Where and when pushgateway_sink pushes.
struct pushgateway_options {
    /// The group: job and grouping labels (formats/pushgateway.hpp).
    pushgateway_grouping grouping{};
    /// At most one push by tick()/flush() per interval, when a value changed. Zero: at every tick
    /// with a change.
    std::chrono::milliseconds interval = std::chrono::seconds(15);
    /// After a push that got no answer or a 5xx/429: the next one at the first tick this long after.
    std::chrono::milliseconds retry_interval = std::chrono::seconds(1);
    /// close() deletes the group (DELETE) instead of pushing the last values.
    bool delete_on_exit = false;
    /// Timeouts, TLS, extra headers (http/client.hpp).
    http_options http{};
};

/// Pushes the last value of each series to a Pushgateway group (see the top of this file).
class pushgateway_sink {
public:
    static constexpr std::size_t drop_reasons = prometheus_format::drop_reasons + 2;
    /// The time flush() goes by; the system clock when empty. Give the clock that tick()'s times
    /// come from (the monitor's) when that is not the system clock: a flush time behind the last
    /// tick's reads as a clock set back, which pushes at once.
    using clock_function = std::function<timestamp()>;

    /// For the Pushgateway at `url` (`http://HOST[:PORT][/PREFIX]` or https://, the server's root:
    /// the sink adds `/metrics/job/...`; a trailing `/` is ignored) and the metrics that samples'
    /// `metric` indexes (a definition set's `metric_names()`). Sends nothing yet. Throws
    /// `error(errc::invalid_argument)` for another URL shape, a bad grouping key, format options
    /// (formats/prometheus.hpp: e.g. two metrics with one Prometheus name) or a label that the
    /// grouping key would overwrite (formats/pushgateway.hpp); `error(errc::io_error)` when
    /// libcurl cannot be set up.
    pushgateway_sink(std::string_view url, std::span<const std::string> metrics, prometheus_options format = {},
                     pushgateway_options options = {}, clock_function clock = {})
        : format_(metrics, std::move(format)),
          options_(std::move(options)),
          clock_(std::move(clock)),
          url_(check_url(url) + pushgateway_group_path(options_.grouping)),
          name_("pushgateway:" + url_),
          client_(options_.http),
          pending_(format_.names().size()) {
        check_pushgateway_exposition(format_, options_.grouping);
        const auto inner = format_.drops();
        std::copy(inner.begin(), inner.end(), drops_.begin());
        drops_[failed_index] = {"push failed", 0};
        drops_[rejected_index] = {"push rejected", 0};
        headers_.push_back(fmt::format("Content-Type: {}", prometheus_text_content_type));
    }

    /// Records a sample's value (the next push carries it).
    void write(const sample& s) { write(std::span<const sample>(&s, 1)); }

    /// Records a batch's values (the next push carries the last of each series).
    void write(std::span<const sample> batch) {
        const std::uint64_t before = format_.observed();
        format_.observe(batch);
        if (format_.observed() != before) dirty_ = true;
    }

    /// Pushes when a value changed since the last accepted push and the interval (or, after a
    /// failure, the retry interval) has passed since the last attempt, or `now` is before it (the
    /// clock was set back). Failures are counted, never thrown.
    void tick(timestamp now) noexcept {
        if (!dirty_) return;
        if (last_attempt_ && now >= *last_attempt_ &&
            now - *last_attempt_ < (retrying_ ? options_.retry_interval : options_.interval)) {
            return;
        }
        last_attempt_ = now;
        push();
    }

    /// tick() at the sink's clock (see the top of this file: the interval bounds the pushes
    /// however often the caller flushes). Never throws.
    void flush() noexcept {
        try {
            tick(now());
        } catch (...) {  // the clock threw: no push now, the next tick pushes
        }
    }

    /// The end of the output: deletes the group (`delete_on_exit`), or pushes the last values when
    /// one changed since the last accepted push, and counts the values that never reached the
    /// server (drops()). Throws `error(errc::io_error)` naming the URL and the reason when that
    /// push or the DELETE failed.
    void close() {
        if (options_.delete_on_exit) {
            for (auto& family : pending_) std::fill(family.begin(), family.end(), pending{});
            dirty_ = false;
            retrying_ = false;
            remove();
            return;
        }
        outcome last = outcome::delivered;
        if (dirty_) last = push();
        for (auto& family : pending_) {  // the values that never reached the server
            for (pending& one : family) {
                if (one.count != 0) ++drops_[one.reason].count;
                one = {};
            }
        }
        if (last != outcome::delivered) LOGMETRICS_THROW(error(errc::io_error, last_error_));
    }

    /// Samples dropped so far, by reason (see the top of this file); static strings.
    std::span<const drop_count> drops() const noexcept {
        drops_[0] = format_.drops()[0];
        return drops_;
    }

    /// "pushgateway:" and the group's URL.
    std::string_view name() const noexcept { return name_; }
    /// The group's URL (the server's root and the grouping key's path).
    const std::string& url() const noexcept { return url_; }

    /// Pushes the server accepted (2xx).
    std::uint64_t pushes() const noexcept { return pushes_; }
    /// Pushes that got no answer, or a 5xx or 429 (tried again).
    std::uint64_t failed_pushes() const noexcept { return failed_; }
    /// Pushes the server refused with another status (a 4xx: not tried again until a value changes).
    std::uint64_t rejected_pushes() const noexcept { return rejected_; }
    /// Why the last failed push (or DELETE) failed: "PUT URL: 400 <message>" or the transport's
    /// reason; empty while none did.
    const std::string& last_error() const noexcept { return last_error_; }
    /// Whether the group was deleted (close() with `delete_on_exit`, answered 2xx).
    bool deleted() const noexcept { return deleted_; }

    const prometheus_format& format() const noexcept { return format_; }
    const pushgateway_options& options() const noexcept { return options_; }

private:
    static constexpr std::size_t failed_index = prometheus_format::drop_reasons;
    static constexpr std::size_t rejected_index = prometheus_format::drop_reasons + 1;

    enum class outcome : std::uint8_t { delivered, failed, rejected };

    /// A series whose current value a failed push carried: its summary's count then (0: none),
    /// and the drop reason if a newer value replaces it before a push delivers it.
    struct pending {
        std::uint64_t count = 0;
        std::uint8_t reason = 0;
    };

    static std::string check_url(std::string_view url) {
        const auto refuse = [url](std::string_view why) {
            detail::refuse_pushgateway(fmt::format("{:?} {}", url, why));
        };
        std::string_view rest = url;
        if (rest.starts_with("http://")) {
            rest.remove_prefix(7);
        } else if (rest.starts_with("https://")) {
            rest.remove_prefix(8);
        } else {
            refuse("is not an http:// or https:// URL");
        }
        if (rest.empty() || rest.front() == '/' || rest.front() == ':') refuse("has no host");
        if (rest.find_first_of("?# \t\r\n") != std::string_view::npos) {
            refuse("has a query, a fragment or a space; give the server's root (http://HOST:PORT)");
        }
        if (rest.find("/metrics/") != std::string_view::npos || rest.ends_with("/metrics")) {
            refuse(
                "has a /metrics path; give the server's root (http://HOST:PORT): the job and grouping labels "
                "make the rest");
        }
        while (url.ends_with('/')) url.remove_suffix(1);
        return std::string(url);
    }

    timestamp now() const { return clock_ ? clock_() : std::chrono::system_clock::now(); }

    /// One PUT of the current values; counts and settles its outcome. Never throws.
    outcome push() noexcept {
        outcome result = outcome::failed;
        try {
            buffer_.clear();
            format_.append(buffer_);
            const http_response response =
                client_.request("PUT", url_, std::string_view(buffer_.data(), buffer_.size()), headers_);
            if (response.ok()) {
                result = outcome::delivered;
            } else {
                result = response.retryable() ? outcome::failed : outcome::rejected;
                note_error("PUT", response);
            }
        } catch (const error& e) {
            note_error(e.message());
        } catch (const std::exception& e) {
            note_error(e.what());
        } catch (...) {
            note_error("PUT: unknown failure");
        }
        settle(result);
        return result;
    }

    /// DELETE of the group; throws io_error when it failed.
    void remove() {
        std::optional<http_response> response;
        try {
            response = client_.request("DELETE", url_);
        } catch (const error& e) {
            note_error(e.message());
            LOGMETRICS_THROW(error(errc::io_error, last_error_));
        }
        if (!response->ok()) {
            note_error("DELETE", *response);
            LOGMETRICS_THROW(error(errc::io_error, last_error_));
        }
        deleted_ = true;
    }

    void note_error(std::string_view method, const http_response& response) noexcept {
        std::string_view message = response.body;
        while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.remove_suffix(1);
        try {
            last_error_ = fmt::format("{} {}: {} {}", method, url_, response.status, message);
        } catch (...) {  // out of memory: the message stays the last one
        }
    }

    void note_error(std::string_view what) noexcept {
        try {
            last_error_ = what;
        } catch (...) {  // out of memory: the message stays the last one
        }
    }

    /// After a push: counts the values that a failed push carried and a newer value replaced
    /// before this one; then marks the current values as delivered, or as carried by a failed push.
    void settle(outcome result) noexcept {
        switch (result) {
            case outcome::delivered:
                ++pushes_;
                dirty_ = false;
                retrying_ = false;
                break;
            case outcome::failed:
                ++failed_;
                retrying_ = true;
                break;
            case outcome::rejected:
                ++rejected_;
                dirty_ = false;  // the same body would be refused again: wait for a new value
                retrying_ = false;
                break;
        }
        const auto reason = static_cast<std::uint8_t>(result == outcome::rejected ? rejected_index : failed_index);
        std::size_t family = format_.names().size(), position = 0;
        format_.for_each_series([&](std::size_t metric, const prometheus_format::series& one) {
            position = metric == family ? position + 1 : 0;
            family = metric;
            std::vector<pending>& list = pending_[metric];
            if (list.size() <= position) {
                try {
                    list.resize(position + 1);
                } catch (...) {  // out of memory: this series is not followed
                    return;
                }
            }
            pending& mark = list[position];
            if (mark.count != 0 && one.summary.count > mark.count) ++drops_[mark.reason].count;
            mark = result == outcome::delivered ? pending{} : pending{one.summary.count, reason};
        });
    }

    prometheus_format format_;
    pushgateway_options options_;
    clock_function clock_;
    std::string url_;
    std::string name_;
    http_client client_;
    std::vector<std::string> headers_;
    std::vector<std::vector<pending>> pending_;  // per metric, per series in the format's order
    fmt::memory_buffer buffer_;
    mutable std::array<drop_count, drop_reasons> drops_{};
    std::optional<timestamp> last_attempt_;
    std::string last_error_;
    std::uint64_t pushes_ = 0, failed_ = 0, rejected_ = 0;
    bool dirty_ = false;     // a value changed since the last push that was accepted (or refused)
    bool retrying_ = false;  // the last push got no answer or a 5xx/429
    bool deleted_ = false;
};

static_assert(batch_metric_sink<pushgateway_sink> && ticking_sink<pushgateway_sink> &&
              closable_sink<pushgateway_sink> && drop_counting_sink<pushgateway_sink> && named_sink<pushgateway_sink>);

LOGMETRICS_END_NAMESPACE
