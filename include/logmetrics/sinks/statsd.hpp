// SPDX-License-Identifier: MIT
#pragma once
// statsd_sink: StatsD or DogStatsD gauges (formats/statsd.hpp) sent over UDP to a StatsD server
// (Etsy statsd, port 8125), a Datadog Agent's DogStatsD listener (8125), or anything that speaks
// the protocol (Telegraf's statsd input, statsd_exporter...).
//
// Each batch is formatted into datagrams of at most `max_datagram_bytes` (a line never split) and
// sent, one send() per datagram, at the end of the write: nothing waits for a later batch. UDP
// gives no delivery report: a datagram the network or a full socket buffer loses is lost unseen.
// What the system does report is counted, never thrown, as "send failed" with the system's
// message (`last_error()`), and the next datagram tries again:
//  - a datagram that found no listener (no server on that port of a loopback or LAN host): the
//    ICMP "port unreachable" that comes back makes the next send fail with ECONNREFUSED, without
//    sending; the sink then counts the previous datagram's samples and sends the new one again.
//    The last datagram's is seen by flush() and close() (the socket's pending error). Without
//    ICMP (a firewall that drops, a remote host that does not answer) nothing is seen;
//  - a send that fails otherwise (a name that does not resolve, ENOBUFS...): that datagram.
// Formatting drops what the format drops (NaN and infinities, lines too long, unknown metrics;
// formats/statsd.hpp). Thread safety: none (like every sink); the CLI puts it behind async_sink.

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/io/socket_target.hpp"
#include "../error.hpp"
#include "../formats/statsd.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Sends gauges to a StatsD / DogStatsD server over UDP. Not thread-safe, like every sink: put it
/// behind async_sink (the CLI does, drop_oldest) so that even a slow send never holds up a monitor.
class statsd_sink {
public:
    /// The port StatsD servers and the Datadog Agent listen on by default.
    static constexpr std::string_view default_port = "8125";

    /// Sends to `url`, `udp://HOST[:PORT]` (port 8125 when left out; an IPv6 address in
    /// brackets), gauges of `metrics` (the names that samples' `metric` indexes). The socket is
    /// made by the first write. Throws `error(errc::invalid_argument)` for a URL of another shape,
    /// bad options, or two metrics with one StatsD name.
    statsd_sink(std::string_view url, std::span<const std::string> metrics, statsd_options options = {})
        : format_(metrics, std::move(options)), socket_(parse(url)) {}

    /// Sends the gauges of one sample.
    void write(const sample& s) { write(std::span<const sample>(&s, 1)); }

    /// Sends the gauges of a batch, packed into datagrams. Never throws for a failed send.
    void write(std::span<const sample> batch) {
        packets_.clear();
        format_.append(packets_, batch);
        for (std::size_t i = 0; i < packets_.size(); ++i) send(packets_[i], packets_.samples(i));
    }

    /// Counts the last datagram as "send failed" if it found no listener (the socket's pending
    /// ECONNREFUSED); nothing else is buffered.
    void flush() noexcept { check_last(); }

    /// Counts the last datagram as flush() does, and closes the socket (a later write would make
    /// another).
    void close() noexcept {
        check_last();
        socket_.close();
    }

    /// The format's drops (formats/statsd.hpp), then "send failed": samples of the datagrams that
    /// failed (above).
    drop_list<statsd_format::drop_reasons + 1> drops() const noexcept {
        drop_list<statsd_format::drop_reasons + 1> list;
        for (const drop_count& d : format_.drops()) list.push_back(d);
        list.push_back({"send failed", send_failed_});
        return list;
    }

    /// Datagrams handed to the system.
    std::uint64_t datagrams() const noexcept { return datagrams_; }
    /// Failed datagrams: refused sends, and datagrams that found no listener.
    std::uint64_t send_errors() const noexcept { return send_errors_; }
    /// The system's message for the last failed datagram; empty when none failed.
    const std::string& last_error() const noexcept { return last_error_; }

    /// `udp://HOST:PORT`, for messages.
    const std::string& address() const noexcept { return socket_.name(); }
    const statsd_format& format() const noexcept { return format_; }

private:
    static detail::socket_address parse(std::string_view url) {
        auto address = detail::socket_address::parse(url, default_port);
        if (!address || !address->udp) {
            LOGMETRICS_THROW(error(errc::invalid_argument, fmt::format("statsd: {:?} is not udp://HOST[:PORT]", url)));
        }
        return std::move(*address);
    }

    /// Sends one datagram. ECONNREFUSED says that the previous datagram found no listener (its
    /// ICMP "port unreachable" came back) and that this one was not sent: the previous one is
    /// counted as failed and this one sent again.
    void send(std::string_view datagram, std::size_t samples) noexcept {
        int code = 0;
        try {
            code = socket_.send_datagram(datagram);
            if (code == ECONNREFUSED) {
                failed(last_samples_, code, {});
                code = socket_.send_datagram(datagram);
            }
        } catch (const error& e) {  // cannot connect: the name does not resolve...
            last_samples_ = 0;
            return failed(samples, 0, e.message());
        }
        if (code != 0) {
            last_samples_ = 0;
            return failed(samples, code, {});
        }
        ++datagrams_;
        last_samples_ = samples;
    }

    void check_last() noexcept {
        if (socket_.take_error() == ECONNREFUSED) failed(last_samples_, ECONNREFUSED, {});
        last_samples_ = 0;
    }

    /// Counts `samples` as "send failed", with the system's reason (`code`) or `message`.
    void failed(std::size_t samples, int code, std::string_view message) noexcept {
        send_failed_ += samples;
        ++send_errors_;
        try {
            last_error_ = code != 0 ? fmt::format("cannot send to {}: {}", socket_.name(), std::strerror(code))
                                    : std::string(message);
        } catch (...) {  // out of memory: the count stands, the message is the previous one
        }
    }

    statsd_format format_;
    detail::socket_target socket_;
    statsd_packets packets_;
    std::uint64_t datagrams_ = 0;
    std::uint64_t send_errors_ = 0;
    std::uint64_t send_failed_ = 0;
    std::size_t last_samples_ = 0;  // samples of the last datagram sent
    std::string last_error_;
};

static_assert(batch_metric_sink<statsd_sink> && closable_sink<statsd_sink> && drop_counting_sink<statsd_sink>);

LOGMETRICS_END_NAMESPACE
