// SPDX-License-Identifier: MIT
// Smallest use of an installed logmetrics: one definition, two lines, the last value back.

#include <logmetrics/logmetrics.hpp>

#include <cstdio>

int main() {
    logmetrics::definition_set definitions({{"train:loss", "loss=(\\S+)"}});
    logmetrics::memory_store store;
    auto monitor = logmetrics::make_monitor(definitions, logmetrics::default_engine{}, store);
    monitor.feed("epoch 1 loss=0.5\nepoch 2 lo");  // chunks may split lines anywhere
    monitor.feed("ss=0.25\n");
    monitor.finish();

#if defined(LOGMETRICS_HAS_HYPERSCAN) && LOGMETRICS_HAS_HYPERSCAN
    const char* engine = "hyperscan";
#else
    const char* engine = "pcre2";
#endif
    const bool ok = store.count("train:loss") == 2 && store.last("train:loss") == 0.25;
    std::printf("logmetrics %d.%d.%d, engine: %s, train:loss: %zu samples, %s\n", LOGMETRICS_VERSION_MAJOR,
                LOGMETRICS_VERSION_MINOR, LOGMETRICS_VERSION_PATCH, engine, store.count("train:loss"),
                ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}
