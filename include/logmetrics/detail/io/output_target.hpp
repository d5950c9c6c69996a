// SPDX-License-Identifier: MIT
#pragma once
// output_target: where a text sink writes. Either a caller's std::ostream (borrowed) or a file the
// sink opens itself (owned); both report failures the same way, as logmetrics::error(io_error)
// naming the path or the stream. A batch is formatted into one reused fmt::memory_buffer and
// handed to the stream in one write (spdlog formats each message into one buffer too): one
// virtual call into the stream per batch instead of several per sample.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "../../config.hpp"
#include "../../error.hpp"
#include "../../sample.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

/// Writes `text` to `out` unformatted (no padding, no locale).
inline void write_text(std::ostream& out, std::string_view text) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

class output_target {
public:
    /// A batch's text goes to the stream when it reaches this size, so that a very large batch
    /// does not grow the buffer without bound. The monitor's batches (256 samples, about 130
    /// bytes each in JSONL) stay below it: one write per batch.
    static constexpr std::size_t chunk_size = 64 * 1024;

    /// Borrows `out`, which must outlive the target; `description` names it in errors.
    output_target(std::ostream& out, std::string description) : out_(&out), name_(std::move(description)) {}

    /// Creates (or truncates) the file at `path`; throws `error(errc::io_error)` when it cannot.
    explicit output_target(const std::filesystem::path& path)
        : file_(std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc)),
          out_(file_.get()),
          name_(path.string()) {
        if (!file_->is_open())
            LOGMETRICS_THROW(error(errc::io_error, fmt::format("cannot open {} for writing", name_)));
    }

    std::ostream& stream() const noexcept { return *out_; }

    /// Formats every sample of `batch` with `format(fmt::memory_buffer&, const sample&)` into the
    /// reused buffer and writes the text in one call (one per `chunk_size` bytes beyond that).
    /// Throws `error(errc::io_error)` if the stream has failed. Does not allocate once the buffer
    /// has grown to the size of a batch (it keeps its capacity across batches).
    template <class Format>
    void write(std::span<const sample> batch, Format&& format) {
        buffer_.clear();
        for (const sample& s : batch) {
            format(buffer_, s);
            if (buffer_.size() >= chunk_size) put_buffer();
        }
        put_buffer();
        check();
    }

    /// Writes `text` as it is (e.g. a header); throws `error(errc::io_error)` if the stream has failed.
    void write(std::string_view text) {
        write_text(*out_, text);
        check();
    }

    /// Throws `error(errc::io_error)` if the stream has failed.
    void check() const {
        if (!*out_) LOGMETRICS_THROW(error(errc::io_error, fmt::format("cannot write to {}", name_)));
    }

    void flush() const {
        out_->flush();
        check();
    }

private:
    void put_buffer() {
        if (buffer_.size() != 0) write_text(*out_, std::string_view(buffer_.data(), buffer_.size()));
        buffer_.clear();
    }

    std::unique_ptr<std::ofstream> file_;  // set when the target owns its file
    std::ostream* out_;
    std::string name_;           // for error messages: the path, or a description of the stream
    fmt::memory_buffer buffer_;  // one batch's text, reused
};

}  // namespace detail
LOGMETRICS_END_NAMESPACE
