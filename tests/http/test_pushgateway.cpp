// SPDX-License-Identifier: MIT
// pushgateway_sink (include/logmetrics/http/pushgateway.hpp) against a test-owned HTTP server on
// 127.0.0.1 (tests/http/test_server.hpp): the exact requests (method, path with the grouping key,
// headers, body), when it pushes (interval, retry, close, delete_on_exit), the configuration
// errors, and the faults: server down at start, stopped mid-run and started again, 500, 400,
// slow. Each fault test checks the drops and that delivery resumes. Tagged [threads]: the server
// runs on a thread of its own.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <logmetrics/error.hpp>
#include <logmetrics/http/pushgateway.hpp>
#include <logmetrics/sinks/async.hpp>

#include "support/catch.hpp"
#include "support/samples.hpp"
#include "test_server.hpp"

namespace {

using namespace std::chrono_literals;
using logmetrics::pushgateway_options;
using logmetrics::pushgateway_sink;
using logmetrics::sample;
using test_support::fixed_time;
using test_support::http_test_server;

const std::vector<std::string> metrics = {"train:loss", "val acc"};

/// A sample of metric `metric` (its name and index), as a monitor makes it.
sample metric_sample(std::size_t metric, double value, std::string_view stream = "algo-1") {
    sample s = test_support::make_sample(metrics[metric], value, 0, 1, stream, fixed_time());
    s.metric = metric;
    s.definition = metric;
    return s;
}

pushgateway_options options_for(std::string job = "train") {
    pushgateway_options options;
    options.grouping.job = std::move(job);
    options.http.timeout = 2s;
    options.http.connect_timeout = 1s;
    return options;
}

/// The count of drop reason `reason` (0 when the sink has no such reason).
std::uint64_t dropped(const pushgateway_sink& sink, std::string_view reason) {
    for (const auto& one : sink.drops()) {
        if (one.reason == reason) return one.count;
    }
    return 0;
}

/// A port nothing listens on (a server's, after it stopped).
std::uint16_t free_port() {
    http_test_server gone;
    return gone.port();
}

/// Whether `text` contains `part` (the same with Catch2 v2 and v3).
bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }
#define CHECK_CONTAINS(text, part) CHECK(contains((text), (part)))

std::string root(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

const std::string body_1 =
    "# HELP train:loss Last value of a metric logmetrics read from a training log\n"
    "# TYPE train:loss gauge\n"
    "train:loss{stream=\"algo-1\"} 0.5\n"
    "train:loss{stream=\"algo-2\"} NaN\n"
    "# HELP val_acc Last value of a metric logmetrics read from a training log\n"
    "# TYPE val_acc gauge\n"
    "val_acc{stream=\"algo-1\"} +Inf\n";

}  // namespace

TEST_CASE("pushgateway_sink: PUT of every series' last value to the group's path, at most once per interval",
          "[http][threads][pushgateway]") {
    http_test_server server;
    server.answer(200, "");
    pushgateway_options options = options_for();
    options.grouping.labels = {{"run", "runs/exp 1"}, {"host", "node 1"}, {"note", ""}};
    pushgateway_sink sink(server.url("/"), metrics, {}, options);
    CHECK(sink.url() == server.url("/metrics/job/train/run@base64/cnVucy9leHAgMQ==/host/node%201/note@base64/="));
    CHECK(sink.name() == "pushgateway:" + sink.url());

    const auto t0 = fixed_time();
    sink.tick(t0);  // nothing written yet: nothing sent
    CHECK(server.requests().empty());
    sink.write(metric_sample(0, 0.9));
    sink.write(metric_sample(0, 0.5));
    const std::vector<sample> batch = {metric_sample(0, test_support::nan_value, "algo-2"),
                                       metric_sample(1, test_support::inf_value)};
    sink.write(batch);
    sink.tick(t0);  // the first push at once
    auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "PUT");
    CHECK(requests[0].target == "/metrics/job/train/run@base64/cnVucy9leHAgMQ==/host/node%201/note@base64/=");
    CHECK(requests[0].header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(requests[0].body == body_1);
    CHECK(sink.pushes() == 1);

    sink.write(metric_sample(0, 0.25));
    sink.tick(t0 + 14s);  // within the interval
    CHECK(server.requests().size() == 1);
    sink.tick(t0 + 15s);
    requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].body.find("train:loss{stream=\"algo-1\"} 0.25\n") != std::string::npos);
    CHECK(requests[1].body.find("val_acc{stream=\"algo-1\"} +Inf\n") != std::string::npos);  // unchanged, still sent
    sink.tick(t0 + 60s);                                                                     // no new value: nothing
    sink.close();                                                                            // nothing new either
    CHECK(server.requests().size() == 2);
    CHECK(sink.pushes() == 2);
    CHECK(sink.failed_pushes() == 0);
    for (const auto& one : sink.drops()) CHECK(one.count == 0);
    CHECK(sink.last_error().empty());
}

TEST_CASE("pushgateway_sink: flush() is bounded by the interval, close() pushes what is left",
          "[http][threads][pushgateway]") {
    http_test_server server;
    server.answer(200, "");
    auto now = fixed_time();
    logmetrics::prometheus_options format;
    format.labels = {{"team", "vision"}};
    format.stream_label = "source";
    pushgateway_sink sink(root(server.port()), metrics, format, options_for("a/b"), [&now] { return now; });
    CHECK(sink.url() == root(server.port()) + "/metrics/job@base64/YS9i");
    sink.write(metric_sample(1, 3));
    sink.flush();  // the first at once
    sink.write(metric_sample(1, 4));
    now += 1s;
    sink.flush();  // within the interval (the CLI flushes after every read of a pipe)
    CHECK(server.requests().size() == 1);
    CHECK(server.requests()[0].body.find("val_acc{source=\"algo-1\",team=\"vision\"} 3\n") != std::string::npos);
    sink.close();
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].method == "PUT");
    CHECK(requests[1].body.find("val_acc{source=\"algo-1\",team=\"vision\"} 4\n") != std::string::npos);
}

TEST_CASE("pushgateway_sink: delete_on_exit deletes the group at close, with no last PUT",
          "[http][threads][pushgateway]") {
    http_test_server server;
    server.answer(200, "");
    pushgateway_options options = options_for();
    options.delete_on_exit = true;
    {
        pushgateway_sink sink(root(server.port()) + "/", metrics, {}, options);
        sink.write(metric_sample(0, 1));
        sink.tick(fixed_time());
        sink.write(metric_sample(0, 2));  // never pushed: the group is deleted
        server.answer(202, "");
        sink.close();
        const auto requests = server.requests();
        REQUIRE(requests.size() == 2);
        CHECK(requests[1].method == "DELETE");
        CHECK(requests[1].target == "/metrics/job/train");
        CHECK(requests[1].body.empty());
        CHECK(sink.deleted());
        for (const auto& one : sink.drops()) CHECK(one.count == 0);
    }  // its connection closed: the test server serves one at a time

    // A DELETE that fails is thrown (the group stays on the server).
    pushgateway_sink again(root(server.port()), metrics, {}, options);
    server.answer(500, "busy");
    CHECK_THROWS_AS(again.close(), logmetrics::error);
    CHECK(again.last_error() == "DELETE " + root(server.port()) + "/metrics/job/train: 500 busy");
    CHECK_FALSE(again.deleted());
}

TEST_CASE("pushgateway_sink: configuration errors throw at construction", "[http][pushgateway]") {
    const auto refused = [](std::string_view url, const std::vector<std::string>& names,
                            logmetrics::prometheus_options format, pushgateway_options options,
                            std::string_view expected) {
        try {
            pushgateway_sink sink(url, names, std::move(format), std::move(options));
            FAIL("accepted " << url);
        } catch (const logmetrics::error& e) {
            CHECK(e.code() == logmetrics::errc::invalid_argument);
            CHECK_CONTAINS(e.what(), std::string(expected));
        }
    };
    refused("ftp://127.0.0.1:9091", metrics, {}, {}, "is not an http:// or https:// URL");
    refused("http://", metrics, {}, {}, "has no host");
    refused("http://:9091", metrics, {}, {}, "has no host");
    refused("http://127.0.0.1:9091?job=x", metrics, {}, {}, "has a query");
    refused("http://127.0.0.1:9091/metrics/job/x", metrics, {}, {}, "has a /metrics path");
    refused("http://127.0.0.1:9091", metrics, {}, options_for(""), "the job name is empty");
    pushgateway_options job_label = options_for();
    job_label.grouping.labels = {{"job", "x"}};
    refused("http://127.0.0.1:9091", metrics, {}, job_label, "\"job\" is not a grouping label");
    refused("http://127.0.0.1:9091", {"val loss", "val/loss"}, {}, {}, "would both be named val_loss");
    refused("http://127.0.0.1:9091", {"push_time_seconds"}, {}, {}, "a metric the Pushgateway sets itself");
    pushgateway_options stream = options_for();
    stream.grouping.labels = {{"stream", "x"}};
    refused("http://127.0.0.1:9091", metrics, {}, stream, "the stream label \"stream\" is also in the grouping key");
    logmetrics::prometheus_options constant;
    constant.labels = {{"job", "x"}};
    refused("http://127.0.0.1:9091", metrics, constant, {}, "label \"job\" is both a constant label");
}

TEST_CASE("pushgateway_sink: server down at start, then up: failed pushes counted, delivery resumes",
          "[http][threads][pushgateway]") {
    const std::uint16_t port = free_port();
    pushgateway_sink sink(root(port), metrics, {}, options_for());
    const auto t0 = fixed_time();
    sink.write(metric_sample(0, 1));  // carried by the failed push below
    sink.tick(t0);
    CHECK(sink.failed_pushes() == 1);
    CHECK_CONTAINS(sink.last_error(), root(port) + "/metrics/job/train");
    sink.tick(t0 + 500ms);  // within the retry interval: no attempt
    CHECK(sink.failed_pushes() == 1);
    sink.tick(t0 + 1s);  // retried with no new value: the same value, nothing lost yet
    CHECK(sink.failed_pushes() == 2);
    CHECK(dropped(sink, "push failed") == 0);
    sink.write(metric_sample(0, 2));  // replaces 1, which no push delivered: lost
    sink.write(metric_sample(0, 3));  // replaces 2, which no push carried: not a drop (latest value only)
    sink.write(metric_sample(1, 7));  // a new series
    sink.tick(t0 + 2s);
    CHECK(sink.failed_pushes() == 3);
    CHECK(dropped(sink, "push failed") == 1);

    http_test_server server(port);
    server.answer(200, "");
    sink.tick(t0 + 3s);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].body.find("train:loss{stream=\"algo-1\"} 3\n") != std::string::npos);
    CHECK(server.requests()[0].body.find("val_acc{stream=\"algo-1\"} 7\n") != std::string::npos);
    CHECK(sink.pushes() == 1);
    CHECK(dropped(sink, "push failed") == 1);  // 3 and 7 were delivered
    sink.close();
    CHECK(dropped(sink, "push failed") == 1);
}

TEST_CASE("pushgateway_sink: server stopped mid-run and started again", "[http][threads][pushgateway]") {
    std::optional<http_test_server> server(std::in_place);
    server->answer(200, "");
    const std::uint16_t port = server->port();
    pushgateway_sink sink(root(port), metrics, {}, options_for());
    const auto t0 = fixed_time();
    sink.write(metric_sample(0, 1));
    sink.tick(t0);
    CHECK(sink.pushes() == 1);
    server.reset();  // killed: the kept-alive connection is gone too
    sink.write(metric_sample(0, 2));
    sink.tick(t0 + 15s);
    CHECK(sink.failed_pushes() == 1);
    sink.write(metric_sample(0, 3));  // 2 is lost
    sink.tick(t0 + 16s);
    CHECK(sink.failed_pushes() == 2);
    CHECK(dropped(sink, "push failed") == 1);
    server.emplace(port);
    server->answer(200, "");
    sink.tick(t0 + 17s);  // the retry interval, not the interval
    CHECK(sink.pushes() == 2);
    REQUIRE(server->requests().size() == 1);
    CHECK(server->requests()[0].body.find("train:loss{stream=\"algo-1\"} 3\n") != std::string::npos);
    // Down again at the end: the last push fails, its values never reach the server.
    server.reset();
    sink.write(metric_sample(0, 4));
    sink.write(metric_sample(1, 5));
    CHECK_THROWS_AS(sink.close(), logmetrics::error);
    CHECK(dropped(sink, "push failed") == 1 + 2);  // 2, then 4 and 5 at the end
}

TEST_CASE("pushgateway_sink: a 500 is retried at the next tick, delivery resumes", "[http][threads][pushgateway]") {
    http_test_server server;
    server.answer(500, "storage full\n");
    pushgateway_sink sink(root(server.port()), metrics, {}, options_for());
    const auto t0 = fixed_time();
    sink.write(metric_sample(0, 1));
    sink.tick(t0);
    CHECK(sink.failed_pushes() == 1);
    CHECK(sink.last_error() == "PUT " + root(server.port()) + "/metrics/job/train: 500 storage full");
    server.answer(200, "");
    sink.tick(t0 + 1s);
    CHECK(sink.pushes() == 1);
    CHECK(server.requests().size() == 2);
    CHECK(server.requests()[1].body == server.requests()[0].body);
    for (const auto& one : sink.drops()) CHECK(one.count == 0);  // 1 was delivered by the retry
}

TEST_CASE("pushgateway_sink: a 400 is counted with the server's message and not retried until a value changes",
          "[http][threads][pushgateway]") {
    http_test_server server;
    const std::string message =
        "pushed metrics are invalid or inconsistent with existing metrics: collected metric "
        "\"train:loss\" { label:<name:\"stream\" value:\"algo-1\" > gauge:<value:1 > } is "
        "not a COUNTER";
    server.answer(400, message);
    pushgateway_sink sink(root(server.port()), metrics, {}, options_for());
    const auto t0 = fixed_time();
    sink.write(metric_sample(0, 1));
    sink.tick(t0);
    CHECK(sink.rejected_pushes() == 1);
    CHECK(sink.failed_pushes() == 0);
    CHECK(sink.last_error() == "PUT " + root(server.port()) + "/metrics/job/train: 400 " + message);
    sink.tick(t0 + 1s);
    sink.tick(t0 + 60s);
    CHECK(server.requests().size() == 1);  // the same body would be refused again
    sink.write(metric_sample(0, 2));       // 1 was refused and is now replaced: lost
    sink.tick(t0 + 61s);
    CHECK(server.requests().size() == 2);
    CHECK(dropped(sink, "push rejected") == 1);
    server.answer(200, "");
    sink.write(metric_sample(0, 3));
    sink.tick(t0 + 76s);
    CHECK(sink.pushes() == 1);
    CHECK(dropped(sink, "push rejected") == 2);  // 2 as well
    sink.close();
    CHECK(dropped(sink, "push rejected") == 2);
    CHECK(dropped(sink, "push failed") == 0);

    // Refused at the end: the last values are lost, and close() says why.
    http_test_server strict;
    strict.answer(400, "pushed metrics must not have timestamps");
    pushgateway_sink last(root(strict.port()), metrics, {}, options_for());
    last.write(metric_sample(0, 1));
    last.write(metric_sample(1, 1));
    try {
        last.close();
        FAIL("close() returned");
    } catch (const logmetrics::error& e) {
        CHECK(e.code() == logmetrics::errc::io_error);
        CHECK_CONTAINS(e.what(), "400 pushed metrics must not have timestamps");
    }
    CHECK(dropped(last, "push rejected") == 2);
}

TEST_CASE("pushgateway_sink: a slow server times out, the next push goes through", "[http][threads][pushgateway]") {
    http_test_server server;
    server.answer_after_release(200, "");
    pushgateway_options options = options_for();
    options.http.timeout = 300ms;
    pushgateway_sink sink(root(server.port()), metrics, {}, options);
    const auto t0 = fixed_time();
    sink.write(metric_sample(0, 1));
    const auto started = std::chrono::steady_clock::now();
    sink.tick(t0);
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    CHECK(sink.failed_pushes() == 1);
    CHECK_CONTAINS(sink.last_error(), "timed out");
    server.answer(200, "");
    server.release();
    sink.tick(t0 + 1s);
    CHECK(sink.pushes() == 1);
    CHECK(dropped(sink, "push failed") == 0);
}

TEST_CASE("pushgateway_sink behind async_sink (drop_oldest): a dead server never blocks the writer",
          "[http][threads][pushgateway]") {
    const std::uint16_t port = free_port();
    logmetrics::async_options async;
    async.capacity = 4;
    async.overflow = logmetrics::overflow_policy::drop_oldest;
    async.on_error = [](const logmetrics::sink_error&) {};
    logmetrics::async_sink<pushgateway_sink> sink(pushgateway_sink(root(port), metrics, {}, options_for()), async);
    for (int i = 0; i < 1000; ++i) sink.write(metric_sample(0, i));
    sink.tick(fixed_time());
    sink.flush();
    http_test_server server(port);
    server.answer(200, "");
    sink.tick(fixed_time() + 1s);
    sink.close();
    const auto requests = server.requests();
    REQUIRE_FALSE(requests.empty());
    CHECK(requests.back().body.find("train:loss{stream=\"algo-1\"} 999\n") != std::string::npos);
}
