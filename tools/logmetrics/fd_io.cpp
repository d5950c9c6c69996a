// SPDX-License-Identifier: MIT
#include "fd_io.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace logmetrics::cli {

fd_buffer::fd_buffer(int fd, std::size_t size) : fd_(fd), buffer_(size) { reset(); }

fd_buffer::~fd_buffer() { drain(); }

fd_buffer::int_type fd_buffer::overflow(int_type ch) {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
        *pptr() = traits_type::to_char_type(ch);
        pbump(1);
    }
    return traits_type::not_eof(ch);
}

std::streamsize fd_buffer::xsputn(const char* text, std::streamsize count) {
    std::streamsize done = 0;
    while (done < count) {
        if (pptr() == epptr() && !drain()) return done;
        const std::streamsize room = epptr() - pptr();
        const std::streamsize take = std::min(room, count - done);
        std::memcpy(pptr(), text + done, static_cast<std::size_t>(take));
        pbump(static_cast<int>(take));
        done += take;
    }
    return done;
}

int fd_buffer::sync() { return drain() ? 0 : -1; }

void fd_buffer::reset() noexcept { setp(buffer_.data(), buffer_.data() + buffer_.size()); }

bool fd_buffer::drain() noexcept {
    const char* data = pbase();
    auto left = static_cast<std::size_t>(pptr() - pbase());
    reset();
    if (error_ != 0) return false;
    while (left > 0) {
        const ssize_t written = ::write(fd_, data, left);
        if (written < 0) {
            if (errno == EINTR) continue;
            error_ = errno;
            return false;
        }
        data += written;
        left -= static_cast<std::size_t>(written);
    }
    delivered_ += pending_;
    pending_ = 0;
    return true;
}

namespace {

bool closed_at_start[3] = {false, false, false};

}  // namespace

void secure_standard_descriptors() noexcept {
    for (int fd = 0; fd < 3; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        // The lowest free number is `fd`: the ones below it are open by now.
        const int null = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        closed_at_start[fd] = null == fd;
        if (null >= 0 && null != fd) ::close(null);
    }
}

int standard_descriptor(int fd) noexcept { return fd >= 0 && fd < 3 && closed_at_start[fd] ? -1 : fd; }

int open_for_reading(const char* path) noexcept {
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return fd;
}

bool is_live_input(int fd) noexcept {
    struct stat status {};
    if (::fstat(fd, &status) != 0) return false;
    return !S_ISREG(status.st_mode) && !S_ISBLK(status.st_mode);
}

std::size_t terminal_columns(int fd) noexcept {
    struct winsize size {};
    if (::ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

std::uint64_t file_size(int fd) noexcept {
    struct stat status {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) return 0;
    return static_cast<std::uint64_t>(status.st_size);
}

namespace {

file_identity identity_of(const struct stat& status) noexcept {
    return {static_cast<std::uint64_t>(status.st_dev), static_cast<std::uint64_t>(status.st_ino),
            S_ISCHR(status.st_mode), S_ISDIR(status.st_mode)};
}

}  // namespace

std::optional<file_identity> identify_path(const char* path) noexcept {
    struct stat status {};
    if (::stat(path, &status) != 0) return std::nullopt;
    return identity_of(status);
}

std::optional<file_identity> identify_descriptor(int fd) noexcept {
    struct stat status {};
    if (fd < 0 || ::fstat(fd, &status) != 0) return std::nullopt;
    return identity_of(status);
}

int read_all(int fd, std::span<char> buffer, const std::function<bool(std::string_view)>& consume, int wake_fd) {
    for (;;) {
        if (wake_fd >= 0) {
            pollfd wait[2] = {{fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
            if (::poll(wait, 2, -1) < 0) {
                if (errno == EINTR) continue;  // the wake pipe says whether to stop
                return errno;
            }
            if (wait[1].revents != 0) return 0;
        }
        const ssize_t got = ::read(fd, buffer.data(), buffer.size());
        if (got > 0) {
            if (!consume(std::string_view(buffer.data(), static_cast<std::size_t>(got)))) return 0;
        } else if (got == 0) {
            return 0;
        } else if (errno != EINTR) {
            return errno;
        }
    }
}

}  // namespace logmetrics::cli
