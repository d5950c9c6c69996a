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
    std::string name;                 // the spec as given
    destination* where;               // stdout or its file
    std::optional<output_sink> sink;  // empty when it could not be made
    std::uint64_t errors = 0;
};

namespace {

/// Every output behind one sink: each call goes to every output, guarded, so a failing output
/// stops none of the others; each failure is counted for its output, and the first is reported
/// by the output's name (unless its destination failed: that is reported once, with its errno,
/// by outputs::finish). Never throws.
class output_list {
public:
    explicit output_list(std::vector<outputs::entry>& entries) : entries_(&entries) {}

    void write(const sample& s) noexcept { write(std::span<const sample>(&s, 1)); }
    void write(std::span<const sample> batch) noexcept {
        for (auto& e : *entries_) {
            if (e.sink) guarded(e, [&] { e.sink->write(batch); });
        }
    }
    void flush() noexcept {
        for (auto& e : *entries_) {
            if (e.sink) guarded(e, [&] { e.sink->flush(); });
        }
    }
    void close() noexcept {
        for (auto& e : *entries_) {
            if (e.sink) guarded(e, [&] { e.sink->close(); });
        }
    }

    /// Runs `call` for output `e`; what it throws is counted and reported.
    template <class Call>
    static void guarded(outputs::entry& e, Call&& call) noexcept {
        try {
            call();
        } catch (const std::exception& x) {
            report(e, x.what());
        } catch (...) {
            report(e, "unknown exception");
        }
    }

private:
    static void report(outputs::entry& e, std::string_view message) noexcept {
        if (e.errors++ > 0 || e.where->failed()) return;
        try {
            complain("{} failed: {} (further errors are only counted)", e.name, message);
        } catch (...) {  // nothing more to do about a failing stderr
        }
    }

    std::vector<outputs::entry>* entries_;
};

}  // namespace

outputs::outputs(std::vector<chosen_output> chosen, std::vector<std::string> metric_names, bool several_streams,
                 int stdout_fd, std::size_t buffer_size)
    : chosen_(std::move(chosen)),
      metric_names_(std::move(metric_names)),
      several_streams_(several_streams),
      buffer_size_(buffer_size),
      stdout_(std::make_unique<destination>("stdout", stdout_fd, false, buffer_size)),
      sink_(std::make_unique<any_sink>(output_list(entries_))) {}

outputs::~outputs() = default;

bool outputs::open() {
    entries_.reserve(chosen_.size());
    for (const chosen_output& c : chosen_) {
        destination* where = stdout_.get();
        if (!c.to_stdout) {
            const std::string& path = *c.spec.target;
            const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
            if (fd < 0) {
                complain("{}: cannot write {}: {}", output_name(c.spec), path, std::strerror(errno));
                return false;
            }
            files_.push_back(std::make_unique<destination>(path, fd, true, buffer_size_));
            where = files_.back().get();
        }
        entry& e = entries_.emplace_back(entry{output_name(c.spec), where, std::nullopt, 0});
        const output_context context{where->stream, metric_names_, several_streams_};
        output_list::guarded(e, [&] { e.sink.emplace(c.kind->make(c.spec, context)); });
    }
    return true;
}

bool outputs::uses_stdout() const noexcept {
    return std::any_of(entries_.begin(), entries_.end(), [](const entry& e) { return e.where->to_stdout; });
}

bool outputs::all_failed() const noexcept {
    if (entries_.empty()) return false;
    for (const entry& e : entries_) {
        if (e.sink && !e.where->failed()) return false;
    }
    return true;
}

bool outputs::finish() {
    sink_->target<output_list>()->close();
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

std::uint64_t outputs::errors(std::size_t i) const noexcept { return entries_[i].errors; }

std::uint64_t outputs::errors() const noexcept {
    std::uint64_t total = 0;
    for (const entry& e : entries_) total += e.errors;
    return total;
}

}  // namespace logmetrics::cli
