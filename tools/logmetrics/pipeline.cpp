// SPDX-License-Identifier: MIT
#include "pipeline.hpp"

#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include <logmetrics/error.hpp>
#include <logmetrics/matchers/pcre2.hpp>

#include "text.hpp"

// Defined to 1 by the logmetrics::hyperscan CMake target. The only #if on Hyperscan in the tool.
#if defined(LOGMETRICS_HAS_HYPERSCAN) && LOGMETRICS_HAS_HYPERSCAN
#define LOGMETRICS_CLI_HYPERSCAN 1
#include <logmetrics/matchers/hyperscan.hpp>
#else
#define LOGMETRICS_CLI_HYPERSCAN 0
#endif

namespace logmetrics::cli {

namespace {

template <class Monitor>
class monitor_of final : public stream_monitor {
public:
    explicit monitor_of(Monitor monitor) : monitor_(std::move(monitor)) {}
    void feed(std::string_view bytes) noexcept override { monitor_.feed(bytes); }
    void flush() noexcept override { monitor_.flush(); }
    void finish() noexcept override { monitor_.finish(); }
    monitor_stats stats() const noexcept override { return monitor_.stats(); }
    std::span<const definition_stats> per_definition() const noexcept override { return monitor_.per_definition(); }

private:
    Monitor monitor_;
};

/// How the engine runs each definition, for the summary (only Hyperscan has plans to show).
template <class Matcher>
std::vector<std::string> describe_plans(const Matcher& matcher) {
    std::vector<std::string> plans(matcher.definitions().size());
#if LOGMETRICS_CLI_HYPERSCAN
    if constexpr (std::is_same_v<Matcher, hyperscan_matcher>) {
        for (std::size_t i = 0; i < plans.size(); ++i) {
            if (matcher.plan(i) == hyperscan_plan::exact || matcher.plan(i) == hyperscan_plan::filter) continue;
            plans[i] = fmt::format("runs as {}", to_string(matcher.plan(i)));
            if (!matcher.plan_reason(i).empty()) plans[i] += fmt::format(": {}", matcher.plan_reason(i));
        }
    }
#endif
    return plans;
}

}  // namespace

struct pipeline::compiled {
    virtual ~compiled() = default;
    virtual std::unique_ptr<stream_monitor> open(monitor_options options, any_sink& sink) const = 0;
    engine_kind kind = engine_kind::pcre2;
    std::vector<std::string> plans;
};

namespace {

template <class Engine>
class engine_of final : public pipeline::compiled {
public:
    engine_of(const definition_set& definitions, const Engine& engine, engine_kind which)
        : matcher_(compile(definitions, engine)) {
        kind = which;
        plans = describe_plans(*matcher_);
    }

    std::unique_ptr<stream_monitor> open(monitor_options options, any_sink& sink) const override {
        auto monitor = make_monitor(matcher_, std::move(options), sink);
        return std::make_unique<monitor_of<decltype(monitor)>>(std::move(monitor));
    }

private:
    std::shared_ptr<const matcher_of<Engine>> matcher_;
};

}  // namespace

bool have_hyperscan() noexcept { return LOGMETRICS_CLI_HYPERSCAN != 0; }

engine_kind default_engine() noexcept { return have_hyperscan() ? engine_kind::hyperscan : engine_kind::pcre2; }

pipeline::pipeline(const definition_set& definitions, std::optional<engine_kind> engine) {
    if (engine.value_or(default_engine()) == engine_kind::hyperscan) {
#if LOGMETRICS_CLI_HYPERSCAN
        try {
            compiled_ =
                std::make_unique<engine_of<hyperscan_engine>>(definitions, hyperscan_engine{}, engine_kind::hyperscan);
            return;
        } catch (const error& e) {
            if (e.code() != errc::engine_unavailable || engine) throw;
            complain("{} (falling back to the pcre2 engine)", e.message());
        }
#else
        throw error(errc::engine_unavailable, "this logmetrics was built without Hyperscan");
#endif
    }
    compiled_ = std::make_unique<engine_of<pcre2_engine>>(definitions, pcre2_engine{}, engine_kind::pcre2);
}

pipeline::pipeline(pipeline&&) noexcept = default;
pipeline& pipeline::operator=(pipeline&&) noexcept = default;
pipeline::~pipeline() = default;

engine_kind pipeline::engine() const noexcept { return compiled_->kind; }

const std::vector<std::string>& pipeline::plans() const noexcept { return compiled_->plans; }

std::unique_ptr<stream_monitor> pipeline::open(monitor_options options, any_sink& sink) const {
    return compiled_->open(std::move(options), sink);
}

}  // namespace logmetrics::cli
