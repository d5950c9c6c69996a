// SPDX-License-Identifier: MIT
#pragma once
// http_client: the HTTP transport of the sinks that push to a server over HTTP (Pushgateway,
// Prometheus remote-write, InfluxDB), over libcurl. Everything under include/logmetrics/http/
// needs libcurl: it is the optional `logmetrics::http` component (CMake `COMPONENTS http`,
// pkg-config `logmetrics-http`, vcpkg feature `http`, Conan option `with_http`), off unless asked.
//
// What libcurl gives here, and why it is used rather than our own sockets: TLS (https:// with the
// system's CA certificates, or `ca_file`), proxies from the environment (`http_proxy`,
// `https_proxy`, `no_proxy`, as the curl tool reads them: libcurl's default), connection reuse
// (one easy handle per client keeps the connection alive between pushes), timeouts, redirects off.
//
// A request returns the server's answer, whatever its status; sinks decide what a status means
// (retry a 5xx, count a 4xx with the server's message). Only when no answer came (refused,
// unreachable, timed out, TLS failure) does a request throw `error(errc::io_error)` with libcurl's
// reason. Signals: CURLOPT_NOSIGNAL is set, as libcurl asks of threaded programs (a name lookup is
// then bounded by the connect timeout only with the threaded resolver, which Debian's libcurl has).
//
// Thread safety: one client is used by one thread at a time (a sink behind async_sink: its
// worker). Different clients may run on different threads at once.

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../config.hpp"
#include "../error.hpp"
#include "../version.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// How an HTTP sink talks to its server.
struct http_options {
    /// The whole request, connecting included, at most this long; then it fails as a timeout.
    std::chrono::milliseconds timeout{10000};
    /// Connecting at most this long (within `timeout`).
    std::chrono::milliseconds connect_timeout{5000};
    /// Verify the server's TLS certificate and name (https://). Off only for tests.
    bool verify_tls = true;
    /// A file of CA certificates (PEM) to verify with instead of the system's; empty: the system's.
    std::string ca_file{};
    /// Extra request headers, each "Name: value" (for example an Authorization header).
    std::vector<std::string> headers{};
};

/// What the server answered.
struct http_response {
    long status = 0;   ///< the HTTP status code (200, 204, 400, 500...)
    std::string body;  ///< the start of the response body (at most `http_client::max_body` bytes)

    bool ok() const noexcept { return status >= 200 && status < 300; }
    /// Worth sending again later: the server failed (5xx) or asked to slow down (429).
    bool retryable() const noexcept { return status >= 500 || status == 429; }
};

/// One libcurl easy handle, reused for every request (so the connection is kept alive).
class http_client {
public:
    /// Bytes of a response body kept (enough for a server's error message).
    static constexpr std::size_t max_body = 4096;

    /// Throws `error(errc::io_error)` if libcurl cannot be set up.
    explicit http_client(http_options options = {}) : options_(std::move(options)) {
        global_init();
        handle_.reset(curl_easy_init());
        if (!handle_) LOGMETRICS_THROW(error(errc::io_error, "libcurl: cannot make an easy handle"));
    }

    /// Sends `method` (GET, PUT, POST, DELETE) to `url` with `body` (none when empty and the
    /// method is GET or DELETE) and `headers` ("Name: value") besides the options' ones; returns
    /// the answer. Throws `error(errc::io_error)`, naming the URL and libcurl's reason, when no
    /// answer came (refused, timed out, TLS...).
    http_response request(std::string_view method, const std::string& url, std::string_view body = {},
                          const std::vector<std::string>& headers = {}) {
        CURL* curl = handle_.get();
        curl_easy_reset(curl);
        http_response response;
        header_list list;
        for (const std::string& header : options_.headers) append_header(list, header.c_str());
        for (const std::string& header : headers) append_header(list, header.c_str());
        // libcurl adds "Expect: 100-continue" to large uploads, costing a round trip: none.
        append_header(list, "Expect:");
        const std::string method_text(method);
        char error_text[CURL_ERROR_SIZE] = {};

        set(curl, CURLOPT_URL, url.c_str());
        set(curl, CURLOPT_NOSIGNAL, 1L);
        set(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
        set(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
        set(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
        set(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
        if (!options_.ca_file.empty()) set(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
        set(curl, CURLOPT_USERAGENT, user_agent());
        set(curl, CURLOPT_HTTPHEADER, list.get());
        set(curl, CURLOPT_ERRORBUFFER, error_text);
        set(curl, CURLOPT_WRITEFUNCTION, &keep_body);
        set(curl, CURLOPT_WRITEDATA, &response.body);
        if (method == "GET") {
            set(curl, CURLOPT_HTTPGET, 1L);
        } else {
            set(curl, CURLOPT_CUSTOMREQUEST, method_text.c_str());
            if (!body.empty() || method != "DELETE") {
                set(curl, CURLOPT_POSTFIELDS, body.data());
                set(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
            }
        }

        if (const CURLcode code = curl_easy_perform(curl); code != CURLE_OK) {
            LOGMETRICS_THROW(error(errc::io_error, fmt::format("{} {}: {}", method, url,
                                                               error_text[0] ? error_text : curl_easy_strerror(code))));
        }
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
        return response;
    }

    const http_options& options() const noexcept { return options_; }

private:
    struct handle_deleter {
        void operator()(CURL* curl) const noexcept { curl_easy_cleanup(curl); }
    };
    struct list_deleter {
        void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
    };
    using header_list = std::unique_ptr<curl_slist, list_deleter>;

    /// libcurl's global setup, once per process, before any handle (thread safe from C++11 on).
    static void global_init() {
        static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
        if (code != CURLE_OK) {
            LOGMETRICS_THROW(error(errc::io_error, fmt::format("libcurl: {}", curl_easy_strerror(code))));
        }
    }

    static const char* user_agent() noexcept {
        static const std::string agent = fmt::format("logmetrics/{}.{}.{}", LOGMETRICS_VERSION_MAJOR,
                                                     LOGMETRICS_VERSION_MINOR, LOGMETRICS_VERSION_PATCH);
        return agent.c_str();
    }

    static void append_header(header_list& list, const char* header) {
        curl_slist* grown = curl_slist_append(list.get(), header);
        if (grown == nullptr) LOGMETRICS_THROW(error(errc::io_error, "libcurl: out of memory for a header"));
        (void)list.release();
        list.reset(grown);
    }

    template <class T>
    static void set(CURL* curl, CURLoption option, T value) noexcept {
        (void)curl_easy_setopt(curl, option, value);
    }

    /// Keeps the first max_body bytes of the body; takes (and drops) the rest.
    static std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
        auto* body = static_cast<std::string*>(user);
        const std::size_t bytes = size * count;
        if (body->size() < max_body) {
            try {
                body->append(data, std::min(bytes, max_body - body->size()));
            } catch (...) {  // out of memory: the message is cut short, the request goes on
            }
        }
        return bytes;
    }

    http_options options_;
    std::unique_ptr<CURL, handle_deleter> handle_;
};

LOGMETRICS_END_NAMESPACE
