// SPDX-License-Identifier: MIT
#include "outputs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <optional>
#include <ostream>
#include <utility>

#include <fmt/format.h>

#include <logmetrics/error.hpp>

#include "command.hpp"
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
    std::string name;          // output_name(spec)
    destination* where;        // stdout or its file; null for a socket (the sink owns it)
    bool reported = false;     // its first failure was said
    std::uint64_t handed = 0;  // samples written to its sink (where != null)
};

namespace {

/// An output writing to a destination (stdout or its file), as the fanout holds it: counts the
/// samples handed to its sink, and tells the destination's buffer about those the sink wrote,
/// which are delivered when a write(2) of the buffer succeeds. So the samples lost when the
/// destination fails are exactly those handed but never written out: the ones whose writes
/// threw, and the ones sitting in the buffer when its write failed. Per batch: two additions, no
/// allocation.
class counted_output {
public:
    counted_output(any_sink sink, std::uint64_t& handed, fd_buffer& buffer) noexcept
        : sink_(std::move(sink)), handed_(&handed), buffer_(&buffer) {}

    void write(const sample& one) { write(std::span<const sample>(&one, 1)); }
    void write(std::span<const sample> batch) {
        *handed_ += batch.size();
        sink_.write(batch);  // a throw: the batch never reached the buffer
        buffer_->add_pending(batch.size());
    }
    void flush() { sink_.flush(); }
    void tick(timestamp now) { sink_.tick(now); }
    void close() { sink_.close(); }
    std::span<const drop_count> drops() const { return sink_.drops(); }
    any_sink& sink() noexcept { return sink_; }

private:
    any_sink sink_;
    std::uint64_t* handed_;
    fd_buffer* buffer_;
};

}  // namespace

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
    if (failed.reported || (failed.where && failed.where->failed())) return;
    failed.reported = true;
    try {
        complain("{} failed: {} (further errors are only counted)", e.name, e.message);
    } catch (...) {  // nothing more to do about a failing stderr
    }
}

namespace {

/// Where an output writes, or a file is read: the file when it exists, else (not yet created)
/// its directory and its name.
struct place {
    std::optional<file_identity> file;
    std::optional<file_identity> directory;
    std::string name;
};

place place_of(const std::string& path) {
    if (auto file = identify_path(path.c_str())) return {file, std::nullopt, {}};
    const std::filesystem::path p(path);
    const std::filesystem::path parent = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
    return {std::nullopt, identify_path(parent.c_str()), p.filename().string()};
}

place place_of_descriptor(int fd) { return {identify_descriptor(fd), std::nullopt, {}}; }

bool same_place(const place& a, const place& b) noexcept {
    if (a.file && b.file) return *a.file == *b.file && !a.file->character_device;
    if (!a.file && !b.file) return a.directory && b.directory && *a.directory == *b.directory && a.name == b.name;
    return false;
}

std::string written_to(const chosen_output& c) { return c.to_stdout ? std::string("stdout") : *c.spec.target; }

}  // namespace

void check_output_files(std::span<const chosen_output> chosen, std::span<const protected_file> reads, int stdout_fd,
                        int stdin_fd) {
    std::vector<place> places;
    for (const chosen_output& c : chosen) {
        places.push_back(c.to_stdout ? place_of_descriptor(stdout_fd) : place_of(*c.spec.target));
    }
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        for (const protected_file& r : reads) {
            const place read = r.path == "-" ? place_of_descriptor(stdin_fd) : place_of(r.path);
            if (!read.file || !same_place(places[i], read)) continue;  // a missing input is said when read
            throw usage_error(fmt::format("--output {:?} writes to {}, which is {} {}: refusing to overwrite it",
                                          chosen[i].spec.text, written_to(chosen[i]), r.role,
                                          r.path == "-" ? std::string("stdin") : r.path));
        }
        for (std::size_t j = i + 1; j < chosen.size(); ++j) {
            if (!same_place(places[i], places[j])) continue;
            throw usage_error(
                fmt::format("--output {:?} and {:?} write to the same file ({} and {}); give each its own",
                            chosen[i].spec.text, chosen[j].spec.text, written_to(chosen[i]), written_to(chosen[j])));
        }
    }
}

namespace {

bool is_fifo(const char* path) noexcept {
    struct stat status {};
    return ::stat(path, &status) == 0 && S_ISFIFO(status.st_mode);
}

/// Opens an output's file for writing without truncating it, creating it when missing (and then
/// sets `created`). On a FIFO that no reader has open, open(2) would block with no word said: it
/// is tried without blocking first (ENXIO), and then `waiting()` says so before the open that
/// waits for a reader, as a shell's `> fifo` does. Writes block as usual afterwards. -1 with errno
/// set on failure.
template <class Waiting>
int open_output_file(const char* path, bool& created, Waiting&& waiting) {
    int fd = ::open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 && errno == ENOENT) {
        fd = ::open(path, O_WRONLY | O_CREAT | O_EXCL | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0666);
        created = fd >= 0;
    }
    if (fd < 0) {
        const int reason = errno;
        if (reason != ENXIO || !is_fifo(path)) {  // ENXIO also means a socket or an absent device
            errno = reason;
            return -1;
        }
        waiting();
        return ::open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        const int reason = errno;
        ::close(fd);
        errno = reason;
        return -1;
    }
    return fd;
}

}  // namespace

void outputs::open() {
    for (const chosen_output& c : chosen_) check_output_at_open(c, metric_names_);  // before any file
    // First every file is opened without truncating it (a missing one is created, and removed
    // again if another output cannot be opened), so that a bad output destroys nothing. FIFOs go
    // first: waiting for their readers, the scan has created no file yet.
    std::vector<std::size_t> order;
    for (int fifos = 1; fifos >= 0; --fifos) {
        for (std::size_t i = 0; i < chosen_.size(); ++i) {
            const chosen_output& c = chosen_[i];
            if (c.to_stdout || owns_target(c.spec, *c.kind)) continue;  // the sink opens its target
            if (is_fifo(c.spec.target->c_str()) == (fifos == 1)) order.push_back(i);
        }
    }
    std::vector<int> fds(chosen_.size(), -1);
    std::vector<bool> created(chosen_.size(), false);
    for (const std::size_t i : order) {
        const std::string& path = *chosen_[i].spec.target;
        bool made = false;
        const int fd = open_output_file(path.c_str(), made, [&] {
            complain("--output {:?}: waiting for a reader on FIFO {}", chosen_[i].spec.text, path);
        });
        created[i] = made;
        if (fd < 0) {
            const int reason = errno;
            for (std::size_t k = 0; k < chosen_.size(); ++k) {
                if (fds[k] >= 0) ::close(fds[k]);
                if (created[k]) ::unlink(chosen_[k].spec.target->c_str());
            }
            throw usage_error(
                fmt::format("--output {:?}: cannot open {}: {}", chosen_[i].spec.text, path, std::strerror(reason)));
        }
        fds[i] = fd;
    }
    entries_.reserve(chosen_.size());
    for (std::size_t i = 0; i < chosen_.size(); ++i) {
        const chosen_output& c = chosen_[i];
        const std::string name = output_name(c.spec);
        destination* where = stdout_.get();
        if (owns_target(c.spec, *c.kind)) {
            where = nullptr;  // the sink owns its connection or its file
        } else if (!c.to_stdout) {
            struct stat status {};
            if (::fstat(fds[i], &status) == 0 && S_ISREG(status.st_mode)) (void)::ftruncate(fds[i], 0);
            files_.push_back(std::make_unique<destination>(*c.spec.target, fds[i], true, buffer_size_));
            where = files_.back().get();
        }
        entries_.push_back({name, where, false, 0});
        try {
            any_sink made = c.kind->make(
                c.spec, output_context{name, where ? &where->stream : nullptr, metric_names_, several_streams_});
            if (where) {
                fanout().add(any_sink(name, counted_output(std::move(made), entries_.back().handed, where->buffer)));
            } else {
                fanout().add(any_sink(name, std::move(made)));
            }
        } catch (const std::exception& e) {  // e.g. its destination failed already: the others go on
            entries_.pop_back();
            ++not_made_;
            complain("{} failed: {}", name, e.what());
        }
    }
}

bool outputs::uses_stdout() const noexcept {
    return std::any_of(entries_.begin(), entries_.end(), [](const entry& e) { return e.where && e.where->to_stdout; });
}

bool outputs::all_failed() const noexcept {
    if (entries_.empty()) return false;
    return std::all_of(entries_.begin(), entries_.end(), [](const entry& e) { return e.where && e.where->failed(); });
}

bool outputs::finish() {
    fanout().close();
    bool ok = errors() == 0;
    // Each destination has one output: a file its own, stdout at most one (choose_outputs).
    for (entry& e : entries_) {
        if (!e.where) continue;  // a socket: its failures were counted as drops
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

std::uint64_t outputs::lost(std::size_t i) const noexcept {
    const entry& e = entries_[i];
    if (!e.where) return fanout().child_lost(i);
    const std::uint64_t delivered = e.where->buffer.delivered();
    return e.handed > delivered ? e.handed - delivered : 0;
}

std::uint64_t outputs::undelivered_drops(std::size_t i) const {
    std::uint64_t total = 0;
    for (const drop_count& d : drops(i)) {
        if (d.cause == drop_cause::delivery_failed) total += d.count;
    }
    return total;
}

std::string outputs::failure_reason(std::size_t i) const {
    const destination* where = entries_[i].where;
    if (const int error = where ? where->buffer.error() : 0; error != 0) return std::strerror(error);
    return std::string(fanout().child_last_error(i));
}

std::vector<std::string> outputs::left_out(std::size_t i) {
    any_sink& output = fanout()[i];
    counted_output* counted = output.target<counted_output>();
    const final_sink* final = (counted ? counted->sink() : output).target<final_sink>();
    return final ? final->left_out() : std::vector<std::string>{};
}

std::uint64_t outputs::errors() const noexcept {
    std::uint64_t total = not_made_;
    for (std::size_t i = 0; i < entries_.size(); ++i) total += errors(i);
    return total;
}

}  // namespace logmetrics::cli
