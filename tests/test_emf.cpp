// SPDX-License-Identifier: MIT
// CloudWatch Embedded Metric Format: the format byte for byte, its limits and drops
// (formats/emf.hpp).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/samples.hpp"

#include <logmetrics/error.hpp>
#include <logmetrics/formats/emf.hpp>
#include <logmetrics/sinks/async.hpp>
#include <logmetrics/sinks/emf.hpp>

namespace {

using namespace std::chrono_literals;
using logmetrics::emf_format;
using logmetrics::emf_options;
using logmetrics::sample;
using test_support::fixed_time;
using test_support::inf_value;
using test_support::make_integer_sample;
using test_support::make_sample;
using test_support::nan_value;
using test_support::split_lines;
using reason = emf_format::drop_reason;

std::string format_batch(emf_format& format, const std::vector<sample>& batch,
                         logmetrics::timestamp now = fixed_time()) {
    fmt::memory_buffer out;
    format.append(out, batch, now);
    return fmt::to_string(out);
}

std::string format_batch(const std::vector<sample>& batch, emf_options options = {}) {
    emf_format format(std::move(options));
    return format_batch(format, batch);
}

std::vector<nlohmann::json> parse_lines(const std::string& text) {
    std::vector<nlohmann::json> events;
    for (const std::string& line : split_lines(text)) events.push_back(nlohmann::json::parse(line));
    return events;
}

}  // namespace

TEST_CASE("emf_format writes one event per stream and millisecond", "[format][emf]") {
    const std::vector<sample> batch = {
        make_sample("train:loss", 0.25, 3, 12, "pod-0"), make_sample("epoch", 1, 3, 12, "pod-0"),
        make_sample("train:loss", 0.125, 4, 13, "pod-0", fixed_time(1ms)),
        make_integer_sample("tokens", 9007199254740991),  // no stream label: no stream dimension
    };
    emf_options options;
    options.dimensions = {{"job", "train-7"}};
    emf_format format(options);
    const std::string text = format_batch(format, batch);
    CHECK(
        text ==
        R"({"_aws":{"Timestamp":1795309323456,"CloudWatchMetrics":[{"Namespace":"logmetrics","Dimensions":[["job"]],)"
        R"("Metrics":[{"Name":"tokens","Unit":"None"}]}]},"job":"train-7","tokens":9007199254740991})"
        "\n"
        R"({"_aws":{"Timestamp":1795309323456,"CloudWatchMetrics":[{"Namespace":"logmetrics","Dimensions":[["stream","job"]],)"
        R"("Metrics":[{"Name":"epoch","Unit":"None"},{"Name":"train:loss","Unit":"None"}]}]},)"
        R"("stream":"pod-0","job":"train-7","epoch":1,"train:loss":0.25})"
        "\n"
        R"({"_aws":{"Timestamp":1795309323457,"CloudWatchMetrics":[{"Namespace":"logmetrics","Dimensions":[["stream","job"]],)"
        R"("Metrics":[{"Name":"train:loss","Unit":"None"}]}]},"stream":"pod-0","job":"train-7","train:loss":0.125})"
        "\n");
    CHECK(parse_lines(text).size() == 3);
    for (const auto& d : format.drops()) CHECK(d.count == 0);
}

TEST_CASE("emf_format: several values of a metric at one time are an array, options shape the directive",
          "[format][emf]") {
    const std::vector<sample> batch = {
        make_sample("loss", 0.5),
        make_integer_sample("tokens", -9007199254740991),
        make_sample("loss", 1e-05),
        make_sample("say \"hi\"", 2),
    };
    emf_options options;
    options.metric_namespace = "ml/train #2";
    options.stream_dimension.clear();
    options.unit = "Count";
    options.storage_resolution = 1;
    CHECK(format_batch(batch, options) ==
          R"({"_aws":{"Timestamp":1795309323456,"CloudWatchMetrics":[{"Namespace":"ml/train #2","Dimensions":[[]],)"
          R"("Metrics":[{"Name":"loss","Unit":"Count","StorageResolution":1},)"
          R"({"Name":"say \"hi\"","Unit":"Count","StorageResolution":1},)"
          R"({"Name":"tokens","Unit":"Count","StorageResolution":1}]}]},)"
          R"("loss":[0.5,1e-05],"say \"hi\"":2,"tokens":-9007199254740991})"
          "\n");
}

TEST_CASE("emf_format: a stream label as a CloudWatch dimension value (ASCII, 1 to 1024 bytes, not blank)",
          "[format][emf]") {
    const std::vector<sample> batch = {
        make_sample("a", 1, 0, 1, "r\xC3\xA9sum\xC3\xA9/\xE6\x97\xA5.log"),  // two- and three-byte sequences
        make_sample("a", 2, 0, 1, "x\x80\x80y\xFF"),                         // stray bytes, each one
        make_sample("a", 3, 0, 1, "   "),                                    // blank: no stream dimension
    };
    emf_format format;
    const auto events = parse_lines(format_batch(format, batch));
    REQUIRE(events.size() == 3);
    CHECK_FALSE(events[0].contains("stream"));
    CHECK(events[0]["a"] == 3);
    CHECK(events[1]["stream"] == "r_sum_/_.log");
    CHECK(events[2]["stream"] == "x__y_");
    for (const auto& d : format.drops()) CHECK(d.count == 0);
}

TEST_CASE("emf_format::check_metric_names refuses, before any sample, a metric no event can carry", "[format][emf]") {
    emf_options options;
    options.dimensions = {{"job", "j"}};
    const emf_format format(options);
    const auto refusal = [&format](std::vector<std::string> names) {
        try {
            format.check_metric_names(names);
        } catch (const logmetrics::error& e) {
            return std::string(e.message());
        }
        return std::string("(accepted)");
    };
    CHECK(refusal({"train:loss", "val loss", "eval/acc"}) == "(accepted)");
    CHECK(
        refusal({"loss", "stream"}) ==
        R"(emf: the metric "stream" cannot be an EMF metric: a name is 1 to 255 bytes, not blank, not _aws and not a )"
        "dimension key (stream, job); rename it");
    for (const std::string& bad : std::vector<std::string>{"job", "_aws", " ", std::string(256, 'x')}) {
        CAPTURE(bad);
        CHECK(refusal({bad}).starts_with("emf: the metric "));
    }
}

TEST_CASE("emf_format drops what CloudWatch refuses, by reason", "[format][emf]") {
    static const std::string long_name(256, 'x'), longest_name(255, 'x'), long_stream(1025, 's');
    const std::vector<sample> batch = {
        make_sample("nan", nan_value, 0, 1, "s"),
        make_sample("inf", inf_value, 0, 1, "s"),
        make_sample("-inf", -inf_value, 0, 1, "s"),
        make_sample("big", 9007199254740992.0, 0, 1, "s"),
        make_integer_sample("big int", -9007199254740992),  // and no stream: counted once, first reason
        make_sample("old", 1, 0, 1, "s", fixed_time() - 24h * 14 - 1ms),
        make_sample("just in time", 1, 0, 1, "s", fixed_time() - 24h * 14),
        make_sample("ahead", 1, 0, 1, "s", fixed_time() + 2h + 1ms),
        make_sample("", 1, 0, 1, "s"),
        make_sample("  ", 1, 0, 1, "s"),
        make_sample("_aws", 1, 0, 1, "s"),
        make_sample("stream", 1, 0, 1, "s"),
        make_sample(long_name, 1, 0, 1, "s"),
        make_sample("ok", 1, 0, 1, ""),
        make_sample("ok", 1, 0, 1, "p\xC3\xA9"),
        make_sample("ok", 1, 0, 1, long_stream),
        make_sample(longest_name, 1, 0, 1, "s"),
    };
    emf_format format;
    const auto events = parse_lines(format_batch(format, batch));
    CHECK(format.dropped(reason::non_finite) == 3);
    CHECK(format.dropped(reason::out_of_range) == 2);
    CHECK(format.dropped(reason::too_old) == 1);
    CHECK(format.dropped(reason::too_far_ahead) == 1);
    CHECK(format.dropped(reason::invalid_name) == 5);
    CHECK(format.dropped(reason::too_large) == 0);
    // By stream label, then time: no label (no stream dimension), "pé" (as "p_"), "s" ("just in
    // time" at its own millisecond, then the 255-byte name), the 1025-byte label (cut at 1024).
    REQUIRE(events.size() == 5);
    CHECK(events[0]["ok"] == 1);
    CHECK_FALSE(events[0].contains("stream"));
    CHECK(events[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == nlohmann::json::parse("[[]]"));
    CHECK(events[1]["stream"] == "p_");
    CHECK(events[2]["just in time"] == 1);
    CHECK(events[3][longest_name] == 1);
    CHECK(events[4]["stream"] == std::string(1024, 's'));
    const auto drops = format.drops();
    REQUIRE(drops.size() == emf_format::drop_reasons);
    CHECK(drops[0].reason == "non-finite value");
    CHECK(drops[2].reason == "timestamp too old");
    CHECK(drops[3].reason == "timestamp too far ahead");
}

TEST_CASE("emf_format: 101 metrics at one time make two events", "[format][emf]") {
    std::vector<std::string> names;
    for (int i = 0; i < 101; ++i) names.push_back(fmt::format("m{:03}", i));
    std::vector<sample> batch;
    for (const std::string& name : names) batch.push_back(make_sample(name, 1, 0, 1, "s"));
    const auto events = parse_lines(format_batch(batch));
    REQUIRE(events.size() == 2);
    CHECK(events[0]["_aws"]["CloudWatchMetrics"][0]["Metrics"].size() == 100);
    CHECK(events[1]["_aws"]["CloudWatchMetrics"][0]["Metrics"].size() == 1);
    CHECK(events[1]["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"] == "m100");
    CHECK(events[1]["m100"] == 1);
    CHECK(events[1]["_aws"]["Timestamp"] == events[0]["_aws"]["Timestamp"]);
}

TEST_CASE("emf_format: 101 values of a metric at one time make two events, in order", "[format][emf]") {
    std::vector<sample> batch;
    for (int i = 0; i < 101; ++i) batch.push_back(make_sample("loss", i, 0, 1, "s"));
    batch.push_back(make_sample("acc", 0.5, 0, 1, "s"));
    const auto events = parse_lines(format_batch(batch));
    REQUIRE(events.size() == 2);
    REQUIRE(events[0]["loss"].size() == 100);
    CHECK(events[0]["loss"][0] == 0);
    CHECK(events[0]["loss"][99] == 99);
    CHECK(events[0]["acc"] == 0.5);   // "acc" sorts first
    CHECK(events[1]["loss"] == 100);  // one value left: a number, not an array
    CHECK(events[1]["_aws"]["CloudWatchMetrics"][0]["Metrics"].size() == 1);
}

TEST_CASE("emf_format splits at the size cap and never writes a larger event", "[format][emf]") {
    std::vector<std::string> names;
    for (int i = 0; i < 60; ++i) names.push_back(fmt::format("metric_with_a_long_name_{:03}", i));
    std::vector<sample> batch;
    for (const std::string& name : names) {
        for (int k = 0; k < 3; ++k) batch.push_back(make_sample(name, 0.1 * k + 1.0 / 3, 0, 1, "s"));
    }
    emf_options options;
    options.max_event_bytes = 1000;
    emf_format format(options);
    const std::string text = format_batch(format, batch);
    const auto lines = split_lines(text);
    CHECK(lines.size() > 5);
    std::size_t values = 0;
    for (const std::string& line : lines) {
        CHECK(line.size() <= 1000);
        const auto event = nlohmann::json::parse(line);
        for (const auto& metric : event["_aws"]["CloudWatchMetrics"][0]["Metrics"]) {
            const auto& member = event[metric["Name"].get<std::string>()];
            values += member.is_array() ? member.size() : 1;
        }
    }
    CHECK(values == batch.size());
    CHECK(format.dropped(reason::too_large) == 0);

    // A value that fits no event is dropped: a stream label of 1000 bytes leaves no room.
    static const std::string wide(1000, 'w');
    const std::string none = format_batch(format, {make_sample("x", 1, 0, 1, wide)});
    CHECK(none.empty());
    CHECK(format.dropped(reason::too_large) == 1);
}

TEST_CASE("emf_format refuses options CloudWatch would refuse", "[format][emf]") {
    auto refused = [](auto change) {
        emf_options options;
        change(options);
        try {
            emf_format format(options);
        } catch (const logmetrics::error& e) {
            return e.code() == logmetrics::errc::invalid_argument;
        }
        return false;
    };
    CHECK(refused([](emf_options& o) { o.metric_namespace = ""; }));
    CHECK(refused([](emf_options& o) { o.metric_namespace = "   "; }));
    CHECK(refused([](emf_options& o) { o.metric_namespace = "a,b"; }));
    CHECK(refused([](emf_options& o) { o.metric_namespace = std::string(256, 'n'); }));
    CHECK(refused([](emf_options& o) { o.unit = "none"; }));
    CHECK(refused([](emf_options& o) { o.storage_resolution = 5; }));
    CHECK(refused([](emf_options& o) { o.dimensions = {{":job", "x"}}; }));
    CHECK(refused([](emf_options& o) { o.dimensions = {{"stream", "x"}}; }));
    CHECK(refused([](emf_options& o) { o.dimensions = {{"host", ""}}; }));
    CHECK(refused([](emf_options& o) { o.dimensions = {{"host", "h\xC3\xA9"}}; }));
    CHECK(refused([](emf_options& o) {
        for (int i = 0; i < 30; ++i) o.dimensions.emplace_back(fmt::format("d{}", i), "v");
    }));
    CHECK(refused([](emf_options& o) { o.max_event_bytes = 100; }));
    CHECK_FALSE(refused([](emf_options& o) {
        o.metric_namespace = std::string(255, 'n');
        for (int i = 0; i < 29; ++i) o.dimensions.emplace_back(fmt::format("d{}", i), "v");
        o.unit = "Count/Second";
    }));
}

TEST_CASE("emf_format reuses its buffers: a second batch of the same shape does not grow them", "[format][emf]") {
    std::vector<sample> batch;
    for (int i = 0; i < 256; ++i)
        batch.push_back(make_sample(i % 2 ? "loss" : "acc", i, 0, 1, "s", fixed_time(1ms * (i / 4))));
    emf_format format;
    fmt::memory_buffer out;
    CHECK(format.append(out, batch, fixed_time()) == 64);
    const std::size_t capacity = out.capacity();
    const std::string first = fmt::to_string(out);
    out.clear();
    CHECK(format.append(out, batch, fixed_time()) == 64);
    CHECK(out.capacity() == capacity);
    CHECK(fmt::to_string(out) == first);
}

// ---------------------------------------------------------------------------------------------
// emf_sink: to a stream, and to a test-owned TCP/UDP listener on 127.0.0.1 standing in for the
// CloudWatch agent's EMF listener.
// ---------------------------------------------------------------------------------------------

namespace {

/// A listening socket on 127.0.0.1, on a port the system chooses.
class loopback_listener {
public:
    /// `port` 0: one the system chooses.
    explicit loopback_listener(bool udp, std::uint16_t port = 0) : udp_(udp) {
        fd_ = ::socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        const int on = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(port);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        socklen_t length = sizeof address;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port_ = ntohs(address.sin_port);
        if (!udp) REQUIRE(::listen(fd_, 4) == 0);
        timeval timeout{5, 0};  // a broken test fails instead of hanging
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    loopback_listener(const loopback_listener&) = delete;
    loopback_listener& operator=(const loopback_listener&) = delete;
    ~loopback_listener() { ::close(fd_); }

    std::string url() const { return fmt::format("{}://127.0.0.1:{}", udp_ ? "udp" : "tcp", port_); }
    std::uint16_t port() const noexcept { return port_; }
    int fd() const noexcept { return fd_; }

    /// TCP: accepts one connection and reads until the peer closes it. UDP: reads `datagrams`
    /// datagrams, one string each.
    std::vector<std::string> receive(std::size_t datagrams = 0) const {
        std::vector<std::string> received;
        if (udp_) {
            std::vector<char> buffer(70000);
            for (std::size_t i = 0; i < datagrams; ++i) {
                const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
                if (n < 0) break;
                received.emplace_back(buffer.data(), static_cast<std::size_t>(n));
            }
            return received;
        }
        const int connection = ::accept(fd_, nullptr, nullptr);
        if (connection < 0) return received;
        timeval timeout{5, 0};
        ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        std::string all;
        char buffer[4096];
        for (ssize_t n; (n = ::recv(connection, buffer, sizeof buffer, 0)) > 0;) {
            all.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(connection);
        received.push_back(std::move(all));
        return received;
    }

private:
    bool udp_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

std::vector<sample> recent_batch(logmetrics::timestamp now) {
    std::vector<sample> batch;
    for (int i = 0; i < 10; ++i) {
        batch.push_back(make_sample("train:loss", 1.0 / (i + 1), static_cast<std::uint64_t>(i), 1, "pod-0",
                                    now - std::chrono::milliseconds(10 - i)));
        batch.push_back(make_sample("epoch", i / 5, static_cast<std::uint64_t>(i), 1, "pod-0",
                                    now - std::chrono::milliseconds(10 - i)));
    }
    batch.push_back(make_sample("train:loss", nan_value, 10, 1, "pod-0", now));
    return batch;
}

}  // namespace

TEST_CASE("emf_sink writes events to a stream and counts its drops", "[sink][emf]") {
    std::ostringstream out;
    logmetrics::emf_sink sink(out, {}, [] { return fixed_time(); });
    const std::vector<sample> batch = recent_batch(fixed_time());
    sink.write(batch);
    sink.flush();
    const auto events = parse_lines(out.str());
    CHECK(events.size() == 10);
    CHECK(sink.events() == 10);
    CHECK(events[3]["train:loss"] == 0.25);
    CHECK(events[3]["epoch"] == 0);
    CHECK(events[3]["stream"] == "pod-0");
    const auto drops = sink.drops();
    REQUIRE(drops.size() == emf_format::drop_reasons);
    CHECK(drops[0].reason == "non-finite value");
    CHECK(drops[0].count == 1);
}

TEST_CASE("emf_sink refuses a URL of another shape", "[sink][emf]") {
    for (const char* url : {"http://127.0.0.1:25888", "tcp://", "tcp://host:0", "tcp://host:65536", "udp://host:x",
                            "tcp://[::1", "tcp://a/b:1", "tcp://::1", "tcp://fe80::1", "tcp://a b:1", "tcp://a\tb",
                            "tcp://[]:1", "tcp://[x::1]:1", "tcp://[::1]x", "tcp://[fe80::1%]:1", "tcp://h:1:2"}) {
        CAPTURE(url);
        CHECK_THROWS_AS(logmetrics::emf_sink::connect(url), logmetrics::error);
    }
    CHECK(logmetrics::detail::socket_address::parse("tcp://localhost", "25888")->url() == "tcp://localhost:25888");
    CHECK(logmetrics::detail::socket_address::parse("udp://[::1]:9", "25888")->url() == "udp://[::1]:9");
    CHECK(logmetrics::detail::socket_address::parse("udp://[fe80::1%eth0]", "9")->url() == "udp://[fe80::1%eth0]:9");
    CHECK(logmetrics::detail::socket_address::parse("tcp://10.0.0.7:1", "9")->url() == "tcp://10.0.0.7:1");
    CHECK(logmetrics::detail::socket_address::parse("tcp://cw-agent.ns_1.svc", "9")->host == "cw-agent.ns_1.svc");
}

TEST_CASE("emf_sink sends newline-delimited events over TCP, as the CloudWatch agent takes them",
          "[sink][emf][threads]") {
    loopback_listener listener(false);
    std::vector<std::string> received;
    std::thread agent([&] { received = listener.receive(); });
    const auto now = std::chrono::system_clock::now();
    {
        auto sink = logmetrics::emf_sink::connect(listener.url());
        sink.write(recent_batch(now));
        sink.write(make_sample("validation:error", 0.5, 0, 2, "pod-0", now));
        sink.close();
        CHECK(sink.events() == 11);
    }
    agent.join();
    REQUIRE(received.size() == 1);
    const auto events = parse_lines(received[0]);
    REQUIRE(events.size() == 11);
    CHECK(events[10]["validation:error"] == 0.5);
    CHECK(events[10]["_aws"]["Timestamp"] == logmetrics::unix_millis(now));
}

TEST_CASE("emf_sink sends one event per UDP datagram", "[sink][emf][threads]") {
    loopback_listener listener(true);
    std::vector<std::string> received;
    std::thread agent([&] { received = listener.receive(10); });
    auto sink = logmetrics::emf_sink::connect(listener.url());
    CHECK(sink.format().options().max_event_bytes == 65506);
    sink.write(recent_batch(std::chrono::system_clock::now()));
    agent.join();
    REQUIRE(received.size() == 10);
    for (const std::string& datagram : received) {
        REQUIRE(datagram.ends_with('\n'));
        CHECK(datagram.find('\n') == datagram.size() - 1);
        CHECK(nlohmann::json::parse(datagram)["stream"] == "pod-0");
    }
}

TEST_CASE("emf_sink: a listener that is down fails the write, when it is back, the same sink delivers",
          "[sink][emf][threads]") {
    std::string url;
    std::uint16_t port = 0;
    {
        loopback_listener closed(false);
        url = closed.url();
        port = closed.port();
    }  // nothing listens there now: a refused connection
    auto sink = logmetrics::emf_sink::connect(url);
    const auto now = std::chrono::system_clock::now();
    CHECK_THROWS_AS(sink.write(make_sample("loss", 1, 0, 1, "s", now)), logmetrics::error);
    CHECK_THROWS_AS(sink.write(make_sample("loss", 1, 0, 1, "s", now)), logmetrics::error);
    // The agent comes back on its port (free since nothing connected to it).
    loopback_listener listener(false, port);
    std::vector<std::string> received;
    std::thread agent([&] { received = listener.receive(); });
    sink.write(make_sample("loss", 2, 0, 1, "s", now));
    sink.close();
    agent.join();
    REQUIRE(received.size() == 1);
    CHECK(parse_lines(received[0]).at(0)["loss"] == 2);
}

TEST_CASE("emf_sink: an agent killed mid-run is noticed before the next send, restarted, it gets the rest",
          "[sink][emf][threads]") {
    const auto now = std::chrono::system_clock::now();
    auto first = std::make_unique<loopback_listener>(false);
    const std::uint16_t port = first->port();
    auto sink = logmetrics::emf_sink::connect(first->url());
    std::string before;
    std::thread agent([&] {  // reads the first event, then dies: its connection and listener close
        const int connection = ::accept(first->fd(), nullptr, nullptr);
        REQUIRE(connection >= 0);
        char byte = 0;
        while (::recv(connection, &byte, 1, 0) == 1 && byte != '\n') before += byte;
        ::close(connection);
        first.reset();
    });
    sink.write(make_sample("loss", 1, 0, 1, "s", now));
    agent.join();
    CHECK(nlohmann::json::parse(before)["loss"] == 1);
    // Down: the closed connection is seen, and connecting again is refused: a failed send (a
    // writer behind async_sink counts it), not a sample written into a dead connection.
    CHECK_THROWS_AS(sink.write(make_sample("loss", 2, 1, 2, "s", now)), logmetrics::error);
    loopback_listener restarted(false, port);
    std::vector<std::string> received;
    std::thread back([&] { received = restarted.receive(); });
    sink.write(make_sample("loss", 3, 2, 3, "s", now));
    sink.close();
    back.join();
    REQUIRE(received.size() == 1);
    const auto events = parse_lines(received[0]);
    REQUIRE(events.size() == 1);
    CHECK(events[0]["loss"] == 3);
}

TEST_CASE("emf_sink behind async_sink: a slow agent costs the writer nothing, and every sample is sent or counted",
          "[sink][emf][threads]") {
    loopback_listener listener(false);
    std::atomic<bool> written{false};
    std::string all;
    std::thread agent([&] {  // accepts, reads nothing until the writer is done, then everything
        const int connection = ::accept(listener.fd(), nullptr, nullptr);
        REQUIRE(connection >= 0);
        while (!written.load()) std::this_thread::yield();
        char buffer[65536];
        for (ssize_t n; (n = ::recv(connection, buffer, sizeof buffer, 0)) > 0;) {
            all.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(connection);
    });
    // Each sample at its own millisecond is its own event of ~150 bytes: 200,000 of them are more
    // than loopback's socket buffers hold, so the worker's send waits for the agent.
    constexpr int count = 200000;
    const auto now = std::chrono::system_clock::now();
    logmetrics::async_options options;
    options.capacity = 64;
    options.overflow = logmetrics::overflow_policy::drop_oldest;
    logmetrics::async_sink<logmetrics::emf_sink> sink(logmetrics::emf_sink::connect(listener.url()), options);
    for (int i = 0; i < count; ++i) {
        sink.write(
            make_sample("loss", i, static_cast<std::uint64_t>(i), 1, "s", now - std::chrono::milliseconds(count - i)));
    }
    written = true;
    sink.close();  // the worker sends what is queued, then closes the connection: the agent's end
    std::uint64_t overwritten = 0, failed = 0;
    for (const logmetrics::drop_count& d : sink.drops()) {
        if (d.reason == "oldest overwritten") overwritten = d.count;
        if (d.reason == "sink failed") failed = d.count;
    }
    agent.join();
    const auto events = parse_lines(all);
    CHECK(overwritten > 0);  // the queue filled while the agent did not read
    CHECK(failed == 0);
    CHECK(events.size() + overwritten == count);
    CHECK(events.back()["loss"] == count - 1);  // drop_oldest: the freshest value arrived
}
