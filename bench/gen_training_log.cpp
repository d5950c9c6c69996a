// SPDX-License-Identifier: MIT
// logmetrics_gen_log: writes the benchmark's deterministic training log to stdout, or the
// benchmark's definition sets as SageMaker JSON.
//
//   logmetrics_gen_log --bytes 50M [--seed 42] > train.log
//   logmetrics_gen_log --write-definitions bench/data
//
// The log is written in ~1 MiB pieces from the streaming generator, so memory stays constant
// whatever the size; the output is byte-identical to lmbench::generate_training_log(bytes, seed).

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "testing/training_log.hpp"

namespace {

constexpr std::string_view usage =
    "usage: logmetrics_gen_log --bytes N [--seed S]\n"
    "       logmetrics_gen_log --write-definitions DIR\n"
    "\n"
    "  --bytes N                 write about N bytes of training log to stdout (whole lines);\n"
    "                            N may end in K, M or G (KiB, MiB, GiB)\n"
    "  --seed S                  the generator's seed (default 42); the same N and S give the same bytes\n"
    "  --write-definitions DIR   write DIR/definitions_40.json and DIR/definitions_10.json\n";

/// "50M" -> 52428800. Returns false on anything but digits and, when allowed, one suffix.
bool parse_size(std::string_view text, std::uint64_t& value, bool allow_suffix = true) {
    if (text.empty()) return false;
    std::uint64_t multiplier = 1;
    switch (allow_suffix ? text.back() : '0') {
        case 'K':
        case 'k': multiplier = 1ull << 10; break;
        case 'M':
        case 'm': multiplier = 1ull << 20; break;
        case 'G':
        case 'g': multiplier = 1ull << 30; break;
        default: break;
    }
    if (multiplier != 1) text.remove_suffix(1);
    if (text.empty() || text.size() > 15) return false;  // 15 digits: no overflow after the multiplier
    value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    value *= multiplier;
    return true;
}

/// One definition per line, so diffs of the checked-in files stay readable.
std::string to_json(const std::vector<logmetrics::metric_definition>& definitions) {
    std::string text = "[\n";
    for (std::size_t i = 0; i < definitions.size(); ++i) {
        text += "  {\"Name\": " + nlohmann::json(definitions[i].name).dump() +
                ", \"Regex\": " + nlohmann::json(definitions[i].regex).dump() + "}";
        text += i + 1 < definitions.size() ? ",\n" : "\n";
    }
    text += "]\n";
    return text;
}

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) {
        std::cerr << "logmetrics_gen_log: cannot write " << path << ": " << std::strerror(errno) << '\n';
        return false;
    }
    std::cerr << "wrote " << path << '\n';
    return true;
}

int write_log(std::uint64_t bytes, std::uint64_t seed) {
    constexpr std::size_t piece = 1 << 20;
    lmbench::training_log_generator generator(seed);
    std::string buffer;
    buffer.reserve(piece + 256 * 1024);
    std::uint64_t written = 0;
    while (written < bytes) {
        // Asking for the remainder in the last piece makes the total identical to generate_training_log.
        const auto remaining = bytes - written;
        buffer.clear();
        generator.append(buffer, remaining < piece ? static_cast<std::size_t>(remaining) : piece);
        if (std::fwrite(buffer.data(), 1, buffer.size(), stdout) != buffer.size()) {
            std::cerr << "logmetrics_gen_log: write error: " << std::strerror(errno) << '\n';
            return 1;
        }
        written += buffer.size();
    }
    if (std::fflush(stdout) != 0) {
        std::cerr << "logmetrics_gen_log: write error: " << std::strerror(errno) << '\n';
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t bytes = 0;
    std::uint64_t seed = 42;
    bool bytes_given = false;
    std::string definitions_dir;

    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) {
                std::cerr << "logmetrics_gen_log: " << arg << " needs a value\n" << usage;
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--bytes") {
            if (!parse_size(value(), bytes)) {
                std::cerr << "logmetrics_gen_log: --bytes takes a size such as 1000000, 64K, 50M or 1G\n";
                return 2;
            }
            bytes_given = true;
        } else if (arg == "--seed") {
            if (!parse_size(value(), seed, false)) {
                std::cerr << "logmetrics_gen_log: --seed takes a non-negative integer\n";
                return 2;
            }
        } else if (arg == "--write-definitions") {
            definitions_dir = value();
        } else if (arg == "-h" || arg == "--help") {
            std::cout << usage;
            return 0;
        } else {
            std::cerr << "logmetrics_gen_log: unknown argument " << arg << '\n' << usage;
            return 2;
        }
    }

    if (!definitions_dir.empty()) {
        const bool ok = write_file(definitions_dir + "/definitions_40.json", to_json(lmbench::definitions_40())) &&
                        write_file(definitions_dir + "/definitions_10.json", to_json(lmbench::definitions_10()));
        if (!ok) return 1;
        if (!bytes_given) return 0;
    }
    if (!bytes_given) {
        std::cerr << "logmetrics_gen_log: give --bytes N or --write-definitions DIR\n" << usage;
        return 2;
    }
    return write_log(bytes, seed);
}
