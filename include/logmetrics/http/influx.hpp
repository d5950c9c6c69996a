// SPDX-License-Identifier: MIT
#pragma once
// influx_sink: samples as InfluxDB line protocol (formats/influx.hpp) POSTed to InfluxDB 1.x's
// `/write?db=NAME` (or VictoriaMetrics' `/write`, which takes the same body and makes
// `<measurement>_<field>` series of it), every sample with its own timestamp. Needs libcurl (the
// `logmetrics::http` component).
//
// Source: the InfluxDB 1.x HTTP API's `/write` (https://docs.influxdata.com/influxdb/v1/tools/api/,
// read from memory, not at a commit): POST, body = line protocol, query parameters `db`, `rp`,
// `precision`, `u`, `p`, `consistency`; 204 when written; 400 for a body it cannot take (a parse
// error, a field type conflict: "partial write", the other points then written), 401 without
// credentials, 413 for a body over `max-body-size` (25 MB by default), 5xx when it fails.
// Checked here (tests/integration/influx/run.sh) against influxd 1.6.7: 204 with db and
// precision=ms, 404 `{"error":"database not found: \"missing\""}` for a database that does not
// exist; and VictoriaMetrics 1.79's `/write` (204). BACKENDS.md section 5 has the 400s seen.
//
// The request URL is the one given (`http://HOST:8086/write?db=lm`, any parameters but
// `precision`) plus `precision=` of the format's options (none for ns, both servers' default).
//
// Batching: lines are added to a batch; a batch becomes a request when it holds
// `max_samples_per_request` samples, when its first sample is `max_delay` old at a write or a
// tick, and at flush() and close(). Requests wait in a bounded queue (`max_pending_requests`),
// oldest first, and are sent as soon as they are made unless a retry is waiting for its time.
//
// Answers: 2xx: delivered. 5xx and 429, and no answer at all (refused, unreachable, timed out):
// retried, the same bytes, after a backoff that doubles from `min_backoff` to at most
// `max_backoff`; writes and ticks in between only queue (they never wait); after `max_attempts`
// attempts the request is dropped. Other 4xx: dropped at once, never retried, the server's message
// kept (`stats().last_error`, e.g. `HTTP 404: {"error":"database not found: \"lm\""}`); a
// "partial write" 400 counts the whole request although InfluxDB kept its other points.
//
// What it drops, counted by reason (`drops()`), in samples:
//   "non-finite value", "invalid metric name", "invalid stream label"   formats/influx.hpp;
//   "rejected by the server"  the request got a 4xx other than 429;
//   "retries exhausted"       the request failed `max_attempts` times;
//   "pending requests full"   a request was made while `max_pending_requests` waited (the server
//                             down or slow): the oldest waiting one is dropped, so memory stays
//                             bounded and the freshest samples win;
//   "undelivered at close"    close() ran out of `close_timeout` with requests still waiting.
// A sink destroyed without close() loses what it holds, uncounted: close it (the CLI does).
//
// Time spent: a write or tick that sends takes as long as the server (at most `http.timeout` per
// attempt); run the sink behind async_sink (the CLI does, with drop_oldest) so that a slow server
// never holds up extraction. close() returns within `close_timeout` plus one request.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../config.hpp"
#include "../error.hpp"
#include "../formats/influx.hpp"
#include "../sample.hpp"
#include "../sink.hpp"
#include "client.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// How influx_sink batches, sends and retries. Checked when the sink is made.
struct influx_sink_options {
    /// Measurement, tags and precision (formats/influx.hpp).
    influx_options format{};
    /// Timeouts, TLS, extra headers such as `Authorization: Token ...` (http/client.hpp).
    http_options http{};
    /// A request holds at most this many samples (at least 1); InfluxDB advises 5000 points.
    std::size_t max_samples_per_request = 5000;
    /// A batch is sent at the first write or tick once its first sample is this old.
    std::chrono::milliseconds max_delay{1000};
    /// At most this many requests wait to be sent (at least 1); then the oldest is dropped.
    std::size_t max_pending_requests = 64;
    /// The first retry waits this long, each next one twice as long, at most `max_backoff`.
    std::chrono::milliseconds min_backoff{100};
    std::chrono::milliseconds max_backoff{5000};
    /// A request is dropped after this many failed attempts (at least 1).
    std::size_t max_attempts = 10;
    /// close() tries to deliver what waits for at most this long (plus the request under way).
    std::chrono::milliseconds close_timeout{10000};
    /// Called (on the sink's thread) for each request the server refused with a 4xx, with
    /// "HTTP <status>: <message>" and the samples dropped; should not throw. Empty: none.
    std::function<void(std::string_view message, std::uint64_t samples)> on_rejected{};
};

/// What an influx_sink has done so far.
struct influx_stats {
    std::uint64_t requests_sent = 0;       ///< requests answered 2xx
    std::uint64_t samples_sent = 0;        ///< samples in them
    std::uint64_t failed_attempts = 0;     ///< attempts answered 5xx or 429, or not answered
    std::uint64_t timeouts = 0;            ///< of those, attempts that timed out (libcurl's "timed out")
    std::uint64_t requests_rejected = 0;   ///< requests answered 4xx (not 429), dropped
    std::uint64_t requests_abandoned = 0;  ///< requests dropped after max_attempts, when the queue was
                                           ///< full, or at close
    /// The latest failure: "HTTP <status>: <the server's message>" or libcurl's reason; empty if none.
    std::string last_error;
};

/// Sends samples to InfluxDB's `/write` (see the top of this file). Not thread-safe, like every
/// sink. Steady state does not allocate: the batch and the queued requests' buffers are reused.
class influx_sink {
public:
    /// The drop reasons after the format's, in the order `drops()` lists them.
    enum class drop_reason : std::uint8_t { rejected, retries_exhausted, pending_full, undelivered_at_close };
    static constexpr std::size_t drop_reasons = influx_format::drop_reasons + 4;

    /// Sends to `url` (`http://HOST:PORT/write?db=NAME`, or https://). Throws
    /// `error(errc::invalid_argument)` for a URL that is not http(s) or has a `precision`
    /// parameter (it is the format's), options out of range, or what formats/influx.hpp refuses;
    /// `error(errc::io_error)` if libcurl cannot be set up. Connects at the first request.
    explicit influx_sink(std::string url, influx_sink_options options = {})
        : options_(std::move(options)),
          name_("influx:" + redacted(url)),
          format_(options_.format),
          client_(options_.http),
          pending_(options_.max_pending_requests == 0 ? 1 : options_.max_pending_requests) {
        if (!url.starts_with("http://") && !url.starts_with("https://")) {
            refuse(fmt::format("{:?} is not an http:// or https:// URL", redacted(url)));
        }
        const std::size_t query = url.find('?');
        if (query != std::string::npos &&
            (url.find("?precision=") != std::string::npos || url.find("&precision=") != std::string::npos)) {
            refuse(fmt::format("{:?}: the precision is the format's option, not the URL's", redacted(url)));
        }
        if (options_.max_samples_per_request == 0 || options_.max_pending_requests == 0 || options_.max_attempts == 0) {
            refuse("max_samples_per_request, max_pending_requests and max_attempts must be at least 1");
        }
        if (options_.min_backoff.count() < 0 || options_.max_backoff < options_.min_backoff) {
            refuse("needs 0 <= min_backoff <= max_backoff");
        }
        const std::string_view precision = influx_precision_parameter(options_.format.precision);
        url_ = precision.empty()
                   ? url
                   : fmt::format("{}{}precision={}", url, query == std::string::npos ? '?' : '&', precision);
        shown_url_ = redacted(url_);
        backoff_ = options_.min_backoff;
    }

    /// "influx:<url as given>", a `p=` password in it shown as `p=***`.
    std::string_view name() const noexcept { return name_; }

    /// Adds one sample (see `write(std::span<const sample>)`).
    void write(const sample& s) { write(std::span<const sample>(&s, 1)); }

    /// Adds a batch; makes a request of every `max_samples_per_request` samples, and of the batch
    /// when its first sample is `max_delay` old; sends what is due. Never waits for a backoff.
    void write(std::span<const sample> batch) {
        const clock::time_point now = clock::now();
        while (!batch.empty()) {
            const std::size_t room = options_.max_samples_per_request - batch_samples_;
            const std::size_t take = std::min(room, batch.size());
            if (batch_samples_ == 0) batch_started_ = now;
            batch_samples_ += format_.append(batch_, batch.first(take));
            batch = batch.subspan(take);
            if (batch_samples_ >= options_.max_samples_per_request) seal();
        }
        if (batch_samples_ != 0 && now - batch_started_ >= options_.max_delay) seal();
        send_due(now);
    }

    /// Makes a request of the batch when its first sample is `max_delay` old; sends what is due.
    void tick(timestamp) {
        const clock::time_point now = clock::now();
        if (batch_samples_ != 0 && now - batch_started_ >= options_.max_delay) seal();
        send_due(now);
    }

    /// Makes a request of the batch and sends what is due (once: a request waiting for a retry
    /// stays queued, and is sent by a later write, tick, flush or close).
    void flush() {
        seal();
        send_due(clock::now());
    }

    /// Makes a request of the batch and tries to deliver every waiting request for at most
    /// `close_timeout`, retrying as the backoff says; what is still waiting then is dropped
    /// ("undelivered at close"). The sink can be written to again afterwards.
    void close() {
        seal();
        const clock::time_point deadline = clock::now() + options_.close_timeout;
        for (;;) {
            clock::time_point now = clock::now();
            send_due(now);
            if (count_ == 0) break;
            now = clock::now();
            if (now >= deadline) break;
            std::this_thread::sleep_for(std::min(next_attempt_, deadline) - now);
        }
        while (count_ != 0) drop_head(drop_reason::undelivered_at_close);
    }

    /// Samples dropped so far, by reason (see the top of this file); the reasons are static strings.
    std::array<drop_count, drop_reasons> drops() const noexcept {
        std::array<drop_count, drop_reasons> all{};
        const auto formats = format_.drops();
        std::copy(formats.begin(), formats.end(), all.begin());
        std::copy(drops_.begin(), drops_.end(), all.begin() + influx_format::drop_reasons);
        return all;
    }

    /// Samples dropped for `reason` so far.
    std::uint64_t dropped(drop_reason reason) const noexcept { return drops_[static_cast<std::size_t>(reason)].count; }

    const influx_stats& stats() const noexcept { return stats_; }

    /// Samples in the batch not yet made into a request, and requests waiting to be sent.
    std::size_t batched() const noexcept { return batch_samples_; }
    std::size_t pending_requests() const noexcept { return count_; }

    /// The request URL: the one given plus the precision.
    const std::string& url() const noexcept { return url_; }
    const influx_sink_options& options() const noexcept { return options_; }
    const influx_format& format() const noexcept { return format_; }

private:
    using clock = std::chrono::steady_clock;

    /// A request: its body (its buffer reused by later requests), samples, attempts.
    struct request {
        std::string body;
        std::size_t samples = 0;
        std::size_t attempts = 0;
    };

    [[noreturn]] static void refuse(const std::string& message) {
        LOGMETRICS_THROW(error(errc::invalid_argument, "influx: " + message));
    }

    /// Makes a request of the batch (if any), dropping the oldest waiting one when the queue is full.
    void seal() {
        if (batch_samples_ == 0) {
            batch_.clear();
            return;
        }
        if (count_ == pending_.size()) drop_head(drop_reason::pending_full);
        request& r = pending_[(head_ + count_) % pending_.size()];
        r.body.assign(batch_.data(), batch_.size());
        r.samples = batch_samples_;
        r.attempts = 0;
        batch_.clear();
        batch_samples_ = 0;
        ++count_;
    }

    void drop_head(drop_reason reason) noexcept {
        request& r = pending_[head_];
        drops_[static_cast<std::size_t>(reason)].count += r.samples;
        if (reason != drop_reason::rejected) ++stats_.requests_abandoned;
        pop_head();
    }

    void pop_head() noexcept {
        pending_[head_].samples = 0;
        head_ = (head_ + 1) % pending_.size();
        --count_;
        if (count_ == 0) head_ = 0;
    }

    /// Sends the waiting requests, oldest first, unless a retry's time has not come; stops at the
    /// first failure (the server is down or struggling: the next ones would fare no better).
    void send_due(clock::time_point now) {
        static const std::vector<std::string> headers = {"Content-Type: text/plain; charset=utf-8"};
        while (count_ != 0 && now >= next_attempt_) {
            request& r = pending_[head_];
            ++r.attempts;
            try {
                const http_response response = client_.request("POST", url_, r.body, headers);
                if (response.ok()) {
                    ++stats_.requests_sent;
                    stats_.samples_sent += r.samples;
                    backoff_ = options_.min_backoff;
                    pop_head();
                    continue;
                }
                set_last_error(fmt::format("HTTP {}: {}", response.status, trimmed(response.body)));
                if (!response.retryable()) {
                    ++stats_.requests_rejected;
                    if (options_.on_rejected) {
                        try {
                            options_.on_rejected(stats_.last_error, r.samples);
                        } catch (...) {  // a handler that throws is not the sink's failure
                        }
                    }
                    drop_head(drop_reason::rejected);
                    continue;
                }
            } catch (const error& e) {
                set_last_error(shown(e.message()));
                if (e.message().find("timed out") != std::string::npos) ++stats_.timeouts;
            }
            ++stats_.failed_attempts;
            if (r.attempts >= options_.max_attempts) {
                drop_head(drop_reason::retries_exhausted);
                backoff_ = options_.min_backoff;
                continue;
            }
            next_attempt_ = clock::now() + backoff_;
            backoff_ = std::min<clock::duration>(options_.max_backoff, backoff_ * 2);
            return;
        }
    }

    /// `url` with the value of its `p` (password) query parameter replaced by `***`.
    static std::string redacted(std::string url) {
        const std::size_t query = url.find('?');
        if (query == std::string::npos) return url;
        for (std::size_t at = query; at != std::string::npos; at = url.find('&', at + 1)) {
            if (url.compare(at + 1, 2, "p=") != 0) continue;
            const std::size_t end = url.find('&', at + 3);
            url.replace(at + 3, end == std::string::npos ? std::string::npos : end - at - 3, "***");
        }
        return url;
    }

    /// `message` (libcurl's, naming the URL) with the URL's password hidden.
    std::string shown(std::string message) const {
        if (shown_url_ == url_) return message;
        for (std::size_t at = message.find(url_); at != std::string::npos; at = message.find(url_, at + 1)) {
            message.replace(at, url_.size(), shown_url_);
        }
        return message;
    }

    static std::string_view trimmed(std::string_view text) noexcept {
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
            text.remove_suffix(1);
        }
        return text;
    }

    void set_last_error(std::string text) noexcept {
        try {
            stats_.last_error = std::move(text);
        } catch (...) {  // out of memory: the previous message stays
        }
    }

    influx_sink_options options_;
    std::string name_;
    std::string url_;
    std::string shown_url_;  // url_ with a password hidden, for messages
    influx_format format_;
    http_client client_;
    fmt::memory_buffer batch_;  // the lines of the batch
    std::size_t batch_samples_ = 0;
    std::vector<request> pending_;  // a ring: count_ requests from head_
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    clock::time_point batch_started_{};
    clock::time_point next_attempt_{};
    clock::duration backoff_{};
    std::array<drop_count, 4> drops_ = {{{"rejected by the server", 0},
                                         {"retries exhausted", 0},
                                         {"pending requests full", 0},
                                         {"undelivered at close", 0}}};
    influx_stats stats_;
};

static_assert(batch_metric_sink<influx_sink> && named_sink<influx_sink> && ticking_sink<influx_sink> &&
              closable_sink<influx_sink> && drop_counting_sink<influx_sink>);

LOGMETRICS_END_NAMESPACE
