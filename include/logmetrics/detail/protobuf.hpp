// SPDX-License-Identifier: MIT
#pragma once
// Protobuf wire format, written by hand: the few pieces the formats that speak protobuf need
// (TensorBoard events, formats/tensorboard.hpp; Prometheus remote write, formats/remote_write.hpp).
// No libprotobuf: those messages are a handful of fields each.
//
// Source: "Encoding" (https://protobuf.dev/programming-guides/encoding/): a field is a tag
// (`field_number << 3 | wire_type`, as a varint) then its payload; wire types 0 (varint: int32,
// int64, uint64, bool, enum; a negative int64 is its two's complement, 10 bytes), 1 (fixed64:
// double, little-endian), 2 (length-delimited: string, bytes, embedded message; a varint length
// then the bytes), 5 (fixed32: float). Appending does not allocate once `out` has grown.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "../config.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail::protobuf {

/// Wire types.
inline constexpr std::uint8_t varint_type = 0, fixed64_type = 1, length_delimited_type = 2, fixed32_type = 5;

/// The tag byte of field `number` (1 to 15, which fit one byte) with wire type `type`.
constexpr char tag(std::uint8_t number, std::uint8_t type) noexcept { return static_cast<char>((number << 3) | type); }

/// The bytes of `value` as a base-128 varint (1 to 10).
constexpr std::size_t varint_size(std::uint64_t value) noexcept {
    std::size_t size = 1;
    while (value >= 0x80) {
        value >>= 7;
        ++size;
    }
    return size;
}

inline void append_varint(fmt::memory_buffer& out, std::uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

/// `value` as `bytes` little-endian bytes.
inline void append_little_endian(fmt::memory_buffer& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

inline void append_bytes(fmt::memory_buffer& out, std::string_view bytes) {
    out.append(bytes.data(), bytes.data() + bytes.size());
}

}  // namespace detail::protobuf

LOGMETRICS_END_NAMESPACE
