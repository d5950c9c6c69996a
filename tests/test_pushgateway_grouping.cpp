// SPDX-License-Identifier: MIT
// Pushgateway grouping keys (formats/pushgateway.hpp), no I/O: base64url on RFC 4648's test
// vectors, the path of a group (plain, percent-encoded, @base64 for `/` and empty values, the
// examples of the Pushgateway README), and the configuration errors.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/catch.hpp"

#include <logmetrics/error.hpp>
#include <logmetrics/formats/prometheus.hpp>
#include <logmetrics/formats/pushgateway.hpp>

namespace {

using logmetrics::pushgateway_group_path;
using logmetrics::pushgateway_grouping;

std::string base64url(std::string_view text) {
    std::string out;
    logmetrics::append_base64url(out, text);
    return out;
}

/// The message of the error `make` throws (invalid_argument), or "" when it throws none.
template <class Make>
std::string refusal(Make&& make) {
    try {
        make();
    } catch (const logmetrics::error& e) {
        CHECK(e.code() == logmetrics::errc::invalid_argument);
        return e.what();
    }
    return {};
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

TEST_CASE("base64url: RFC 4648's test vectors, padded, and the URL-safe alphabet", "[pushgateway]") {
    CHECK(base64url("").empty());
    CHECK(base64url("f") == "Zg==");
    CHECK(base64url("fo") == "Zm8=");
    CHECK(base64url("foo") == "Zm9v");
    CHECK(base64url("foob") == "Zm9vYg==");
    CHECK(base64url("fooba") == "Zm9vYmE=");
    CHECK(base64url("foobar") == "Zm9vYmFy");
    CHECK(base64url("\xfb\xff\xbf") == "-_-_");  // '+' and '/' in the standard alphabet
    CHECK(base64url("/var/tmp") == "L3Zhci90bXA=");
}

TEST_CASE("pushgateway_group_path: the job and labels, encoded as the Pushgateway README says", "[pushgateway]") {
    CHECK(pushgateway_group_path({"train", {}}) == "/metrics/job/train");
    CHECK(pushgateway_group_path({"some_job", {{"instance", "some_instance"}}}) ==
          "/metrics/job/some_job/instance/some_instance");
    // README: path="/var/tmp" only as base64; an empty value as "=".
    CHECK(pushgateway_group_path({"directory_cleaner", {{"path", "/var/tmp"}}}) ==
          "/metrics/job/directory_cleaner/path@base64/L3Zhci90bXA=");
    CHECK(pushgateway_group_path({"example", {{"first_label", ""}, {"second_label", "foobar"}}}) ==
          "/metrics/job/example/first_label@base64/=/second_label/foobar");
    // README: URI encoding of other characters.
    CHECK(pushgateway_group_path({"titan", {{"name", "Προμηθεύς"}}}) ==
          "/metrics/job/titan/name/%CE%A0%CF%81%CE%BF%CE%BC%CE%B7%CE%B8%CE%B5%CF%8D%CF%82");
    CHECK(pushgateway_group_path({"exp 1?", {{"lr", "1e-3"}, {"tag", "a+b%c:d~e.f_g"}}}) ==
          "/metrics/job/exp%201%3F/lr/1e-3/tag/a%2Bb%25c%3Ad~e.f_g");
    CHECK(pushgateway_group_path({"runs/exp 1", {}}) == "/metrics/job@base64/cnVucy9leHAgMQ==");
}

TEST_CASE("pushgateway_group_path: a bad grouping key is a configuration error", "[pushgateway]") {
    CHECK(contains(refusal([] { pushgateway_group_path({"", {}}); }), "the job name is empty"));
    CHECK(contains(refusal([] { pushgateway_group_path({"a\xff", {}}); }), "the job name is not valid UTF-8"));
    CHECK(contains(refusal([] { pushgateway_group_path({"j", {{"job", "x"}}}); }), "\"job\" is not a grouping label"));
    CHECK(contains(refusal([] {
                       pushgateway_group_path({"j", {{"run", "1"}, {"run", "2"}}});
                   }),
                   "grouping label \"run\" given twice"));
    CHECK(contains(refusal([] { pushgateway_group_path({"j", {{"1run", "1"}}}); }), "is not a valid label name"));
    CHECK(contains(refusal([] { pushgateway_group_path({"j", {{"__name__", "1"}}}); }), "reserves"));
    CHECK(contains(refusal([] {
                       pushgateway_group_path({"j", {{"run", "\xc3"}}});
                   }),
                   "the value of grouping label \"run\" is not valid UTF-8"));
}

TEST_CASE("check_pushgateway_exposition: labels the grouping key would overwrite, and the Pushgateway's own names",
          "[pushgateway]") {
    const std::vector<std::string> metrics = {"loss"};
    const pushgateway_grouping grouping{"train", {{"run", "1"}}};
    const auto check = [&](const std::vector<std::string>& names, logmetrics::prometheus_options options) {
        return refusal([&] {
            logmetrics::check_pushgateway_exposition(logmetrics::prometheus_format(names, std::move(options)),
                                                     grouping);
        });
    };
    CHECK(check(metrics, {}).empty());
    logmetrics::prometheus_options stream_run;
    stream_run.stream_label = "run";
    CHECK(contains(check(metrics, stream_run), "the stream label \"run\" is also in the grouping key"));
    logmetrics::prometheus_options stream_job;
    stream_job.stream_label = "job";
    CHECK(contains(check(metrics, stream_job), "the stream label \"job\""));
    logmetrics::prometheus_options constant;
    constant.labels = {{"run", "2"}};
    CHECK(contains(check(metrics, constant), "label \"run\" is both a constant label and in the grouping key"));
    CHECK(contains(check({"push_failure_time_seconds"}, {}), "a metric the Pushgateway sets itself"));
    logmetrics::prometheus_options prefixed;
    prefixed.naming.prefix = "push_";
    CHECK(contains(check({"time seconds"}, prefixed), "\"time seconds\" would be named push_time_seconds"));
}
