// SPDX-License-Identifier: MIT
#pragma once
// The outputs of a scan: the chosen outputs (output_kinds.hpp), each a sink named by its spec
// ("csv:out.csv") writing to stdout or to its own file, children of one fanout_sink that every
// stream's monitor writes to. Delivery is the library's (detail/sink_set.hpp): a failing output
// stops none of the others, its failures are counted and the first is reported by its name;
// write errors on stdout and files are reported once, with their errno, at the end.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <logmetrics/sink.hpp>
#include <logmetrics/sinks/fanout.hpp>

#include "output_kinds.hpp"

namespace logmetrics::cli {

/// A file the scan reads, which no output may write to.
struct protected_file {
    std::string role;  ///< for messages: "the input", "the definitions file"
    std::string path;  ///< "-": stdin
};

/// Refuses, with a usage_error naming both, an output whose file is the same file as one the scan
/// reads or as another output's. Files are compared by identity (stat(2)'s st_dev and st_ino), so
/// `x.csv`, `./x.csv` and a symlink to it are one file; a file that does not exist yet is compared
/// by its directory's identity and its name. Outputs on stdout are compared through `stdout_fd`,
/// an input "-" through `stdin_fd`. Character devices (/dev/null, a terminal) may be shared. Only
/// stats: nothing is opened, created or truncated.
void check_output_files(std::span<const chosen_output> chosen, std::span<const protected_file> reads, int stdout_fd,
                        int stdin_fd);

class outputs {
public:
    /// `stdout_fd`: STDOUT_FILENO in the tool, written through a buffer of `buffer_size` bytes.
    /// `metric_names`: the definitions' metrics; `several_streams`: more than one input.
    outputs(std::vector<chosen_output> chosen, std::vector<std::string> metric_names, bool several_streams,
            int stdout_fd, std::size_t buffer_size);
    outputs(const outputs&) = delete;
    outputs& operator=(const outputs&) = delete;
    ~outputs();

    /// Opens every output's file, creating the missing ones, then truncates them and makes the
    /// sinks. When one cannot be opened, throws usage_error naming its spec, its path and the OS's
    /// reason, after closing the others and removing the files it created: nothing is truncated.
    /// A FIFO that no reader has open is waited for, after a message on stderr ("waiting for a
    /// reader on FIFO PATH"), as a shell's `> fifo` waits; FIFOs are opened before any file is
    /// created.
    void open();

    /// What every monitor writes to: each sample goes to every output. It never throws.
    any_sink& sink() noexcept { return *sink_; }

    /// Whether some output writes to stdout.
    bool uses_stdout() const noexcept;

    /// Whether every output's destination has failed (stdout closed, a disk full): reading on
    /// would be for nothing. False when there are no outputs.
    bool all_failed() const noexcept;

    /// Closes every output (the table's final values, the FinalMetricDataList are written then),
    /// flushes, and reports write errors; false if any output failed at any point.
    bool finish();

    /// The outputs made (named by their specs: "csv:out.csv"), in order: their failures so far,
    /// and the samples they dropped, by reason.
    std::size_t size() const noexcept;
    std::string_view name(std::size_t i) const noexcept;
    std::uint64_t errors(std::size_t i) const noexcept;
    std::span<const drop_count> drops(std::size_t i) const;
    /// The samples output `i` lost. For stdout or a file: the samples handed to it that never
    /// reached the descriptor (the failed writes' samples and those in its buffer when a write(2)
    /// failed; after finish(), every sample not written out). For an output that owns its target
    /// (a socket, a directory): those of its writes that failed, as the library's fanout counts
    /// them (`fanout_sink::child_lost`); its drops say the rest.
    std::uint64_t lost(std::size_t i) const noexcept;
    /// The samples output `i` dropped because delivery failed (`drop_cause::delivery_failed`:
    /// a backend down, a queue overflow...), as opposed to its format's rules.
    std::uint64_t undelivered_drops(std::size_t i) const;
    /// Why output `i` failed: its destination's errno as text, else its last failure's message;
    /// empty when it has not failed.
    std::string failure_reason(std::size_t i) const;
    /// After finish(): the metrics output `i` left out (a FinalMetricDataList: no finite value).
    std::vector<std::string> left_out(std::size_t i);
    /// Failures of all outputs, including outputs that could not be made.
    std::uint64_t errors() const noexcept;

    struct destination;  ///< stdout or a file (outputs.cpp)
    struct entry;        ///< one output (outputs.cpp)

private:
    fanout_sink& fanout() noexcept;
    const fanout_sink& fanout() const noexcept;
    void report(const sink_error& e) noexcept;

    std::vector<chosen_output> chosen_;
    std::vector<std::string> metric_names_;
    bool several_streams_;
    std::size_t buffer_size_;
    std::unique_ptr<destination> stdout_;
    std::vector<std::unique_ptr<destination>> files_;
    std::vector<entry> entries_;  // in fanout child order
    std::uint64_t not_made_ = 0;  // outputs whose sink could not be made
    std::unique_ptr<any_sink> sink_;
};

}  // namespace logmetrics::cli
