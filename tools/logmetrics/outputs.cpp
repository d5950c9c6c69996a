// SPDX-License-Identifier: MIT
#include "outputs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <optional>
#include <ostream>
#include <utility>

#include <logmetrics/error.hpp>

#include "fd_io.hpp"
#include "final_sink.hpp"
#include "text.hpp"

namespace logmetrics::cli {

/// Where an output's bytes go: a descriptor behind a large buffer that keeps the first errno.
struct outputs::destination {
    destination(std::string label, int descriptor, bool owned, std::size_t size)
        : name(std::move(label)),
          to_stdout(!owned),
          fd(descriptor),
          owns_fd(owned),
          buffer(descriptor, size),
          stream(&buffer) {}
    destination(const destination&) = delete;
    destination& operator=(const destination&) = delete;
    ~destination() {
        if (fd >= 0) stream.flush();
        if (owns_fd && fd >= 0) ::close(fd);
    }

    bool failed() const noexcept { return buffer.error() != 0; }

    /// Writes out what is buffered and closes the descriptor if it owns it; the errno of the
    /// first failure, or 0.
    int settle() noexcept {
        stream.flush();
        int error = buffer.error();
        if (owns_fd && fd >= 0) {
            if (::close(fd) != 0 && error == 0) error = errno;
            fd = -1;
        }
        return error;
    }

    std::string name;  // "stdout" or the path
    bool to_stdout;
    int fd;
    bool owns_fd;
    fd_buffer buffer;
    std::ostream stream;
};

struct outputs::entry {
    std::string name;       // output_name(spec)
    destination* where;     // stdout or its file
    bool reported = false;  // its first failure was said
};

outputs::outputs(std::vector<chosen_output> chosen, std::vector<std::string> metric_names, bool several_streams,
                 int stdout_fd, std::size_t buffer_size)
    : chosen_(std::move(chosen)),
      metric_names_(std::move(metric_names)),
      several_streams_(several_streams),
      buffer_size_(buffer_size),
      stdout_(std::make_unique<destination>("stdout", stdout_fd, false, buffer_size)),
      sink_(std::make_unique<any_sink>(
          fanout_sink(std::vector<any_sink>{}, [this](const sink_error& e) { report(e); }))) {}

outputs::~outputs() = default;

fanout_sink& outputs::fanout() noexcept { return *sink_->target<fanout_sink>(); }
const fanout_sink& outputs::fanout() const noexcept { return *sink_->target<fanout_sink>(); }

/// Says an output's first failure, by its name, unless its destination failed: that is said
/// once, with its errno, by finish(). Every failure is counted by the fanout either way.
void outputs::report(const sink_error& e) noexcept {
    entry& failed = entries_[e.sink];
    if (failed.reported || failed.where->failed()) return;
    failed.reported = true;
    try {
        complain("{} failed: {} (further errors are only counted)", e.name, e.message);
    } catch (...) {  // nothing more to do about a failing stderr
    }
}

bool outputs::open() {
    entries_.reserve(chosen_.size());
    for (const chosen_output& c : chosen_) {
        const std::string name = output_name(c.spec);
        destination* where = stdout_.get();
        if (!c.to_stdout) {
            const std::string& path = *c.spec.target;
            const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
            if (fd < 0) {
                complain("{}: cannot write {}: {}", name, path, std::strerror(errno));
                return false;
            }
            files_.push_back(std::make_unique<destination>(path, fd, true, buffer_size_));
            where = files_.back().get();
        }
        try {
            any_sink made = c.kind->make(c.spec, output_context{name, where->stream, metric_names_, several_streams_});
            entries_.push_back({name, where});
            fanout().add(std::move(made));
        } catch (const std::exception& e) {  // e.g. its destination failed already: the others go on
            ++not_made_;
            complain("{} failed: {}", name, e.what());
        }
    }
    return true;
}

bool outputs::uses_stdout() const noexcept {
    return std::any_of(entries_.begin(), entries_.end(), [](const entry& e) { return e.where->to_stdout; });
}

bool outputs::all_failed() const noexcept {
    if (entries_.empty()) return false;
    return std::all_of(entries_.begin(), entries_.end(), [](const entry& e) { return e.where->failed(); });
}

bool outputs::finish() {
    fanout().close();
    bool ok = errors() == 0;
    // Each destination has one output: a file its own, stdout at most one (choose_outputs).
    for (entry& e : entries_) {
        if (const int error = e.where->settle(); error != 0) {
            complain("{} failed: cannot write {}{}: {}", e.name, e.where->to_stdout ? "to " : "", e.where->name,
                     std::strerror(error));
            ok = false;
        }
    }
    return ok;
}

std::size_t outputs::size() const noexcept { return entries_.size(); }

std::string_view outputs::name(std::size_t i) const noexcept { return entries_[i].name; }

std::uint64_t outputs::errors(std::size_t i) const noexcept { return fanout().child_errors(i); }

std::span<const drop_count> outputs::drops(std::size_t i) const { return fanout().child_drops(i); }

std::vector<std::string> outputs::left_out(std::size_t i) {
    const final_sink* final = fanout()[i].target<final_sink>();
    return final ? final->left_out() : std::vector<std::string>{};
}

std::uint64_t outputs::errors() const noexcept {
    std::uint64_t total = not_made_;
    for (std::size_t i = 0; i < entries_.size(); ++i) total += errors(i);
    return total;
}

}  // namespace logmetrics::cli
