// SPDX-License-Identifier: MIT
// The benchmarks' training-log generator (bench/training_log.hpp): the same bytes for the same
// seed, the size asked for, a realistic share of metric lines, every format present, and the
// 40/10 definition sets valid on every engine and identical to bench/data/definitions_*.json.

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "testing/training_log.hpp"
#include "logmetrics/definitions_json.hpp"
#include "logmetrics/framer.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "logmetrics/monitor.hpp"
#include "support/catch.hpp"
#include "testing/recording_sink.hpp"
#ifdef LOGMETRICS_HAS_HYPERSCAN
#include "logmetrics/matchers/hyperscan.hpp"
#endif

namespace {

constexpr std::size_t test_log_size = 8 << 20;

/// One 8 MiB log (about ten jobs of each framework) for the tests that only read it.
const std::string& test_log() {
    static const std::string log = lmbench::generate_training_log(test_log_size, 42);
    return log;
}

/// FNV-1a, to pin the exact bytes without checking in a large file.
std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ull;
    }
    return hash;
}

/// Calls `on_line` for each line as the library frames it by default (sagemaker mode: TAB is
/// "#011", and `\r`-glued progress updates stay one line).
template <class OnLine>
void for_each_sagemaker_line(std::string_view log, OnLine&& on_line) {
    logmetrics::line_framer framer(logmetrics::framing_options{logmetrics::framing_mode::sagemaker, 256 * 1024});
    auto each = logmetrics::each_line([&](std::string_view line, bool) { on_line(line); });
    framer.feed(log, each);
    framer.finish(each);
}

template <class Value>
std::string formatted(void (*append)(std::string&, std::int64_t, int), Value nanos, int digits) {
    std::string out;
    append(out, static_cast<std::int64_t>(nanos), digits);
    return out;
}

}  // namespace

TEST_CASE("the training log is the same bytes for the same seed", "[training_log]") {
    const auto a = lmbench::generate_training_log(200'000, 42);
    const auto b = lmbench::generate_training_log(200'000, 42);
    CHECK(a == b);
    CHECK(lmbench::generate_training_log(200'000, 43) != a);
    CHECK(lmbench::generate_training_log(200'000, 0) != a);

    SECTION("streaming in pieces gives the bytes of one call") {
        for (std::size_t piece : {std::size_t{1}, std::size_t{4096}, std::size_t{65'536}}) {
            lmbench::training_log_generator generator(42);
            std::string streamed;
            std::string buffer;
            while (streamed.size() < 200'000) {
                buffer.clear();
                generator.append(buffer, std::min(piece, 200'000 - streamed.size()));
                streamed += buffer;
            }
            INFO("piece size " << piece);
            CHECK(streamed == a);
        }
    }

    SECTION("the bytes are pinned, so every platform and standard library benchmarks the same log") {
        // Changing the generator on purpose changes this value: update it, and know that
        // benchmark results from before the change used another log.
        CHECK(fnv1a(test_log()) == 0x6fd7f1863835e8fdull);
    }
}

TEST_CASE("the number formats match printf and Python", "[training_log]") {
    using namespace lmbench::detail;
    CHECK(formatted(append_fixed, -500'000'000, 1) == "-0.5");
    CHECK(formatted(append_fixed, 3'141'592'654, 5) == "3.14159");
    CHECK(formatted(append_fixed, 254'107'000, 6) == "0.254107");
    CHECK(formatted(append_fixed, -100 * one, 2) == "-100.00");
    CHECK(formatted(append_scientific, 123'450, 4) == "1.2345e-04");
    CHECK(formatted(append_scientific, 999'999'999, 4) == "1.0000e+00");
    CHECK(formatted(append_python_float, 48'000, 9) == "4.8e-05");
    CHECK(formatted(append_python_float, 50'000, 9) == "5e-05");
    CHECK(formatted(append_python_float, 123'000, 9) == "0.000123");
    CHECK(formatted(append_python_float, 3 * one, 2) == "3.0");
    CHECK(formatted(append_python_float, 693'147'180, 4) == "0.6931");
    CHECK(formatted(append_general, 231'000'000, 3) == "0.231");
    CHECK(formatted(append_general, 12'345, 3) == "1.23e-05");
    CHECK(formatted(append_general, 2 * one, 3) == "2");
}

TEST_CASE("the training log has the size asked for, in whole lines", "[training_log]") {
    CHECK(lmbench::generate_training_log(0).empty());
    for (std::size_t target : {std::size_t{1}, std::size_t{10'000}, std::size_t{1'000'000}, test_log_size}) {
        const auto log = target == test_log_size ? test_log() : lmbench::generate_training_log(target);
        INFO("target " << target << ", got " << log.size());
        CHECK(log.size() >= target);
        CHECK(log.size() < target + 64 * 1024);  // one block past the target at most
        REQUIRE(!log.empty());
        CHECK(log.back() == '\n');
    }
    // Most lines are of ordinary length, a few are several KiB.
    std::size_t lines = 0, ordinary = 0, long_lines = 0;
    for_each_sagemaker_line(test_log(), [&](std::string_view line) {
        ++lines;
        if (line.size() >= 40 && line.size() <= 200) ++ordinary;
        if (line.size() >= 2048) ++long_lines;
    });
    CHECK(ordinary * 2 > lines);
    CHECK(long_lines > 10);
    CHECK(long_lines * 100 < lines);
}

TEST_CASE("about one line in five carries a metric", "[training_log]") {
    const logmetrics::definition_set definitions(lmbench::definitions_40());
    const auto matcher = logmetrics::pcre2_engine{}.compile(definitions);
    auto scratch = matcher.make_scratch();
    logmetrics::capture_list captures(definitions.size());
    std::size_t lines = 0, metric_lines = 0;
    std::vector<std::size_t> matches(definitions.size(), 0);
    for_each_sagemaker_line(test_log(), [&](std::string_view line) {
        ++lines;
        matcher.match(line, scratch, captures);
        if (!captures.empty()) ++metric_lines;
        for (const auto& c : captures) ++matches[c.definition];
    });
    const double fraction = static_cast<double>(metric_lines) / static_cast<double>(lines);
    INFO(metric_lines << " of " << lines << " lines carry a metric (" << fraction * 100 << "%)");
    CHECK(fraction >= 0.15);
    CHECK(fraction <= 0.30);
    for (std::size_t i = 0; i < definitions.size(); ++i) {
        INFO("definition " << i << " \"" << definitions[i].name << "\" matched " << matches[i] << " lines");
        CHECK(matches[i] > 0);
    }
}

TEST_CASE("the training log has every format", "[training_log]") {
    const auto& log = test_log();
    auto has = [&](std::string_view text) { return log.find(text) != std::string::npos; };
    // XGBoost, with a real TAB and with "#011" as copied from CloudWatch, and each eval metric
    CHECK(has("]\ttrain-rmse:"));
    CHECK(has("]#011train-"));
    for (auto metric :
         {"validation-rmse:", "validation-logloss:", "validation-auc:", "validation-merror:", "validation-error:"}) {
        INFO(metric);
        CHECK(has(metric));
    }
    // Keras: epoch headers, `\r`-glued updates, the epoch summary
    CHECK(has("\nEpoch 3/"));
    CHECK(has("] - ETA: "));
    CHECK(has("\r"));
    CHECK(has("ms/step - loss: "));
    CHECK(has(" - val_accuracy: "));
    // Hugging Face Trainer
    CHECK(has("{'loss': "));
    CHECK(has("'learning_rate': "));
    CHECK(has("{'eval_loss': "));
    CHECK(has("{'train_runtime': "));
    // PyTorch MNIST example
    CHECK(has("\nTrain Epoch: "));
    CHECK(has("]\tLoss: "));
    CHECK(has("\nTest set: Average loss: "));
    // Lightning, with tqdm's UTF-8 blocks
    CHECK(has("\nEpoch 2: "));
    CHECK(has("|█"));
    CHECK(has("it/s, loss="));
    CHECK(has(", val_acc="));
    // nanoGPT
    CHECK(has("\niter "));
    CHECK(has(", mfu -100.00%"));
    CHECK(has(": train loss "));
    // numbers in several shapes
    CHECK(has("e-05"));
    CHECK(has("e-04"));
    CHECK(has("nan"));
    // noise
    for (auto noise : {" INFO ", "WARNING", "DEBUG", "Traceback (most recent call last):", "\"loss_type\": ",
                       "NCCL INFO", "Downloading ", "━━━━", "examples/s]", "Layer (type)", "tensorflow/core/"}) {
        INFO(noise);
        CHECK(has(noise));
    }
}

TEST_CASE("the benchmark definition sets are valid on every engine", "[training_log]") {
    const auto all = lmbench::definitions_40();
    const auto common = lmbench::definitions_10();
    REQUIRE(all.size() == 40);
    REQUIRE(common.size() == 10);

    std::set<std::string> names;
    for (const auto& d : all) names.insert(d.name);
    CHECK(names.size() == all.size());  // one metric per definition
    for (const auto& d : common) {
        INFO(d.name);
        CHECK(std::find_if(all.begin(), all.end(),
                           [&](const auto& a) { return a.name == d.name && a.regex == d.regex; }) != all.end());
    }

    for (const auto* set : {&all, &common}) {
        const logmetrics::definition_set definitions(*set);  // SageMaker's limits
        CHECK_NOTHROW(logmetrics::pcre2_engine{}.compile(definitions));
#ifdef LOGMETRICS_HAS_HYPERSCAN
        const auto hyperscan = logmetrics::hyperscan_engine{}.compile(definitions);
        for (std::size_t i = 0; i < definitions.size(); ++i) {
            INFO(definitions[i].name << ": " << logmetrics::to_string(hyperscan.plan(i)) << " "
                                     << hyperscan.plan_reason(i));
            CHECK(hyperscan.plan(i) != logmetrics::hyperscan_plan::pcre2_only);
        }
#endif
    }
}

TEST_CASE("bench/data/definitions_*.json are the C++ definition sets", "[training_log]") {
    // Regenerate with: logmetrics_gen_log --write-definitions bench/data
    const std::pair<const char*, std::vector<logmetrics::metric_definition>> files[] = {
        {LOGMETRICS_TEST_DATA_DIR "/../../bench/data/definitions_40.json", lmbench::definitions_40()},
        {LOGMETRICS_TEST_DATA_DIR "/../../bench/data/definitions_10.json", lmbench::definitions_10()},
    };
    for (const auto& [path, expected] : files) {
        INFO(path);
        const auto loaded = logmetrics::load_definitions(path);
        REQUIRE(loaded.size() == expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            INFO("definition " << i);
            CHECK(loaded[i].name == expected[i].name);
            CHECK(loaded[i].regex == expected[i].regex);
            CHECK(loaded[i].type == expected[i].type);
        }
    }
}

#ifdef LOGMETRICS_HAS_HYPERSCAN
TEST_CASE("PCRE2 and Hyperscan give the same samples on the training log", "[training_log]") {
    const logmetrics::definition_set definitions(lmbench::definitions_40());
    auto scan = [&](const auto& engine) {
        test_support::recording_sink sink;
        auto monitor = logmetrics::make_monitor(definitions, engine, sink);
        monitor.feed(test_log());
        monitor.finish();
        return sink.samples;
    };
    const auto pcre2 = scan(logmetrics::pcre2_engine{});
    const auto hyperscan = scan(logmetrics::hyperscan_engine{});
    CHECK(pcre2.size() > 10'000);
    REQUIRE(pcre2.size() == hyperscan.size());
    for (std::size_t i = 0; i < pcre2.size(); ++i) {
        if (!(pcre2[i] == hyperscan[i])) {
            FAIL("sample " << i << " differs: pcre2 " << pcre2[i] << ", hyperscan " << hyperscan[i]);
        }
    }
}
#endif
