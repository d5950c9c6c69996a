// SPDX-License-Identifier: MIT
#pragma once
// emf_sink: CloudWatch Embedded Metric Format events (formats/emf.hpp) to one of the places
// CloudWatch takes them from:
//  - a stream or a file (stdout on Lambda or ECS with the awslogs driver; a file that the
//    CloudWatch agent or Fluent Bit tails), one event per line;
//  - the CloudWatch agent's EMF listener (agent config `"logs":{"metrics_collected":{"emf":{}}}`):
//    `tcp://HOST:PORT` (newline-delimited events on one connection) or `udp://HOST:PORT` (one
//    event per datagram, so an event is at most 65506 bytes there), default port 25888.
// Samples CloudWatch would refuse are dropped and counted by reason (`drops()`, formats/emf.hpp);
// the age limits are measured from the sink's clock (the system clock unless one is given) when
// the batch is written.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/io/output_target.hpp"
#include "../detail/io/socket_target.hpp"
#include "../error.hpp"
#include "../formats/emf.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Writes EMF events to a stream, a file it owns, or a TCP/UDP listener.
///
/// A batch is formatted into a reused buffer and written in one call (UDP: one datagram per
/// event); writing does not allocate once that buffer has grown. A failed stream or send throws
/// `error(errc::io_error)` from write() and flush(); after a failed send the next write connects
/// again (the batch that failed is lost: wrap the sink in async_sink, which counts it as "sink
/// failed"). Not thread-safe, like every sink.
class emf_sink {
public:
    /// The port of the CloudWatch agent's EMF listener.
    static constexpr std::string_view default_port = "25888";
    /// The largest UDP payload over IPv4 (65535 less the IP and UDP headers), newline included.
    static constexpr std::size_t max_datagram_bytes = 65507;

    /// Where the age limits are measured from; the system clock when empty.
    using clock_function = std::function<timestamp()>;

    /// Writes to `out`, which must outlive the sink. Throws `error(errc::invalid_argument)` for
    /// bad options (emf_format), `error(errc::io_error)` if `out` has failed already.
    explicit emf_sink(std::ostream& out, emf_options options = {}, clock_function clock = {})
        : format_(std::move(options)), clock_(std::move(clock)), stream_(std::in_place, out, "the EMF stream") {
        stream_->check();
    }

    /// Creates (or truncates) the file at `path`; throws `error(errc::io_error)` when it cannot.
    explicit emf_sink(const std::filesystem::path& path, emf_options options = {}, clock_function clock = {})
        : format_(std::move(options)), clock_(std::move(clock)), stream_(std::in_place, path) {}

    /// Sends to `url`, `tcp://HOST[:PORT]` or `udp://HOST[:PORT]` (port 25888 when left out); the
    /// connection is made by the first write. Throws `error(errc::invalid_argument)` for a URL of
    /// another shape or bad options. Over UDP, events are capped at 65506 bytes.
    static emf_sink connect(std::string_view url, emf_options options = {}, clock_function clock = {}) {
        auto address = detail::socket_address::parse(url, default_port);
        if (!address) {
            LOGMETRICS_THROW(error(errc::invalid_argument,
                                   fmt::format("emf: {:?} is not tcp://HOST[:PORT] or udp://HOST[:PORT]", url)));
        }
        if (address->udp) options.max_event_bytes = std::min(options.max_event_bytes, max_datagram_bytes - 1);
        return emf_sink(detail::socket_target(std::move(*address)), std::move(options), std::move(clock));
    }

    /// Writes the events of one sample.
    void write(const sample& s) { write(std::span<const sample>(&s, 1)); }

    /// Writes the events of a batch (formats/emf.hpp: one per stream label and millisecond, split
    /// at the spec's limits), in one write (UDP: one datagram per event).
    void write(std::span<const sample> batch) {
        buffer_.clear();
        events_ += format_.append(buffer_, batch, clock_ ? clock_() : std::chrono::system_clock::now());
        if (buffer_.size() == 0) return;
        const std::string_view text(buffer_.data(), buffer_.size());
        if (stream_) return stream_->write(text);
        if (!socket_->address().udp) return socket_->send(text);
        for (std::size_t begin = 0; begin < text.size();) {
            const std::size_t end = text.find('\n', begin) + 1;  // every event ends with one
            socket_->send(text.substr(begin, end - begin));
            begin = end;
        }
    }

    /// Flushes the stream (a socket has nothing buffered); throws `error(errc::io_error)` if the
    /// stream has failed.
    void flush() {
        if (stream_) stream_->flush();
    }

    /// Closes the connection (the next write would open another); flushes a stream.
    void close() {
        if (socket_) socket_->close();
        flush();
    }

    /// Samples dropped so far, by reason (formats/emf.hpp).
    std::span<const drop_count> drops() const noexcept { return format_.drops(); }

    /// How many events were written (or handed to the socket).
    std::uint64_t events() const noexcept { return events_; }

    const emf_format& format() const noexcept { return format_; }

private:
    emf_sink(detail::socket_target socket, emf_options options, clock_function clock)
        : format_(std::move(options)), clock_(std::move(clock)), socket_(std::move(socket)) {}

    emf_format format_;
    clock_function clock_;
    std::optional<detail::output_target> stream_;
    std::optional<detail::socket_target> socket_;
    fmt::memory_buffer buffer_;
    std::uint64_t events_ = 0;
};

static_assert(batch_metric_sink<emf_sink> && closable_sink<emf_sink> && drop_counting_sink<emf_sink>);

LOGMETRICS_END_NAMESPACE
