// SPDX-License-Identifier: MIT
// TensorBoard event files: CRC-32C on the standard vectors, the TFRecord mask and framing, the
// Event encoding read back by a small protobuf reader of the test's own, and the sink's files
// (formats/tensorboard.hpp, sinks/tensorboard.hpp, detail/crc32c.hpp).

#include <unistd.h>

#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"
#include "support/samples.hpp"

#include <logmetrics/detail/crc32c.hpp>
#include <logmetrics/error.hpp>
#include <logmetrics/formats/tensorboard.hpp>
#include <logmetrics/sinks/tensorboard.hpp>

namespace {

using namespace std::chrono_literals;
using logmetrics::sample;
using logmetrics::tensorboard_format;
using logmetrics::tensorboard_options;
using logmetrics::tensorboard_sink;
using logmetrics::detail::crc32c;
using logmetrics::detail::mask_crc32c;
using test_support::fixed_time;
using test_support::make_integer_sample;
using test_support::make_sample;

std::uint32_t crc_of(const std::vector<unsigned char>& bytes) { return crc32c(bytes.data(), bytes.size()); }

/// The textbook bit-at-a-time CRC-32C, to check the table-driven one against.
std::uint32_t bitwise_crc32c(const unsigned char* data, std::size_t size) {
    std::uint32_t crc = 0xffffffffu;
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? 0x82f63b78u : 0u);
    }
    return ~crc;
}

std::uint64_t little_endian(std::string_view bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i)
        value |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
    return value;
}

/// The payloads of a TFRecord file; every length and CRC is checked (REQUIREd).
std::vector<std::string> read_records(std::string_view bytes) {
    std::vector<std::string> records;
    while (!bytes.empty()) {
        REQUIRE(bytes.size() >= 16);
        const std::string_view length_bytes = bytes.substr(0, 8);
        const std::uint64_t length = little_endian(length_bytes);
        REQUIRE(little_endian(bytes.substr(8, 4)) == mask_crc32c(crc32c(length_bytes)));
        REQUIRE(bytes.size() >= 16 + length);
        const std::string_view data = bytes.substr(12, length);
        REQUIRE(little_endian(bytes.substr(12 + length, 4)) == mask_crc32c(crc32c(data)));
        records.emplace_back(data);
        bytes.remove_prefix(16 + length);
    }
    return records;
}

/// One field of a protobuf message: its number, wire type, and value (varint/fixed as an
/// integer, length-delimited as bytes).
struct field {
    std::uint32_t number = 0;
    int wire_type = 0;
    std::uint64_t integer = 0;
    std::string bytes;
};

std::uint64_t read_varint(std::string_view& in) {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        REQUIRE(!in.empty());
        const auto byte = static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
        value |= std::uint64_t{byte & 0x7fu} << shift;
        if ((byte & 0x80u) == 0) return value;
    }
    FAIL("varint longer than 10 bytes");
    return 0;
}

std::vector<field> read_message(std::string_view in) {
    std::vector<field> fields;
    while (!in.empty()) {
        const std::uint64_t key = read_varint(in);
        field f;
        f.number = static_cast<std::uint32_t>(key >> 3);
        f.wire_type = static_cast<int>(key & 7);
        switch (f.wire_type) {
            case 0: f.integer = read_varint(in); break;
            case 1:
                REQUIRE(in.size() >= 8);
                f.integer = little_endian(in.substr(0, 8));
                in.remove_prefix(8);
                break;
            case 2: {
                const std::uint64_t size = read_varint(in);
                REQUIRE(in.size() >= size);
                f.bytes = std::string(in.substr(0, size));
                in.remove_prefix(size);
                break;
            }
            case 5:
                REQUIRE(in.size() >= 4);
                f.integer = little_endian(in.substr(0, 4));
                in.remove_prefix(4);
                break;
            default: FAIL("unexpected wire type " << f.wire_type);
        }
        fields.push_back(std::move(f));
    }
    return fields;
}

/// A tensorboard.Event as far as logmetrics writes it.
struct event {
    std::optional<double> wall_time;
    std::optional<std::int64_t> step;
    std::optional<std::string> file_version;
    std::vector<std::pair<std::string, float>> values;  // summary.value: tag, simple_value
};

event decode_event(std::string_view data) {
    event e;
    for (const field& f : read_message(data)) {
        if (f.number == 1 && f.wire_type == 1) {
            e.wall_time = std::bit_cast<double>(f.integer);
        } else if (f.number == 2 && f.wire_type == 0) {
            e.step = static_cast<std::int64_t>(f.integer);
        } else if (f.number == 3 && f.wire_type == 2) {
            e.file_version = f.bytes;
        } else if (f.number == 5 && f.wire_type == 2) {
            for (const field& v : read_message(f.bytes)) {
                REQUIRE(v.number == 1);
                REQUIRE(v.wire_type == 2);
                std::pair<std::string, float> value;
                for (const field& member : read_message(v.bytes)) {
                    if (member.number == 1 && member.wire_type == 2) value.first = member.bytes;
                    if (member.number == 2 && member.wire_type == 5) {
                        value.second = std::bit_cast<float>(static_cast<std::uint32_t>(member.integer));
                    }
                }
                e.values.push_back(value);
            }
        } else {
            FAIL("unexpected field " << f.number << " of wire type " << f.wire_type);
        }
    }
    return e;
}

std::string text_of(const fmt::memory_buffer& buffer) { return std::string(buffer.data(), buffer.size()); }

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// A fresh directory under the system's temporary one, removed at the end of the test.
struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "logmetrics-tb-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

std::uint64_t drop(const tensorboard_sink& sink, std::string_view reason) {
    for (const auto& d : sink.drops()) {
        if (d.reason == reason) return d.count;
    }
    FAIL("no drop reason " << reason);
    return 0;
}

}  // namespace

TEST_CASE("crc32c: the check value and RFC 3720 B.4's vectors", "[tensorboard][crc32c]") {
    CHECK(crc32c("123456789") == 0xE3069283u);
    CHECK(crc32c("") == 0u);
    CHECK(crc_of(std::vector<unsigned char>(32, 0x00)) == 0x8A9136AAu);
    CHECK(crc_of(std::vector<unsigned char>(32, 0xFF)) == 0x62A8AB43u);
    std::vector<unsigned char> ascending(32), descending(32);
    for (unsigned i = 0; i < 32; ++i) {
        ascending[i] = static_cast<unsigned char>(i);
        descending[i] = static_cast<unsigned char>(31 - i);
    }
    CHECK(crc_of(ascending) == 0x46DD794Eu);
    CHECK(crc_of(descending) == 0x113FDB5Cu);
    // B.4's iSCSI read command PDU.
    const std::vector<unsigned char> read_pdu = {
        0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
        0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    CHECK(crc_of(read_pdu) == 0xD9963A56u);
    // constexpr: a check value at compile time.
    static constexpr std::array<unsigned char, 9> digits = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    static_assert(logmetrics::detail::crc32c(digits.data(), digits.size()) == 0xE3069283u);
}

TEST_CASE("crc32c: slicing-by-8 equals the bitwise CRC at every length and alignment, and extends",
          "[tensorboard][crc32c]") {
    std::vector<unsigned char> bytes(300);
    std::uint32_t x = 12345;
    for (auto& b : bytes) {
        x = x * 1103515245u + 12345u;
        b = static_cast<unsigned char>(x >> 16);
    }
    for (std::size_t begin = 0; begin < 9; ++begin) {
        for (std::size_t size = 0; begin + size <= 100; ++size) {
            CAPTURE(begin, size);
            REQUIRE(crc32c(bytes.data() + begin, size) == bitwise_crc32c(bytes.data() + begin, size));
        }
    }
    for (std::size_t split = 0; split <= bytes.size(); split += 37) {
        const std::uint32_t head = crc32c(bytes.data(), split);
        CHECK(logmetrics::detail::crc32c_extend(head, bytes.data() + split, bytes.size() - split) ==
              crc32c(bytes.data(), bytes.size()));
    }
}

TEST_CASE("TFRecord mask: rotate right by 15, add 0xa282ead8, and back", "[tensorboard][crc32c]") {
    CHECK(mask_crc32c(0) == 0xa282ead8u);
    CHECK(mask_crc32c(0xE3069283u) == 0xc78ab0e5u);  // python3-crc32c and the mask in Python
    for (const std::uint32_t crc : {0u, 1u, 0x80000000u, 0xffffffffu, 0xE3069283u, 0x12345678u}) {
        CHECK(logmetrics::detail::unmask_crc32c(mask_crc32c(crc)) == crc);
    }
}

TEST_CASE("TFRecord framing: length, masked CRC of the length, data, masked CRC of the data", "[tensorboard]") {
    fmt::memory_buffer out;
    tensorboard_format::append_record(out, "abc");
    const std::string bytes = text_of(out);
    REQUIRE(bytes.size() == 8 + 4 + 3 + 4);
    CHECK(bytes.substr(0, 8) == std::string("\x03\0\0\0\0\0\0\0", 8));
    CHECK(little_endian(std::string_view(bytes).substr(8, 4)) == 0x0e4999b0u);  // python3-crc32c
    CHECK(bytes.substr(12, 3) == "abc");
    CHECK(little_endian(std::string_view(bytes).substr(15, 4)) == 0x21f1576eu);  // python3-crc32c
    CHECK(read_records(bytes) == std::vector<std::string>{"abc"});
    out.clear();
    tensorboard_format::append_record(out, "");
    CHECK(read_records(text_of(out)) == std::vector<std::string>{""});
}

TEST_CASE("events: file_version first, then one event per sample with wall_time, step, tag, simple_value",
          "[tensorboard]") {
    tensorboard_format format;
    fmt::memory_buffer out;
    format.append_file_version(out, fixed_time());
    CHECK(format.append(out, make_sample("train/loss", 0.5, 1)));
    CHECK(format.append(out, make_sample("val:acc", 0.1, 0, 2, {}, fixed_time(1500ms))));
    CHECK(format.append(out, make_integer_sample("tokens", 123456789, 300)));
    const std::vector<std::string> records = read_records(text_of(out));
    REQUIRE(records.size() == 4);

    const event first = decode_event(records[0]);
    CHECK(first.file_version == std::optional<std::string>("brain.Event:2"));
    CHECK(first.wall_time == std::optional<double>(1795309323.456));
    CHECK(first.values.empty());

    const event loss = decode_event(records[1]);
    CHECK(loss.wall_time == std::optional<double>(1795309323.456));
    CHECK(loss.step == std::optional<std::int64_t>(1));
    CHECK_FALSE(loss.file_version);
    REQUIRE(loss.values.size() == 1);
    CHECK(loss.values[0].first == "train/loss");
    CHECK(loss.values[0].second == 0.5f);
    // The bytes protoc --decode_raw shows as `2: 1  5 { 1 { 1: "train/loss" 2: 0x3f000000 } }`.
    CHECK(records[1].substr(9) == std::string("\x10\x01\x2a\x13\x0a\x11\x0a\x0atrain/loss\x15\x00\x00\x00\x3f", 23));

    const event acc = decode_event(records[2]);
    CHECK(acc.wall_time == std::optional<double>(1795309324.956));
    CHECK(acc.step == std::optional<std::int64_t>(0));  // written even when 0
    CHECK(acc.values == std::vector<std::pair<std::string, float>>{{"val:acc", 0.1f}});

    const event tokens = decode_event(records[3]);
    CHECK(tokens.step == std::optional<std::int64_t>(300));
    CHECK(tokens.values == std::vector<std::pair<std::string, float>>{{"tokens", 123456789.0f}});
}

TEST_CASE("events: long tags and large steps take multi-byte varints", "[tensorboard]") {
    tensorboard_format format;
    fmt::memory_buffer out;
    const std::string tag(300, 'x');
    REQUIRE(format.append(out, make_sample(tag, -2.25, 1ull << 40)));
    const event e = decode_event(read_records(text_of(out)).at(0));
    CHECK(e.step == std::optional<std::int64_t>(std::int64_t{1} << 40));
    CHECK(e.values == std::vector<std::pair<std::string, float>>{{tag, -2.25f}});
}

TEST_CASE("events: NaN and infinities are written, beyond float range and bad tags are dropped", "[tensorboard]") {
    tensorboard_format format;
    fmt::memory_buffer out;
    CHECK(format.append(out, make_sample("loss", test_support::nan_value)));
    CHECK(format.append(out, make_sample("loss", -test_support::inf_value)));
    CHECK(format.append(out, make_sample("loss", 3.0e38)));  // rounds to FLT_MAX, no overflow
    CHECK_FALSE(format.append(out, make_sample("loss", 1e39)));
    CHECK_FALSE(format.append(out, make_sample("loss", -1e300)));
    CHECK_FALSE(format.append(out, make_sample("", 1)));
    CHECK_FALSE(format.append(out, make_sample("bad\xff", 1)));
    CHECK_FALSE(format.append(out, make_sample("\xed\xa0\x80", 1)));  // a surrogate
    CHECK(format.append(out, make_sample("caf\xc3\xa9/\xf0\x9f\x94\xa5", 1)));
    const std::vector<std::string> records = read_records(text_of(out));
    REQUIRE(records.size() == 4);
    CHECK(std::isnan(decode_event(records[0]).values.at(0).second));
    CHECK(decode_event(records[1]).values.at(0).second == -std::numeric_limits<float>::infinity());
    CHECK(std::isfinite(decode_event(records[2]).values.at(0).second));
    CHECK(decode_event(records[3]).values.at(0).first == "caf\xc3\xa9/\xf0\x9f\x94\xa5");
    CHECK(format.dropped(tensorboard_format::drop_reason::beyond_float_range) == 2);
    CHECK(format.dropped(tensorboard_format::drop_reason::invalid_tag) == 3);
    REQUIRE(format.drops().size() == 2);
    CHECK(format.drops()[0].reason == "value beyond float range");
    CHECK(format.drops()[1].reason == "invalid tag");
}

TEST_CASE("tensorboard_sink: one file in the directory, buffered until flush or a tick", "[tensorboard]") {
    temp_dir dir;
    const auto root = dir.path / "runs" / "job1";  // parents are created
    tensorboard_options options;
    options.host = "gpu-1";
    options.flush_interval = 2s;
    tensorboard_sink sink(root, options, [] { return fixed_time(); });
    REQUIRE(sink.files().size() == 1);
    const std::filesystem::path file = sink.files()[0];
    CHECK(file == root / "events.out.tfevents.1795309323.gpu-1");
    CHECK(std::filesystem::file_size(file) == 0);

    sink.write(make_sample("loss", 1.5, 0, 1, "a.log"));
    sink.write(make_sample("loss", 1.25, 1, 2, "b.log"));  // another stream: the same run
    sink.tick(fixed_time());
    sink.tick(fixed_time(1999ms));
    CHECK(std::filesystem::file_size(file) == 0);
    sink.tick(fixed_time(2000ms));
    std::vector<std::string> records = read_records(read_file(file));
    REQUIRE(records.size() == 3);
    CHECK(decode_event(records[0]).file_version == std::optional<std::string>("brain.Event:2"));
    CHECK(decode_event(records[2]).values == std::vector<std::pair<std::string, float>>{{"loss", 1.25f}});

    const std::vector<sample> batch = {make_sample("acc", 0.5, 0), make_sample("acc", 0.75, 1)};
    sink.write(batch);
    sink.flush();
    CHECK(read_records(read_file(file)).size() == 5);
    sink.close();
    for (const auto& d : sink.drops()) CHECK(d.count == 0);
    sink.write(make_sample("late", 1));
    CHECK(drop(sink, "write failed") == 1);
}

TEST_CASE("tensorboard_sink: a file that exists is never overwritten", "[tensorboard]") {
    temp_dir dir;
    tensorboard_options options;
    options.host = "h";
    const auto clock = [] { return fixed_time(); };
    { std::ofstream(dir.path / "events.out.tfevents.1795309323.h") << "keep"; }
    tensorboard_sink sink(dir.path, options, clock);
    CHECK(sink.files().at(0) == dir.path / "events.out.tfevents.1795309323.h.1");
    sink.close();
    CHECK(read_file(dir.path / "events.out.tfevents.1795309323.h") == "keep");
}

TEST_CASE("tensorboard_sink: a run directory per stream, its name a safe path component", "[tensorboard]") {
    temp_dir dir;
    tensorboard_options options;
    options.run_per_stream = true;
    options.host = "my host/x";  // made safe too
    tensorboard_sink sink(dir.path, options, [] { return fixed_time(); });
    CHECK(sink.files().empty());
    const std::vector<std::string> labels = {"pod-0", "logs/train.log", "..", "logs:train.log", "pod-0"};
    for (std::size_t i = 0; i < labels.size(); ++i) sink.write(make_sample("loss", double(i), i, i + 1, labels[i]));
    sink.close();
    const std::vector<std::filesystem::path> files = sink.files();
    REQUIRE(files.size() == 4);
    CHECK(files[0] == dir.path / "pod-0" / "events.out.tfevents.1795309323.my_host_x");
    CHECK(files[1].parent_path() == dir.path / "logs_train.log");
    CHECK(files[2].parent_path() == dir.path / "_..");
    CHECK(files[3].parent_path() == dir.path / "logs_train.log-2");  // the same safe name: a suffix
    const std::vector<std::string> pod = read_records(read_file(files[0]));
    REQUIRE(pod.size() == 3);
    CHECK(decode_event(pod[0]).file_version);
    CHECK(decode_event(pod[1]).values.at(0).second == 0.0f);
    CHECK(decode_event(pod[2]).values.at(0).second == 4.0f);
    CHECK(decode_event(pod[2]).step == std::optional<std::int64_t>(4));
    CHECK(read_records(read_file(files[3])).size() == 2);
    CHECK(tensorboard_sink::path_component("") == "_");
    CHECK(tensorboard_sink::path_component(".hidden") == "_.hidden");
    CHECK(tensorboard_sink::path_component(std::string(300, 'a')) == std::string(200, 'a'));
}

TEST_CASE("tensorboard_sink: a directory it cannot make fails at start, with the path", "[tensorboard]") {
    temp_dir dir;
    { std::ofstream(dir.path / "file") << "x"; }
    for (const auto& bad : {dir.path / "file", dir.path / "file" / "sub"}) {
        CAPTURE(bad);
        try {
            tensorboard_sink sink(bad);
            FAIL("no error");
        } catch (const logmetrics::error& e) {
            CHECK(e.code() == logmetrics::errc::io_error);
            CHECK(std::string(e.what()).find("tensorboard: cannot create directory " + bad.string()) !=
                  std::string::npos);
        }
    }
    tensorboard_options options;
    options.buffer_bytes = 0;
    CHECK_THROWS_AS(tensorboard_sink(dir.path / "ok", options), logmetrics::error);
}

TEST_CASE("tensorboard_sink: a stream whose run cannot be made loses its samples, counted, the others go on",
          "[tensorboard]") {
    temp_dir dir;
    tensorboard_options options;
    options.run_per_stream = true;
    tensorboard_sink sink(dir.path, options);
    { std::ofstream(dir.path / "blocked") << "a file where the run directory would be"; }
    sink.write(make_sample("loss", 1, 0, 1, "blocked"));
    sink.write(make_sample("loss", 2, 0, 1, "fine"));
    sink.write(make_sample("loss", 3, 1, 2, "blocked"));
    CHECK(drop(sink, "cannot create event file") == 2);
    CHECK(drop(sink, "write failed") == 0);
    try {
        sink.flush();
        FAIL("no error");
    } catch (const logmetrics::error& e) {
        CHECK(e.code() == logmetrics::errc::io_error);
        CHECK(std::string(e.what()).find("tensorboard: cannot create " + (dir.path / "blocked").string()) !=
              std::string::npos);
    }
    CHECK_THROWS_AS(sink.close(), logmetrics::error);
    REQUIRE(sink.files().size() == 2);
    CHECK(read_records(read_file(sink.files()[1])).size() == 2);
}

TEST_CASE("tensorboard_sink: a full buffer is written out without waiting for a tick", "[tensorboard]") {
    temp_dir dir;
    tensorboard_options options;
    options.buffer_bytes = 200;
    tensorboard_sink sink(dir.path, options);
    for (int i = 0; i < 10; ++i) sink.write(make_sample("loss", i, static_cast<std::uint64_t>(i)));
    const auto size = std::filesystem::file_size(sink.files().at(0));
    CHECK(size >= 200);
    CHECK(read_records(read_file(sink.files().at(0))).size() >= 4);
    sink.close();
    CHECK(read_records(read_file(sink.files().at(0))).size() == 11);
}

TEST_CASE("tensorboard_sink: at most max_open_files open, a closed run reopened for appending, one file per run",
          "[tensorboard]") {
    temp_dir dir;
    tensorboard_options options;
    options.run_per_stream = true;
    options.max_open_files = 3;
    options.buffer_bytes = 64;  // a few samples fill a buffer: files are written out while others are open
    tensorboard_sink sink(dir.path, options, [] { return fixed_time(); });
    constexpr std::size_t streams = 40;
    constexpr std::size_t rounds = 5;
    for (std::size_t round = 0; round < rounds; ++round) {
        for (std::size_t i = 0; i < streams; ++i) {
            sink.write(make_sample("loss", double(round), round, 1, fmt::format("in-{}", i)));
            CHECK(sink.open_files() <= 3);
        }
    }
    CHECK(sink.reopens() > 0);
    sink.tick(fixed_time());
    sink.tick(fixed_time() + 10s);  // writes every run's buffer out, reopening the closed ones
    CHECK(sink.open_files() <= 3);
    sink.close();
    CHECK(sink.open_files() == 0);
    const std::vector<std::filesystem::path> files = sink.files();
    REQUIRE(files.size() == streams);
    for (std::size_t i = 0; i < streams; ++i) {
        CAPTURE(i);
        CHECK(files[i].parent_path() == dir.path / fmt::format("in-{}", i));
        // One file in the run's directory: appended to, never a second one.
        CHECK(std::distance(std::filesystem::directory_iterator(files[i].parent_path()),
                            std::filesystem::directory_iterator()) == 1);
        const std::vector<std::string> records = read_records(read_file(files[i]));
        REQUIRE(records.size() == 1 + rounds);
        CHECK(decode_event(records[0]).file_version);
        for (std::size_t round = 0; round < rounds; ++round) {
            const event e = decode_event(records[1 + round]);
            CHECK(e.step == std::optional<std::int64_t>(static_cast<std::int64_t>(round)));
            CHECK(e.values.at(0).second == float(round));
        }
    }
    CHECK(drop(sink, "write failed") == 0);
    CHECK(drop(sink, "cannot create event file") == 0);
}

TEST_CASE("tensorboard_sink: a closed run whose file was removed loses its records as write failed", "[tensorboard]") {
    temp_dir dir;
    tensorboard_options options;
    options.run_per_stream = true;
    options.max_open_files = 1;
    tensorboard_sink sink(dir.path, options, [] { return fixed_time(); });
    sink.write(make_sample("loss", 1, 0, 1, "a"));
    sink.write(make_sample("loss", 2, 0, 1, "b"));  // closes a's file (written out first)
    CHECK(sink.open_files() == 1);
    CHECK(read_records(read_file(sink.files()[0])).size() == 2);
    std::filesystem::remove(sink.files()[0]);
    sink.write(make_sample("loss", 3, 1, 2, "a"));
    CHECK_THROWS_AS(sink.flush(), logmetrics::error);  // a cannot be reopened
    CHECK(drop(sink, "write failed") == 1);
    CHECK_THROWS_AS(sink.close(), logmetrics::error);
    CHECK(read_records(read_file(sink.files()[1])).size() == 2);
    tensorboard_options zero;
    zero.max_open_files = 0;
    CHECK_THROWS_AS(tensorboard_sink(dir.path / "z", zero), logmetrics::error);
}
