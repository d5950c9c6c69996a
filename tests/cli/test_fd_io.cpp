// SPDX-License-Identifier: MIT
// POSIX descriptors (tools/logmetrics/fd_io.hpp): reading a pipe to its end, stopping early, and
// a write error kept with its errno.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <ostream>
#include <string>
#include <vector>

#include "fd_io.hpp"
#include "support/catch.hpp"

using namespace logmetrics::cli;

namespace {

struct pipe_fds {
    int read = -1, write = -1;
    pipe_fds() {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        read = fds[0];
        write = fds[1];
    }
    ~pipe_fds() {
        if (read >= 0) ::close(read);
        if (write >= 0) ::close(write);
    }
    void close_write() {
        ::close(write);
        write = -1;
    }
    void close_read() {
        ::close(read);
        read = -1;
    }
};

}  // namespace

TEST_CASE("read_all hands over every byte of a pipe, in chunks of at most the buffer's size", "[cli][io]") {
    pipe_fds p;
    const std::string text = "loss=0.5\nacc=0.75\nloss=0.25\n";
    REQUIRE(::write(p.write, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    p.close_write();
    std::vector<char> buffer(5);
    std::string got;
    std::size_t calls = 0;
    const int status = read_all(p.read, buffer, [&](std::string_view bytes) {
        CHECK(bytes.size() <= 5);
        got += bytes;
        ++calls;
        return true;
    });
    CHECK(status == 0);
    CHECK(got == text);
    CHECK(calls >= text.size() / 5);
}

TEST_CASE("read_all stops when told to", "[cli][io]") {
    pipe_fds p;
    REQUIRE(::write(p.write, "abcdefgh", 8) == 8);
    p.close_write();
    std::vector<char> buffer(2);
    std::size_t calls = 0;
    CHECK(read_all(p.read, buffer, [&](std::string_view) { return ++calls < 2; }) == 0);
    CHECK(calls == 2);
}

TEST_CASE("read_all leaves a read that would block when the wake pipe becomes readable", "[cli][io]") {
    pipe_fds input, wake;
    REQUIRE(::write(input.write, "ab", 2) == 2);  // the writer stays open: a second read would block
    std::vector<char> buffer(16);
    std::string got;
    const int result = read_all(
        input.read, buffer,
        [&](std::string_view bytes) {
            got += bytes;
            REQUIRE(::write(wake.write, "x", 1) == 1);  // as the signal handler does
            return true;
        },
        wake.read);
    CHECK(result == 0);
    CHECK(got == "ab");
}

TEST_CASE("fd_buffer: samples pending in the buffer are delivered by a successful write only", "[cli][io]") {
    std::signal(SIGPIPE, SIG_IGN);
    pipe_fds p;
    fd_buffer buffer(p.write, 64);
    std::ostream out(&buffer);
    out << "one\n";
    buffer.add_pending(1);
    CHECK(buffer.delivered() == 0);
    out.flush();
    CHECK(buffer.delivered() == 1);
    out << "two\nthree\n";
    buffer.add_pending(2);
    p.close_read();
    out.flush();
    CHECK(buffer.error() == EPIPE);
    CHECK(buffer.delivered() == 1);
}

TEST_CASE("read_all returns the errno of a failed read", "[cli][io]") {
    std::vector<char> buffer(16);
    CHECK(read_all(-1, buffer, [](std::string_view) { return true; }) == EBADF);
}

TEST_CASE("open_for_reading: a descriptor, or -1 with errno", "[cli][io]") {
    errno = 0;
    CHECK(open_for_reading("/no/such/file") == -1);
    CHECK(errno == ENOENT);
}

TEST_CASE("fd_buffer writes through on flush and keeps the first write error", "[cli][io]") {
    std::signal(SIGPIPE, SIG_IGN);
    pipe_fds p;
    {
        fd_buffer buffer(p.write, 64);
        std::ostream out(&buffer);
        out << "hello\n";
        CHECK(buffer.error() == 0);
        out.flush();
        char got[16] = {};
        REQUIRE(::read(p.read, got, sizeof got) == 6);
        CHECK(std::string(got) == "hello\n");

        p.close_read();
        out << "nobody reads this\n";
        out.flush();
        CHECK(!out);
        CHECK(buffer.error() == EPIPE);
    }
}

TEST_CASE("is_live_input: pipes and terminals are live, regular files are not", "[cli][io]") {
    pipe_fds p;
    CHECK(is_live_input(p.read));
    CHECK(is_live_input(p.write));

    char path[] = "/tmp/logmetrics-cli-live.XXXXXX";
    const int file = ::mkstemp(path);
    REQUIRE(file >= 0);
    CHECK_FALSE(is_live_input(file));
    ::close(file);
    ::unlink(path);

    const int null = ::open("/dev/null", O_RDONLY);  // a character device, as a terminal is
    REQUIRE(null >= 0);
    CHECK(is_live_input(null));
    ::close(null);
    CHECK_FALSE(is_live_input(-1));
}
