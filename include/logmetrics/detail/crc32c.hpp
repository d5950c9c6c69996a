// SPDX-License-Identifier: MIT
#pragma once
// CRC-32C (Castagnoli), the checksum of TFRecord framing (formats/tensorboard.hpp), and the
// TFRecord mask applied to it.
//
// Written here because Debian 12 has no C or C++ library for it: `apt-cache search crc32c` finds
// only python3-crc32c; abseil 20220623 ships no absl/crc; leveldb installs no CRC header. (Google
// crcutil, libcrcutil-dev, would do, but it is one more shared library for 60 lines.)
//
// Parameters (RFC 3720 section 12.1 and appendix B.4): reflected polynomial 0x82F63B78, initial
// value and final XOR 0xFFFFFFFF. Check value: crc32c("123456789") = 0xE3069283.
// Implementation: "slicing-by-8" (eight 256-entry tables, computed at compile time; 8 bytes per
// step, about 1 byte per cycle), byte by byte for the head and tail. No SSE4.2 path: the
// checksum costs a few ns of a sample's ~100 (bench_sinks tensorboard/batch_256).
// The mask [TensorFlow core/lib/hash/crc32c.h; TensorBoard record_writer.py]:
// `((crc >> 15) | (crc << 17)) + 0xa282ead8`, modulo 2^32, so that a CRC of data holding CRCs
// does not degenerate.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../config.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

/// The reflected CRC-32C polynomial.
inline constexpr std::uint32_t crc32c_polynomial = 0x82F63B78u;

/// tables[0]: the CRC of each byte value; tables[k][b]: the CRC of byte b followed by k zero bytes.
inline constexpr auto crc32c_tables = [] {
    std::array<std::array<std::uint32_t, 256>, 8> tables{};
    for (std::uint32_t b = 0; b < 256; ++b) {
        std::uint32_t crc = b;
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? crc32c_polynomial : 0u);
        tables[0][b] = crc;
    }
    for (std::size_t k = 1; k < 8; ++k) {
        for (std::size_t b = 0; b < 256; ++b) {
            const std::uint32_t prev = tables[k - 1][b];
            tables[k][b] = (prev >> 8) ^ tables[0][prev & 0xffu];
        }
    }
    return tables;
}();

/// Continues the CRC-32C `crc` (a finished value: 0 for none yet) over `size` bytes at `data`.
/// crc32c_extend(crc32c(a), b) == crc32c(a + b). Thread-safe; no allocation.
constexpr std::uint32_t crc32c_extend(std::uint32_t crc, const unsigned char* data, std::size_t size) noexcept {
    const auto& t = crc32c_tables;
    crc = ~crc;
    while (size >= 8) {
        // Little-endian loads, written out so that the result does not depend on the host.
        const std::uint32_t low = crc ^ (std::uint32_t{data[0]} | std::uint32_t{data[1]} << 8 |
                                         std::uint32_t{data[2]} << 16 | std::uint32_t{data[3]} << 24);
        const std::uint32_t high = std::uint32_t{data[4]} | std::uint32_t{data[5]} << 8 | std::uint32_t{data[6]} << 16 |
                                   std::uint32_t{data[7]} << 24;
        crc = t[7][low & 0xffu] ^ t[6][(low >> 8) & 0xffu] ^ t[5][(low >> 16) & 0xffu] ^ t[4][low >> 24] ^
              t[3][high & 0xffu] ^ t[2][(high >> 8) & 0xffu] ^ t[1][(high >> 16) & 0xffu] ^ t[0][high >> 24];
        data += 8;
        size -= 8;
    }
    for (; size > 0; ++data, --size) crc = (crc >> 8) ^ t[0][(crc ^ *data) & 0xffu];
    return ~crc;
}

/// The CRC-32C of `size` bytes at `data`.
constexpr std::uint32_t crc32c(const unsigned char* data, std::size_t size) noexcept {
    return crc32c_extend(0, data, size);
}

/// The CRC-32C of the bytes of `text`.
inline std::uint32_t crc32c(std::string_view text) noexcept {
    return crc32c(reinterpret_cast<const unsigned char*>(text.data()), text.size());
}

/// The TFRecord mask of a CRC-32C (see the top of this file).
constexpr std::uint32_t mask_crc32c(std::uint32_t crc) noexcept { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

/// Undoes mask_crc32c.
constexpr std::uint32_t unmask_crc32c(std::uint32_t masked) noexcept {
    const std::uint32_t rotated = masked - 0xa282ead8u;
    return (rotated >> 17) | (rotated << 15);
}

}  // namespace detail
LOGMETRICS_END_NAMESPACE
