// SPDX-License-Identifier: MIT
#pragma once
// atomic_file: replaces a file's whole content so that a reader sees the old content or the new,
// never a part: the text goes to a temporary file in the same directory, which is then renamed
// over the file (rename(2) is atomic within one file system, hence the same directory). As
// node_exporter's README says for its textfile collector ("write to name.prom.$$, then mv").
// POSIX calls by hand: std::filesystem has no write-then-rename, and std::ofstream reports no
// errno. The temporary file is `PATH.<pid>.tmp`: two processes do not share one, and a reader
// that globs `*.prom` never sees it; a crash between the write and the rename leaves it behind.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "../../config.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

class atomic_file {
public:
    /// Where a replacement failed.
    enum class step : std::uint8_t { none, create, write, sync, rename };

    /// The outcome of a replacement: `failed == step::none` on success, else the step and errno.
    struct result {
        step failed = step::none;
        int error = 0;
        explicit operator bool() const noexcept { return failed == step::none; }
    };

    /// For the file at `path`; `sync`: fsync the temporary file before the rename, so that a
    /// crash of the machine cannot leave an empty file in place of the old one. Opens nothing.
    explicit atomic_file(std::filesystem::path path, bool sync = false)
        : path_(std::move(path)), temporary_(path_.string() + "." + std::to_string(::getpid()) + ".tmp"), sync_(sync) {}

    /// Replaces the file's content with `content` (mode 0666 less the umask for a new file).
    /// On failure the temporary file is removed and the file is left as it was. Does not
    /// allocate; not thread-safe.
    result replace(std::string_view content) noexcept {
        const int fd = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
        if (fd < 0) return {step::create, errno};
        result outcome;
        for (std::size_t done = 0; done < content.size();) {
            const ::ssize_t n = ::write(fd, content.data() + done, content.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                outcome = {step::write, n < 0 ? errno : EIO};
                break;
            }
            done += static_cast<std::size_t>(n);
        }
        if (outcome && sync_ && ::fsync(fd) != 0) outcome = {step::sync, errno};
        if (::close(fd) != 0 && outcome && errno != EINTR) outcome = {step::write, errno};  // e.g. NFS
        if (outcome && ::rename(temporary_.c_str(), path_.c_str()) != 0) outcome = {step::rename, errno};
        if (!outcome) ::unlink(temporary_.c_str());
        return outcome;
    }

    const std::filesystem::path& path() const noexcept { return path_; }
    const std::string& temporary_path() const noexcept { return temporary_; }

private:
    std::filesystem::path path_;
    std::string temporary_;
    bool sync_;
};

}  // namespace detail
LOGMETRICS_END_NAMESPACE
