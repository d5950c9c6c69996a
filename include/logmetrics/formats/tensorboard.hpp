// SPDX-License-Identifier: MIT
#pragma once
// tensorboard_format: samples as TensorBoard event records, the bytes of an
// `events.out.tfevents.*` file. Pure: it appends to an fmt::memory_buffer and does no I/O
// (tensorboard_sink writes the files).
//
// A file is a sequence of TFRecords [TensorBoard tensorboard/summary/writer/record_writer.py]:
//
//     uint64 length (little-endian) | uint32 masked_crc32c(the 8 length bytes) |
//     data[length]                  | uint32 masked_crc32c(data)
//
// (CRC and mask: detail/crc32c.hpp). Each record's data is a serialized `tensorboard.Event`
// [tensorboard/compat/proto/event.proto, summary.proto], protobuf wire format written by hand
// (no libprotobuf: these are five fields):
//
//     Event:   double wall_time = 1     tag 0x09, fixed64: seconds since the Unix epoch
//              int64 step = 2           tag 0x10, varint
//              string file_version = 3  tag 0x1a, the first record only: "brain.Event:2"
//              Summary summary = 5      tag 0x2a, length-delimited
//     Summary: repeated Value value = 1 tag 0x0a, length-delimited
//     Value:   string tag = 1           tag 0x0a, the metric's name (UTF-8)
//              float simple_value = 2   tag 0x15, fixed32 (IEEE 754 single, little-endian)
//
// `protoc --decode_raw` shows a sample's event as
// `1: 0x41dac3202f14c116  2: 1  5 { 1 { 1: "train/loss" 2: 0x3f000000 } }`. TensorBoard's
// loader turns every simple_value into a scalar (data_compat.migrate_value), as PyTorch's
// SummaryWriter writes them. What it writes, per sample, one event:
// - wall_time: the sample's time (microseconds kept: a double holds them until year 2255);
// - step: the sample's step (sample.hpp: the metric's count of earlier samples, or the configured
//   step), written even when 0; a step beyond 2^63 - 1 reads back negative, as int64 has it;
// - tag: the metric's name as it is (TensorBoard groups tags by their text before the first '/');
// - simple_value: the value as a float, so beyond ~7 significant digits it is rounded (integer
//   values beyond 2^24 too): keep a CSV or JSONL output for exact values. NaN and infinities are
//   written: they are floats, TensorBoard loads them, and a loss that became NaN is what a
//   training curve must show (PyTorch's add_scalar writes them too).
//
// What it drops, counted by reason (`drops()`, every reason a `drop_cause::format_rule`):
//   "value beyond float range"  a finite value whose magnitude is above FLT_MAX: as a float it
//                               would be an infinity that the log never had;
//   "invalid tag"               the metric's name is empty or not UTF-8 (protobuf `string` fields
//                               must be UTF-8; TensorBoard's parser refuses the event otherwise).

#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/crc32c.hpp"
#include "../detail/protobuf.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

/// Whether `text` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
constexpr bool is_utf8(std::string_view text) noexcept {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t more = 0;
        unsigned char low = 0x80, high = 0xbf;  // the range of the second byte
        if (c >= 0xc2 && c <= 0xdf) {
            more = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            more = 2;
            if (c == 0xe0) low = 0xa0;
            if (c == 0xed) high = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            more = 3;
            if (c == 0xf0) low = 0x90;
            if (c == 0xf4) high = 0x8f;
        } else {
            return false;
        }
        if (n - i <= more) return false;
        for (std::size_t k = 1; k <= more; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if (k == 1 ? (next < low || next > high) : (next < 0x80 || next > 0xbf)) return false;
        }
        i += more + 1;
    }
    return true;
}

}  // namespace detail

/// Formats samples as TensorBoard event records (see the top of this file). One object per
/// writer; not thread-safe. Appending does not allocate once `out` and the format's scratch
/// buffer have grown to an event.
class tensorboard_format {
public:
    /// The first record's `file_version`: the event file format TensorBoard reads.
    static constexpr std::string_view file_version = "brain.Event:2";

    enum class drop_reason : std::uint8_t { beyond_float_range, invalid_tag };
    static constexpr std::size_t drop_reasons = 2;

    /// Seconds since the Unix epoch, as `wall_time` holds them.
    static double wall_time(timestamp t) noexcept {
        return std::chrono::duration<double>(t.time_since_epoch()).count();
    }

    /// Appends `data` as one TFRecord: length, masked CRC of the length, data, masked CRC of data.
    static void append_record(fmt::memory_buffer& out, std::string_view data) {
        std::array<unsigned char, 8> length{};
        for (std::size_t i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(data.size() >> (8 * i));
        out.append(reinterpret_cast<const char*>(length.data()), reinterpret_cast<const char*>(length.data()) + 8);
        detail::protobuf::append_little_endian(out, detail::mask_crc32c(detail::crc32c(length.data(), 8)), 4);
        detail::protobuf::append_bytes(out, data);
        detail::protobuf::append_little_endian(out, detail::mask_crc32c(detail::crc32c(data)), 4);
    }

    /// Appends the record every event file starts with: `wall_time` = `now`, `file_version`.
    void append_file_version(fmt::memory_buffer& out, timestamp now) {
        namespace pb = detail::protobuf;
        event_.clear();
        event_.push_back('\x09');
        pb::append_little_endian(event_, std::bit_cast<std::uint64_t>(wall_time(now)), 8);
        event_.push_back('\x1a');
        pb::append_varint(event_, file_version.size());
        pb::append_bytes(event_, file_version);
        append_record(out, std::string_view(event_.data(), event_.size()));
    }

    /// Appends the record of one sample's event, or counts why it is dropped; true if appended.
    bool append(fmt::memory_buffer& out, const sample& s) {
        namespace pb = detail::protobuf;
        float value = 0;
        if (s.type == value_type::integer) {
            value = static_cast<float>(s.integer);
        } else if (std::isfinite(s.value) && std::fabs(s.value) > std::numeric_limits<float>::max()) {
            return count(drop_reason::beyond_float_range);
        } else {
            value = static_cast<float>(s.value);
        }
        if (s.name.empty() || !detail::is_utf8(s.name)) return count(drop_reason::invalid_tag);
        // Value { 1: tag, 2: simple_value }, inside Summary { 1: value }, inside Event { 5: summary }.
        const std::size_t value_size = 1 + pb::varint_size(s.name.size()) + s.name.size() + 1 + 4;
        const std::size_t summary_size = 1 + pb::varint_size(value_size) + value_size;
        event_.clear();
        event_.push_back('\x09');
        pb::append_little_endian(event_, std::bit_cast<std::uint64_t>(wall_time(s.time)), 8);
        event_.push_back('\x10');
        pb::append_varint(event_, s.step);
        event_.push_back('\x2a');
        pb::append_varint(event_, summary_size);
        event_.push_back('\x0a');
        pb::append_varint(event_, value_size);
        event_.push_back('\x0a');
        pb::append_varint(event_, s.name.size());
        pb::append_bytes(event_, s.name);
        event_.push_back('\x15');
        pb::append_little_endian(event_, std::bit_cast<std::uint32_t>(value), 4);
        append_record(out, std::string_view(event_.data(), event_.size()));
        return true;
    }

    /// Samples dropped so far, by reason (see the top of this file), in the order of
    /// `drop_reason`; the reasons are static strings.
    std::span<const drop_count> drops() const noexcept { return drops_; }

    std::uint64_t dropped(drop_reason reason) const noexcept { return drops_[static_cast<std::size_t>(reason)].count; }

private:
    bool count(drop_reason reason) noexcept {
        ++drops_[static_cast<std::size_t>(reason)].count;
        return false;
    }

    std::array<drop_count, drop_reasons> drops_{
        {{"value beyond float range", 0, drop_cause::format_rule}, {"invalid tag", 0, drop_cause::format_rule}}};
    fmt::memory_buffer event_;  // the event being framed, reused
};

LOGMETRICS_END_NAMESPACE
