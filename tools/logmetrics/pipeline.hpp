// SPDX-License-Identifier: MIT
#pragma once
// The engine choice and the monitors. A pipeline compiles the definitions once, with Hyperscan
// when this build has it and the machine can run it (else PCRE2), and makes one monitor per
// stream over that shared matcher. pipeline.cpp is the only file that knows whether this build
// has Hyperscan; callers see neither the matcher's type nor the monitor's.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <logmetrics/definition.hpp>
#include <logmetrics/monitor.hpp>
#include <logmetrics/sink.hpp>

namespace logmetrics::cli {

/// The regex engines the tool knows (a build may lack Hyperscan).
enum class engine_kind : std::uint8_t {
    hyperscan,  ///< one Hyperscan scan per block of lines selects definitions; PCRE2 extracts
    pcre2,      ///< every definition's regex on every line
};

constexpr std::string_view to_string(engine_kind engine) noexcept {
    switch (engine) {
        case engine_kind::hyperscan: return "hyperscan";
        case engine_kind::pcre2: return "pcre2";
    }
    return "unknown";
}

/// Whether this build has the Hyperscan engine.
bool have_hyperscan() noexcept;

/// The engine used when none is asked for: Hyperscan when this build has it, else PCRE2.
engine_kind default_engine() noexcept;

/// A monitor for one stream, whatever the engine (see logmetrics::monitor).
class stream_monitor {
public:
    virtual ~stream_monitor() = default;
    /// Feeds bytes, split anywhere; never throws.
    virtual void feed(std::string_view bytes) noexcept = 0;
    /// Delivers what is batched and flushes every sink.
    virtual void flush() noexcept = 0;
    /// Ends the stream: the last line, then a flush of every sink.
    virtual void finish() noexcept = 0;
    /// The stream's counts.
    virtual monitor_stats stats() const noexcept = 0;
    /// The counts of each definition, in definition order.
    virtual std::span<const definition_stats> per_definition() const noexcept = 0;
};

/// The definitions compiled by one engine, ready to make monitors.
class pipeline {
public:
    /// Compiles `definitions` with `engine`, or with the default engine when none is asked for;
    /// then, when Hyperscan cannot run on this machine, it says so on stderr and compiles with
    /// PCRE2. Throws logmetrics::error when it cannot compile (engine_unavailable when the engine
    /// asked for is not in this build or cannot run here).
    pipeline(const definition_set& definitions, std::optional<engine_kind> engine);
    pipeline(pipeline&&) noexcept;
    pipeline& operator=(pipeline&&) noexcept;
    ~pipeline();

    /// The engine that compiled the definitions.
    engine_kind engine() const noexcept;

    /// Per definition, how the engine runs it when that deserves a note in the summary
    /// ("runs as pcre2-only: <reason>"), else an empty string.
    const std::vector<std::string>& plans() const noexcept;

    /// A monitor for one stream over the shared matcher, writing to `sink` (held by reference:
    /// it must outlive the monitor).
    std::unique_ptr<stream_monitor> open(monitor_options options, any_sink& sink) const;

    struct compiled;  ///< the compiled matcher, behind an interface (pipeline.cpp)

private:
    std::unique_ptr<const compiled> compiled_;
};

}  // namespace logmetrics::cli
