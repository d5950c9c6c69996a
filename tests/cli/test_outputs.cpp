// SPDX-License-Identifier: MIT
// The outputs of a scan (tools/logmetrics/outputs.hpp): every sample to every output, files
// created when opened, a failing output stops none of the others and is counted by its name.

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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
        REQUIRE(out.open());
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
    CHECK(csv.find(",loss,0.5,0,1\n") != std::string::npos);
    CHECK(csv.find(",acc,0.75,0,1\n") != std::string::npos);
    const std::string jsonl = read_file(dir / "a.jsonl");
    CHECK(jsonl.find(R"("name":"loss","value":0.5)") != std::string::npos);
    CHECK(jsonl.find(R"("name":"acc","value":0.75)") != std::string::npos);
    const std::string final_json = read_file(dir / "final.json");
    CHECK(final_json.starts_with(R"([{"MetricName":"loss","Value":0.5,"Timestamp":)"));
    CHECK(final_json.ends_with("}]\n"));
    CHECK(read_file(dir / "t.txt").find("final values") != std::string::npos);
}

TEST_CASE("outputs: a file that cannot be created stops before anything is read", "[cli][outputs]") {
    const std::vector<std::string> specs = {"csv:/no/such/dir/a.csv"};
    outputs out(choose_outputs(specs), {"loss"}, false, STDOUT_FILENO, 4096);
    CHECK_FALSE(out.open());
}

TEST_CASE("outputs: a failing output is counted by name and stops none of the others", "[cli][outputs]") {
    REQUIRE(::access("/dev/full", W_OK) == 0);  // Linux: writes fail with ENOSPC
    temp_dir dir;
    const std::vector<std::string> specs = {"jsonl:/dev/full", "csv:" + (dir / "a.csv")};
    outputs out(choose_outputs(specs), {"loss", "acc"}, false, STDOUT_FILENO, 16);  // a small buffer fails soon
    REQUIRE(out.open());
    const auto batch = two_samples();
    for (int i = 0; i < 10; ++i) out.sink().write(batch);
    CHECK_FALSE(out.all_failed());  // the CSV file is fine
    CHECK_FALSE(out.finish());
    CHECK(out.name(0) == "jsonl:/dev/full");
    CHECK(out.errors(0) > 0);
    CHECK(out.errors(1) == 0);
    const std::string csv = read_file(dir / "a.csv");
    CHECK(csv.find(",acc,0.75,0,1\n") != std::string::npos);
    std::size_t rows = 0;
    for (char c : csv) rows += c == '\n';
    CHECK(rows == 1 + 20);
}

TEST_CASE("outputs: when every output has failed, reading on is for nothing", "[cli][outputs]") {
    REQUIRE(::access("/dev/full", W_OK) == 0);
    const std::vector<std::string> specs = {"csv:/dev/full?header=false"};
    outputs out(choose_outputs(specs), {"loss", "acc"}, false, STDOUT_FILENO, 16);
    REQUIRE(out.open());
    CHECK_FALSE(out.all_failed());
    out.sink().write(two_samples());
    CHECK(out.all_failed());
    CHECK_FALSE(out.finish());
}

TEST_CASE("outputs: none writes nothing and never fails", "[cli][outputs]") {
    const std::vector<std::string> specs = {"none"};
    outputs out(choose_outputs(specs), {"loss"}, false, -1, 16);
    REQUIRE(out.open());
    CHECK(out.size() == 0);
    out.sink().write(two_samples());
    CHECK_FALSE(out.all_failed());
    CHECK(out.finish());
}
