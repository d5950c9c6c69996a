// SPDX-License-Identifier: MIT
#pragma once
// remote_write_sink: samples to a Prometheus remote-write 1.0 receiver (Prometheus with
// `--web.enable-remote-write-receiver` at /api/v1/write, VictoriaMetrics at /api/v1/write, Mimir,
// Thanos, Cortex...), every sample with its own timestamp, so whole curves land in the TSDB.
// Needs libcurl and libsnappy (the `logmetrics::http` component).
//
// Source: the remote write 1.0 specification (prometheus/docs
// content/docs/concepts/remote_write_spec.md@14d4a02). Each request is an HTTP POST of a
// WriteRequest (formats/remote_write.hpp) compressed with snappy's block format (the framed
// format must not be used; snappy::RawCompress, Debian's libsnappy-dev), with the headers
//     Content-Encoding: snappy
//     Content-Type: application/x-protobuf
//     User-Agent: logmetrics/<version>          (http_client)
//     X-Prometheus-Remote-Write-Version: 0.1.0
// and the options' extra headers (e.g. Authorization).
//
// Batching: samples are added to a batch; a batch becomes a request when it holds
// `max_samples_per_request` samples, when its first sample is `max_delay` old at a write or a
// tick, and at flush() and close(). Requests wait in a bounded queue (`max_pending_requests`),
// oldest first, and are sent as soon as they are made unless a retry is waiting for its time.
//
// Answers (the spec's rules): 2xx: delivered. 5xx and 429, and no answer at all (refused,
// unreachable, timed out): retried, the same bytes, after a backoff that doubles from
// `min_backoff` to at most `max_backoff`; writes and ticks in between only queue (they never
// wait); after `max_attempts` attempts the request is dropped. Other 4xx (Prometheus answers 400
// for an out-of-bounds or out-of-order sample, a bad body): dropped at once, never retried; the
// server's message is kept (`stats().last_error`) and handed to `on_rejected` if set.
//
// What it drops, counted by reason (`drops()`), in samples:
//   "unknown metric"          formats/remote_write.hpp;
//   "rejected by the server"  the request got a 4xx other than 429;
//   "retries exhausted"       the request failed `max_attempts` times;
//   "pending requests full"   a request was made while `max_pending_requests` waited (the backend
//                             down or slow): the oldest waiting one is dropped, so memory stays
//                             bounded and the freshest samples win;
//   "undelivered at close"    close() ran out of `close_timeout` with requests still waiting.
// A sink destroyed without close() loses what it holds, uncounted: close it (the CLI does).
//
// Time spent: a write or tick that sends takes as long as the server (at most `http.timeout` per
// attempt); run the sink behind async_sink (the CLI does, with drop_oldest) so that a slow
// backend never holds up extraction. close() returns within `close_timeout` plus one request.

#include <snappy.h>

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
#include "../formats/remote_write.hpp"
#include "../sample.hpp"
#include "../sink.hpp"
#include "client.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// How remote_write_sink batches, sends and retries. Checked when the sink is made.
struct remote_write_options {
    /// Names, labels and timestamps (formats/remote_write.hpp).
    remote_write_format_options format{};
    /// Timeouts, TLS, extra headers (http/client.hpp).
    http_options http{};
    /// A request holds at most this many samples (at least 1). Prometheus' own sender sends 2000.
    std::size_t max_samples_per_request = 2000;
    /// A batch is sent at the first write or tick once its first sample is this old.
    std::chrono::milliseconds max_delay{5000};
    /// At most this many requests wait to be sent (at least 1); then the oldest is dropped.
    std::size_t max_pending_requests = 64;
    /// The first retry waits this long, each next one twice as long, at most `max_backoff`.
    std::chrono::milliseconds min_backoff{100};
    std::chrono::milliseconds max_backoff{5000};
    /// A request is dropped after this many failed attempts (at least 1).
    std::size_t max_attempts = 10;
    /// close() tries to deliver what waits for at most this long (plus the request under way).
    std::chrono::milliseconds close_timeout{10000};
    /// Called when the server refuses a request (a 4xx other than 429), on the thread that sent
    /// it, with "HTTP <status>: <the server's message>" and the samples dropped; must not throw
    /// (what it throws is swallowed). Empty: nobody is told (stats().last_error keeps the message).
    std::function<void(std::string_view message, std::uint64_t samples)> on_rejected{};
};

/// What a remote_write_sink has done so far.
struct remote_write_stats {
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

/// Sends samples to a remote-write receiver (see the top of this file). Not thread-safe, like
/// every sink; movable. Steady state does not allocate: the batch, the encoding buffer and the
/// queued requests' buffers are reused (a new series allocates its labels once).
class remote_write_sink {
public:
    /// The drop reasons, in the order `drops()` lists them.
    enum class drop_reason : std::uint8_t {
        unknown_metric,
        rejected,
        retries_exhausted,
        pending_full,
        undelivered_at_close
    };
    static constexpr std::size_t drop_reasons = 5;

    /// Sends to `url` (`http://HOST:PORT/api/v1/write`, or https://) the samples of `metrics` (a
    /// definition set's `metric_names()`). Throws `error(errc::invalid_argument)` for a URL that is
    /// not http(s), options out of range, or names and labels formats/remote_write.hpp refuses;
    /// `error(errc::io_error)` if libcurl cannot be set up. Connects at the first request.
    remote_write_sink(std::string url, std::span<const std::string> metrics, remote_write_options options = {})
        : options_(std::move(options)),
          url_(std::move(url)),
          name_("remote-write:" + url_),
          format_(metrics, options_.format),
          client_(options_.http),
          pending_(options_.max_pending_requests) {
        if (!url_.starts_with("http://") && !url_.starts_with("https://")) {
            LOGMETRICS_THROW(error(errc::invalid_argument,
                                   fmt::format("remote-write: {:?} is not an http:// or https:// URL", url_)));
        }
        if (options_.max_samples_per_request == 0 || options_.max_pending_requests == 0 || options_.max_attempts == 0) {
            LOGMETRICS_THROW(error(errc::invalid_argument,
                                   "remote-write: max_samples_per_request, max_pending_requests and max_attempts "
                                   "must be at least 1"));
        }
        if (options_.min_backoff.count() < 0 || options_.max_backoff < options_.min_backoff) {
            LOGMETRICS_THROW(error(errc::invalid_argument, "remote-write: needs 0 <= min_backoff <= max_backoff"));
        }
        headers_ = {"Content-Encoding: snappy", "Content-Type: application/x-protobuf",
                    "X-Prometheus-Remote-Write-Version: 0.1.0"};
        backoff_ = options_.min_backoff;
    }

    /// "remote-write:<url>".
    std::string_view name() const noexcept { return name_; }

    /// Adds one sample (see `write(std::span<const sample>)`).
    void write(const sample& s) { write(std::span<const sample>(&s, 1)); }

    /// Adds a batch; makes a request of every `max_samples_per_request` samples, and of the batch
    /// when its first sample is `max_delay` old; sends what is due. Never waits for a backoff.
    void write(std::span<const sample> batch) {
        const clock::time_point now = clock::now();
        for (const sample& s : batch) {
            if (format_.pending() == 0) batch_started_ = now;
            format_.add(s);
            if (format_.pending() >= options_.max_samples_per_request) seal();
        }
        if (format_.pending() != 0 && now - batch_started_ >= options_.max_delay) seal();
        send_due(now);
    }

    /// Makes a request of the batch when its first sample is `max_delay` old; sends what is due.
    /// Ages and backoffs are measured on the steady clock, not on `now` (the monitor's clock,
    /// which may be a log's own time).
    void tick(timestamp /*now*/) {
        const clock::time_point now = clock::now();
        if (format_.pending() != 0 && now - batch_started_ >= options_.max_delay) seal();
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
        std::array<drop_count, drop_reasons> all = drops_;
        all[0].count = format_.drops()[0].count;
        return all;
    }

    /// Samples dropped for `reason` so far.
    std::uint64_t dropped(drop_reason reason) const noexcept { return drops()[static_cast<std::size_t>(reason)].count; }

    const remote_write_stats& stats() const noexcept { return stats_; }

    /// Samples in the batch not yet made into a request, and requests waiting to be sent.
    std::size_t batched() const noexcept { return format_.pending(); }
    std::size_t pending_requests() const noexcept { return count_; }

    const std::string& url() const noexcept { return url_; }
    const remote_write_options& options() const noexcept { return options_; }
    const remote_write_format& format() const noexcept { return format_; }

private:
    using clock = std::chrono::steady_clock;

    /// A request: its compressed body (its buffer reused by later requests), samples, attempts.
    struct request {
        std::string body;
        std::size_t samples = 0;
        std::size_t attempts = 0;
    };

    /// Makes a request of the batch (if any), dropping the oldest waiting one when the queue is full.
    void seal() {
        if (format_.pending() == 0) return;
        if (count_ == pending_.size()) drop_head(drop_reason::pending_full);
        request& r = pending_[(head_ + count_) % pending_.size()];
        encoded_.clear();
        r.samples = format_.append(encoded_);
        r.attempts = 0;
        r.body.resize(snappy::MaxCompressedLength(encoded_.size()));
        std::size_t length = 0;
        snappy::RawCompress(encoded_.data(), encoded_.size(), r.body.data(), &length);
        r.body.resize(length);
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
    /// first failure (the backend is down or struggling: the next ones would fare no better).
    void send_due(clock::time_point now) {
        while (count_ != 0 && now >= next_attempt_) {
            request& r = pending_[head_];
            ++r.attempts;
            long status = 0;
            try {
                const http_response response = client_.request("POST", url_, r.body, headers_);
                status = response.status;
                if (response.ok()) {
                    ++stats_.requests_sent;
                    stats_.samples_sent += r.samples;
                    backoff_ = options_.min_backoff;
                    pop_head();
                    continue;
                }
                set_last_error(fmt::format("HTTP {}: {}", status, trimmed(response.body)));
                if (!response.retryable()) {
                    ++stats_.requests_rejected;
                    const std::uint64_t samples = r.samples;
                    drop_head(drop_reason::rejected);
                    tell_rejected(samples);
                    continue;
                }
            } catch (const error& e) {
                set_last_error(e.message());
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

    void tell_rejected(std::uint64_t samples) noexcept {
        if (!options_.on_rejected) return;
        try {
            options_.on_rejected(stats_.last_error, samples);
        } catch (...) {  // a handler must not throw; if it does, sending goes on
        }
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

    remote_write_options options_;
    std::string url_;
    std::string name_;
    remote_write_format format_;
    http_client client_;
    std::vector<std::string> headers_;
    fmt::memory_buffer encoded_;    // the WriteRequest being compressed
    std::vector<request> pending_;  // a ring: count_ requests from head_
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    clock::time_point batch_started_{};
    clock::time_point next_attempt_{};
    clock::duration backoff_{};
    std::array<drop_count, drop_reasons> drops_ = {{{"unknown metric", 0, drop_cause::format_rule},
                                                    {"rejected by the server", 0},
                                                    {"retries exhausted", 0},
                                                    {"pending requests full", 0},
                                                    {"undelivered at close", 0}}};
    remote_write_stats stats_;
};

static_assert(batch_metric_sink<remote_write_sink> && named_sink<remote_write_sink> &&
              ticking_sink<remote_write_sink> && closable_sink<remote_write_sink> &&
              drop_counting_sink<remote_write_sink>);

LOGMETRICS_END_NAMESPACE
