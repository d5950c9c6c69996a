// SPDX-License-Identifier: MIT
// scan's command line (tools/logmetrics/options.hpp, scan.cpp): enumerated options turned into
// values by name tables, and refused with the names listed.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <logmetrics/framer.hpp>

#include "command.hpp"
#include "options.hpp"
#include "support/catch.hpp"

using namespace logmetrics;
using namespace logmetrics::cli;

namespace {

/// Parses `args` (after "logmetrics") into `options`; the error's text, or "" when accepted.
std::string parse(std::vector<std::string> args, scan_options& options) {
    CLI::App app("test", "logmetrics");
    add_scan_options(app, options);
    std::vector<const char*> argv = {"logmetrics"};
    for (const auto& a : args) argv.push_back(a.c_str());
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("the mode names are the library's, for every framing mode", "[cli][options]") {
    const auto names = mode_names();
    REQUIRE(names.size() == 3);
    for (const auto& [name, mode] : names) CHECK(name == to_string(mode));
    CHECK(names[0].second == framing_mode::raw);
    CHECK(names[1].second == framing_mode::sagemaker);
    CHECK(names[2].second == framing_mode::terminal);
}

TEST_CASE("the engine names, and the formats: the output kinds that need no PATH", "[cli][options]") {
    const auto engines = engine_names();
    REQUIRE(engines.size() == 2);
    CHECK(engines[0] == std::pair<std::string, engine_kind>{"hyperscan", engine_kind::hyperscan});
    CHECK(engines[1] == std::pair<std::string, engine_kind>{"pcre2", engine_kind::pcre2});
    const std::vector<std::pair<std::string, std::string>> formats = {
        {"jsonl", "jsonl"}, {"csv", "csv"}, {"table", "table"}, {"emf", "emf"}, {"none", "none"}};
    CHECK(format_names() == formats);
}

TEST_CASE("scan's options: defaults, and enumerated values by name", "[cli][options]") {
    scan_options defaults;
    REQUIRE(parse({"scan", "-d", "d.json"}, defaults).empty());
    CHECK(defaults.definitions_path == "d.json");
    CHECK(defaults.mode == framing_mode::sagemaker);
    CHECK_FALSE(defaults.engine);
    CHECK(defaults.format.empty());
    CHECK_FALSE(defaults.stream_label);
    CHECK(defaults.files.empty());

    scan_options given;
    REQUIRE(parse({"scan", "-d", "d.json", "--mode", "terminal", "--engine", "pcre2", "-f", "csv", "-o",
                   "jsonl:a.jsonl", "--output", "final:f.json", "--stream", "", "a.log", "b.log"},
                  given)
                .empty());
    CHECK(given.mode == framing_mode::terminal);
    CHECK(given.engine == engine_kind::pcre2);
    CHECK(given.format == "csv");
    CHECK(given.outputs == std::vector<std::string>{"jsonl:a.jsonl", "final:f.json"});
    CHECK(given.stream_label == "");
    CHECK(given.files == std::vector<std::string>{"a.log", "b.log"});
}

TEST_CASE("scan's enumerated options refuse other names, and numbers, listing the names", "[cli][options]") {
    scan_options options;
    CHECK(parse({"scan", "-d", "d", "--mode", "fancy"}, options) ==
          R"(--mode: "fancy" is not one of raw, sagemaker, terminal)");
    CHECK(parse({"scan", "-d", "d", "--mode", "1"}, options) ==
          R"(--mode: "1" is not one of raw, sagemaker, terminal)");
    CHECK(parse({"scan", "-d", "d", "--mode", "Terminal"}, options) ==
          R"(--mode: "Terminal" is not one of raw, sagemaker, terminal)");
    CHECK(parse({"scan", "-d", "d", "--engine", "re2"}, options) ==
          R"(--engine: "re2" is not one of hyperscan, pcre2)");
    CHECK(parse({"scan", "-d", "d", "--format", "final"}, options) ==
          R"(--format: "final" is not one of jsonl, csv, table, emf, none)");
    CHECK(parse({"scan", "-d", "d", "--format", "csv?header=false"}, options) ==
          R"(--format: "csv?header=false" is not one of jsonl, csv, table, emf, none (--format takes a kind only; )"
          R"(use --output "csv?header=false"))");
}

TEST_CASE("the longest line: the CLI takes what the library's framer takes, and says what it expects",
          "[cli][options]") {
    scan_options options;
    CHECK(options.max_line_length == framing_options{}.max_line_length);  // the library's default
    REQUIRE(parse({"scan", "-d", "d", "--max-line-length", "4"}, options).empty());
    CHECK(options.max_line_length == smallest_max_line_length);
    REQUIRE(parse({"scan", "-d", "d", "--max-line-length", "4294967294"}, options).empty());
    CHECK(options.max_line_length == largest_max_line_length);
    CHECK(parse({"scan", "-d", "d", "--max-line-length", "4294967295"}, options) ==
          R"(--max-line-length: "4294967295" is not a number of bytes from 4 to 4294967294)");
    CHECK(parse({"scan", "-d", "d", "--max-line-length", "1099511627776"}, options) ==
          R"(--max-line-length: "1099511627776" is not a number of bytes from 4 to 4294967294)");
    CHECK(parse({"scan", "-d", "d", "--max-line-length", "abc"}, options) ==
          R"(--max-line-length: "abc" is not a number of bytes from 4 to 4294967294)");
    CHECK(parse({"scan", "-d", "d", "--max-line-length", "3"}, options) ==
          R"(--max-line-length: "3" is not a number of bytes from 4 to 4294967294)");
}
