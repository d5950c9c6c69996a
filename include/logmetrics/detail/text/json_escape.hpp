// SPDX-License-Identifier: MIT
#pragma once
// JSON strings per RFC 8259, written by hand because no library we use fits: nlohmann/json
// allocates a string per call and fmt's `{:?}` is not JSON (it writes `\x01`). The output is
// always valid UTF-8: bytes that are not well-formed UTF-8 become U+FFFD (RFC 3629's rules).

#include <cstddef>
#include <string_view>

#include "../../config.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

/// The replacement character U+FFFD in UTF-8.
inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

/// Reads the bytes at `text[i]`, a byte >= 0x80. Returns the length of the well-formed UTF-8
/// sequence starting there (`valid` set), or the length of its longest ill-formed prefix, which
/// is replaced by a single U+FFFD (`valid` cleared; at least 1). The rules are RFC 3629's:
/// no overlong forms, no surrogates, nothing above U+10FFFF.
constexpr std::size_t scan_utf8(std::string_view text, std::size_t i, bool& valid) noexcept {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned low = 0x80, high = 0xBF;  // the range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // overlong
        if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // overlong
        if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
        valid = false;  // a continuation byte, C0, C1 or F5..FF
        return 1;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if (i + k >= text.size()) {
            valid = false;
            return k;
        }
        const auto byte = static_cast<unsigned char>(text[i + k]);
        if (byte < low || byte > high) {
            valid = false;
            return k;
        }
        low = 0x80;
        high = 0xBF;
    }
    valid = true;
    return length;
}

/// Writes the JSON escaping of `text`, without the surrounding quotes, as a series of calls
/// `put(std::string_view)`: unescaped runs go out whole. `"` and `\` are escaped, control
/// characters as `\b \f \n \r \t` or `\u00XX`, and ill-formed UTF-8 is replaced by U+FFFD.
template <class Put>
void escape_json(std::string_view text, Put&& put) {
    constexpr char hex[] = "0123456789abcdef";
    std::size_t run = 0;  // start of the pending run of bytes that need no escaping
    std::size_t i = 0;
    auto flush_run = [&] {
        if (i > run) put(text.substr(run, i - run));
    };
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            bool valid = false;
            const std::size_t length = scan_utf8(text, i, valid);
            if (!valid) {
                flush_run();
                put(replacement_character);
                run = i + length;
            }
            i += length;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        flush_run();
        switch (c) {
            case '"': put("\\\""); break;
            case '\\': put("\\\\"); break;
            case '\b': put("\\b"); break;
            case '\f': put("\\f"); break;
            case '\n': put("\\n"); break;
            case '\r': put("\\r"); break;
            case '\t': put("\\t"); break;
            default: {
                const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
                put(std::string_view(escaped, sizeof escaped));
            }
        }
        run = ++i;
    }
    flush_run();
}

/// Appends `text` to `out` as a JSON string, quotes included (see `escape_json`). `Text` is a
/// std::string or an fmt::memory_buffer (anything with `push_back(char)` and
/// `append(const char*, const char*)`).
template <class Text>
void append_json_string(Text& out, std::string_view text) {
    out.push_back('"');
    escape_json(text, [&out](std::string_view chunk) { out.append(chunk.data(), chunk.data() + chunk.size()); });
    out.push_back('"');
}

}  // namespace detail

LOGMETRICS_END_NAMESPACE
