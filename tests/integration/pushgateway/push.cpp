// SPDX-License-Identifier: MIT
// Pushes to a Pushgateway through pushgateway_sink, with the edges of the format and of the
// grouping key (tests/integration/pushgateway/run.sh reads the group back from a real
// Pushgateway and checks every value and label):
//   put     the series of `metrics` below (names the rule rewrites, NaN and infinities, an integer
//           beyond 2^53, stream labels that need escaping or are not UTF-8, a constant label) to
//           the group job=JOB, run="runs/exp 1" (base64: it has a '/'), host="node 1"
//           (percent-encoded), note="" (base64 "="): one push at the first tick, newer values,
//           then the last push at close. Exits 1 unless both were accepted and nothing dropped.
//   delete  close() with delete_on_exit on the same group: DELETE. Exits 1 unless accepted.
//   reject  a push the server refuses (400): metric "conflict" as a gauge, after run.sh pushed it
//           as a counter to another group. Prints the server's message; exits 1 unless refused.
// Usage: pushgateway_push URL put|delete|reject JOB

#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <logmetrics/http/pushgateway.hpp>

namespace {

logmetrics::pushgateway_options options_for(const char* job) {
    logmetrics::pushgateway_options options;
    options.grouping.job = job;
    options.grouping.labels = {{"run", "runs/exp 1"}, {"host", "node 1"}, {"note", ""}};
    return options;
}

std::uint64_t total_drops(const logmetrics::pushgateway_sink& sink) {
    std::uint64_t total = 0;
    for (const auto& one : sink.drops()) total += one.count;
    return total;
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc != 4) {
        std::fputs("usage: pushgateway_push URL put|delete|reject JOB\n", stderr);
        return 2;
    }
    const std::string_view mode = argv[2];
    const logmetrics::timestamp now = std::chrono::system_clock::now();
    if (mode == "put") {
        const std::vector<std::string> metrics = {"train:loss", "val loss", "eval/accuracy", "tokens_seen"};
        const std::vector<std::string_view> streams = {"algo-1", "we\"ird\\path\nx", "caf\xE9"};
        logmetrics::prometheus_options format;
        format.labels = {{"team", "vision"}};
        logmetrics::pushgateway_sink sink(argv[1], metrics, format, options_for(argv[3]));
        std::vector<logmetrics::sample> batch;
        auto add = [&](std::size_t metric, std::string_view stream, double value) {
            logmetrics::sample s;
            s.metric = metric;
            s.definition = metric;
            s.name = metrics[metric];
            s.stream = stream;
            s.value = value;
            s.time = now;
            batch.push_back(s);
        };
        add(0, streams[0], 9);  // pushed at the first tick, then replaced
        sink.write(batch);
        sink.tick(now);
        batch.clear();
        for (int step = 0; step < 10; ++step) add(0, streams[0], 2.0 / (step + 1));  // the last is 0.2
        add(0, streams[1], NAN);
        add(0, streams[2], 0.1);
        add(1, streams[0], HUGE_VAL);
        add(1, streams[1], -HUGE_VAL);
        add(2, streams[0], 1e-300);
        logmetrics::sample tokens;
        tokens.metric = 3;
        tokens.name = metrics[3];
        tokens.stream = streams[0];
        tokens.type = logmetrics::value_type::integer;
        tokens.integer = 9007199254740993;
        tokens.value = 9007199254740992.0;
        tokens.time = now;
        batch.push_back(tokens);
        sink.write(batch);
        sink.tick(now + std::chrono::seconds(1));  // within the interval: no push
        sink.close();                              // the last push
        std::printf("%s: %llu push(es), %llu dropped\n", sink.url().c_str(),
                    static_cast<unsigned long long>(sink.pushes()), static_cast<unsigned long long>(total_drops(sink)));
        return sink.pushes() == 2 && total_drops(sink) == 0 ? 0 : 1;
    }
    if (mode == "delete") {
        logmetrics::pushgateway_options options = options_for(argv[3]);
        options.delete_on_exit = true;
        logmetrics::pushgateway_sink sink(argv[1], std::vector<std::string>{"x"}, {}, options);
        sink.close();
        std::printf("%s: deleted %s\n", sink.url().c_str(), sink.deleted() ? "yes" : "no");
        return sink.deleted() ? 0 : 1;
    }
    if (mode == "reject") {
        const std::vector<std::string> metrics = {"conflict"};
        logmetrics::pushgateway_options options;
        options.grouping.job = argv[3];
        logmetrics::pushgateway_sink sink(argv[1], metrics, {}, options);
        logmetrics::sample s;
        s.name = metrics[0];
        s.value = 1;
        s.stream = "algo-1";
        s.time = now;
        sink.write(s);
        sink.tick(now);
        std::printf("rejected %llu: %s\n", static_cast<unsigned long long>(sink.rejected_pushes()),
                    sink.last_error().c_str());
        try {
            sink.close();  // nothing new: no push, but the refused value is counted as dropped
        } catch (const std::exception& e) {
            std::printf("close: %s\n", e.what());
        }
        std::printf("dropped %llu\n", static_cast<unsigned long long>(total_drops(sink)));
        return sink.rejected_pushes() == 1 && total_drops(sink) == 1 ? 0 : 1;
    }
    std::fputs("pushgateway_push: the mode is put, delete or reject\n", stderr);
    return 2;
} catch (const std::exception& e) {
    std::fprintf(stderr, "pushgateway_push: %s\n", e.what());
    return 1;
}
