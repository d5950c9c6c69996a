// SPDX-License-Identifier: MIT
#pragma once
// jsonl_format: one JSON object per sample per line (JSON Lines), keys in a fixed order:
//     {"line":12,"name":"train:loss","value":0.25,"step":3,"timestamp":"2026-11-22T01:02:03.456Z","stream":"pod-0"}
// Pure: it appends bytes to an fmt::memory_buffer and does no I/O (jsonl_sink writes them).
//
// - value: a JSON number (integer-typed values exactly); NaN and infinities, which JSON numbers
//   cannot hold, are the strings "nan", "inf", "-inf" (detail/text/number_text.hpp).
// - name, stream: JSON strings, escaped by hand with ill-formed UTF-8 replaced by U+FFFD
//   (detail/text/json_escape.hpp; fmt's `{:?}` is not JSON), so every line is valid JSON and
//   valid UTF-8. "stream" is left out when the sample's label is empty.
// - timestamp: ISO 8601 UTC with milliseconds (detail/text/time_text.hpp).

#include <string_view>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/text/json_escape.hpp"
#include "../detail/text/number_text.hpp"
#include "../detail/text/time_text.hpp"
#include "../sample.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Formats samples as JSON Lines. Keeps the text of the last second it wrote (one object per
/// output; not thread-safe). Appending does not allocate once the buffer has grown.
class jsonl_format {
public:
    /// Appends the line of `s`, newline included.
    void append(fmt::memory_buffer& out, const sample& s) {
        detail::append_text(out, "{\"line\":");
        detail::append_unsigned(out, s.line);
        detail::append_text(out, ",\"name\":");
        detail::append_json_string(out, s.name);
        detail::append_text(out, ",\"value\":");
        detail::append_json_value(out, s);
        detail::append_text(out, ",\"step\":");
        detail::append_unsigned(out, s.step);
        detail::append_text(out, ",\"timestamp\":\"");
        time_.append(out, s.time);
        out.push_back('"');
        if (!s.stream.empty()) {
            detail::append_text(out, ",\"stream\":");
            detail::append_json_string(out, s.stream);
        }
        detail::append_text(out, "}\n");
    }

private:
    detail::iso8601_writer time_;
};

LOGMETRICS_END_NAMESPACE
