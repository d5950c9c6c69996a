// SPDX-License-Identifier: MIT
// The progress line (tools/logmetrics/progress.hpp): when it is shown (on a real pseudo-terminal),
// what it says, and how it is drawn over and blanked. Times are given, never waited for.

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "progress.hpp"
#include "support/catch.hpp"
#include "text.hpp"

using namespace logmetrics::cli;
using namespace std::chrono_literals;

namespace {

/// A pseudo-terminal: `terminal` is the side a program writes to, as to a console.
struct pseudo_terminal {
    int controller = -1, terminal = -1;
    pseudo_terminal() {
        controller = ::posix_openpt(O_RDWR | O_NOCTTY);
        REQUIRE(controller >= 0);
        REQUIRE(::grantpt(controller) == 0);
        REQUIRE(::unlockpt(controller) == 0);
        terminal = ::open(::ptsname(controller), O_RDWR | O_NOCTTY);
        REQUIRE(terminal >= 0);
    }
    ~pseudo_terminal() {
        ::close(terminal);
        ::close(controller);
    }
};

struct regular_file {
    char path[40] = "/tmp/logmetrics-cli-progress.XXXXXX";
    int fd = ::mkstemp(path);
    ~regular_file() {
        ::close(fd);
        ::unlink(path);
    }
};

/// A FILE* whose bytes end up in a string.
struct captured {
    char* data = nullptr;
    std::size_t size = 0;
    std::FILE* file = ::open_memstream(&data, &size);
    ~captured() {
        if (file) std::fclose(file);
        std::free(data);
    }
    std::string text() {
        std::fflush(file);
        return std::string(data, size);
    }
};

}  // namespace

TEST_CASE("wants_progress: a regular file read with stderr on a terminal, unless quiet or samples share it",
          "[cli][progress]") {
    pseudo_terminal tty;
    regular_file file;
    REQUIRE(file.fd >= 0);
    int p[2];
    REQUIRE(::pipe(p) == 0);

    CHECK(wants_progress(false, tty.terminal, file.fd, -1));
    CHECK(wants_progress(false, tty.terminal, file.fd, file.fd));             // samples to a file on stdout
    CHECK(wants_progress(false, tty.terminal, file.fd, p[1]));                // samples into a pipe
    CHECK_FALSE(wants_progress(true, tty.terminal, file.fd, -1));             // --quiet
    CHECK_FALSE(wants_progress(false, p[1], file.fd, -1));                    // stderr is a pipe
    CHECK_FALSE(wants_progress(false, file.fd, file.fd, -1));                 // stderr is a file
    CHECK_FALSE(wants_progress(false, tty.terminal, p[0], -1));               // a pipe: no size, and live output
    CHECK_FALSE(wants_progress(false, tty.terminal, tty.terminal, -1));       // typing into it
    CHECK_FALSE(wants_progress(false, tty.terminal, file.fd, tty.terminal));  // samples on the terminal
    ::close(p[0]);
    ::close(p[1]);
}

TEST_CASE("format_progress: bytes of the size, lines per second, samples", "[cli][progress]") {
    CHECK(format_progress({"train.log", 3 << 20, 4 << 20, 2'000'000, 12345, 2.0}) ==
          "logmetrics: train.log: 3.0 MiB of 4.0 MiB (75%), 1.0M lines/s, 12345 samples");
    CHECK(format_progress({"a.log", 512, 0, 10, 0, 0}) == "logmetrics: a.log: 512 B, 0 samples");
    CHECK(human_count(950) == "950");
    CHECK(human_count(12345) == "12.3k");
    CHECK(human_count(2.1e9) == "2.1G");
}

TEST_CASE("progress_line: the first draw after a second, then at most four a second", "[cli][progress]") {
    captured out;
    const auto start = progress_line::clock::time_point{} + 100s;
    progress_line line(out.file, start, 0);
    CHECK_FALSE(line.due(start));
    CHECK_FALSE(line.due(start + 999ms));
    CHECK(line.due(start + 1s));
    line.draw("x", start + 1s);
    CHECK_FALSE(line.due(start + 1s + 249ms));
    CHECK(line.due(start + 1s + 250ms));
}

TEST_CASE("progress_line: each draw overwrites the last in place, and the end blanks it", "[cli][progress]") {
    captured out;
    const auto t = progress_line::clock::time_point{};
    {
        progress_line line(out.file, t, 0);
        line.clear();  // nothing shown: nothing written
        CHECK(out.text().empty());
        line.draw("loading 10%", t);
        line.draw("20%", t);
        line.draw("loading 30%", t);
    }
    CHECK(out.text() == "\rloading 10%\r20%        \rloading 30%\r           \r");
}

TEST_CASE("progress_line: lines are cut to the terminal's width, so none wraps", "[cli][progress]") {
    captured out;
    const auto t = progress_line::clock::time_point{};
    progress_line line(out.file, t, 8);
    line.draw("0123456789", t);
    CHECK(out.text() == "\r0123456");
}
