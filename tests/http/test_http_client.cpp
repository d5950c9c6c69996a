// SPDX-License-Identifier: MIT
// http_client (include/logmetrics/http/client.hpp) against a test-owned HTTP/1.1 server on
// 127.0.0.1 (tests/http/test_server.hpp): what is sent, what each answer becomes, and the faults
// a pushing sink meets (server down, 500, 400, a server that does not answer in time).
// Tagged [threads]: the server runs on a thread of its own.

#include <chrono>
#include <string>
#include <vector>

#include <logmetrics/error.hpp>
#include <logmetrics/http/client.hpp>

#include "support/catch.hpp"
#include "test_server.hpp"

using logmetrics::http_client;
using logmetrics::http_options;
using test_support::http_test_server;

TEST_CASE("http_client sends the method, body and headers, and returns the answer", "[http][threads]") {
    http_test_server server;
    server.answer(200, "ok");
    http_options options;
    options.headers = {"Authorization: Bearer t0ken"};
    http_client client(options);
    const auto response = client.request("PUT", server.url("/metrics/job/train"), "loss 0.5\n",
                                         {"Content-Type: text/plain; version=0.0.4"});
    CHECK(response.status == 200);
    CHECK(response.ok());
    CHECK(response.body == "ok");
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "PUT");
    CHECK(requests[0].target == "/metrics/job/train");
    CHECK(requests[0].body == "loss 0.5\n");
    CHECK(requests[0].header("content-type") == "text/plain; version=0.0.4");
    CHECK(requests[0].header("authorization") == "Bearer t0ken");
    CHECK(requests[0].header("user-agent").starts_with("logmetrics/"));
    CHECK(requests[0].header("expect").empty());  // no 100-continue round trip
}

TEST_CASE("http_client: a DELETE has no body, one client makes many requests", "[http][threads]") {
    http_test_server server;
    server.answer(202, "");
    http_client client;
    CHECK(client.request("DELETE", server.url("/metrics/job/train")).status == 202);
    CHECK(client.request("POST", server.url("/api/v1/write"), std::string(100000, 'x')).status == 202);
    CHECK(client.request("GET", server.url("/api/v1/status")).status == 202);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].method == "DELETE");
    CHECK(requests[0].body.empty());
    CHECK(requests[1].body.size() == 100000);
    CHECK(requests[2].method == "GET");
}

TEST_CASE("http_client returns 4xx and 5xx answers with the server's message, and says which to retry",
          "[http][threads]") {
    http_test_server server;
    http_client client;
    server.answer(500, "internal error");
    auto response = client.request("POST", server.url("/write"), "x");
    CHECK(response.status == 500);
    CHECK(response.retryable());
    CHECK_FALSE(response.ok());
    server.answer(400, "out of order sample");
    response = client.request("POST", server.url("/write"), "x");
    CHECK(response.status == 400);
    CHECK(response.body == "out of order sample");
    CHECK_FALSE(response.retryable());
    server.answer(429, "slow down");
    CHECK(client.request("POST", server.url("/write"), "x").retryable());
    server.answer(400, std::string(http_client::max_body * 3, 'e'));
    CHECK(client.request("POST", server.url("/write"), "x").body.size() == http_client::max_body);
}

TEST_CASE("http_client throws io_error naming the URL when no answer comes", "[http][threads]") {
    std::string url;
    {
        http_test_server gone;
        url = gone.url("/write");
    }  // nothing listens there any more: refused
    http_client client;
    try {
        client.request("POST", url, "x");
        FAIL("a refused connection returned");
    } catch (const logmetrics::error& e) {
        CHECK(e.code() == logmetrics::errc::io_error);
        CHECK(std::string(e.what()).find(url) != std::string::npos);
    }

    http_test_server slow;
    slow.answer_after_release(200, "late");  // holds each request until released
    http_options options;
    options.timeout = std::chrono::milliseconds(300);
    http_client impatient(options);
    CHECK_THROWS_AS(impatient.request("POST", slow.url("/write"), "x"), logmetrics::error);
    slow.release();
}
