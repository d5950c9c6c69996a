// SPDX-License-Identifier: MIT
#pragma once
// Shared by the fuzz targets: a reader for the fuzzer's bytes (a small header of choices, then
// the payload), the chunking every target uses, and FUZZ_CHECK, which aborts so that libFuzzer
// (and the corpus replay under ctest) report the input.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* condition, const std::string& detail) {
    std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n%s\n", file, line, condition, detail.c_str());
    std::fflush(stderr);
    std::abort();
}

/// Reads the fuzzer's bytes front to back; past the end every byte reads as 0.
class input {
public:
    input(const std::uint8_t* data, std::size_t size) noexcept : bytes_(reinterpret_cast<const char*>(data), size) {}

    std::uint8_t byte() noexcept {
        if (bytes_.empty()) return 0;
        auto b = static_cast<std::uint8_t>(bytes_.front());
        bytes_.remove_prefix(1);
        return b;
    }
    std::string_view rest() const noexcept { return bytes_; }

private:
    std::string_view bytes_;
};

/// A maximum line length chosen by one byte: mostly tiny (4-67 bytes, so that the fuzzer's short
/// inputs get cut often, at every offset), sometimes mid-sized, sometimes the default.
inline std::size_t choose_max_line_length(std::uint8_t b) noexcept {
    if (b < 128) return 4 + b % 64u;
    if (b < 224) return 68 + (b - 128u) * 16u;
    return 256 * 1024;
}

/// Chunk sizes chosen by the fuzzer: a count (0-15) and that many sizes (0-255), used in turn
/// and cyclically over the payload; no sizes, or only zeros, means one chunk. Zero-sized chunks
/// are fed too (an empty feed must be harmless).
inline std::vector<std::size_t> read_chunk_sizes(input& in) {
    std::vector<std::size_t> sizes(in.byte() % 16);
    for (auto& size : sizes) size = in.byte();
    return sizes;
}

/// Calls `feed(chunk)` for consecutive chunks of `payload`, sized by `sizes`.
template <class Feed>
void feed_in_chunks(std::string_view payload, const std::vector<std::size_t>& sizes, Feed&& feed) {
    bool any_nonzero = false;
    for (auto size : sizes) any_nonzero = any_nonzero || size != 0;
    if (!any_nonzero) {
        for (std::size_t i = 0; i < sizes.size(); ++i) feed(std::string_view());
        feed(payload);
        return;
    }
    std::size_t at = 0;
    for (std::size_t i = 0; at < payload.size(); i = (i + 1) % sizes.size()) {
        const std::size_t take = std::min(sizes[i], payload.size() - at);
        feed(payload.substr(at, take));
        at += take;
    }
}

/// A readable rendering of bytes for failure messages: printable ASCII as is, the rest as \xNN.
inline std::string printable(std::string_view bytes, std::size_t limit = 400) {
    std::string out;
    static const char hex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
        auto c = static_cast<unsigned char>(bytes[i]);
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    if (bytes.size() > limit) out += "...(" + std::to_string(bytes.size()) + " bytes)";
    return out;
}

}  // namespace fuzz

/// Aborts with the condition and a streamed detail message when `condition` is false.
#define FUZZ_CHECK(condition, detail)                                               \
    do {                                                                            \
        if (!(condition)) {                                                         \
            std::ostringstream fuzz_check_detail_;                                  \
            fuzz_check_detail_ << detail;                                           \
            ::fuzz::fail(__FILE__, __LINE__, #condition, fuzz_check_detail_.str()); \
        }                                                                           \
    } while (false)
