// SPDX-License-Identifier: MIT
// influx_sink (include/logmetrics/http/influx.hpp) against a test-owned HTTP/1.1 server on
// 127.0.0.1 (tests/http/test_server.hpp): the exact request (URL with db and precision, headers,
// line protocol body), batching, and the faults: server down at start, killed mid-run and
// restarted, answering 500, 400 and slowly, a full queue; each with its drops counted and delivery
// resuming, and no sample sent twice or invented.
// Tagged [threads]: the server runs on a thread of its own.

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
#include <logmetrics/http/influx.hpp>
#include <logmetrics/sinks/async.hpp>

#include "support/catch.hpp"
#include "support/samples.hpp"
#include "test_server.hpp"

namespace {

using namespace std::chrono_literals;
using logmetrics::influx_sink;
using logmetrics::influx_sink_options;
using logmetrics::sample;
using reason = logmetrics::influx_sink::drop_reason;
using test_support::fixed_time;
using test_support::http_test_server;

/// Sample `i`: metric "loss", value i + 0.25, its own ms.
sample nth_sample(int i) {
    return test_support::make_sample("loss", i + 0.25, 0, 1, "train.log", fixed_time(std::chrono::milliseconds(i)));
}

/// (ms offset from fixed_time, value) of every line in `requests` (one field per line here), with
/// how many times each was seen.
std::map<std::pair<std::int64_t, double>, int> samples_in(const std::vector<test_support::http_request>& requests) {
    std::map<std::pair<std::int64_t, double>, int> seen;
    const std::int64_t t0 = logmetrics::unix_millis(fixed_time());
    for (const auto& request : requests) {
        for (const std::string& line : test_support::split_lines(request.body)) {
            // logmetrics,stream=train.log loss=<value> <ms>
            const std::size_t equals = line.find(" loss=");
            const std::size_t space = line.rfind(' ');
            REQUIRE(equals != std::string::npos);
            const double value = std::stod(line.substr(equals + 6, space - equals - 6));
            ++seen[{std::stoll(line.substr(space + 1)) - t0, value}];
        }
    }
    return seen;
}

/// Options for tests: ms precision, short backoffs and timeouts.
influx_sink_options quick_options() {
    influx_sink_options options;
    options.format.precision = logmetrics::influx_precision::ms;
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

void write_range(influx_sink& sink, int from, int to) {
    for (int i = from; i < to; ++i) sink.write(nth_sample(i));
}

}  // namespace

TEST_CASE("influx_sink POSTs line protocol to /write with db and precision", "[http][threads]") {
    http_test_server server;
    server.answer(204, "");
    auto options = quick_options();
    options.format.tags = {{"job", "j1"}};
    influx_sink sink(server.url("/write?db=lm"), options);
    CHECK(sink.name() == "influx:" + server.url("/write?db=lm"));
    CHECK(sink.url() == server.url("/write?db=lm&precision=ms"));
    std::vector<sample> batch = {nth_sample(0), nth_sample(1)};
    batch.push_back(batch[1]);
    batch[2].name = "acc";
    batch[2].value = 0.5;
    sink.write(std::span<const sample>(batch));
    CHECK(server.requests().empty());  // batched
    sink.flush();
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    const auto& r = requests[0];
    CHECK(r.method == "POST");
    CHECK(r.target == "/write?db=lm&precision=ms");
    CHECK(r.header("content-type") == "text/plain; charset=utf-8");
    CHECK(r.body ==
          "logmetrics,job=j1,stream=train.log loss=0.25 1795309323456\n"
          "logmetrics,job=j1,stream=train.log loss=1.25,acc=0.5 1795309323457\n");
    CHECK(sink.stats().requests_sent == 1);
    CHECK(sink.stats().samples_sent == 3);
    for (const auto& d : sink.drops()) CHECK(d.count == 0);

    auto ns = quick_options();
    ns.format.precision = logmetrics::influx_precision::ns;
    CHECK(influx_sink(server.url("/write?db=lm"), ns).url() == server.url("/write?db=lm"));
    CHECK(influx_sink(server.url("/write"), quick_options()).url() == server.url("/write?precision=ms"));
}

TEST_CASE("influx_sink batches by size and by age", "[http][threads]") {
    http_test_server server;
    server.answer(204, "");
    auto options = quick_options();
    options.max_samples_per_request = 4;
    options.max_delay = 100ms;
    influx_sink sink(server.url("/write?db=lm"), options);
    std::vector<sample> ten;
    for (int i = 0; i < 10; ++i) ten.push_back(nth_sample(i));
    sink.write(std::span<const sample>(ten));
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
    CHECK(server.requests().size() == 3);
}

TEST_CASE("influx_sink retries a 500 after a backoff, with the same bytes, then delivers", "[http][threads]") {
    http_test_server server;
    server.answer(500, "{\"error\":\"timeout\"}\n");
    influx_sink sink(server.url("/write?db=lm"), quick_options());
    write_range(sink, 0, 5);
    sink.flush();
    CHECK(server.requests().size() == 1);
    CHECK(sink.pending_requests() == 1);
    CHECK(sink.stats().failed_attempts == 1);
    CHECK(sink.stats().last_error == "HTTP 500: {\"error\":\"timeout\"}");
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

TEST_CASE("influx_sink drops a batch answered 400, with the server's message, and never retries it",
          "[http][threads]") {
    http_test_server server;
    server.answer(400, "{\"error\":\"partial write: field type conflict dropped=2\"}\n");
    influx_sink sink(server.url("/write?db=lm"), quick_options());
    write_range(sink, 0, 4);
    sink.flush();
    CHECK(sink.dropped(reason::rejected) == 4);
    CHECK(sink.stats().requests_rejected == 1);
    CHECK(sink.stats().last_error == "HTTP 400: {\"error\":\"partial write: field type conflict dropped=2\"}");
    CHECK(sink.drops()[3].reason == "rejected by the server");
    CHECK(sink.drops()[3].count == 4);
    std::this_thread::sleep_for(20ms);
    sink.tick(fixed_time());
    sink.close();
    CHECK(server.requests().size() == 1);
    server.answer(204, "");
    write_range(sink, 4, 6);
    sink.flush();
    CHECK(server.requests().size() == 2);
    CHECK(sink.stats().samples_sent == 2);
}

TEST_CASE("influx_sink: server down at start, then up: delivery resumes", "[http][threads]") {
    const std::uint16_t port = free_port();
    influx_sink sink(fmt::format("http://127.0.0.1:{}/write?db=lm", port), quick_options());
    write_range(sink, 0, 6);
    sink.flush();
    CHECK(sink.stats().failed_attempts == 1);
    CHECK_FALSE(sink.stats().last_error.empty());
    CHECK(sink.pending_requests() == 1);
    write_range(sink, 6, 8);
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

TEST_CASE("influx_sink: server killed mid-run and restarted: every sample once, none invented", "[http][threads]") {
    auto server = std::make_unique<http_test_server>();
    const std::uint16_t port = server->port();
    server->answer(204, "");
    influx_sink sink(server->url("/write?db=lm"), quick_options());
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
    std::int64_t i = 0;
    for (const auto& [key, count] : seen) {
        CHECK(key.first == i);
        CHECK(key.second == static_cast<double>(i) + 0.25);
        CHECK(count == 1);
        ++i;
    }
    CHECK(sink.stats().samples_sent == 25);
    for (const auto& d : sink.drops()) CHECK(d.count == 0);
}

TEST_CASE("influx_sink: a slow server times out, is counted, and the batch is delivered later", "[http][threads]") {
    http_test_server server;
    server.answer_after_release(204, "");
    auto options = quick_options();
    options.http.timeout = 200ms;
    influx_sink sink(server.url("/write?db=lm"), options);
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
    CHECK(requests[1].body == requests[0].body);
}

TEST_CASE("influx_sink: memory is bounded while the server is down, the oldest requests go first", "[http][threads]") {
    const std::uint16_t port = free_port();
    auto options = quick_options();
    options.max_samples_per_request = 2;
    options.max_pending_requests = 3;
    options.close_timeout = 100ms;
    influx_sink sink(fmt::format("http://127.0.0.1:{}/write?db=lm", port), options);
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

TEST_CASE("influx_sink drops a request after max_attempts", "[http][threads]") {
    http_test_server server;
    server.answer(503, "");
    auto options = quick_options();
    options.max_attempts = 3;
    options.min_backoff = 1ms;
    options.max_backoff = 1ms;
    influx_sink sink(server.url("/write?db=lm"), options);
    write_range(sink, 0, 2);
    sink.close();
    CHECK(server.requests().size() == 3);
    CHECK(sink.dropped(reason::retries_exhausted) == 2);
    CHECK(sink.stats().requests_abandoned == 1);
}

TEST_CASE("influx_sink never shows the password of its URL in names and messages", "[http][threads]") {
    const std::uint16_t port = free_port();
    influx_sink sink(fmt::format("http://127.0.0.1:{}/write?db=lm&u=me&p=s3cret&rp=r", port), quick_options());
    CHECK(sink.name() == fmt::format("influx:http://127.0.0.1:{}/write?db=lm&u=me&p=***&rp=r", port));
    write_range(sink, 0, 1);
    sink.flush();
    CHECK(sink.stats().failed_attempts == 1);
    CHECK(sink.stats().last_error.find("p=***&rp=r&precision=ms") != std::string::npos);
    CHECK(sink.stats().last_error.find("s3cret") == std::string::npos);
    try {
        influx_sink refused("http://h/write?p=s3cret&precision=s");
        FAIL("accepted");
    } catch (const logmetrics::error& e) {
        CHECK(e.message().find("s3cret") == std::string::npos);
    }
}

TEST_CASE("influx_sink refuses bad URLs and options", "[http]") {
    CHECK_THROWS_AS(influx_sink("127.0.0.1:8086/write?db=lm"), logmetrics::error);
    CHECK_THROWS_AS(influx_sink("http://127.0.0.1:8086/write?db=lm&precision=s"), logmetrics::error);
    auto options = quick_options();
    options.max_samples_per_request = 0;
    CHECK_THROWS_AS(influx_sink("http://127.0.0.1:9/write?db=lm", options), logmetrics::error);
    options = quick_options();
    options.max_backoff = 1ms;
    CHECK_THROWS_AS(influx_sink("http://127.0.0.1:9/write?db=lm", options), logmetrics::error);
    options = quick_options();
    options.format.measurement = "";
    CHECK_THROWS_AS(influx_sink("http://127.0.0.1:9/write?db=lm", options), logmetrics::error);
}

TEST_CASE("influx_sink behind async_sink: a dead server never stalls the writer, drops reported", "[http][threads]") {
    const std::uint16_t port = free_port();
    auto options = quick_options();
    options.max_samples_per_request = 10;
    options.max_pending_requests = 2;
    options.close_timeout = 50ms;
    logmetrics::async_options async;
    async.capacity = 64;
    async.overflow = logmetrics::overflow_policy::drop_oldest;
    logmetrics::async_sink<influx_sink> sink(influx_sink(fmt::format("http://127.0.0.1:{}/write?db=lm", port), options),
                                             async);
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) sink.write(nth_sample(i));
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    sink.close();
    std::uint64_t lost = 0;
    for (const auto& d : sink.drops()) lost += d.count;
    CHECK(lost == 1000);
}
