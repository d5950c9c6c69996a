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
#include "logmetrics/detail/regex/pcre2_code.hpp"
#include "logmetrics/detail/regex/regex_outline.hpp"
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
        } catch (const logmetrics::definition_error&) {}
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

namespace {

/// PCRE2's own answer for group 1, as direct_capture reports it.
logmetrics::detail::direct_capture::result pcre2_capture(const logmetrics::detail::pcre2_code& code,
                                                         std::string_view line,
                                                         logmetrics::detail::pcre2_scratch& scratch,
                                                         std::string_view& capture) {
    using logmetrics::detail::match_outcome;
    switch (code.match(line, 0, scratch, capture)) {
        case match_outcome::matched: return logmetrics::detail::direct_capture::result::matched;
        case match_outcome::no_match: return logmetrics::detail::direct_capture::result::no_match;
        default: return logmetrics::detail::direct_capture::result::unsure;
    }
}

/// Compares the direct reading with PCRE2 on `line`; an "unsure" direct answer is always fine.
void check_same_capture(const std::string& regex, const std::string& line) {
    using logmetrics::detail::direct_capture;
    const auto direct = direct_capture::from(regex);
    REQUIRE(direct);
    const auto code = logmetrics::detail::pcre2_code::compile(regex);
    logmetrics::detail::pcre2_scratch scratch;
    std::string_view want, got;
    const auto expected = pcre2_capture(code, line, scratch, want);
    const auto actual = direct->find(line, got);
    INFO("regex " << regex << "  line \"" << line << "\"");
    if (actual == direct_capture::result::unsure) return;
    REQUIRE(actual == expected);
    if (actual == direct_capture::result::matched) {
        CHECK(got == want);
        CHECK(got.data() == want.data());
    }
}

}  // namespace

TEST_CASE("which regexes have group 1 read directly", "[outline][direct]") {
    using logmetrics::detail::direct_capture;
    for (const char* yes : {R"(loss=([0-9.]+))", R"(Train_loss=(.*?);)", R"(#011rmse:(\S+)$)", R"(^Epoch (\d+))",
                            R"('eval_loss': ([0-9.e-]+))", R"(acc=(\d*)%)", R"(x=(a+?)b)", R"(^(\S+))"}) {
        INFO(yes);
        CHECK(direct_capture::from(yes));
    }
    for (const char* no : {R"((\d+)ms)", R"(loss=(\d+)|acc=(\d+))", R"(loss=(\d+\.\d+))", R"(loss=(?<v>\d+))",
                           R"(loss=(\d{1,3}))", R"(loss=(\d++))", R"(loss=(\d+)?x)", R"(^Epoch (\d+)/\d+)",
                           R"(iter \d+: loss=(\d+))", R"(loss=(\R+))", R"(loss=(\1+))", R"((?i)loss=(\d+))"}) {
        INFO(no);
        CHECK_FALSE(direct_capture::from(no));
    }
}

TEST_CASE("group 1 read directly is PCRE2's group 1", "[outline][direct]") {
    SECTION("greedy runs back off, lazy runs grow, the leftmost start wins") {
        const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
            {R"(loss=([0-9.]+))", {"loss=0.5", "loss=", "loss=x loss=2", "aloss=1.5.3;", "loss=loss=7"}},
            {R"(loss=(.*?);)", {"loss=1;2;", "loss=;", "loss=abc", "loss=a loss=b;", "x;loss=3;"}},
            {R"(loss: (.*?) -)", {"loss: 0.3 - acc: 1 - x", "loss:  - ", "loss: 1 -- 2", "loss: -"}},
            {R"(v=(\S+)x)", {"v=abcx", "v=axbx", "v=x", "v=xx", "v=ab v=cx", "v=abc"}},
            {R"(v=(\S*)x)", {"v=x", "v=xx", "v=", "v=a x"}},
            {R"(v=(a+?)ab)", {"v=aab", "v=aaab", "v=ab", "v=abab", "v=aab v=ab"}},
            {R"(#011rmse:(\S+)$)",
             {"#011rmse:1.5", "#011rmse:1.5 ", "#011rmse:1 #011rmse:2", "#011rmse:2\n", "#011rmse:"}},
            {R"(^Epoch (\d+))", {"Epoch 3/10", " Epoch 3", "Epoch x", "Epoch 12"}},
            {R"(^(\S+))", {"abc def", " abc", "", "x"}},
        };
        for (const auto& [regex, lines] : cases) {
            for (const auto& line : lines) check_same_capture(regex, line);
        }
    }
    SECTION("every real definition with a direct form, over the corpus and random lines") {
        std::mt19937 random(99);
        const auto lines = corpus_lines();
        std::size_t direct = 0;
        for (const auto& d : real_definitions()) {
            const auto form = logmetrics::detail::direct_capture::from(d.regex);
            if (!form) continue;
            ++direct;
            for (const auto& line : lines) check_same_capture(d.regex, line);
            // Lines made of the regex's own bytes and a few others: prefixes, suffixes, near misses.
            const std::string alphabet = d.regex + " .;-09aZ\t";
            for (int i = 0; i < 300; ++i) {
                std::string line;
                const std::size_t length = random() % 40;
                for (std::size_t k = 0; k < length; ++k) line += alphabet[random() % alphabet.size()];
                check_same_capture(d.regex, line);
            }
        }
        CHECK(direct > 150);  // 187 of the 449 real definitions have the simple shape
    }
}
