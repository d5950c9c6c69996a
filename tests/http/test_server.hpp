// SPDX-License-Identifier: MIT
#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for the HTTP client and sink tests: one thread, one
// connection at a time (kept alive, as libcurl reuses it), requests with a Content-Length body;
// it records every request and answers each with the status and body the test set. A test
// server, so none of a real server's care (chunked bodies, pipelining, limits).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace test_support {

struct http_request {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
    std::string body;

    /// The value of header `name` (lower case), or "" when absent.
    std::string header(std::string_view name) const {
        for (const auto& [key, value] : headers) {
            if (key == name) return value;
        }
        return {};
    }
};

class http_test_server {
public:
    /// Listens on `port` of 127.0.0.1; 0: a free port the system picks. A port given again after
    /// its server is gone is a server "restarted" (SO_REUSEADDR).
    explicit http_test_server(std::uint16_t port = 0) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int on = 1;
        ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(port);
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(listener_, 8) != 0) {
            ::close(listener_);
            throw std::runtime_error(fmt::format("http_test_server: cannot listen on 127.0.0.1:{}", port));
        }
        socklen_t length = sizeof address;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    http_test_server(const http_test_server&) = delete;
    http_test_server& operator=(const http_test_server&) = delete;
    ~http_test_server() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        released_.notify_all();
        ::shutdown(listener_, SHUT_RDWR);
        if (const int c = connection_.load(); c >= 0) ::shutdown(c, SHUT_RDWR);
        thread_.join();
        ::close(listener_);
    }

    std::uint16_t port() const noexcept { return port_; }
    std::string url(std::string_view path) const { return fmt::format("http://127.0.0.1:{}{}", port_, path); }

    /// Answers every following request with `status` and `body`.
    void answer(int status, std::string body) {
        std::lock_guard lock(mutex_);
        status_ = status;
        body_ = std::move(body);
        hold_ = false;
    }
    /// The same, but each request waits for release() (or the server's end) before its answer.
    void answer_after_release(int status, std::string body) {
        std::lock_guard lock(mutex_);
        status_ = status;
        body_ = std::move(body);
        hold_ = true;
        released_flag_ = false;
    }
    void release() {
        {
            std::lock_guard lock(mutex_);
            released_flag_ = true;
        }
        released_.notify_all();
    }

    std::vector<http_request> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    void serve() {
        for (;;) {
            const int c = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) return;  // shut down
            connection_ = c;
            {
                std::lock_guard lock(mutex_);
                if (stopping_) {
                    ::close(c);
                    return;
                }
            }
            std::string buffer;
            while (handle_one(c, buffer)) {}
            connection_ = -1;
            ::close(c);
        }
    }

    /// Reads one request from `c` (bytes left over stay in `buffer`) and answers it; false at the
    /// connection's end.
    bool handle_one(int c, std::string& buffer) {
        std::size_t end = 0;
        while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
            if (!read_more(c, buffer)) return false;
        }
        http_request request;
        const std::string head = buffer.substr(0, end);
        buffer.erase(0, end + 4);
        std::size_t line_end = head.find("\r\n");
        const std::string first = head.substr(0, line_end);
        const std::size_t space = first.find(' ');
        request.method = first.substr(0, space);
        request.target = first.substr(space + 1, first.find(' ', space + 1) - space - 1);
        std::size_t content_length = 0;
        while (line_end != std::string::npos) {
            const std::size_t start = line_end + 2;
            line_end = head.find("\r\n", start);
            const std::string line =
                head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
            const std::size_t colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            if (name == "content-length") content_length = std::stoul(value);
            request.headers.emplace_back(std::move(name), std::move(value));
        }
        while (buffer.size() < content_length) {
            if (!read_more(c, buffer)) return false;
        }
        request.body = buffer.substr(0, content_length);
        buffer.erase(0, content_length);

        std::unique_lock lock(mutex_);
        requests_.push_back(std::move(request));
        if (hold_) released_.wait(lock, [this] { return released_flag_ || stopping_; });
        const std::string answer = fmt::format(
            "HTTP/1.1 {} Test\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{}", status_, body_.size(), body_);
        lock.unlock();
        std::string_view rest = answer;
        while (!rest.empty()) {
            const ssize_t n = ::send(c, rest.data(), rest.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            rest.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    static bool read_more(int c, std::string& buffer) {
        char chunk[65536];
        const ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        buffer.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<int> connection_{-1};
    std::thread thread_;

    mutable std::mutex mutex_;
    std::condition_variable released_;
    int status_ = 200;
    std::string body_;
    bool hold_ = false;
    bool released_flag_ = false;
    bool stopping_ = false;
    std::vector<http_request> requests_;
};

}  // namespace test_support
