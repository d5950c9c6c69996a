// SPDX-License-Identifier: MIT
#pragma once
// The outputs of a scan: what stdout shows (jsonl, csv, table or nothing), the memory store
// behind the table's final values and `--final`, and the FinalMetricDataList file. They own
// stdout's buffer, report sink failures once each, and say whether stdout has failed.

#include <cstddef>
#include <fstream>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <logmetrics/monitor.hpp>
#include <logmetrics/sink.hpp>

#include "fd_io.hpp"

namespace logmetrics::cli {

/// What the outputs are made of.
struct output_config {
    std::string format = "jsonl";           ///< what stdout shows: jsonl, csv, table or none
    std::string final_path;                 ///< FinalMetricDataList: empty for none, "-" for stdout
    std::vector<std::string> metric_names;  ///< the definitions' metrics, in order (for the table)
    bool label_streams = false;             ///< several streams: the table names each
};

/// The sinks every stream writes to: slot 0 is what stdout shows, slot 1 the memory store (kept
/// for `--final` and the table's final values; a null sink when neither is asked for, so a
/// `--format none` benchmark does not hold every sample in memory).
class outputs {
public:
    static constexpr const char* slot_names[2] = {"writing samples to stdout", "the memory store"};

    /// Writes to `stdout_fd` (STDOUT_FILENO in the tool) through a buffer of `buffer_size` bytes.
    outputs(output_config config, int stdout_fd, std::size_t buffer_size);

    /// Opens the --final file and makes the sinks; false (after saying why) on failure.
    bool open();

    any_sink& writer() noexcept { return *writer_; }
    any_sink& store() noexcept { return *store_; }

    /// Tells the writer that the next samples come from a new stream (the table names it).
    void begin_stream(std::string_view name);

    /// The monitors' sink error handler: says what failed the first time, counts the rest.
    std::function<void(const sink_error&)> error_handler();

    /// Whether writing to stdout failed (closed, full, a pipe nobody reads): scanning stops.
    bool stdout_failed() const noexcept { return stdout_buffer_.error() != 0; }

    /// Writes the table's final values and the --final JSON; returns false on a write failure.
    bool finish();

private:
    output_config config_;
    fd_buffer stdout_buffer_;
    std::ostream stdout_;
    std::ofstream final_file_;
    std::optional<any_sink> writer_;
    std::optional<any_sink> store_;
    bool reported_[2] = {false, false};
};

}  // namespace logmetrics::cli
