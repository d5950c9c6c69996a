// SPDX-License-Identifier: MIT
// The smallest in-process use: definitions written in code, a training loop's own output fed
// line by line, and the values read back from the built-in memory_store.

#include <cstdio>
#include <string>

#include "logmetrics/logmetrics.hpp"

int main() {
    logmetrics::definition_set definitions({
        {"train:loss", "loss=(\\S+)"},
        {"train:accuracy", "acc=(\\S+)"},
    });
    logmetrics::memory_store store;
    auto monitor = logmetrics::make_monitor(definitions, logmetrics::pcre2_engine{}, store);

    for (int epoch = 0; epoch < 5; ++epoch) {  // what a training loop would print
        const double loss = 2.0 / (epoch + 1), accuracy = 0.5 + 0.09 * epoch;
        monitor.feed_line("epoch " + std::to_string(epoch) + " loss=" + std::to_string(loss) +
                          " acc=" + std::to_string(accuracy));
    }
    monitor.finish();

    for (const auto& name : store.names()) {
        std::printf("%-16s last %.4f  min %.4f  max %.4f  (%zu samples)\n", name.c_str(), *store.last(name),
                    *store.min(name), *store.max(name), store.count(name));
    }
    return store.count("train:loss") == 5 ? 0 : 1;
}
