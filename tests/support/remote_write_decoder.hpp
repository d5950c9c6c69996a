// SPDX-License-Identifier: MIT
#pragma once
// A small, strict protobuf decoder for remote-write WriteRequests (formats/remote_write.hpp), for
// the tests: written from the wire format spec (protobuf.dev, "Encoding") and prompb's
// remote.proto/types.proto, independently of the encoder. It throws std::runtime_error on any
// byte it does not expect (an unknown field, a wrong wire type, a length past the end), so a test
// that decodes a body also checks that nothing else is in it.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace test_support {

struct rw_sample {
    double value = 0;
    std::uint64_t value_bits = 0;
    std::int64_t timestamp = 0;
};

struct rw_series {
    std::vector<std::pair<std::string, std::string>> labels;  // in the order sent
    std::vector<rw_sample> samples;

    /// The value of label `name`, or "" when absent.
    std::string label(std::string_view name) const {
        for (const auto& [key, value] : labels) {
            if (key == name) return value;
        }
        return {};
    }
};

class rw_reader {
public:
    explicit rw_reader(std::string_view bytes) : bytes_(bytes) {}

    bool done() const noexcept { return at_ == bytes_.size(); }

    std::uint64_t varint() {
        std::uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at_ >= bytes_.size()) throw std::runtime_error("varint past the end");
            const auto byte = static_cast<unsigned char>(bytes_[at_++]);
            value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0) return value;
        }
        throw std::runtime_error("varint longer than 10 bytes");
    }

    std::uint64_t fixed64() {
        if (bytes_.size() - at_ < 8) throw std::runtime_error("fixed64 past the end");
        std::uint64_t value = 0;
        for (int i = 0; i < 8; ++i)
            value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[at_++])) << (8 * i);
        return value;
    }

    std::string_view delimited() {
        const std::uint64_t length = varint();
        if (length > bytes_.size() - at_) throw std::runtime_error("length past the end");
        const std::string_view part = bytes_.substr(at_, length);
        at_ += length;
        return part;
    }

    /// The next tag as (field, wire type).
    std::pair<std::uint64_t, std::uint64_t> tag() {
        const std::uint64_t t = varint();
        return {t >> 3, t & 7};
    }

private:
    std::string_view bytes_;
    std::size_t at_ = 0;
};

inline std::pair<std::string, std::string> decode_rw_label(std::string_view bytes) {
    rw_reader in(bytes);
    std::pair<std::string, std::string> label;
    while (!in.done()) {
        const auto [field, type] = in.tag();
        if (type != 2 || (field != 1 && field != 2)) throw std::runtime_error("unexpected field in Label");
        (field == 1 ? label.first : label.second) = std::string(in.delimited());
    }
    return label;
}

inline rw_sample decode_rw_sample(std::string_view bytes) {
    rw_reader in(bytes);
    rw_sample s;
    while (!in.done()) {
        const auto [field, type] = in.tag();
        if (field == 1 && type == 1) {
            s.value_bits = in.fixed64();
            s.value = std::bit_cast<double>(s.value_bits);
        } else if (field == 2 && type == 0) {
            s.timestamp = static_cast<std::int64_t>(in.varint());
        } else {
            throw std::runtime_error("unexpected field in Sample");
        }
    }
    return s;
}

/// The TimeSeries of a WriteRequest, in order.
inline std::vector<rw_series> decode_write_request(std::string_view bytes) {
    rw_reader in(bytes);
    std::vector<rw_series> result;
    while (!in.done()) {
        const auto [field, type] = in.tag();
        if (field != 1 || type != 2) throw std::runtime_error("unexpected field in WriteRequest");
        rw_reader series(in.delimited());
        rw_series one;
        while (!series.done()) {
            const auto [f, t] = series.tag();
            if (t != 2) throw std::runtime_error("unexpected wire type in TimeSeries");
            if (f == 1) {
                one.labels.push_back(decode_rw_label(series.delimited()));
            } else if (f == 2) {
                one.samples.push_back(decode_rw_sample(series.delimited()));
            } else {
                throw std::runtime_error("unexpected field in TimeSeries");
            }
        }
        result.push_back(std::move(one));
    }
    return result;
}

}  // namespace test_support
