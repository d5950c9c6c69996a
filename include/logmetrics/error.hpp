// SPDX-License-Identifier: MIT
#pragma once
// logmetrics::error: the one exception type. It is thrown while configuring (loading definitions,
// compiling engines, opening sinks) and by sinks whose output fails; feeding lines never throws,
// since the monitor catches, counts and reports what its sinks throw.

#include <stdexcept>
#include <string>
#include <string_view>

#include "config.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// What went wrong; `what()` starts with `[logmetrics.<name>]`.
enum class errc {
    invalid_json,        ///< the definitions file is not JSON, or not of a known shape
    invalid_definition,  ///< a definition is missing a field, breaks a limit, or its regex is bad
    engine_unavailable,  ///< the engine cannot run here (e.g. Hyperscan on a CPU without SSSE3)
    engine_failed,       ///< the engine failed to build its database for reasons not tied to one definition
    io_error,            ///< a file could not be read or written
    invalid_argument,    ///< an option given to a constructor is out of range
};

/// The short name of an error code, as printed in `what()`.
constexpr std::string_view to_string(errc code) noexcept {
    switch (code) {
        case errc::invalid_json: return "invalid_json";
        case errc::invalid_definition: return "invalid_definition";
        case errc::engine_unavailable: return "engine_unavailable";
        case errc::engine_failed: return "engine_failed";
        case errc::io_error: return "io_error";
        case errc::invalid_argument: return "invalid_argument";
    }
    return "unknown";
}

/// The exception logmetrics throws while configuring.
class error : public std::runtime_error {
public:
    error(errc code, const std::string& message)
        : std::runtime_error("[logmetrics." + std::string(to_string(code)) + "] " + message),
          code_(code),
          message_(message) {}

    errc code() const noexcept { return code_; }
    /// The message without the `[logmetrics.<code>]` prefix.
    const std::string& message() const noexcept { return message_; }

private:
    errc code_;
    std::string message_;
};

LOGMETRICS_END_NAMESPACE
