// SPDX-License-Identifier: MIT
#pragma once
// The signals that end a scan early: SIGINT (Ctrl-C), SIGTERM (`docker stop`, `kill`) and SIGHUP
// (the terminal went away). A scan that is stopped by one still finishes its monitors, closes
// every output (final:, the textfile, TensorBoard, the network sinks with their bounded
// timeouts), prints its summary saying so, and exits 128 + the signal's number.

namespace logmetrics::cli {

/// The process's stop signals while a scan runs. install() sets handlers (without SA_RESTART)
/// that remember the first signal and write a byte to a pipe, which read_all (fd_io.hpp) polls:
/// a read that would block is left at once. A second stop signal, while the scan is closing its
/// outputs, ends the process at once with 128 + its number (_exit: no output is flushed). A
/// signal that is ignored when install() is called (nohup, a script's background job) stays
/// ignored.
/// Not thread-safe: call install() and uninstall() from the main thread.
class stop_signals {
public:
    /// Sets the handlers and makes the pipe; false (errno set) if either cannot be done.
    static bool install() noexcept;
    /// Puts the handlers that were there before back, and closes the pipe.
    static void uninstall() noexcept;
    /// The first stop signal received since install(), or 0.
    static int received() noexcept;
    /// The pipe's read end (readable once a signal came), or -1 when not installed.
    static int wake_fd() noexcept;
    /// "SIGINT", "SIGTERM", "SIGHUP", else "a signal".
    static const char* name(int signal) noexcept;
};

}  // namespace logmetrics::cli
