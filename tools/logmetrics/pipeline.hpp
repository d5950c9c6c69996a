// SPDX-License-Identifier: MIT
#pragma once
// The engine choice and the monitors. A pipeline compiles the definitions once, with Hyperscan
// when this build has it and the machine can run it (else PCRE2), and makes one monitor per
// stream over that shared matcher. pipeline.cpp is the only file that knows whether this build
// has Hyperscan; callers see neither the matcher's type nor the monitor's.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <logmetrics/definition.hpp>
#include <logmetrics/monitor.hpp>
#include <logmetrics/sink.hpp>

namespace logmetrics::cli {

/// Whether this build has the Hyperscan engine.
bool have_hyperscan() noexcept;

/// The engine used when none is asked for: "hyperscan" when this build has it, else "pcre2".
std::string_view default_engine() noexcept;

/// A monitor for one stream, whatever the engine (see logmetrics::monitor).
class stream_monitor {
public:
    virtual ~stream_monitor() = default;
    /// Feeds bytes, split anywhere; never throws.
    virtual void feed(std::string_view bytes) noexcept = 0;
    /// Ends the stream: the last line, then a flush of every sink.
    virtual void finish() noexcept = 0;
    /// The stream's counts.
    virtual monitor_stats stats() const noexcept = 0;
    /// The counts of each definition, in definition order.
    virtual std::vector<definition_stats> per_definition() const = 0;
};

/// The definitions compiled by one engine, ready to make monitors.
class pipeline {
public:
    /// Compiles `definitions` with `engine` ("hyperscan" or "pcre2"). When Hyperscan cannot run
    /// on this machine and the engine was not asked for (`engine_given` false), says so on
    /// stderr and compiles with PCRE2. Throws logmetrics::error when it cannot compile.
    pipeline(const definition_set& definitions, std::string_view engine, bool engine_given);
    pipeline(pipeline&&) noexcept;
    pipeline& operator=(pipeline&&) noexcept;
    ~pipeline();

    /// The engine that compiled the definitions: "hyperscan" or "pcre2".
    std::string_view engine_name() const noexcept;

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
