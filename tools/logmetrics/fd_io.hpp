// SPDX-License-Identifier: MIT
#pragma once
// POSIX file descriptors: a stream buffer that writes to one through a large buffer, and a loop
// that reads one to its end in large chunks. Hand-written because std::filebuf cannot take a
// descriptor (stdout as a pipe or /dev/full) nor report the errno of a failed write.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <streambuf>
#include <string_view>
#include <vector>

namespace logmetrics::cli {

/// A stream buffer writing to a file descriptor through a large buffer with write(2). It keeps
/// the first write error (errno) instead of hiding it: the stream goes bad, the sinks writing to
/// it throw, and the exit status says so. The descriptor is not closed.
class fd_buffer final : public std::streambuf {
public:
    fd_buffer(int fd, std::size_t size);
    fd_buffer(const fd_buffer&) = delete;
    fd_buffer& operator=(const fd_buffer&) = delete;
    ~fd_buffer() override;

    /// The errno of the first failed write, 0 when all went well.
    int error() const noexcept { return error_; }

    /// Says that `samples` more samples are now wholly in the buffer (their writer put them
    /// there): they count as delivered once a write(2) of the buffer succeeds, and are lost when
    /// it fails. No allocation, no throw.
    void add_pending(std::uint64_t samples) noexcept { pending_ += samples; }
    /// Samples whose bytes write(2) took, as add_pending() said them.
    std::uint64_t delivered() const noexcept { return delivered_; }

protected:
    int_type overflow(int_type ch) override;
    std::streamsize xsputn(const char* text, std::streamsize count) override;
    int sync() override;

private:
    void reset() noexcept;
    bool drain() noexcept;

    int fd_;
    std::vector<char> buffer_;
    int error_ = 0;
    std::uint64_t pending_ = 0;    // samples in the buffer
    std::uint64_t delivered_ = 0;  // samples written out
};

/// Makes sure descriptors 0, 1 and 2 are open, so that no file the tool opens gets one of their
/// numbers (`logmetrics ... >&-` would otherwise write its samples into the first file it
/// creates, and `2>&-` its messages): each one closed at start is opened on /dev/null and
/// remembered as closed. Call it first thing in main().
void secure_standard_descriptors() noexcept;

/// `fd` (0, 1 or 2), or -1 when it was closed when the tool started: reading or writing it then
/// fails with EBADF, as it would have.
int standard_descriptor(int fd) noexcept;

/// Opens `path` for reading (sequential access advised); -1 with errno set on failure.
int open_for_reading(const char* path) noexcept;

/// Whether `fd` is fed as someone produces its bytes (a pipe, a terminal, a socket), as opposed
/// to a regular file or a block device read at disk speed. Output that follows such an input is
/// flushed after each read that produced something, so it shows as the lines arrive.
bool is_live_input(int fd) noexcept;

/// The width of the terminal `fd` is, in columns; 0 when it is none or does not say.
std::size_t terminal_columns(int fd) noexcept;

/// The size of the regular file `fd` is open on; 0 for anything else.
std::uint64_t file_size(int fd) noexcept;

/// Which file a path or descriptor is (stat(2)'s st_dev and st_ino): two paths name the same file
/// when these are equal, whatever their text (`x.csv`, `./x.csv`, a symlink, a hard link).
struct file_identity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    bool character_device = false;  ///< /dev/null, a terminal: several writers do no harm
    bool directory = false;
    bool operator==(const file_identity& other) const noexcept {
        return device == other.device && inode == other.inode;
    }
};

/// The file `path` names (symlinks followed); empty when it does not exist (or cannot be stat'ed).
std::optional<file_identity> identify_path(const char* path) noexcept;

/// The file `fd` is open on; empty when it is closed.
std::optional<file_identity> identify_descriptor(int fd) noexcept;

/// Reads `fd` to its end in chunks of up to `buffer.size()` bytes and hands each to `consume`,
/// which returns false to stop early. Returns 0, or the errno of the read that failed. With
/// `wake_fd` >= 0 (stop_signals' pipe), each read waits in poll(2) for `fd` or `wake_fd`, and
/// returns 0 as soon as `wake_fd` is readable, even from a read that would block forever.
int read_all(int fd, std::span<char> buffer, const std::function<bool(std::string_view)>& consume, int wake_fd = -1);

}  // namespace logmetrics::cli
