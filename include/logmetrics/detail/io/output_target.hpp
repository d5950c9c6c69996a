// SPDX-License-Identifier: MIT
#pragma once
// output_target: where a text sink writes. Either a caller's std::ostream (borrowed) or a file the
// sink opens itself (owned); both report failures the same way, as logmetrics::error(io_error)
// naming the path or the stream.

#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "../../config.hpp"
#include "../../error.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

/// Writes `text` to `out` unformatted (no padding, no locale).
inline void write_text(std::ostream& out, std::string_view text) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

class output_target {
public:
    /// Borrows `out`, which must outlive the target; `description` names it in errors.
    output_target(std::ostream& out, std::string description) : out_(&out), name_(std::move(description)) {}

    /// Creates (or truncates) the file at `path`; throws `error(errc::io_error)` when it cannot.
    explicit output_target(const std::filesystem::path& path)
        : file_(std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc)),
          out_(file_.get()),
          name_(path.string()) {
        if (!file_->is_open()) LOGMETRICS_THROW(error(errc::io_error, "cannot open " + name_ + " for writing"));
    }

    std::ostream& stream() const noexcept { return *out_; }

    /// Throws `error(errc::io_error)` if the stream has failed.
    void check() const {
        if (!*out_) LOGMETRICS_THROW(error(errc::io_error, "cannot write to " + name_));
    }

    void flush() const {
        out_->flush();
        check();
    }

private:
    std::unique_ptr<std::ofstream> file_;  // set when the target owns its file
    std::ostream* out_;
    std::string name_;  // for error messages: the path, or a description of the stream
};

}  // namespace detail
LOGMETRICS_END_NAMESPACE
