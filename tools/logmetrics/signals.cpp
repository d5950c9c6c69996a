// SPDX-License-Identifier: MIT
#include "signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace logmetrics::cli {

namespace {

constexpr int stop_signal_numbers[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction previous[3] = {};
bool handled[3] = {false, false, false};
volatile std::sig_atomic_t first_signal = 0;
int pipe_fds[2] = {-1, -1};
bool installed = false;

extern "C" void on_stop_signal(int signal) {
    if (first_signal != 0) ::_exit(128 + signal);  // the second: at once
    first_signal = signal;
    const int saved = errno;
    const char byte = 1;
    (void)!::write(pipe_fds[1], &byte, 1);  // non-blocking: one byte is enough
    errno = saved;
}

}  // namespace

bool stop_signals::install() noexcept {
    if (installed) return true;
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return false;
    first_signal = 0;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocking read or write returns EINTR
    for (int i = 0; i < 3; ++i) {
        // One ignored at start (nohup, a script's background job) stays ignored, as in a shell.
        handled[i] = ::sigaction(stop_signal_numbers[i], nullptr, &previous[i]) == 0 &&
                     previous[i].sa_handler != SIG_IGN && ::sigaction(stop_signal_numbers[i], &action, nullptr) == 0;
    }
    installed = true;
    return true;
}

void stop_signals::uninstall() noexcept {
    if (!installed) return;
    for (int i = 0; i < 3; ++i) {
        if (handled[i]) ::sigaction(stop_signal_numbers[i], &previous[i], nullptr);
        handled[i] = false;
    }
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    pipe_fds[0] = pipe_fds[1] = -1;
    installed = false;
}

int stop_signals::received() noexcept { return first_signal; }

int stop_signals::wake_fd() noexcept { return pipe_fds[0]; }

const char* stop_signals::name(int signal) noexcept {
    switch (signal) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        case SIGHUP: return "SIGHUP";
        default: return "a signal";
    }
}

}  // namespace logmetrics::cli
