// SPDX-License-Identifier: MIT
#pragma once
// socket_target: where a network text sink writes, a TCP stream or UDP datagrams to HOST:PORT, as
// the CloudWatch agent's EMF listener takes them (`tcp://127.0.0.1:25888`, `udp://...`). POSIX
// sockets, written by hand: no library in Debian 12 fits a plain newline-delimited TCP/UDP client
// better than the dozen system calls it takes (Boost.Asio would be a large dependency for it).
//
// The connection is made on the first send, not when the target is made, so a listener that is
// down at start is one failed send, not a failed configuration. A failed send closes the socket
// and throws `error(errc::io_error)`; the next send connects again, as does a send that finds the
// connection closed by the listener (an agent restarted). Over UDP, a send refused with
// ECONNREFUSED (an earlier datagram found no listener) keeps the socket. Connecting and sending block,
// each for at most `io_timeout` (SO_SNDTIMEO, which Linux applies to connect too), so a stalled or
// unreachable agent fails a send instead of hanging the writer (and a final flush) for good; put
// the sink behind async_sink so that even that wait never holds up a monitor.

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "../../config.hpp"
#include "../../error.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

/// A parsed `tcp://HOST[:PORT]` or `udp://HOST[:PORT]` (HOST a name, an IPv4 address, or an IPv6
/// address in brackets: `tcp://[::1]:25888`).
struct socket_address {
    bool udp = false;
    std::string host;
    std::string port;

    /// Parses `url`; nullopt when it is not of that shape (no scheme, no host, a port that is not
    /// 1..65535, anything after the port).
    static std::optional<socket_address> parse(std::string_view url, std::string_view default_port) {
        socket_address address;
        if (url.starts_with("tcp://")) {
            url.remove_prefix(6);
        } else if (url.starts_with("udp://")) {
            url.remove_prefix(6);
            address.udp = true;
        } else {
            return std::nullopt;
        }
        std::string_view host = url, port = default_port;
        if (url.starts_with('[')) {
            const std::size_t close = url.find(']');
            if (close == std::string_view::npos) return std::nullopt;
            host = url.substr(1, close - 1);
            const std::string_view rest = url.substr(close + 1);
            if (!rest.empty()) {
                if (rest.front() != ':') return std::nullopt;
                port = rest.substr(1);
            }
            // An IPv6 address: hex digits, ':' and '.', and a zone after '%' (fe80::1%eth0).
            if (host.find(':') == std::string_view::npos || !only(host, "0123456789abcdefABCDEF:.%", true)) {
                return std::nullopt;
            }
        } else {
            // A name or an IPv4 address; a second ':' means an IPv6 address without brackets,
            // which is refused rather than split at a guess (::1 is [::1], not host ':' port 1).
            if (const std::size_t colon = url.find(':'); colon != std::string_view::npos) {
                host = url.substr(0, colon);
                port = url.substr(colon + 1);
            }
            if (!only(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", false)) {
                return std::nullopt;
            }
        }
        if (host.empty()) return std::nullopt;
        if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) {
            return std::nullopt;
        }
        const int number = std::stoi(std::string(port));
        if (number < 1 || number > 65535) return std::nullopt;
        address.host = host;
        address.port = port;
        return address;
    }

    /// Whether every character of `text` is in `allowed` (after a '%' anything printable but
    /// a space, when `zone`: an IPv6 zone is an interface name).
    static bool only(std::string_view text, std::string_view allowed, bool zone) noexcept {
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (zone && text[i] == '%') {
                for (const char c : text.substr(i + 1)) {
                    if (c <= ' ' || c > '~') return false;
                }
                return i + 1 < text.size();
            }
            if (allowed.find(text[i]) == std::string_view::npos) return false;
        }
        return true;
    }

    /// "tcp://HOST:PORT", for messages.
    std::string url() const {
        const bool v6 = host.find(':') != std::string::npos;
        return fmt::format("{}://{}{}{}:{}", udp ? "udp" : "tcp", v6 ? "[" : "", host, v6 ? "]" : "", port);
    }
};

class socket_target {
public:
    /// How long one connect or send may block before it fails.
    static constexpr int io_timeout_seconds = 10;

    explicit socket_target(socket_address address) : address_(std::move(address)), name_(address_.url()) {}
    socket_target(socket_target&& other) noexcept
        : address_(std::move(other.address_)), name_(std::move(other.name_)), fd_(std::exchange(other.fd_, -1)) {}
    socket_target& operator=(socket_target&& other) noexcept {
        if (this != &other) {
            close();
            address_ = std::move(other.address_);
            name_ = std::move(other.name_);
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    socket_target(const socket_target&) = delete;
    socket_target& operator=(const socket_target&) = delete;
    ~socket_target() { close(); }

    const socket_address& address() const noexcept { return address_; }
    const std::string& name() const noexcept { return name_; }
    bool connected() const noexcept { return fd_ >= 0; }

    /// TCP: sends all of `bytes`. UDP: sends `bytes` as one datagram. Connects first when not
    /// connected. Throws `error(errc::io_error)` naming the address and the system's reason,
    /// after closing the socket.
    void send(std::string_view bytes) {
        // A listener that went away (an agent restarted) closed our connection: sending into it
        // would "succeed" and be lost, so connect again first.
        if (fd_ >= 0 && !address_.udp && peer_closed()) close();
        if (fd_ < 0) connect();
        while (!bytes.empty()) {
            const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent < 0) {
                if (errno == EINTR) continue;
                // UDP: the ICMP "port unreachable" of an earlier datagram (no listener there yet)
                // fails this send; the socket stays good for the next one.
                fail("cannot send to", !(address_.udp && errno == ECONNREFUSED));
            }
            if (address_.udp) return;  // a datagram goes whole or not at all
            bytes.remove_prefix(static_cast<std::size_t>(sent));
        }
    }

    /// UDP: sends `bytes` as one datagram, connecting first when not connected, and returns 0 or
    /// the errno of a failed send (ECONNREFUSED: an earlier datagram found no listener, and this
    /// one was not sent; the socket stays. Any other: the socket is closed, the next send connects
    /// again). Throws `error(errc::io_error)` only when it cannot connect (a name that does not
    /// resolve...).
    int send_datagram(std::string_view bytes) {
        if (fd_ < 0) connect();
        for (;;) {
            if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) >= 0) return 0;
            const int code = errno;
            if (code == EINTR) continue;
            if (code != ECONNREFUSED) close();
            return code;
        }
    }

    /// The socket's pending error (SO_ERROR), cleared by reading it: for UDP, ECONNREFUSED when
    /// the last datagram sent found no listener; 0 when none or not connected.
    int take_error() noexcept {
        if (fd_ < 0) return 0;
        int code = 0;
        socklen_t length = sizeof code;
        if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &code, &length) != 0) return 0;
        return code;
    }

    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    /// TCP: whether the listener has closed the connection (its FIN or RST has arrived), seen
    /// without blocking. The EMF listener never sends, so anything readable is the end.
    bool peer_closed() const noexcept {
        char byte = 0;
        const ssize_t n = ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
    }

    [[noreturn]] void fail(std::string_view what, bool close_socket = true) {
        const int code = errno;
        if (close_socket) close();
        LOGMETRICS_THROW(error(errc::io_error, fmt::format("{} {}: {}", what, name_, std::strerror(code))));
    }

    void connect() {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = address_.udp ? SOCK_DGRAM : SOCK_STREAM;
        addrinfo* found = nullptr;
        if (const int status = ::getaddrinfo(address_.host.c_str(), address_.port.c_str(), &hints, &found);
            status != 0) {
            LOGMETRICS_THROW(
                error(errc::io_error, fmt::format("cannot resolve {}: {}", name_, ::gai_strerror(status))));
        }
        int code = 0;
        for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
            const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
            if (fd < 0) {
                code = errno;
                continue;
            }
            const timeval timeout{io_timeout_seconds, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
            if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
                fd_ = fd;
                break;
            }
            code = errno;
            ::close(fd);
        }
        ::freeaddrinfo(found);
        if (fd_ < 0) {
            errno = code;
            fail("cannot connect to");
        }
    }

    socket_address address_;
    std::string name_;
    int fd_ = -1;
};

}  // namespace detail
LOGMETRICS_END_NAMESPACE
