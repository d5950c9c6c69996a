// SPDX-License-Identifier: MIT
// The registry of output kinds and the rules of the output list (tools/logmetrics/output_kinds.hpp).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.hpp"
#include "kinds/kinds.hpp"
#include "output_kinds.hpp"
#include "support/catch.hpp"

using namespace logmetrics::cli;

namespace {

std::string refusal(const output_spec& spec, std::span<const output_kind> kinds = output_kinds()) {
    try {
        check_output_spec(spec, kinds);
    } catch (const usage_error& e) {
        return e.what();
    }
    return "(accepted)";
}

std::string list_refusal(std::vector<std::string> specs, std::span<const output_kind> kinds = output_kinds()) {
    try {
        choose_outputs(specs, kinds);
    } catch (const usage_error& e) {
        return e.what();
    }
    return "(accepted)";
}

std::vector<std::string> names(const std::vector<chosen_output>& chosen) {
    std::vector<std::string> out;
    for (const auto& c : chosen) out.push_back(output_name(c.spec) + (c.to_stdout ? " (stdout)" : ""));
    return out;
}

// A registry with a kind that takes a URL and options, as later backends will.
constexpr std::string_view any_value[] = {"x"};
constexpr option_rule push_options[] = {{"job", {}}, {"mode", any_value}};
constexpr output_kind with_push[] = {
    {"jsonl", target_rule::stdout_or_path, {}, "", nullptr},
    {"pushgateway", target_rule::url, push_options, "", nullptr},
};

// The kinds the tool has when built with the HTTP component (LOGMETRICS_CLI_HTTP).
#if defined(LOGMETRICS_CLI_HTTP)
const char* const http_kind_name = "pushgateway";
const std::string http_kinds_names = "pushgateway, remote-write, influx, ";
#else
const char* const http_kind_name = "jsonl";
const std::string http_kinds_names;
#endif

}  // namespace

TEST_CASE("the registry holds each kind once, and finds them by name", "[cli][output_kinds]") {
    for (const char* name : {"jsonl", "csv", "table", "final", "emf", "prometheus-textfile", http_kind_name,
                             "tensorboard", "statsd", "dogstatsd", "none"}) {
        const output_kind* kind = find_output_kind(name);
        REQUIRE(kind != nullptr);
        CHECK(kind->name == name);
        CHECK_FALSE(kind->help.empty());
    }
    CHECK(find_output_kind("xml") == nullptr);
    CHECK(find_output_kind("JSONL") == nullptr);
    CHECK(find_output_kind("none")->make == nullptr);
    // Each kind's syntax: the target, then its options (one: in brackets; several: KEY=VALUE&...).
    CHECK(output_syntax(*find_output_kind("jsonl")) == "jsonl[:PATH]");
    CHECK(output_syntax(*find_output_kind("csv")) == "csv[:PATH][?header=true|false]");
    CHECK(output_syntax(*find_output_kind("final")) == "final:PATH");
    CHECK(output_syntax(*find_output_kind("emf")) ==
          "emf[:PATH|tcp://HOST[:PORT]|udp://HOST[:PORT]][?KEY=VALUE&...] with KEY=VALUE one of namespace=VALUE, "
          "dimensions=VALUE, stream=VALUE, unit=VALUE, resolution=60|1, queue=VALUE");
    CHECK(output_syntax(*find_output_kind("prometheus-textfile")) ==
          "prometheus-textfile:PATH[?KEY=VALUE&...] with KEY=VALUE one of interval=VALUE, fsync=true|false, "
          "stream=VALUE, label.NAME=VALUE, prefix=VALUE, colons=keep|replace");
    CHECK(output_syntax(*find_output_kind("tensorboard")) ==
          "tensorboard:DIR[?KEY=VALUE&...] with KEY=VALUE one of flush=VALUE, max_open_files=VALUE");
    CHECK(output_syntax(*find_output_kind("statsd")) ==
          "statsd:udp://HOST[:PORT][?KEY=VALUE&...] with KEY=VALUE one of prefix=VALUE, max_datagram=VALUE, "
          "queue=VALUE");
    CHECK(output_syntax(*find_output_kind("none")) == "none");
}

TEST_CASE("check_output_spec: the kind, its target and its options", "[cli][output_kinds]") {
    CHECK(refusal(parse_output_spec("csv:a.csv?header=false")) == "(accepted)");
    CHECK(refusal(parse_output_spec("final:-")) == "(accepted)");
    CHECK(refusal(parse_output_spec("xml")) == R"(unknown kind "xml")");
    CHECK(refusal(parse_output_spec("final")) == "final needs a target: final:PATH ('-' for stdout)");
    CHECK(refusal(parse_output_spec("none:x")) == "none takes no target");
    CHECK(refusal(parse_output_spec("csv?header=maybe")) == R"(header="maybe": the values are true, false)");
    CHECK(refusal(parse_output_spec("jsonl?pretty=1")) == "jsonl does not take the option pretty (it takes none)");
    CHECK(refusal(parse_output_spec("csv?sep=;&quote=no")) ==
          "csv does not take the options sep, quote (it takes header)");
}

TEST_CASE("a kind with a URL target and options checks keys and values", "[cli][output_kinds]") {
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091/x?job=a"), with_push) == "(accepted)");
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091/x?job=a&instance=b"), with_push) ==
          "pushgateway does not take the option instance (it takes job, mode)");
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091?mode=y"), with_push) == R"(mode="y": the values are x)");
    CHECK(output_syntax(with_push[1]) == "pushgateway:URL[?KEY=VALUE&...] with KEY=VALUE one of job=VALUE, mode=x");
    // A URL target: http:// or https:// and a host; the sink sends there, the tool opens nothing.
    for (const char* bad : {"pushgateway", "pushgateway:h:9091", "pushgateway:ftp://h", "pushgateway:http://",
                            "pushgateway:https:///metrics", "pushgateway:-"}) {
        INFO(bad);
        CHECK(refusal(parse_output_spec(bad), with_push) ==
              "pushgateway needs a URL: pushgateway:http://HOST:PORT/PATH (or https://)");
    }
    const output_kind& push = with_push[1];
    CHECK(refusal(parse_output_spec("pushgateway:https://gw.example:9091"), with_push) == "(accepted)");
    CHECK(owns_target(parse_output_spec("pushgateway:http://h:9091"), push));
    CHECK_FALSE(uses_stdout(parse_output_spec("pushgateway:http://h:9091"), push));
}

TEST_CASE("choose_outputs: samples go to stdout as JSON Lines unless an output says otherwise", "[cli][output_kinds]") {
    using list = std::vector<std::string>;
    CHECK(names(choose_outputs(list{})) == list{"jsonl:- (stdout)"});
    CHECK(names(choose_outputs(list{"final:f.json"})) == list{"jsonl:- (stdout)", "final:f.json"});
    CHECK(names(choose_outputs(list{"final:-"})) == list{"final:- (stdout)"});
    CHECK(names(choose_outputs(list{"none"})).empty());
    CHECK(names(choose_outputs(list{"none", "final:f.json"})) == list{"final:f.json"});
    CHECK(names(choose_outputs(list{"csv:a.csv"})) == list{"csv:a.csv"});
    CHECK(names(choose_outputs(list{"table", "csv:a.csv", "jsonl:b.jsonl", "final:c.json"})) ==
          list{"table:- (stdout)", "csv:a.csv", "jsonl:b.jsonl", "final:c.json"});
}

TEST_CASE("choose_outputs refuses two outputs on stdout or on one file, and names a bad spec", "[cli][output_kinds]") {
    CHECK(list_refusal({"csv", "table"}) ==
          R"(--output "csv" and "table" both write to stdout; at most one may (give the other a PATH))");
    CHECK(list_refusal({"csv:-", "final:-"}) ==
          R"(--output "csv:-" and "final:-" both write to stdout; at most one may (give the other a PATH))");
    CHECK(list_refusal({"csv:/dev/null", "final:/dev/null"}) == "(accepted)");  // files: check_output_files
    for (const char* alias : {"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}) {
        CHECK(list_refusal({std::string("jsonl:") + alias, "csv"}).find("both write to stdout") != std::string::npos);
    }
    CHECK(list_refusal({"csv", "xml:out"}) ==
          R"(--output "xml:out": unknown kind "xml"; the kinds are jsonl, csv, table, final, emf, )"
          "prometheus-textfile, " +
              http_kinds_names + "tensorboard, statsd, dogstatsd, none (--help shows each one's syntax)");
    CHECK(list_refusal({"csv?header=maybe"}) ==
          R"(--output "csv?header=maybe": header="maybe": the values are true, false; csv[:PATH][?header=true|false])");
    CHECK(list_refusal({"csv:"}) == R"(--output "csv:": nothing after ':'; csv[:PATH][?header=true|false])");
    // A spec the parser refuses still gets its kind's syntax (not the list of kinds).
    CHECK(list_refusal({"csv?header=false&header=true"}) ==
          R"(--output "csv?header=false&header=true": option "header" is given twice; csv[:PATH][?header=true|false])");
    CHECK(list_refusal({"tensorboard:"}) ==
          R"(--output "tensorboard:": nothing after ':'; tensorboard:DIR[?KEY=VALUE&...] with KEY=VALUE one of )"
          "flush=VALUE, max_open_files=VALUE");
    CHECK(list_refusal({"jsonl?"}) == R"(--output "jsonl?": no options after '?'; jsonl[:PATH])");
}

TEST_CASE("choose_outputs: none is one however often given, alone (only the summary) or with final: outputs",
          "[cli][output_kinds]") {
    using list = std::vector<std::string>;
    CHECK(names(choose_outputs(list{"none"})).empty());  // alone: no output at all, the summary still runs
    CHECK(names(choose_outputs(list{"none", "none"})).empty());
    CHECK(names(choose_outputs(list{"final:-"})) == list{"final:- (stdout)"});  // no jsonl: stdout is taken
    CHECK(names(choose_outputs(list{"none", "final:f.json", "none"})) == list{"final:f.json"});
    CHECK(list_refusal({"none", "csv:a.csv"}) ==
          R"(--output "none" and "csv:a.csv": none writes no samples, csv does; give one of them)");
    CHECK(list_refusal({"table", "none"}) ==
          R"(--output "none" and "table": none writes no samples, table does; give one of them)");
}

TEST_CASE("emf: a file, stdout or a listener, its options are checked before anything is read",
          "[cli][output_kinds][emf]") {
    const output_kind& emf = *find_output_kind("emf");
    CHECK(uses_socket(parse_output_spec("emf:tcp://127.0.0.1:25888"), emf));
    CHECK(uses_socket(parse_output_spec("emf:udp://agent?queue=10"), emf));
    CHECK_FALSE(uses_socket(parse_output_spec("emf:events.jsonl"), emf));
    CHECK_FALSE(uses_socket(parse_output_spec("emf"), emf));
    CHECK(uses_stdout(parse_output_spec("emf"), emf));
    CHECK_FALSE(uses_socket(parse_output_spec("jsonl:tcp://x:1"), *find_output_kind("jsonl")));
    for (const char* good : {"emf", "emf:-", "emf:out.jsonl", "emf:tcp://localhost", "emf:udp://[::1]:25888",
                             "emf?namespace=ml/train&dimensions=job:j1,host:h-1&stream=pod&unit=Count&resolution=1",
                             "emf:tcp://127.0.0.1:9?queue=1&stream=none"}) {
        CAPTURE(good);
        CHECK(refusal(parse_output_spec(good)) == "(accepted)");
    }
    CHECK(refusal(parse_output_spec("emf:tcp://host:99999")) ==
          R"("tcp://host:99999" is not tcp://HOST[:PORT] or udp://HOST[:PORT])");
    CHECK(refusal(parse_output_spec("emf?namespace=a,b")).find(R"(emf: namespace "a,b": 1 to 255 characters)") !=
          std::string::npos);
    CHECK(refusal(parse_output_spec("emf?unit=seconds")).find(R"(unit "seconds" is not a CloudWatch unit)") !=
          std::string::npos);
    CHECK(refusal(parse_output_spec("emf?dimensions=job")) ==
          R"(dimensions="job": each is KEY:VALUE, separated by commas)");
    // An empty item is refused, not skipped (review F11).
    CHECK(refusal(parse_output_spec("emf?dimensions=job:j1,")) ==
          R"(dimensions="job:j1,": an empty KEY:VALUE (a comma too many))");
    CHECK(refusal(parse_output_spec("emf?dimensions=,job:j1")) ==
          R"(dimensions=",job:j1": an empty KEY:VALUE (a comma too many))");
    CHECK(refusal(parse_output_spec("emf?dimensions=a:1,,b:2")) ==
          R"(dimensions="a:1,,b:2": an empty KEY:VALUE (a comma too many))");
    CHECK(refusal(parse_output_spec("emf?dimensions=")) == R"(dimensions="": an empty KEY:VALUE)");
    CHECK(refusal(parse_output_spec("emf?stream=")) == "stream=: a dimension name, or none");
    CHECK(refusal(parse_output_spec("dogstatsd:udp://127.0.0.1:8125?stream=")) == "stream=: a tag key, or none");
#if defined(LOGMETRICS_CLI_HTTP)
    CHECK(refusal(parse_output_spec("influx:http://127.0.0.1:8086/write?db=x&stream=")) ==
          "stream=: a tag key, or none");
#endif
    CHECK(refusal(parse_output_spec("emf?dimensions=stream:x")).find(R"(dimension key "stream" given twice)") !=
          std::string::npos);
    CHECK(refusal(parse_output_spec("emf?queue=0")) == R"(queue="0": a number of samples, at least 1)");
    CHECK(refusal(parse_output_spec("emf?resolution=5")) == R"(resolution="5": the values are 60, 1)");
    for (const char* ipv6_unbracketed : {"emf:tcp://::1", "emf:udp://fe80::1:25888"}) {
        CHECK(refusal(parse_output_spec(ipv6_unbracketed)).ends_with("is not tcp://HOST[:PORT] or udp://HOST[:PORT]"));
    }
}

TEST_CASE("check_output_at_open: an EMF metric no event can carry is refused before anything is made",
          "[cli][output_kinds][emf]") {
    const auto refusal_at_open = [](const std::string& text, const std::vector<std::string>& metrics) {
        try {
            check_output_at_open(choose_outputs(std::vector<std::string>{text}).front(), metrics);
        } catch (const usage_error& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    CHECK(refusal_at_open("emf", {"train:loss", "val loss"}) == "(accepted)");
    CHECK(refusal_at_open("emf?dimensions=job:j1", {"loss", "job"}) ==
          R"(--output "emf?dimensions=job:j1": emf: the metric "job" cannot be an EMF metric: a name is 1 to 255 )"
          "bytes, not blank, not _aws and not a dimension key (stream, job); rename it");
    CHECK(refusal_at_open("emf?stream=none", {"stream"}) == "(accepted)");  // no stream dimension then
    CHECK(refusal_at_open("emf", {"_aws"}).find(R"(the metric "_aws" cannot be)") != std::string::npos);
}

TEST_CASE("prometheus-textfile: a .prom file the sink replaces, its options are checked before anything is read",
          "[cli][output_kinds][prometheus]") {
    const output_kind& textfile = *find_output_kind("prometheus-textfile");
    CHECK(owns_target(parse_output_spec("prometheus-textfile:m.prom"), textfile));
    CHECK_FALSE(uses_stdout(parse_output_spec("prometheus-textfile:m.prom"), textfile));
    CHECK_FALSE(owns_target(parse_output_spec("csv:m.csv"), *find_output_kind("csv")));
    for (const char* good :
         {"prometheus-textfile:m.prom", "prometheus-textfile:/var/lib/node/train.prom?interval=0.5&fsync=true",
          "prometheus-textfile:m.prom?label.job=train-7&label.host=gpu-1&stream=pod&prefix=sm_&colons=replace",
          "prometheus-textfile:m.prom?stream=none&interval=86400"}) {
        CAPTURE(good);
        CHECK(refusal(parse_output_spec(good)) == "(accepted)");
    }
    const std::string needs_file =
        "prometheus-textfile needs a file: prometheus-textfile:PATH (not stdout: the file is replaced as a whole)";
    CHECK(refusal(parse_output_spec("prometheus-textfile")) == needs_file);
    CHECK(refusal(parse_output_spec("prometheus-textfile:-")) == needs_file);
    CHECK(refusal(parse_output_spec("prometheus-textfile:/dev/stdout")) == needs_file);
    CHECK(refusal(parse_output_spec("prometheus-textfile:m.txt")) ==
          R"("m.txt": the file name must end in .prom, the only files node_exporter's textfile collector reads)");
    CHECK(refusal(parse_output_spec("prometheus-textfile:m.prom?interval=-1")) ==
          R"(interval="-1": seconds, from 0 to 86400)");
    CHECK(refusal(parse_output_spec("prometheus-textfile:m.prom?interval=15s")) ==
          R"(interval="15s": seconds, from 0 to 86400)");
    CHECK(refusal(parse_output_spec("prometheus-textfile:m.prom?colons=drop")) ==
          R"(colons="drop": the values are keep, replace)");
    CHECK(refusal(parse_output_spec("prometheus-textfile:m.prom?stream=")) == "stream=: a label name, or none");
    CHECK(refusal(parse_output_spec("prometheus-textfile:m.prom?label.2x=a")) ==
          R"(prometheus: label name "2x" is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*))");
    CHECK(refusal(parse_output_spec("prometheus-textfile:m.prom?label.__x=a")) ==
          R"(prometheus: label name "__x" starts with '__', which Prometheus reserves)");
    CHECK(refusal(parse_output_spec("prometheus-textfile:m.prom?label.stream=a")) ==
          R"(prometheus: label "stream" given twice (it is the stream label))");
    CHECK(
        refusal(parse_output_spec("prometheus-textfile:m.prom?label.=a"))
            .starts_with(
                "prometheus-textfile does not take the option label. (it takes interval, fsync, stream, label.NAME,"));
    CHECK(refusal(parse_output_spec("prometheus-textfile:m.prom?labels=a"))
              .starts_with("prometheus-textfile does not take the option labels"));
}

TEST_CASE("check_output_at_open: metrics one Prometheus name would merge, a missing directory",
          "[cli][output_kinds][prometheus]") {
    const auto refusal_at_open = [](const std::string& text, const std::vector<std::string>& metrics) {
        try {
            check_output_at_open(choose_outputs(std::vector<std::string>{text}).front(), metrics);
        } catch (const usage_error& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    const std::string dir = std::filesystem::temp_directory_path().string();
    const std::vector<std::string> clash = {"train:loss", "train_loss"};
    CHECK(refusal_at_open("prometheus-textfile:" + dir + "/m.prom", clash) == "(accepted)");
    CHECK(refusal_at_open("prometheus-textfile:" + dir + "/m.prom?colons=replace", clash) ==
          "--output \"prometheus-textfile:" + dir +
              "/m.prom?colons=replace\": prometheus: the metrics \"train:loss\" and \"train_loss\" would both be "
              "named train_loss in Prometheus (other characters than a-z A-Z 0-9 _ become _); rename one of them");
    CHECK(refusal_at_open("prometheus-textfile:/nonexistent-dir/m.prom", clash) ==
          R"(--output "prometheus-textfile:/nonexistent-dir/m.prom": prometheus textfile "/nonexistent-dir/m.prom": )"
          R"(no directory "/nonexistent-dir")");
    CHECK(refusal_at_open("csv:/nonexistent-dir/m.csv", clash) == "(accepted)");  // said when opened
    CHECK_FALSE(std::filesystem::exists(dir + "/m.prom"));                        // nothing written
}

TEST_CASE("tensorboard: a directory, never stdout, its files are the sink's", "[cli][output_kinds][tensorboard]") {
    const output_kind& tensorboard = *find_output_kind("tensorboard");
    CHECK(tensorboard.target == target_rule::directory);
    for (const char* good : {"tensorboard:runs/job1", "tensorboard:/tmp/x?flush=1", "tensorboard:r?flush=86400"}) {
        CAPTURE(good);
        CHECK(refusal(parse_output_spec(good)) == "(accepted)");
        CHECK_FALSE(uses_stdout(parse_output_spec(good), tensorboard));
        CHECK(owns_target(parse_output_spec(good), tensorboard));
    }
    CHECK(refusal(parse_output_spec("tensorboard")) == "tensorboard needs a directory: tensorboard:DIR");
    CHECK(refusal(parse_output_spec("tensorboard:-")) == "tensorboard needs a directory: tensorboard:DIR");
    for (const char* bad : {"0", "-1", "1.5", "x", "86401"}) {
        CAPTURE(bad);
        CHECK(refusal(parse_output_spec(std::string("tensorboard:r?flush=") + bad)) ==
              fmt::format("flush=\"{}\": whole seconds, 1 to 86400", bad));
    }
    CHECK(refusal(parse_output_spec("tensorboard:r?max_open_files=8")) == "(accepted)");
    for (const char* bad : {"0", "65537", "x", ""}) {
        CHECK(refusal(parse_output_spec(std::string("tensorboard:r?max_open_files=") + bad)) ==
              fmt::format("max_open_files={:?}: a number of files, 1 to 65536", bad));
    }
    CHECK(refusal(parse_output_spec("tensorboard:r?queue=1")) ==
          "tensorboard does not take the option queue (it takes flush, max_open_files)");
    // Not stdout, and not final:, so no JSON Lines on stdout unless asked.
    using list = std::vector<std::string>;
    CHECK(names(choose_outputs(list{"tensorboard:runs"})) == list{"tensorboard:runs"});
}

TEST_CASE("check_output_at_open: a tensorboard DIR that cannot be made or written in, before anything is made",
          "[cli][output_kinds][tensorboard]") {
    namespace fs = std::filesystem;
    const auto refusal_at_open = [](const std::string& text) {
        try {
            check_output_at_open(choose_outputs(std::vector<std::string>{text}).front(), {"loss"});
        } catch (const usage_error& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    const fs::path dir = fs::temp_directory_path() / fmt::format("lm-tb-check-{}", ::getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    { std::ofstream(dir / "afile") << "x"; }
    const std::string d = dir.string();
    CHECK(refusal_at_open("tensorboard:" + d) == "(accepted)");
    CHECK(refusal_at_open("tensorboard:" + d + "/new/runs") == "(accepted)");  // made by the sink
    CHECK_FALSE(fs::exists(dir / "new"));                                      // not by the check
    CHECK(refusal_at_open("tensorboard:" + d + "/afile") ==
          fmt::format(R"(--output "tensorboard:{0}/afile": {0}/afile is not a directory)", d));
    CHECK(refusal_at_open("tensorboard:" + d + "/afile/runs") ==
          fmt::format(R"(--output "tensorboard:{0}/afile/runs": cannot make directory {0}/afile/runs: {0}/afile )"
                      "is not a directory",
                      d));
    fs::remove_all(dir);
}

#if defined(LOGMETRICS_CLI_HTTP)
TEST_CASE("pushgateway: a URL the sink pushes to, its options and grouping key are checked before anything is read",
          "[cli][output_kinds][pushgateway]") {
    const output_kind& push = *find_output_kind("pushgateway");
    CHECK(owns_target(parse_output_spec("pushgateway:http://127.0.0.1:9091"), push));
    CHECK_FALSE(uses_stdout(parse_output_spec("pushgateway:http://127.0.0.1:9091"), push));
    for (const char* good :
         {"pushgateway:http://127.0.0.1:9091", "pushgateway:https://gw.example/prefix/?job=train&interval=0",
          "pushgateway:http://h:9091?job=runs/exp 1&label.run=a/b&label.host=gpu-1&delete_on_exit=1&timeout=0.5&"
          "queue=10&stream=pod&prefix=sm_&colons=replace",
          "pushgateway:http://h:9091?delete_on_exit=false&stream=none&interval=86400"}) {
        CAPTURE(good);
        CHECK(refusal(parse_output_spec(good)) == "(accepted)");
    }
    CHECK(refusal(parse_output_spec("pushgateway:h:9091")) ==
          "pushgateway needs a URL: pushgateway:http://HOST:PORT/PATH (or https://)");
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091/metrics/job/x"))
              .starts_with(R"(pushgateway: "http://h:9091/metrics/job/x" has a /metrics path)"));
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091?job=")) ==
          "pushgateway: the job name is empty, which the Pushgateway refuses");
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091?label.job=x")) ==
          R"(pushgateway: "job" is not a grouping label: it is the job name)");
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091?label.stream=x"))
              .starts_with(R"(pushgateway: the stream label "stream" is also in the grouping key)"));
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091?label.__x=a")) ==
          R"(prometheus: grouping label name "__x" starts with '__', which Prometheus reserves)");
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091?interval=-1")) ==
          R"(interval="-1": seconds, from 0 to 86400)");
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091?timeout=0")) ==
          R"(timeout="0": seconds, from 0.1 to 3600)");
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091?delete_on_exit=yes")) ==
          R"(delete_on_exit="yes": the values are 1, 0, true, false)");
    CHECK(refusal(parse_output_spec("pushgateway:http://h:9091?queue=0")) ==
          R"(queue="0": a number of samples, at least 1)");

    // With the metric names: two that get one Prometheus name, one the Pushgateway keeps for itself.
    const auto refusal_at_open = [](const std::string& text, const std::vector<std::string>& metrics) {
        try {
            check_output_at_open(choose_outputs(std::vector<std::string>{text}).front(), metrics);
        } catch (const usage_error& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    CHECK(refusal_at_open("pushgateway:http://h:9091", {"train:loss", "train_loss"}) == "(accepted)");
    CHECK(refusal_at_open("pushgateway:http://h:9091?colons=replace", {"train:loss", "train_loss"})
              .find("would both be named train_loss") != std::string::npos);
    CHECK(refusal_at_open("pushgateway:http://h:9091", {"push time seconds"}) ==
          R"(--output "pushgateway:http://h:9091": pushgateway: the metric "push time seconds" would be named )"
          "push_time_seconds, a metric the Pushgateway sets itself; rename it or use a prefix");
}

TEST_CASE("remote-write: a URL the sink sends to, its options are checked before anything is read",
          "[cli][output_kinds][remote_write]") {
    const output_kind& remote_write = *find_output_kind("remote-write");
    CHECK(remote_write.target == target_rule::url);
    for (const char* good :
         {"remote-write:http://127.0.0.1:9090/api/v1/write",
          "remote-write:https://vm.example/api/v1/write?batch=500&queue=100000",
          "remote-write:http://h:8428/api/v1/write?label.job=train-7&stream=pod&prefix=sm_&colons=replace",
          "remote-write:http://h/api/v1/write?stream=none"}) {
        CAPTURE(good);
        CHECK(refusal(parse_output_spec(good)) == "(accepted)");
        CHECK(owns_target(parse_output_spec(good), remote_write));
        CHECK_FALSE(uses_stdout(parse_output_spec(good), remote_write));
    }
    CHECK(refusal(parse_output_spec("remote-write:127.0.0.1:9090")) ==
          "remote-write needs a URL: remote-write:http://HOST:PORT/PATH (or https://)");
    CHECK(refusal(parse_output_spec("remote-write:http://h/w?batch=0")) ==
          R"(batch="0": samples per request, 1 to 1000000)");
    CHECK(refusal(parse_output_spec("remote-write:http://h/w?queue=x")) ==
          R"(queue="x": a number of samples, at least 1)");
    CHECK(refusal(parse_output_spec("remote-write:http://h/w?label.__x=a")) ==
          R"(prometheus: label name "__x" starts with '__', which Prometheus reserves)");
    CHECK(refusal(parse_output_spec("remote-write:http://h/w?interval=1"))
              .starts_with("remote-write does not take the option interval"));
    const chosen_output chosen{parse_output_spec("remote-write:http://h/w"), &remote_write, false};
    CHECK_THROWS(check_output_at_open(chosen, {"val loss", "val/loss"}));
    CHECK_NOTHROW(check_output_at_open(chosen, {"train:loss", "val loss"}));
}
#endif

TEST_CASE("statsd, dogstatsd: a UDP listener, options checked before anything is read", "[cli][output_kinds][statsd]") {
    const output_kind& statsd = *find_output_kind("statsd");
    const output_kind& dog = *find_output_kind("dogstatsd");
    CHECK(uses_socket(parse_output_spec("statsd:udp://127.0.0.1:8125"), statsd));
    CHECK(owns_target(parse_output_spec("dogstatsd:udp://agent"), dog));
    CHECK_FALSE(uses_stdout(parse_output_spec("statsd:udp://agent"), statsd));
    for (const char* good : {"statsd:udp://localhost", "statsd:udp://[::1]:8125?prefix=a.&max_datagram=512&queue=9",
                             "dogstatsd:udp://127.0.0.1:8125?label.job=j1&label.host=h&stream=pod&prefix=x."}) {
        INFO(good);
        CHECK(refusal(parse_output_spec(good)) == "(accepted)");
    }
    for (const char* bad : {"statsd", "statsd:-", "statsd:tcp://h:8125", "statsd:h:8125"}) {
        INFO(bad);
        CHECK(refusal(parse_output_spec(bad)) == "statsd needs a listener: statsd:udp://HOST[:PORT]");
    }
    CHECK(refusal(parse_output_spec("statsd:udp://h:99999")) == R"("udp://h:99999" is not udp://HOST[:PORT])");
    CHECK(refusal(parse_output_spec("statsd:udp://h?label.job=x"))
              .starts_with("statsd does not take the option label.job (it takes prefix, max_datagram, queue)"));
    CHECK(refusal(parse_output_spec("statsd:udp://h?max_datagram=10")) == R"(max_datagram="10": bytes, 64 to 65507)");
    CHECK(refusal(parse_output_spec("dogstatsd:udp://h?label.stream=x")) ==
          R"(statsd: tag key "stream" given twice (or the stream tag's))");
    CHECK(output_syntax(dog) ==
          "dogstatsd:udp://HOST[:PORT][?KEY=VALUE&...] with KEY=VALUE one of prefix=VALUE, max_datagram=VALUE, "
          "queue=VALUE, stream=VALUE, label.NAME=VALUE");
    // Two metrics with one StatsD name: refused once the definitions are known.
    const std::vector<std::string> clash = {"val loss", "val:loss"};
    const chosen_output chosen = choose_outputs(std::vector<std::string>{"statsd:udp://127.0.0.1:9"}).front();
    try {
        check_output_at_open(chosen, clash);
        FAIL("accepted");
    } catch (const usage_error& e) {
        CHECK(std::string(e.what()).find(R"(the metrics "val loss" and "val:loss" would both be named val_loss)") !=
              std::string::npos);
    }
}

#if defined(LOGMETRICS_CLI_HTTP)
TEST_CASE("influx: a URL, /write's own parameters go into it, the others are the output's options",
          "[cli][output_kinds][influx]") {
    CHECK(refusal(parse_output_spec("influx:http://127.0.0.1:8086/write?db=lm&precision=ms&label.job=j&batch=10&"
                                    "queue=5&measurement=m&stream=none&rp=autogen&u=me&p=secret&consistency=one")) ==
          "(accepted)");
    CHECK(refusal(parse_output_spec("influx:http://h:8086/write?db=lm&foo=1"))
              .starts_with("influx does not take the option foo (it takes db, rp, u, p, consistency, precision,"));
    CHECK(refusal(parse_output_spec("influx:http://h/write?precision=h")).starts_with(R"(precision="h": the values)"));
    CHECK(refusal(parse_output_spec("influx:udp://h:8089")).starts_with("influx needs a URL"));
    CHECK(refusal(parse_output_spec("influx:http://h/write?measurement=#x")).starts_with("influx: measurement"));
    CHECK(refusal(parse_output_spec("influx:http://h/write?measurement=")).starts_with("influx: measurement"));
    CHECK(refusal(parse_output_spec("influx:http://h/write?label.time=x")).starts_with("influx: tag key \"time\""));
    CHECK(refusal(parse_output_spec("influx:http://h/write?batch=0")) ==
          R"(batch="0": samples per request, 1 to 1000000)");
    CHECK(influx_request_url(parse_output_spec("influx:http://h:8086/write?db=lm&precision=ms&label.job=j")) ==
          "http://h:8086/write?db=lm");
    CHECK(influx_request_url(parse_output_spec("influx:https://h:8086?label.job=j&db=my db/1&u=a&p=p=w")) ==
          "https://h:8086/write?db=my%20db%2F1&u=a&p=p%3Dw");
    CHECK(influx_request_url(parse_output_spec("influx:http://h:8428/")) == "http://h:8428/write");
    CHECK(influx_request_url(parse_output_spec("influx:http://h:8428/influx/write?rp=r")) ==
          "http://h:8428/influx/write?rp=r");
}
#endif
