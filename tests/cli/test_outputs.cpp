// SPDX-License-Identifier: MIT
// The outputs of a scan (tools/logmetrics/outputs.hpp): every sample to every output, files
// created when opened, a failing output stops none of the others and is counted by its name.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "output_kinds.hpp"
#include "outputs.hpp"
#include "support/catch.hpp"

using namespace logmetrics;
using namespace logmetrics::cli;

namespace {

/// A fresh directory, removed with what is in it.
struct temp_dir {
    std::string path;
    temp_dir() {
        char pattern[] = "/tmp/logmetrics-cli-outputs.XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        path = pattern;
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<sample> two_samples() {
    sample a;
    a.name = "loss";
    a.value = 0.5;
    a.line = 1;
    a.stream = "s";
    sample b = a;
    b.name = "acc";
    b.metric = 1;
    b.value = 0.75;
    return {a, b};
}

}  // namespace

TEST_CASE("outputs: each sample reaches every output, each in its own file", "[cli][outputs]") {
    temp_dir dir;
    const int stdout_fd = ::open((dir / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(stdout_fd >= 0);
    {
        const std::vector<std::string> specs = {"csv?header=false", "jsonl:" + (dir / "a.jsonl"),
                                                "final:" + (dir / "final.json"), "table:" + (dir / "t.txt")};
        outputs out(choose_outputs(specs), {"loss", "acc"}, false, stdout_fd, 4096);
        REQUIRE_NOTHROW(out.open());
        REQUIRE(out.size() == 4);
        CHECK(out.name(0) == "csv:-");
        CHECK(out.name(1) == "jsonl:" + (dir / "a.jsonl"));
        const auto batch = two_samples();
        out.sink().write(batch);
        out.sink().flush();
        CHECK_FALSE(out.all_failed());
        CHECK(out.finish());
        CHECK(out.errors() == 0);
    }
    ::close(stdout_fd);
    const std::string csv = read_file(dir / "stdout");
    CHECK(csv.find("timestamp,") == std::string::npos);
    CHECK(csv.find(",loss,0.5,0,1,s\n") != std::string::npos);
    CHECK(csv.find(",acc,0.75,0,1,s\n") != std::string::npos);
    const std::string jsonl = read_file(dir / "a.jsonl");
    CHECK(jsonl.find(R"("name":"loss","value":0.5)") != std::string::npos);
    CHECK(jsonl.find(R"("name":"acc","value":0.75)") != std::string::npos);
    const std::string final_json = read_file(dir / "final.json");
    CHECK(final_json.starts_with(R"([{"MetricName":"loss","Value":0.5,"Timestamp":)"));
    CHECK(final_json.ends_with("}]\n"));
    CHECK(read_file(dir / "t.txt").find("final values") != std::string::npos);
}

TEST_CASE("outputs: a file that cannot be opened is a usage error, and nothing is created or truncated",
          "[cli][outputs]") {
    temp_dir dir;
    { std::ofstream(dir / "kept.csv") << "precious\n"; }
    const std::vector<std::string> specs = {"csv:" + (dir / "kept.csv"), "jsonl:" + (dir / "new.jsonl"),
                                            "table:/no/such/dir/a.txt"};
    outputs out(choose_outputs(specs), {"loss"}, false, STDOUT_FILENO, 4096);
    CHECK_THROWS_WITH(
        out.open(),
        R"(--output "table:/no/such/dir/a.txt": cannot open /no/such/dir/a.txt: No such file or directory)");
    CHECK(read_file(dir / "kept.csv") == "precious\n");
    CHECK_FALSE(std::filesystem::exists(dir / "new.jsonl"));
    CHECK(out.size() == 0);
}

TEST_CASE("check_output_files refuses an output that is an input or the definitions file, by identity",
          "[cli][outputs]") {
    temp_dir dir;
    for (const char* name : {"v.log", "d.json"}) std::ofstream(dir / name) << "data\n";
    std::filesystem::create_symlink(dir / "v.log", dir / "link.log");
    const std::vector<protected_file> reads = {{"the definitions file", dir / "d.json"}, {"the input", dir / "v.log"}};
    const auto refusal = [&](const std::string& spec) {
        const std::vector<std::string> specs = {spec};
        try {
            check_output_files(choose_outputs(specs), reads, STDOUT_FILENO, STDIN_FILENO);
        } catch (const usage_error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(refusal("csv:" + (dir / "v.log")) == "--output \"csv:" + (dir / "v.log") + "\" writes to " + (dir / "v.log") +
                                                   ", which is the input " + (dir / "v.log") +
                                                   ": refusing to overwrite it");
    CHECK(refusal("jsonl:" + dir.path + "/./link.log").find("which is the input " + (dir / "v.log")) !=
          std::string::npos);
    CHECK(refusal("final:" + (dir / "d.json")).find("which is the definitions file") != std::string::npos);
    CHECK(refusal("csv:" + (dir / "other.csv")).empty());
    CHECK(read_file(dir / "v.log") == "data\n");
    CHECK(read_file(dir / "d.json") == "data\n");
}

TEST_CASE("check_output_files refuses two outputs on one file whatever its spelling, devices may be shared",
          "[cli][outputs]") {
    temp_dir dir;
    std::ofstream(dir / "x.csv") << "";
    std::filesystem::create_symlink(dir / "x.csv", dir / "y.csv");
    const auto refused = [&](const std::vector<std::string>& specs) {
        try {
            check_output_files(choose_outputs(specs), {}, STDOUT_FILENO, STDIN_FILENO);
        } catch (const usage_error& e) {
            return std::string(e.what()).find("write to the same file") != std::string::npos;
        }
        return false;
    };
    CHECK(refused({"csv:" + (dir / "x.csv"), "jsonl:" + dir.path + "/./x.csv"}));
    CHECK(refused({"csv:" + (dir / "x.csv"), "jsonl:" + (dir / "y.csv")}));
    CHECK(refused({"csv:" + (dir / "new.csv"), "jsonl:" + dir.path + "/./new.csv"}));  // not created yet
    CHECK_FALSE(refused({"csv:" + (dir / "x.csv"), "jsonl:" + (dir / "z.csv")}));
    CHECK_FALSE(refused({"csv:/dev/null", "final:/dev/null"}));
    CHECK_FALSE(std::filesystem::exists(dir / "new.csv"));
}

TEST_CASE("outputs: a failing output is counted by name and stops none of the others", "[cli][outputs]") {
    REQUIRE(::access("/dev/full", W_OK) == 0);  // Linux: writes fail with ENOSPC
    temp_dir dir;
    const std::vector<std::string> specs = {"jsonl:/dev/full", "csv:" + (dir / "a.csv")};
    outputs out(choose_outputs(specs), {"loss", "acc"}, false, STDOUT_FILENO, 16);  // a small buffer fails soon
    REQUIRE_NOTHROW(out.open());
    const auto batch = two_samples();
    for (int i = 0; i < 10; ++i) out.sink().write(batch);
    CHECK_FALSE(out.all_failed());  // the CSV file is fine
    CHECK_FALSE(out.finish());
    CHECK(out.name(0) == "jsonl:/dev/full");
    CHECK(out.errors(0) > 0);
    CHECK(out.errors(1) == 0);
    CHECK(out.lost(0) == 20);  // every batch of 2 failed: the samples, not the 10 failed writes
    CHECK(out.lost(1) == 0);
    CHECK(out.failure_reason(0) == "No space left on device");
    const std::string csv = read_file(dir / "a.csv");
    CHECK(csv.find(",acc,0.75,0,1,s\n") != std::string::npos);
    std::size_t rows = 0;
    for (char c : csv) rows += c == '\n';
    CHECK(rows == 1 + 20);
}

TEST_CASE("outputs: samples in the buffer when its write fails are lost too, one by one", "[cli][outputs]") {
    REQUIRE(::access("/dev/full", W_OK) == 0);
    temp_dir dir;
    const std::vector<std::string> specs = {"jsonl:/dev/full", "csv:" + (dir / "a.csv")};
    outputs out(choose_outputs(specs), {"loss", "acc"}, false, STDOUT_FILENO, 1 << 20);  // all fits the buffer
    REQUIRE_NOTHROW(out.open());
    for (int i = 0; i < 5; ++i) out.sink().write(two_samples());
    CHECK(out.errors(0) == 0);  // nothing written out yet: no write failed so far
    CHECK_FALSE(out.finish());  // the buffer's write at the end fails
    CHECK(out.lost(0) == 10);   // every sample handed to it, though no write of the sink threw
    CHECK(out.lost(1) == 0);    // the CSV file got them all
    CHECK(out.failure_reason(0) == "No space left on device");
    CHECK(out.undelivered_drops(0) == 0);
}

TEST_CASE("outputs: the samples written out before the failure are not lost", "[cli][outputs]") {
    const std::vector<std::string> specs = {"jsonl"};
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::signal(SIGPIPE, SIG_IGN);
    {
        outputs out(choose_outputs(specs), {"loss", "acc"}, false, fds[1], 1 << 20);
        REQUIRE_NOTHROW(out.open());
        out.sink().write(two_samples());
        out.sink().flush();  // 2 samples reach the pipe
        char got[4096];
        REQUIRE(::read(fds[0], got, sizeof got) > 0);
        ::close(fds[0]);  // then nobody reads: EPIPE
        for (int i = 0; i < 3; ++i) out.sink().write(two_samples());
        CHECK_FALSE(out.finish());
        CHECK(out.lost(0) == 6);
    }
    ::close(fds[1]);
}

TEST_CASE("outputs: when every output has failed, reading on is for nothing", "[cli][outputs]") {
    REQUIRE(::access("/dev/full", W_OK) == 0);
    const std::vector<std::string> specs = {"csv:/dev/full?header=false"};
    outputs out(choose_outputs(specs), {"loss", "acc"}, false, STDOUT_FILENO, 16);
    REQUIRE_NOTHROW(out.open());
    CHECK_FALSE(out.all_failed());
    out.sink().write(two_samples());
    CHECK(out.all_failed());
    CHECK_FALSE(out.finish());
}

TEST_CASE("outputs: none writes nothing and never fails", "[cli][outputs]") {
    const std::vector<std::string> specs = {"none"};
    outputs out(choose_outputs(specs), {"loss"}, false, -1, 16);
    REQUIRE_NOTHROW(out.open());
    CHECK(out.size() == 0);
    out.sink().write(two_samples());
    CHECK_FALSE(out.all_failed());
    CHECK(out.finish());
}

TEST_CASE("outputs: emf to a file, and to a listener that is down, counted and never blocking",
          "[cli][outputs][emf][threads]") {
    temp_dir dir;
    auto batch = two_samples();
    batch.push_back(batch[0]);
    batch.back().value = std::numeric_limits<double>::quiet_NaN();
    for (sample& s : batch) s.time = std::chrono::system_clock::now();
    // A port nothing listens on: bound, then closed.
    const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(probe >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    ::close(probe);
    const std::string url = "tcp://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
    {
        const std::vector<std::string> specs = {"emf:" + (dir / "events.jsonl") + "?dimensions=job:j1",
                                                "emf:" + url + "?queue=4"};
        outputs out(choose_outputs(specs), {"loss", "acc"}, false, STDOUT_FILENO, 4096);
        REQUIRE_NOTHROW(out.open());
        REQUIRE(out.size() == 2);
        CHECK(out.name(1) == "emf:" + url);
        CHECK_FALSE(out.uses_stdout());
        out.sink().write(batch);
        out.sink().flush();
        CHECK_FALSE(out.all_failed());
        CHECK(out.finish());  // the listener's failures are drops, not write errors
        std::uint64_t failed = 0, non_finite = 0;
        for (const drop_count& d : out.drops(1)) {
            if (d.reason == "sink failed") failed = d.count;
            if (d.reason == "non-finite value") non_finite = d.count;
        }
        CHECK(failed == 3);                    // the queue's count: the batch the send failed for
        CHECK(non_finite == 1);                // the format's, read without waiting for the worker
        CHECK(out.undelivered_drops(1) == 3);  // "sink failed" is a failed delivery, NaN the format's rule
        CHECK(out.undelivered_drops(0) == 0);  // the file's NaN: the format's rule
        for (const drop_count& d : out.drops(0)) {
            if (d.reason == "non-finite value") CHECK(d.count == 1);
        }
    }
    CHECK_FALSE(std::filesystem::exists(url));
    const std::string events = read_file(dir / "events.jsonl");
    CHECK(events.find(R"("Dimensions":[["stream","job"]])") != std::string::npos);
    CHECK(events.find(R"("acc":0.75,"loss":0.5})") != std::string::npos);
}

TEST_CASE("outputs: prometheus-textfile is written by its sink, at a tick and at the end, never truncated at open",
          "[cli][outputs][prometheus]") {
    temp_dir dir;
    const std::string path = dir / "train.prom";
    { std::ofstream(path) << "# an earlier run's file\n"; }
    const std::vector<std::string> specs = {"prometheus-textfile:" + path + "?label.job=j1&interval=60"};
    outputs out(choose_outputs(specs), {"loss", "acc"}, false, STDOUT_FILENO, 4096);
    REQUIRE_NOTHROW(out.open());
    REQUIRE(out.size() == 1);
    CHECK(out.name(0) == "prometheus-textfile:" + path);
    CHECK_FALSE(out.uses_stdout());
    CHECK(read_file(path) == "# an earlier run's file\n");  // the tool did not open it
    auto batch = two_samples();
    out.sink().write(batch);
    out.sink().tick(std::chrono::system_clock::now());
    CHECK(read_file(path).find("loss{stream=\"s\",job=\"j1\"} 0.5\n") != std::string::npos);
    batch[0].value = 0.25;
    out.sink().write(batch);
    out.sink().tick(std::chrono::system_clock::now());  // within the interval
    CHECK(read_file(path).find("loss{stream=\"s\",job=\"j1\"} 0.5\n") != std::string::npos);
    CHECK(out.finish());
    const std::string text = read_file(path);
    CHECK(text.find("loss{stream=\"s\",job=\"j1\"} 0.25\n") != std::string::npos);
    CHECK(text.find("# TYPE acc gauge\nacc{stream=\"s\",job=\"j1\"} 0.75\n") != std::string::npos);
    CHECK(std::filesystem::directory_iterator(dir.path) != std::filesystem::directory_iterator());
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path)) ++files;
    CHECK(files == 1);  // no temporary file left
}

TEST_CASE("outputs: prometheus-textfile refuses metrics that one name would merge before opening anything",
          "[cli][outputs][prometheus]") {
    temp_dir dir;
    const std::vector<std::string> specs = {"csv:" + (dir / "a.csv"),
                                            "prometheus-textfile:" + (dir / "m.prom") + "?colons=replace"};
    outputs out(choose_outputs(specs), {"val:loss", "val_loss"}, false, STDOUT_FILENO, 4096);
    CHECK_THROWS_WITH(out.open(), Catch::Contains("would both be named val_loss"));
    CHECK_FALSE(std::filesystem::exists(dir / "a.csv"));
}
