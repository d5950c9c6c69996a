// SPDX-License-Identifier: MIT
// What the engines read from a regex without running it: the literal every match contains (the
// PCRE2 engine skips lines without it) and the part before capture group 1 (what Hyperscan may
// scan for). Both must be safe: a line the regex matches always contains the literal and always
// matches the prefix. Checked on hand-picked shapes and on every real definition over a corpus.

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "logmetrics/definitions_json.hpp"
#include "logmetrics/detail/pcre2_code.hpp"
#include "logmetrics/detail/regex_outline.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "support/catch.hpp"

using logmetrics::detail::required_literal;
using logmetrics::detail::scan_prefix;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<logmetrics::metric_definition> real_definitions() {
    const auto document = nlohmann::json::parse(read_file(LOGMETRICS_TEST_DATA_DIR "/real_metric_definitions.json"));
    std::vector<logmetrics::metric_definition> accepted;
    for (const auto& item : document) {
        try {
            accepted.push_back(logmetrics::parse_definitions(nlohmann::json::array({item}).dump())[0]);
        } catch (const logmetrics::definition_error&) {
        }
    }
    return accepted;
}

/// The corpus lines, plus mutated copies (bytes replaced by ones that often matter to regexes).
std::vector<std::string> corpus_lines() {
    std::vector<std::string> lines;
    std::istringstream corpus(read_file(LOGMETRICS_TEST_DATA_DIR "/engine_corpus.log"));
    std::mt19937 random(7);
    for (std::string line; std::getline(corpus, line);) {
        lines.push_back(line);
        for (int copy = 0; copy < 2 && !line.empty(); ++copy) {
            std::string changed = line;
            const char pool[] = " \t0123456789.:=-e[]#;,'\"xX";
            changed[random() % changed.size()] = pool[random() % (sizeof pool - 1)];
            lines.push_back(changed);
        }
    }
    return lines;
}

bool pcre2_matches(const logmetrics::detail::pcre2_code& code, std::string_view line,
                   logmetrics::detail::pcre2_scratch& scratch) {
    std::string_view capture;
    return code.match(line, 0, scratch, capture) != logmetrics::detail::match_outcome::no_match;
}

}  // namespace

TEST_CASE("the literal every match contains", "[outline]") {
    CHECK(required_literal(R"(loss=(\S+))") == "loss=");
    CHECK(required_literal(R"(Train_loss=(.*?);)") == "Train_loss=");
    CHECK(required_literal(R"(\d+ms/step (x))") == "ms/step ");
    CHECK(required_literal(R"({'loss': (\d+))") == "{'loss': ");
    CHECK(required_literal(R"(\.\[abc(\d))") == ".[abc");
    CHECK(required_literal(R"(\tloss (\d))") == "\tloss ");
    CHECK(required_literal(R"([abc]def(x))") == "def");
    CHECK(required_literal(R"((?:ab)cde(x))") == "cde");
    CHECK(required_literal(R"(a\Kbcd(x))") == "bcd");
    CHECK(required_literal(R"(abc\x41de(x))") == "abc");
    SECTION("quantifiers: optional items end a run, repeated ones count once") {
        CHECK(required_literal(R"(ab?c(\d))") == "a");
        CHECK(required_literal(R"(ab+c(\d))") == "ab");
        CHECK(required_literal(R"(ab*cd(\d))") == "cd");
        CHECK(required_literal(R"(xy{2}z(\d))") == "xy");
        CHECK(required_literal(R"(a{0,3}bcd(\d))") == "bcd");
        CHECK(required_literal(R"(a{0}bcd(\d))") == "bcd");
        CHECK(required_literal(R"(ab+?c(\d))") == "ab");
        CHECK(required_literal(R"(x{abc}(\d))") == "x{abc}");  // not a quantifier: literal text
    }
    SECTION("whatever the reader does not follow gives no literal") {
        CHECK(required_literal(R"(loss=(\d+)|acc=(\d+))") == "");
        CHECK(required_literal(R"((?i)loss=(\d+))") == "");
        CHECK(required_literal(R"(loss(?x) = (\d+))") == "");
        CHECK(required_literal(R"(a(*ACCEPT)bcd(x))") == "");
        CHECK(required_literal(R"(\Qa.b\E(\d))") == "");
        CHECK(required_literal(R"(abc(?#note)(x))") == "");
        CHECK(required_literal(R"(loss{,3}(\d))") == "");  // {,3}: PCRE2 versions disagree
        CHECK(required_literal(R"((\d+))") == "");
    }
}

TEST_CASE("the part before capture group 1", "[outline]") {
    CHECK(scan_prefix(R"(loss=(\S+))") == "loss=");
    CHECK(scan_prefix(R"(.*\[[0-9]+\].*#011rmse:(\S+).*)") == R"(\[[0-9]+\].*#011rmse:)");
    CHECK(scan_prefix(R"(^.*Total reward=(.*?),)") == "Total reward=");
    CHECK(scan_prefix(R"(^Training>.*Total reward=(.*?),)") == "^Training>.*Total reward=");
    CHECK(scan_prefix(R"((?:Test|Val) set: (\d+))") == "(?:Test|Val) set: ");
    CHECK(scan_prefix(R"(x(?=y)(\d))") == "x(?=y)");
    CHECK(scan_prefix(R"(x(?<value>\d+))") == "x");
    CHECK(scan_prefix(R"(x(?:a(b))c)") == "x");  // the group holding group 1 is cut too
    CHECK(scan_prefix(R"((\d+)ms)") == "");
    CHECK(scan_prefix(R"(.*(\d+)ms)") == "");
    CHECK(scan_prefix(R"(a(b)|c(d))") == "");
}

TEST_CASE("every real definition: a matching line has the literal and matches the prefix", "[outline]") {
    const auto definitions = real_definitions();
    REQUIRE(definitions.size() == 449);
    const auto lines = corpus_lines();
    logmetrics::detail::pcre2_scratch scratch;
    std::size_t with_literal = 0, with_prefix = 0, matches = 0;
    for (const auto& d : definitions) {
        const auto code = logmetrics::detail::pcre2_code::compile(d.regex);
        REQUIRE(code.ok());
        const std::string literal = required_literal(d.regex);
        const std::string prefix = scan_prefix(d.regex);
        with_literal += !literal.empty();
        with_prefix += !prefix.empty();
        const auto prefix_code = logmetrics::detail::pcre2_code::compile(prefix.empty() ? "x" : prefix);
        INFO(d.name << ": " << d.regex << "  literal \"" << literal << "\"  prefix \"" << prefix << "\"");
        if (!prefix.empty()) REQUIRE(prefix_code.ok());
        for (const auto& line : lines) {
            if (!pcre2_matches(code, line, scratch)) continue;
            ++matches;
            INFO("line: " << line);
            CHECK(line.find(literal) != std::string::npos);
            if (!prefix.empty()) CHECK(pcre2_matches(prefix_code, line, scratch));
        }
    }
    CHECK(matches > 1000);
    CHECK(with_literal > 400);  // most real definitions have a literal to filter on
    CHECK(with_prefix > 300);
}

TEST_CASE("the PCRE2 engine's literal filter changes no capture", "[outline][engines]") {
    // match() skips definitions whose literal is absent; extract() runs one definition alone.
    const auto definitions = real_definitions();
    logmetrics::definition_set all(definitions, logmetrics::definition_limits::unlimited());
    logmetrics::pcre2_matcher matcher(all);
    auto scratch = matcher.make_scratch();
    logmetrics::capture_list filtered(all.size()), one_by_one(all.size());
    std::size_t captures = 0;
    for (const auto& line : corpus_lines()) {
        matcher.match(line, scratch, filtered);
        one_by_one.clear();
        for (std::size_t i = 0; i < all.size(); ++i) matcher.extract(i, line, scratch.pcre2, one_by_one);
        INFO("line: " << line);
        REQUIRE(filtered.size() == one_by_one.size());
        for (std::size_t k = 0; k < filtered.size(); ++k) {
            CHECK(filtered[k].definition == one_by_one[k].definition);
            CHECK(filtered[k].result == one_by_one[k].result);
            CHECK(filtered[k].text == one_by_one[k].text);
        }
        captures += filtered.size();
    }
    CHECK(captures > 1000);
}
