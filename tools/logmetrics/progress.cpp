// SPDX-License-Identifier: MIT
#include "progress.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "text.hpp"

namespace logmetrics::cli {

bool wants_progress(bool quiet, int stderr_fd, int input_fd, int stdout_fd) noexcept {
    if (quiet || ::isatty(stderr_fd) != 1) return false;
    if (stdout_fd >= 0 && ::isatty(stdout_fd) == 1) return false;
    struct stat status {};
    return ::fstat(input_fd, &status) == 0 && S_ISREG(status.st_mode);
}

std::string format_progress(const progress_facts& facts) {
    std::string text = fmt::format("logmetrics: {}: {}", facts.input, human_bytes(facts.bytes));
    if (facts.size > 0) {
        const double percent = 100.0 * static_cast<double>(facts.bytes) / static_cast<double>(facts.size);
        text += fmt::format(" of {} ({:.0f}%)", human_bytes(facts.size), std::min(percent, 100.0));
    }
    if (facts.seconds > 0) {
        text += fmt::format(", {} lines/s", human_count(static_cast<double>(facts.lines) / facts.seconds));
    }
    text += fmt::format(", {} samples", facts.samples);
    return text;
}

progress_line::progress_line(std::FILE* out, clock::time_point start, std::size_t columns)
    : out_(out), next_(start + first_after), columns_(columns) {}

progress_line::~progress_line() { clear(); }

void progress_line::draw(std::string_view text, clock::time_point now) {
    if (columns_ > 1 && text.size() > columns_ - 1) text = text.substr(0, columns_ - 1);
    // Padded to the previous line's length, so none of it is left over.
    fmt::print(out_, "\r{:<{}}", text, std::max(shown_, text.size()));
    std::fflush(out_);
    shown_ = text.size();
    next_ = now + every;
}

void progress_line::clear() {
    if (shown_ == 0) return;
    fmt::print(out_, "\r{:{}}\r", "", shown_);
    std::fflush(out_);
    shown_ = 0;
}

}  // namespace logmetrics::cli
