// SPDX-License-Identifier: MIT
// Fuzz target: the engines on arbitrary regexes, without JSON in the way. What fuzz_definitions
// reaches only through valid JSON, this one feeds straight in, so the fuzzer spends its time on
// patterns and lines: every engine (PCRE2 with its literal filter and JIT, Hyperscan line by line
// and in blocks of lines) must agree with PCRE2's interpreter (engine_oracle.hpp).
//
// Input: regexes, one per line, up to a NUL byte; then the subject lines. Without a NUL, the
// input's own lines and a few typical log lines are the subjects. Regexes that are not valid
// definitions (no group, too long, do not compile) are dropped; up to 8 are kept.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine_oracle.hpp"
#include "fuzz_support.hpp"
#include "logmetrics/definition.hpp"
#include "logmetrics/error.hpp"

namespace {

std::vector<std::string_view> split_lines(std::string_view text, std::size_t limit) {
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start <= text.size() && lines.size() < limit;) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view patterns = input.substr(0, nul);

    std::vector<logmetrics::metric_definition> kept;
    for (std::string_view regex : split_lines(patterns, 64)) {
        if (kept.size() == 8) break;
        logmetrics::metric_definition d{"r" + std::to_string(kept.size()), std::string(regex), {}};
        if (logmetrics::find_problems({d}).empty()) kept.push_back(std::move(d));
    }
    if (kept.empty()) return 0;
    const logmetrics::definition_set set(kept);

    std::vector<std::string_view> lines;
    if (nul == std::string_view::npos) {
        lines = split_lines(input, 64);
        for (std::string_view typical : {"", "loss=0.5 acc=0.9", "[3]#011train-rmse:2.31#011validation-rmse:2.57",
                                         "Epoch 3/10 - loss: 0.25 - val_loss: 1e-3", "a\rb\tc\x1b[0m\xff"}) {
            lines.push_back(typical);
        }
    } else {
        lines = split_lines(input.substr(nul + 1), 256);
    }
    fuzz::check_engines(set, lines);
    return 0;
}
