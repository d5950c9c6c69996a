// SPDX-License-Identifier: MIT
#pragma once
// recording_sink: keeps a copy of every sample it is given (names and labels copied), for tests.

#include <ostream>
#include <string>
#include <vector>

#include "logmetrics/sample.hpp"
#include "logmetrics/sink.hpp"

namespace test_support {

struct recorded_sample {
    std::size_t definition;
    std::string name;
    double value;
    std::int64_t integer;
    std::uint64_t step;
    std::uint64_t line;
    std::string stream;
    logmetrics::timestamp time;

    bool operator==(const recorded_sample& other) const {
        // NaN compares equal to NaN here: samples are equal when they say the same thing.
        const bool same_value = value == other.value || (value != value && other.value != other.value);
        return definition == other.definition && name == other.name && same_value && integer == other.integer &&
               step == other.step && line == other.line && stream == other.stream;
    }
};

inline std::ostream& operator<<(std::ostream& out, const recorded_sample& s) {
    return out << "{line " << s.line << ", " << s.name << " (definition " << s.definition << ") = " << s.value
               << ", step " << s.step << ", stream '" << s.stream << "'}";
}

struct recording_sink {
    std::vector<recorded_sample> samples;
    int flushes = 0;

    void write(const logmetrics::sample& s) {
        samples.push_back(
            {s.definition, std::string(s.name), s.value, s.integer, s.step, s.line, std::string(s.stream), s.time});
    }
    void flush() { ++flushes; }
};

static_assert(logmetrics::metric_sink<recording_sink>);

}  // namespace test_support
