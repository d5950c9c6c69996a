// SPDX-License-Identifier: MIT
// Writing your own sink: any type with write(const sample&) and flush() is one; no base class.
// This one prints a line per sample in the StatsD text format, to stdout.

#include <cstdio>

#include "logmetrics/logmetrics.hpp"

struct statsd_print_sink {
    int written = 0;

    void write(const logmetrics::sample& s) {
        // name:value|g  (a gauge); the name is a string_view, not NUL-terminated
        std::printf("%.*s:%g|g\n", static_cast<int>(s.name.size()), s.name.data(), s.value);
        ++written;
    }
    void flush() { std::fflush(stdout); }
};
static_assert(logmetrics::metric_sink<statsd_print_sink>);

int main() {
    logmetrics::definition_set definitions({{"train.loss", "loss: ([0-9.]+)"}});
    statsd_print_sink sink;
    auto monitor = logmetrics::make_monitor(definitions, logmetrics::pcre2_engine{}, sink);
    monitor.feed("step 1 - loss: 0.92\nstep 2 - loss: 0.81\nstep 3 - lo");
    monitor.feed("ss: 0.77\n");  // a line split across two chunks still yields one sample
    monitor.finish();
    return sink.written == 3 ? 0 : 1;
}
