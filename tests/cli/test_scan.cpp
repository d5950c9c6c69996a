// SPDX-License-Identifier: MIT
// run_scan (tools/logmetrics/scan.cpp) called directly: what is refused before any input is read,
// and what reaches an output file.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "command.hpp"
#include "options.hpp"
#include "support/catch.hpp"

using namespace logmetrics::cli;

namespace {

struct scan_dir {
    std::string path;
    scan_dir() {
        char pattern[] = "/tmp/logmetrics-cli-scan.XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        path = pattern;
        write("d.json", R"J([{"Name": "epoch", "Regex": "epoch (\\d+)"}, {"Name": "loss", "Regex": "loss=(\\S+)"}])J");
        write("train.log", "loss=0.9\nepoch 1 loss=0.5\nloss=0.4\nepoch 2 loss=0.3\n");
    }
    ~scan_dir() { std::filesystem::remove_all(path); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
    void write(const std::string& name, const std::string& text) const { std::ofstream(*this / name) << text; }
    std::string read(const std::string& name) const {
        std::ifstream in(*this / name);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }
    bool exists(const std::string& name) const { return ::access((*this / name).c_str(), F_OK) == 0; }

    scan_options options() const {
        scan_options o;
        o.definitions_path = *this / "d.json";
        o.outputs = {"csv:" + (*this / "out.csv") + "?header=false"};
        o.quiet = true;
        o.files = {*this / "train.log"};
        return o;
    }
};

/// The CSV's "metric,value,step,line" columns (the timestamp left out).
std::vector<std::string> rows(const std::string& csv) {
    std::vector<std::string> out;
    std::istringstream lines(csv);
    // The columns between the timestamp and the stream (the input's path, last).
    for (std::string line; std::getline(lines, line);) {
        const std::size_t first = line.find(',') + 1;
        out.push_back(line.substr(first, line.rfind(',') - first));
    }
    return out;
}

}  // namespace

TEST_CASE("a step metric: every sample's step is the metric's latest value", "[cli][scan]") {
    scan_dir dir;
    scan_options options = dir.options();
    options.step_metric = "epoch";
    REQUIRE(run_scan(options) == exit_ok);
    const std::vector<std::string> expected = {"loss,0.9,0,1", "epoch,1,1,2", "loss,0.5,1,2",
                                               "loss,0.4,1,3", "epoch,2,2,4", "loss,0.3,2,4"};
    CHECK(rows(dir.read("out.csv")) == expected);
}

TEST_CASE("without a step metric, each metric counts its own samples", "[cli][scan]") {
    scan_dir dir;
    REQUIRE(run_scan(dir.options()) == exit_ok);
    const std::vector<std::string> expected = {"loss,0.9,0,1", "epoch,1,0,2", "loss,0.5,1,2",
                                               "loss,0.4,2,3", "epoch,2,1,4", "loss,0.3,3,4"};
    CHECK(rows(dir.read("out.csv")) == expected);
}

TEST_CASE("a step metric naming no defined metric is exit 2, before any output or input", "[cli][scan]") {
    scan_dir dir;
    scan_options options = dir.options();
    options.step_metric = "Epoch";
    options.files = {dir / "no-such.log"};
    CHECK(run_scan(options) == exit_usage);
    CHECK_FALSE(dir.exists("out.csv"));
}

TEST_CASE("a bad output spec is exit 2 before the definitions are read", "[cli][scan]") {
    scan_dir dir;
    scan_options options = dir.options();
    options.definitions_path = dir / "no-such.json";
    options.outputs = {"xml:" + (dir / "out.xml")};
    CHECK(run_scan(options) == exit_usage);
    CHECK_FALSE(dir.exists("out.xml"));
}

TEST_CASE("an empty step metric is no metric's name: exit 2, before any output or input", "[cli][scan]") {
    scan_dir dir;
    scan_options options = dir.options();
    options.step_metric = "";
    CHECK(run_scan(options) == exit_usage);
    CHECK_FALSE(dir.exists("out.csv"));
}
