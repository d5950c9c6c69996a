// SPDX-License-Identifier: MIT
// StatsD / DogStatsD: the format's exact bytes (names, negative gauges, tags, packing, drops), and
// statsd_sink's datagrams as a test-owned UDP socket on 127.0.0.1 receives them (exact bytes and
// packet boundaries), a listener that is not there included.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/error.hpp>
#include <logmetrics/formats/statsd.hpp>
#include <logmetrics/sinks/statsd.hpp>

#include "support/catch.hpp"
#include "support/samples.hpp"

using logmetrics::sample;
using logmetrics::statsd_dialect;
using logmetrics::statsd_format;
using logmetrics::statsd_metric_name;
using logmetrics::statsd_options;
using logmetrics::statsd_packets;
using test_support::inf_value;
using test_support::make_sample;
using test_support::nan_value;

namespace {

const std::vector<std::string> metrics = {"train:loss", "val loss", "lr", "tokens"};

sample metric_sample(std::size_t metric, double value, std::string_view stream = "algo-1") {
    sample s = make_sample(metrics[metric], value, 0, 1, stream);
    s.metric = metric;
    return s;
}

std::vector<std::string> format(statsd_format& f, const std::vector<sample>& batch) {
    statsd_packets packets;
    f.append(packets, batch);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < packets.size(); ++i) out.emplace_back(packets[i]);
    return out;
}

statsd_options dogstatsd() {
    statsd_options options;
    options.dialect = statsd_dialect::dogstatsd;
    return options;
}

}  // namespace

TEST_CASE("statsd names: reserved characters become _ (vanilla), Datadog's rule (dogstatsd)", "[format][statsd]") {
    CHECK(statsd_metric_name("train:loss", statsd_dialect::vanilla) == "train_loss");
    CHECK(statsd_metric_name("a|b@c#d,e", statsd_dialect::vanilla) == "a_b_c_d_e");
    CHECK(statsd_metric_name("val loss\n", statsd_dialect::vanilla) == "val_loss_");
    CHECK(statsd_metric_name("eval/acc-1.top", statsd_dialect::vanilla) == "eval/acc-1.top");
    CHECK(statsd_metric_name("\xc3\xa9t\xc3\xa9", statsd_dialect::vanilla) == "\xc3\xa9t\xc3\xa9");
    CHECK(statsd_metric_name("", statsd_dialect::vanilla) == "_");
    CHECK(statsd_metric_name("loss", statsd_dialect::vanilla, "job 1.") == "job_1.loss");
    CHECK(statsd_metric_name("eval/acc-1.top", statsd_dialect::dogstatsd) == "eval_acc_1.top");
    CHECK(statsd_metric_name("\xc3\xa9t\xc3\xa9:x", statsd_dialect::dogstatsd) == "_t__x");
}

TEST_CASE("statsd: two metrics with one name are refused when the format is made", "[format][statsd]") {
    const std::vector<std::string> clash = {"val loss", "val:loss"};
    CHECK_THROWS_WITH(statsd_format(clash),
                      Catch::Contains("\"val loss\" and \"val:loss\"") && Catch::Contains("val_loss"));
    const std::vector<std::string> dog_only = {"eval/acc", "eval-acc"};
    CHECK_NOTHROW(statsd_format(dog_only));
    CHECK_THROWS_AS(statsd_format(dog_only, dogstatsd()), logmetrics::error);
}

TEST_CASE("statsd options are checked", "[format][statsd]") {
    statsd_options small;
    small.max_datagram_bytes = 63;
    CHECK_THROWS_WITH(statsd_format(metrics, small), Catch::Contains("max_datagram_bytes 63"));
    statsd_options big;
    big.max_datagram_bytes = 65508;
    CHECK_THROWS_AS(statsd_format(metrics, big), logmetrics::error);
    statsd_options vanilla_tags;
    vanilla_tags.tags = {{"job", "x"}};
    CHECK_THROWS_WITH(statsd_format(metrics, vanilla_tags), Catch::Contains("no tags"));
    statsd_options twice = dogstatsd();
    twice.tags = {{"stream", "x"}};
    CHECK_THROWS_WITH(statsd_format(metrics, twice), Catch::Contains("twice"));
    statsd_options empty = dogstatsd();
    empty.tags = {{"", "x"}};
    CHECK_THROWS_AS(statsd_format(metrics, empty), logmetrics::error);
}

TEST_CASE("statsd vanilla: gauges, negative values as 0 then the value, one datagram", "[format][statsd]") {
    statsd_format f(metrics);
    sample tokens = metric_sample(3, 0);
    tokens.type = logmetrics::value_type::integer;
    tokens.integer = -9007199254740993;
    const auto out = format(f, {metric_sample(0, 0.25), metric_sample(1, -3), metric_sample(2, 1e-5),
                                metric_sample(2, -0.0), metric_sample(2, 1e20), tokens});
    REQUIRE(out.size() == 1);
    CHECK(out[0] ==
          "train_loss:0.25|g\nval_loss:0|g\nval_loss:-3|g\nlr:1e-05|g\nlr:0|g\nlr:1e+20|g\n"
          "tokens:0|g\ntokens:-9007199254740993|g");
}

TEST_CASE("statsd dogstatsd: tags from the stream label and constant tags, rewritten", "[format][statsd]") {
    statsd_options options = dogstatsd();
    options.tags = {{"job", "train 7"}, {"run:id", "a/b:c|d#e,f@g"}};
    options.prefix = "sm.";
    statsd_format f(metrics, options);
    const auto out = format(f, {metric_sample(0, 0.5, "pod 0|x"), metric_sample(2, -1, ""), metric_sample(1, 2)});
    REQUIRE(out.size() == 1);
    CHECK(out[0] ==
          "sm.train_loss:0.5|g|#stream:pod_0_x,job:train_7,run_id:a/b:c_d_e_f_g\n"
          "sm.lr:0|g|#job:train_7,run_id:a/b:c_d_e_f_g\nsm.lr:-1|g|#job:train_7,run_id:a/b:c_d_e_f_g\n"
          "sm.val_loss:2|g|#stream:algo-1,job:train_7,run_id:a/b:c_d_e_f_g");

    statsd_options no_stream = dogstatsd();
    no_stream.stream_tag = "";
    statsd_format g(metrics, no_stream);
    CHECK(format(g, {metric_sample(2, 3)}) == std::vector<std::string>{"lr:3|g"});
    statsd_format vanilla(metrics);
    CHECK(format(vanilla, {metric_sample(2, 3, "pod-0")}) == std::vector<std::string>{"lr:3|g"});
}

TEST_CASE("statsd packs lines into datagrams up to the limit, never splitting one", "[format][statsd]") {
    statsd_options options;
    options.max_datagram_bytes = 64;
    statsd_format f(metrics, options);
    // "train_loss:0.25|g" is 17 bytes: three lines and two newlines are 53, a fourth would be 71.
    std::vector<sample> batch(7, metric_sample(0, 0.25));
    batch[4] = metric_sample(2, -12345);  // "lr:0|g\nlr:-12345|g": 18 bytes, with its pair
    const auto out = format(f, batch);
    REQUIRE(out.size() == 3);
    CHECK(out[0] == "train_loss:0.25|g\ntrain_loss:0.25|g\ntrain_loss:0.25|g");
    CHECK(out[1] == "train_loss:0.25|g\nlr:0|g\nlr:-12345|g\ntrain_loss:0.25|g");  // 54 bytes
    CHECK(out[2] == "train_loss:0.25|g");
    for (const auto& datagram : out) CHECK(datagram.size() <= 64);

    // A datagram filled to exactly the limit.
    statsd_options exact;
    exact.max_datagram_bytes = 71;  // four lines of 17 and three newlines
    statsd_format e(metrics, exact);
    const auto full = format(e, std::vector<sample>(5, metric_sample(0, 0.25)));
    REQUIRE(full.size() == 2);
    CHECK(full[0].size() == 71);
    CHECK(full[1] == "train_loss:0.25|g");
}

TEST_CASE("statsd drops non-finite values, lines too long and unknown metrics, by reason", "[format][statsd]") {
    statsd_options options = dogstatsd();
    options.max_datagram_bytes = 64;
    statsd_format f(metrics, options);
    const std::string long_stream(60, 's');
    sample unknown = metric_sample(0, 1);
    unknown.metric = 9;
    sample renamed = metric_sample(1, 1);
    renamed.name = "other";
    statsd_packets packets;
    CHECK(f.append(packets, std::vector<sample>{metric_sample(0, nan_value), metric_sample(0, inf_value),
                                                metric_sample(0, -inf_value), metric_sample(0, 1, long_stream),
                                                metric_sample(2, -1, std::string(25, 's')), unknown, renamed,
                                                metric_sample(2, 2)}) == 1);
    REQUIRE(packets.size() == 1);
    CHECK(packets[0] == "lr:2|g|#stream:algo-1");
    CHECK(packets.samples(0) == 1);
    const auto drops = f.drops();
    REQUIRE(drops.size() == 3);
    CHECK(drops[0].reason == "non-finite value");
    CHECK(drops[0].count == 3);
    CHECK(drops[1].reason == "line too long");
    CHECK(drops[1].count == 2);  // the long stream label, and the negative pair of 2 x 36 bytes
    CHECK(drops[2].reason == "unknown metric");
    CHECK(drops[2].count == 2);
}

TEST_CASE("statsd format does not allocate once its buffers have grown", "[format][statsd]") {
    statsd_format f(metrics, dogstatsd());
    statsd_packets packets;
    const std::vector<sample> batch(500, metric_sample(1, -0.5));
    f.append(packets, batch);
    const std::string first(packets[0]);
    const std::size_t count = packets.size();
    for (int i = 0; i < 3; ++i) {
        packets.clear();
        f.append(packets, batch);
        CHECK(packets.size() == count);
    }
    CHECK(std::string(packets[0]) == first);
}

// ---------------------------------------------------------------------------------------------
// statsd_sink: to a test-owned UDP socket on 127.0.0.1.
// ---------------------------------------------------------------------------------------------

namespace {

class udp_listener {
public:
    explicit udp_listener(std::uint16_t port = 0) {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(port);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        socklen_t length = sizeof address;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port_ = ntohs(address.sin_port);
        timeval timeout{0, 200000};  // a datagram that does not come fails the test quickly
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    udp_listener(const udp_listener&) = delete;
    udp_listener& operator=(const udp_listener&) = delete;
    ~udp_listener() { ::close(fd_); }

    std::string url() const { return fmt::format("udp://127.0.0.1:{}", port_); }
    std::uint16_t port() const noexcept { return port_; }

    /// Every datagram that arrives until none comes for 200 ms.
    std::vector<std::string> receive() const {
        std::vector<std::string> received;
        std::vector<char> buffer(70000);
        for (;;) {
            const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
            if (n < 0) break;
            received.emplace_back(buffer.data(), static_cast<std::size_t>(n));
        }
        return received;
    }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace

TEST_CASE("statsd_sink sends each datagram whole, as the format packed it", "[sink][statsd]") {
    udp_listener listener;
    statsd_options options = dogstatsd();
    options.max_datagram_bytes = 100;
    options.tags = {{"job", "j1"}};
    logmetrics::statsd_sink sink(listener.url(), metrics, options);
    std::vector<sample> batch;
    for (int i = 0; i < 10; ++i) batch.push_back(metric_sample(0, i));
    batch.push_back(metric_sample(2, -2));
    batch.push_back(metric_sample(2, nan_value));
    sink.write(std::span<const sample>(batch));
    sink.write(metric_sample(1, 7));
    const auto received = listener.receive();
    // Lines of 40 bytes ("train_loss:0|g|#stream:algo-1,job:j1"... is 36): two per datagram.
    REQUIRE(received.size() == 7);
    CHECK(received[0] == "train_loss:0|g|#stream:algo-1,job:j1\ntrain_loss:1|g|#stream:algo-1,job:j1");
    CHECK(received[5] == "lr:0|g|#stream:algo-1,job:j1\nlr:-2|g|#stream:algo-1,job:j1");
    CHECK(received[6] == "val_loss:7|g|#stream:algo-1,job:j1");
    for (const auto& datagram : received) CHECK(datagram.size() <= 100);
    CHECK(sink.datagrams() == 7);
    CHECK(sink.send_errors() == 0);
    const auto drops = sink.drops();
    REQUIRE(drops.size() == 4);
    CHECK(drops[0].reason == "non-finite value");
    CHECK(drops[0].count == 1);
    CHECK(drops[3].reason == "send failed");
    CHECK(drops[3].count == 0);
}

TEST_CASE("statsd_sink: datagrams that find no listener are counted, never thrown, delivery resumes",
          "[sink][statsd]") {
    std::uint16_t port = 0;
    { port = udp_listener().port(); }  // nothing listens there now
    logmetrics::statsd_sink sink(fmt::format("udp://127.0.0.1:{}", port), metrics);
    // Each datagram's ICMP "port unreachable" fails the next send, which counts it and sends again.
    for (int i = 0; i < 5; ++i) CHECK_NOTHROW(sink.write(metric_sample(2, i)));
    CHECK(sink.send_errors() == 4);
    CHECK(sink.drops()[3].count == 4);
    CHECK_THAT(sink.last_error(), Catch::Contains("Connection refused"));
    sink.flush();  // the fifth one's, pending on the socket
    CHECK(sink.drops()[3].count == 5);
    sink.flush();
    CHECK(sink.drops()[3].count == 5);
    udp_listener back(port);
    sink.write(metric_sample(2, 42));
    sink.write(metric_sample(2, -1));
    sink.close();
    CHECK(back.receive() == std::vector<std::string>{"lr:42|g", "lr:0|g\nlr:-1|g"});
    CHECK(sink.drops()[3].count == 5);
    CHECK(sink.datagrams() == 7);
}

TEST_CASE("statsd_sink refuses what is not udp://HOST[:PORT]", "[sink][statsd]") {
    for (const char* url : {"tcp://127.0.0.1:8125", "127.0.0.1:8125", "udp://", "udp://host:0"}) {
        CHECK_THROWS_AS(logmetrics::statsd_sink(url, metrics), logmetrics::error);
    }
    CHECK(logmetrics::statsd_sink("udp://localhost", metrics).address() == "udp://localhost:8125");
}
