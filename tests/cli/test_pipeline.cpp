// SPDX-License-Identifier: MIT
// The engine choice and the monitors behind one type (tools/logmetrics/pipeline.hpp).

#include <string>
#include <vector>

#include <logmetrics/definition.hpp>
#include <logmetrics/error.hpp>
#include <logmetrics/sink.hpp>

#include "pipeline.hpp"
#include "support/catch.hpp"
#include "testing/recording_sink.hpp"

using namespace logmetrics;
using namespace logmetrics::cli;
using test_support::recording_sink;

namespace {

const definition_set loss_and_acc({{"loss", "loss=(\\S+)"}, {"acc", "acc=(\\S+)"}});

}  // namespace

TEST_CASE("the default engine is hyperscan exactly when the build has it", "[cli][pipeline]") {
    CHECK(default_engine() == (have_hyperscan() ? engine_kind::hyperscan : engine_kind::pcre2));
}

TEST_CASE("a pipeline's monitors write every sample to the sink and count per definition", "[cli][pipeline]") {
    const engine_kind engine =
        have_hyperscan() ? GENERATE(engine_kind::pcre2, engine_kind::hyperscan) : engine_kind::pcre2;
    const pipeline compiled(loss_and_acc, engine);
    CHECK(compiled.engine() == engine);
    REQUIRE(compiled.plans().size() == 2);

    any_sink sink(recording_sink{});
    monitor_options options;
    options.stream = "a.log";
    auto monitor = compiled.open(std::move(options), sink);
    monitor->feed("loss=0.5 acc=0.75\nloss=n/a\nacc=");
    monitor->feed("1\n");
    monitor->finish();

    const auto& samples = sink.target<recording_sink>()->samples;
    REQUIRE(samples.size() == 3);
    CHECK(samples[0].name == "loss");
    CHECK(samples[0].value == 0.5);
    CHECK(samples[0].stream == "a.log");
    CHECK(samples[2].name == "acc");
    CHECK(samples[2].line == 3);
    CHECK(monitor->stats().lines == 3);
    CHECK(monitor->stats().samples == 3);
    const auto per = monitor->per_definition();
    REQUIRE(per.size() == 2);
    CHECK(per[0].samples == 1);
    CHECK(per[0].rejected == 1);
    CHECK(per[0].rejected_example == "n/a");
    CHECK(per[1].samples == 2);
}

TEST_CASE("Hyperscan compiles when the build has it, and is refused as unavailable when not", "[cli][pipeline]") {
    if (have_hyperscan()) {
        CHECK(pipeline(loss_and_acc, engine_kind::hyperscan).engine() == engine_kind::hyperscan);
    } else {
        try {
            pipeline(loss_and_acc, engine_kind::hyperscan);
            FAIL("a build without Hyperscan compiled with it");
        } catch (const logmetrics::error& e) {
            CHECK(e.code() == logmetrics::errc::engine_unavailable);
        }
    }
}

TEST_CASE("monitors of one pipeline are independent streams", "[cli][pipeline]") {
    const pipeline compiled(loss_and_acc, std::nullopt);
    CHECK(compiled.engine() == default_engine());
    any_sink sink(recording_sink{});
    auto a = compiled.open(monitor_options{}, sink);
    auto b = compiled.open(monitor_options{}, sink);
    a->feed("noise\nloss=1\n");
    b->feed("loss=2\n");
    a->finish();
    b->finish();
    const auto& samples = sink.target<recording_sink>()->samples;
    REQUIRE(samples.size() == 2);
    CHECK(samples[0].line == 2);
    CHECK(samples[1].line == 1);
}
