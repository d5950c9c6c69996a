// SPDX-License-Identifier: MIT
// remote_write_sink (include/logmetrics/http/remote_write.hpp) against a test-owned HTTP/1.1
// server on 127.0.0.1 (tests/http/test_server.hpp): the exact request (headers, a snappy body
// that decompresses to the expected WriteRequest), batching, and the faults: server down at
// start, killed mid-run and restarted, answering 500, 400 and slowly, a full queue; each with its
// drops counted and delivery resuming, and no sample sent that was not written.
// Tagged [threads]: the server runs on a thread of its own.

#include <snappy.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/error.hpp>
#include <logmetrics/http/remote_write.hpp>
#include <logmetrics/sinks/async.hpp>
#include <logmetrics/version.hpp>

#include "support/catch.hpp"
#include "support/remote_write_decoder.hpp"
#include "support/samples.hpp"
#include "test_server.hpp"

namespace {

using namespace std::chrono_literals;
using logmetrics::remote_write_options;
using logmetrics::remote_write_sink;
using logmetrics::sample;
using reason = logmetrics::remote_write_sink::drop_reason;
using test_support::fixed_time;
using test_support::http_test_server;

const std::vector<std::string> metrics = {"train:loss", "val loss"};

/// Sample `i`: metric i % 2, value i + 0.25, its own ms.
sample nth_sample(int i, std::string_view stream = "train.log") {
    const auto m = static_cast<std::size_t>(i % 2);
    sample s = test_support::make_sample(metrics[m], i + 0.25, 0, 1, stream, fixed_time(std::chrono::milliseconds(i)));
    s.metric = m;
    s.definition = m;
    return s;
}

/// The WriteRequest of a request's body.
std::vector<test_support::rw_series> decode_body(const std::string& body) {
    std::string raw;
    REQUIRE(snappy::Uncompress(body.data(), body.size(), &raw));
    return test_support::decode_write_request(raw);
}

/// (timestamp offset from fixed_time, value) of every sample in `requests`, with their count.
std::map<std::pair<std::int64_t, double>, int> samples_in(const std::vector<test_support::http_request>& requests) {
    std::map<std::pair<std::int64_t, double>, int> seen;
    const std::int64_t t0 = logmetrics::unix_millis(fixed_time());
    for (const auto& request : requests) {
        for (const auto& series : decode_body(request.body)) {
            for (const auto& s : series.samples) ++seen[{s.timestamp - t0, s.value}];
        }
    }
    return seen;
}

/// Options for tests: short backoffs and timeouts.
remote_write_options quick_options() {
    remote_write_options options;
    options.min_backoff = 10ms;
    options.max_backoff = 40ms;
    options.http.timeout = 2000ms;
    options.http.connect_timeout = 1000ms;
    options.close_timeout = 3000ms;
    return options;
}

/// A port on 127.0.0.1 where nothing listens (a server's, once it is gone).
std::uint16_t free_port() {
    const http_test_server probe;
    return probe.port();
}

void write_range(remote_write_sink& sink, int from, int to) {
    for (int i = from; i < to; ++i) sink.write(nth_sample(i));
}

}  // namespace

TEST_CASE("remote_write_sink POSTs a snappy WriteRequest with the protocol's headers", "[http][threads]") {
    http_test_server server;
    server.answer(204, "");
    remote_write_sink sink(server.url("/api/v1/write"), metrics, quick_options());
    CHECK(sink.name() == server.url("/api/v1/write").insert(0, "remote-write:"));
    write_range(sink, 0, 3);
    CHECK(server.requests().empty());  // batched
    sink.flush();
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    const auto& r = requests[0];
    CHECK(r.method == "POST");
    CHECK(r.target == "/api/v1/write");
    CHECK(r.header("content-encoding") == "snappy");
    CHECK(r.header("content-type") == "application/x-protobuf");
    CHECK(r.header("x-prometheus-remote-write-version") == "0.1.0");
    CHECK(r.header("user-agent") == fmt::format("logmetrics/{}.{}.{}", LOGMETRICS_VERSION_MAJOR,
                                                LOGMETRICS_VERSION_MINOR, LOGMETRICS_VERSION_PATCH));
    const auto series = decode_body(r.body);
    REQUIRE(series.size() == 2);
    using labels = std::vector<std::pair<std::string, std::string>>;
    CHECK(series[0].labels == labels{{"__name__", "train:loss"}, {"stream", "train.log"}});
    CHECK(series[1].labels == labels{{"__name__", "val_loss"}, {"stream", "train.log"}});
    const std::int64_t t0 = logmetrics::unix_millis(fixed_time());
    REQUIRE(series[0].samples.size() == 2);
    CHECK(series[0].samples[0].value == 0.25);
    CHECK(series[0].samples[0].timestamp == t0);
    CHECK(series[0].samples[1].value == 2.25);
    CHECK(series[0].samples[1].timestamp == t0 + 2);
    REQUIRE(series[1].samples.size() == 1);
    CHECK(series[1].samples[0].value == 1.25);
    CHECK(series[1].samples[0].timestamp == t0 + 1);
    CHECK(sink.stats().requests_sent == 1);
    CHECK(sink.stats().samples_sent == 3);
    for (const auto& d : sink.drops()) CHECK(d.count == 0);
}

TEST_CASE("remote_write_sink batches by size and by age", "[http][threads]") {
    http_test_server server;
    server.answer(200, "");
    auto options = quick_options();
    options.max_samples_per_request = 4;
    options.max_delay = 100ms;
    remote_write_sink sink(server.url("/api/v1/write"), metrics, options);
    write_range(sink, 0, 10);
    CHECK(server.requests().size() == 2);  // 4 + 4; 2 batched
    CHECK(sink.batched() == 2);
    sink.tick(fixed_time());
    CHECK(server.requests().size() == 2);  // not old enough
    std::this_thread::sleep_for(120ms);
    sink.tick(fixed_time());
    const auto requests = server.requests();
    REQUIRE(requests.size() == 3);
    const auto seen = samples_in(requests);
    CHECK(seen.size() == 10);
    for (const auto& [key, count] : seen) CHECK(count == 1);
    sink.close();
    CHECK(server.requests().size() == 3);  // nothing left
}

TEST_CASE("remote_write_sink retries a 500 after a backoff, with the same bytes, then delivers", "[http][threads]") {
    http_test_server server;
    server.answer(500, "storage unavailable\n");
    remote_write_sink sink(server.url("/api/v1/write"), metrics, quick_options());
    write_range(sink, 0, 5);
    sink.flush();
    CHECK(server.requests().size() == 1);
    CHECK(sink.pending_requests() == 1);
    CHECK(sink.stats().failed_attempts == 1);
    CHECK(sink.stats().last_error == "HTTP 500: storage unavailable");
    sink.flush();  // within the backoff: no attempt
    CHECK(server.requests().size() == 1);
    server.answer(204, "");
    std::this_thread::sleep_for(15ms);
    sink.tick(fixed_time());
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].body == requests[0].body);
    CHECK(sink.pending_requests() == 0);
    CHECK(sink.stats().samples_sent == 5);
    for (const auto& d : sink.drops()) CHECK(d.count == 0);
}

TEST_CASE("remote_write_sink drops a batch answered 400, with the server's message, and never retries it",
          "[http][threads]") {
    http_test_server server;
    server.answer(400, "out of bounds\n");
    auto options = quick_options();
    std::vector<std::pair<std::string, std::uint64_t>> told;
    options.on_rejected = [&told](std::string_view message, std::uint64_t samples) {
        told.emplace_back(message, samples);
    };
    remote_write_sink sink(server.url("/api/v1/write"), metrics, options);
    write_range(sink, 0, 4);
    sink.flush();
    CHECK(sink.dropped(reason::rejected) == 4);
    CHECK(sink.stats().requests_rejected == 1);
    CHECK(sink.stats().last_error == "HTTP 400: out of bounds");
    CHECK(sink.drops()[1].reason == "rejected by the server");
    REQUIRE(told.size() == 1);
    CHECK(told[0].first == "HTTP 400: out of bounds");
    CHECK(told[0].second == 4);
    std::this_thread::sleep_for(20ms);
    sink.tick(fixed_time());
    sink.close();
    CHECK(server.requests().size() == 1);
    // The next batch goes through once the server takes it.
    server.answer(204, "");
    write_range(sink, 4, 6);
    sink.flush();
    CHECK(server.requests().size() == 2);
    CHECK(sink.stats().samples_sent == 2);
}

TEST_CASE("remote_write_sink: a 429 is retried", "[http][threads]") {
    http_test_server server;
    server.answer(429, "slow down");
    remote_write_sink sink(server.url("/api/v1/write"), metrics, quick_options());
    write_range(sink, 0, 2);
    sink.flush();
    server.answer(204, "");
    sink.close();
    CHECK(server.requests().size() == 2);
    CHECK(sink.stats().samples_sent == 2);
}

TEST_CASE("remote_write_sink: server down at start, then up: delivery resumes", "[http][threads]") {
    const std::uint16_t port = free_port();
    const std::string url = fmt::format("http://127.0.0.1:{}/api/v1/write", port);
    remote_write_sink sink(url, metrics, quick_options());
    write_range(sink, 0, 6);
    sink.flush();
    CHECK(sink.stats().failed_attempts == 1);
    CHECK_FALSE(sink.stats().last_error.empty());
    CHECK(sink.pending_requests() == 1);
    write_range(sink, 6, 8);  // written while down: queued, no attempt within the backoff
    sink.flush();
    CHECK(sink.pending_requests() == 2);
    http_test_server server(port);
    server.answer(204, "");
    sink.close();
    const auto seen = samples_in(server.requests());
    CHECK(seen.size() == 8);
    for (const auto& [key, count] : seen) CHECK(count == 1);
    CHECK(sink.stats().samples_sent == 8);
    for (const auto& d : sink.drops()) CHECK(d.count == 0);
}

TEST_CASE("remote_write_sink: server killed mid-run and restarted: every sample once, none invented",
          "[http][threads]") {
    auto server = std::make_unique<http_test_server>();
    const std::uint16_t port = server->port();
    server->answer(204, "");
    remote_write_sink sink(server->url("/api/v1/write"), metrics, quick_options());
    write_range(sink, 0, 10);
    sink.flush();
    auto delivered = server->requests();
    REQUIRE(delivered.size() == 1);
    server.reset();  // killed
    write_range(sink, 10, 20);
    sink.flush();
    CHECK(sink.pending_requests() == 1);
    CHECK(sink.stats().failed_attempts >= 1);
    server = std::make_unique<http_test_server>(port);  // restarted
    server->answer(204, "");
    write_range(sink, 20, 25);
    sink.close();
    for (auto& r : server->requests()) delivered.push_back(r);
    const auto seen = samples_in(delivered);
    REQUIRE(seen.size() == 25);
    const std::int64_t expected_first = 0;
    std::int64_t i = expected_first;
    for (const auto& [key, count] : seen) {
        CHECK(key.first == i);
        CHECK(key.second == static_cast<double>(i) + 0.25);
        CHECK(count == 1);
        ++i;
    }
    CHECK(sink.stats().samples_sent == 25);
    for (const auto& d : sink.drops()) CHECK(d.count == 0);
}

TEST_CASE("remote_write_sink: a slow server times out, is counted, and the batch is delivered later",
          "[http][threads]") {
    http_test_server server;
    server.answer_after_release(204, "");
    auto options = quick_options();
    options.http.timeout = 200ms;
    remote_write_sink sink(server.url("/api/v1/write"), metrics, options);
    write_range(sink, 0, 3);
    const auto started = std::chrono::steady_clock::now();
    sink.flush();
    CHECK(std::chrono::steady_clock::now() - started < 1500ms);
    CHECK(sink.stats().timeouts == 1);
    CHECK(sink.stats().failed_attempts == 1);
    CHECK(sink.pending_requests() == 1);
    server.answer(204, "");
    server.release();
    sink.close();
    CHECK(sink.pending_requests() == 0);
    CHECK(sink.stats().samples_sent == 3);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].body == requests[0].body);  // the same request again, nothing new
}

TEST_CASE("remote_write_sink: memory is bounded while the backend is down, the oldest requests go first",
          "[http][threads]") {
    const std::uint16_t port = free_port();
    auto options = quick_options();
    options.max_samples_per_request = 2;
    options.max_pending_requests = 3;
    options.close_timeout = 100ms;
    remote_write_sink sink(fmt::format("http://127.0.0.1:{}/api/v1/write", port), metrics, options);
    write_range(sink, 0, 10);  // 5 requests made, 3 kept
    CHECK(sink.pending_requests() == 3);
    CHECK(sink.dropped(reason::pending_full) == 4);
    {
        http_test_server server(port);
        server.answer(204, "");
        sink.close();
        const auto seen = samples_in(server.requests());
        REQUIRE(seen.size() == 6);
        CHECK(seen.begin()->first.first == 4);  // samples 0-3 were the oldest
    }
    write_range(sink, 10, 12);  // the server is gone again: close gives up after close_timeout
    const auto started = std::chrono::steady_clock::now();
    sink.close();
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    CHECK(sink.dropped(reason::undelivered_at_close) == 2);
    CHECK(sink.pending_requests() == 0);
}

TEST_CASE("remote_write_sink drops a request after max_attempts", "[http][threads]") {
    http_test_server server;
    server.answer(503, "");
    auto options = quick_options();
    options.max_attempts = 3;
    options.min_backoff = 1ms;
    options.max_backoff = 1ms;
    remote_write_sink sink(server.url("/api/v1/write"), metrics, options);
    write_range(sink, 0, 2);
    sink.close();
    CHECK(server.requests().size() == 3);
    CHECK(sink.dropped(reason::retries_exhausted) == 2);
    CHECK(sink.stats().requests_abandoned == 1);
}

TEST_CASE("remote_write_sink refuses bad URLs and options", "[http]") {
    CHECK_THROWS_AS(remote_write_sink("127.0.0.1:9090/api/v1/write", metrics), logmetrics::error);
    auto options = quick_options();
    options.max_samples_per_request = 0;
    CHECK_THROWS_AS(remote_write_sink("http://127.0.0.1:9/api/v1/write", metrics, options), logmetrics::error);
    options = quick_options();
    options.max_backoff = 1ms;
    CHECK_THROWS_AS(remote_write_sink("http://127.0.0.1:9/api/v1/write", metrics, options), logmetrics::error);
}

TEST_CASE("remote_write_sink behind async_sink: a dead backend never stalls the writer, drops reported",
          "[http][threads]") {
    const std::uint16_t port = free_port();
    auto options = quick_options();
    options.max_samples_per_request = 10;
    options.max_pending_requests = 2;
    options.close_timeout = 50ms;
    logmetrics::async_options async;
    async.capacity = 64;
    async.overflow = logmetrics::overflow_policy::drop_oldest;
    logmetrics::async_sink<remote_write_sink> sink(
        remote_write_sink(fmt::format("http://127.0.0.1:{}/api/v1/write", port), metrics, options), async);
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) sink.write(nth_sample(i));
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    sink.close();
    std::uint64_t lost = 0;
    bool named = false;
    for (const auto& d : sink.drops()) {
        lost += d.count;
        named = named || (d.reason == "pending requests full" && d.count > 0);
    }
    CHECK(named);
    CHECK(lost == 1000);  // nothing was delivered, and every sample is accounted for
}
