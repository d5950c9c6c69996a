// SPDX-License-Identifier: MIT
// The program every consumer test builds (find_package, add_subdirectory, pkg-config): it loads
// three definitions from JSON, feeds a small log in chunks that split lines anywhere, and checks
// each sample. It runs every engine the build has and exits non-zero on the first mismatch. Built
// header-only, and in the separate-compilation mode (consumer_common.cmake, CONSUMER_SEPARATE).

#include <logmetrics/definitions_json.hpp>
#include <logmetrics/logmetrics.hpp>
#if defined(LOGMETRICS_HAS_HTTP) && LOGMETRICS_HAS_HTTP
#include <logmetrics/http/client.hpp>
#endif

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view definitions_json = R"json([
    {"Name": "train:loss", "Regex": "loss=([-+0-9.eE]+)"},
    {"Name": "validation:error", "Regex": "val_error=(\\S+)"},
    {"Name": "epoch", "Regex": "^epoch (\\d+)", "Type": "integer"}
])json";

// Line 2 matches nothing, line 3's val_error is not a number, line 4 has no final newline.
constexpr std::string_view log_text =
    "epoch 1 loss=0.75 val_error=0.31\n"
    "some noise\n"
    "epoch 2 loss=0.5 val_error=n/a\n"
    "epoch 3 loss=0.25 val_error=0.12";

struct observed {
    std::string name;
    double value;
    std::uint64_t line;
    bool operator==(const observed&) const = default;
};

// In line order, then definition order.
const std::vector<observed> expected = {
    {"train:loss", 0.75, 1}, {"validation:error", 0.31, 1}, {"epoch", 1, 1}, {"train:loss", 0.5, 3}, {"epoch", 2, 3},
    {"train:loss", 0.25, 4}, {"validation:error", 0.12, 4}, {"epoch", 3, 4},
};

int fail(const char* engine, const char* what) {
    std::fprintf(stderr, "%s: FAILED: %s\n", engine, what);
    return 1;
}

template <class Engine>
int check(const char* engine_name) {
    const auto definitions = logmetrics::parse_definitions(definitions_json);
    std::vector<observed> seen;
    logmetrics::memory_store store;
    auto monitor = logmetrics::make_monitor(definitions, Engine{}, store,
                                            logmetrics::make_callback_sink([&seen](const logmetrics::sample& s) {
                                                seen.push_back({std::string(s.name), s.value, s.line});
                                            }));

    for (std::size_t at = 0; at < log_text.size(); at += 7) monitor.feed(log_text.substr(at, 7));
    monitor.finish();

    if (seen != expected) {
        for (const auto& s : seen)
            std::fprintf(stderr, "  got line %llu %s=%g\n", static_cast<unsigned long long>(s.line), s.name.c_str(),
                         s.value);
        return fail(engine_name, "samples differ from the expected ones");
    }
    if (store.count("train:loss") != 3 || store.last("validation:error") != 0.12) {
        return fail(engine_name, "memory_store disagrees with the samples");
    }
    if (monitor.stats().rejected != 1) return fail(engine_name, "expected one rejected capture (n/a)");
    const auto final_values = store.final_metrics();
    if (final_values.metrics.size() != 3 || final_values.metrics[0].value.value != 0.25) {
        return fail(engine_name, "final_metrics() differs from the last values");
    }
    std::printf("%s: ok (%zu samples)\n", engine_name, seen.size());
    return 0;
}

}  // namespace

/// A refused definition is reported with its position, name and reason.
int check_refused() {
    try {
        logmetrics::definition_set refused({{"train:loss", "loss=\\S+"}});
    } catch (const logmetrics::definition_error& e) {
        const std::string_view expected_message = "MetricDefinitions[0] \"train:loss\": Regex has no capture group";
        if (std::string_view(e.what()).find(expected_message) != std::string_view::npos) return 0;
        return fail("definitions", e.what());
    }
    return fail("definitions", "a regex without a capture group was accepted");
}

int main() {
    std::printf("logmetrics %d.%d.%d, end\n", LOGMETRICS_VERSION_MAJOR, LOGMETRICS_VERSION_MINOR,
                LOGMETRICS_VERSION_PATCH);
    int failures = check_refused();
    failures += check<logmetrics::pcre2_engine>("pcre2");
    std::string engines = "pcre2";
#if defined(LOGMETRICS_HAS_HYPERSCAN) && LOGMETRICS_HAS_HYPERSCAN
    failures += check<logmetrics::hyperscan_engine>("hyperscan");
    engines += " hyperscan";
#endif
    failures += check<logmetrics::default_engine>("default");
    // The test scripts match this line to know which flavour was built.
    std::printf("engines: %s, end\n", engines.c_str());
#if defined(LOGMETRICS_HAS_HTTP) && LOGMETRICS_HAS_HTTP
    // The HTTP component links libcurl: a client can be made (no request is sent).
    const logmetrics::http_client client;
    std::printf("http: timeout %lld ms, end\n", static_cast<long long>(client.options().timeout.count()));
#endif
    return failures == 0 ? 0 : 1;
}
