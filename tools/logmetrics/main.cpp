// SPDX-License-Identifier: MIT
// logmetrics: the command-line tool. Registers the subcommands, parses, runs the one chosen and
// maps what escapes it to an exit status (command.hpp).

#include <csignal>
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <logmetrics/error.hpp>

#include "command.hpp"
#include "fd_io.hpp"
#include "text.hpp"

namespace cli = logmetrics::cli;

namespace {

constexpr const char* help_footer =
    R"(Exit status: 0 success, 1 an input could not be read or output could not be written, 2 bad
options or bad metric definitions (an unreadable definitions file or unopenable output included).

`logmetrics scan --help` shows the outputs, the modes, the number grammar and the engines.)";

}  // namespace

int main(int argc, char** argv) {
    cli::secure_standard_descriptors();
    std::ios_base::sync_with_stdio(false);
    // A closed pipe on stdout is a write error like any other (exit status 1), not a signal.
    std::signal(SIGPIPE, SIG_IGN);

    CLI::App app(fmt::format("logmetrics {}: turn training-log lines into metrics with SageMaker metric definitions",
                             cli::version_string()),
                 "logmetrics");
    app.footer(help_footer);
    app.set_version_flag("--version", fmt::format("logmetrics {}", cli::version_string()));
    app.require_subcommand(0, 1);
    // CLI11's own messages (an unknown option, a missing value) carry the tool's name as ours do.
    app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
        return "logmetrics: " + CLI::FailureMessage::simple(failed, e);
    });

    cli::command chosen;
    cli::add_scan(app, chosen);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? cli::exit_ok : cli::exit_usage;
    }

    // Subcommands report what they expect and return a status; these are the ones they let out.
    try {
        if (chosen) return chosen();
        std::cout << app.help() << std::flush;
        return cli::exit_ok;
    } catch (const cli::usage_error& e) {
        cli::complain(e.what());
        return cli::exit_usage;
    } catch (const logmetrics::error& e) {
        cli::complain(e.message());
        return e.code() == logmetrics::errc::io_error ? cli::exit_failure : cli::exit_usage;
    } catch (const std::exception& e) {
        cli::complain("unexpected error: {}", e.what());
        return cli::exit_failure;
    }
}
