// SPDX-License-Identifier: MIT
// Fuzz target: parse_number and parse_integer (include/logmetrics/number.hpp) against an oracle
// that shares no code with them: acceptance decided by a table-driven state machine written here
// from the documented grammar, the value by the C library (strtod, strtoll) on the trimmed text.
//
//     [+-]? ( digits [ . [digits] ] | . digits ) ( [eE] [+-]? digits )?    or
//     [+-]? ( nan | inf | infinity )   in any case,   after trimming " \t\n\v\f\r"
//
// Input: the bytes are the captured text.
// Checked: parse_number accepts exactly the grammar; its value equals strtod's bit for bit (so
// overflow to +-inf, underflow to +-0, subnormals and the sign of zero; a NaN only needs to be a
// NaN, its sign is not promised); the fast path (detail::parse_exact_decimal), when it answers,
// answers strtod's value for text in the grammar only; parse_integer accepts exactly
// [+-]? digits that fit in 64 bits, with strtoll's value.

#include <cerrno>
#include <clocale>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "logmetrics/number.hpp"

namespace {

std::string_view trim(std::string_view text) {
    constexpr std::string_view space = " \t\n\v\f\r";
    const std::size_t first = text.find_first_not_of(space);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

// The finite grammar as a state machine. A state accepts when the text may end there.
enum state : std::uint8_t {
    start,          // nothing read
    signed_start,   // [+-]
    integer,        // digits                    (accepts)
    integer_dot,    // digits .                  (accepts: the trailing dot)
    lone_dot,       // [+-]? .                   (needs a digit)
    fraction,       // . digits  or  digits . digits   (accepts)
    exponent_mark,  // ... e
    exponent_sign,  // ... e [+-]
    exponent,       // ... e [+-]? digits        (accepts)
    reject,
    state_count
};

enum symbol : std::uint8_t { digit, dot, sign, exponent_letter, other, symbol_count };

constexpr bool accepting[state_count] = {false, false, true, true, false, true, false, false, true, false};

// next[state][symbol]
constexpr state next[state_count][symbol_count] = {
    /* start         */ {integer, lone_dot, signed_start, reject, reject},
    /* signed_start  */ {integer, lone_dot, reject, reject, reject},
    /* integer       */ {integer, integer_dot, reject, exponent_mark, reject},
    /* integer_dot   */ {fraction, reject, reject, exponent_mark, reject},
    /* lone_dot      */ {fraction, reject, reject, reject, reject},
    /* fraction      */ {fraction, reject, reject, exponent_mark, reject},
    /* exponent_mark */ {exponent, reject, exponent_sign, reject, reject},
    /* exponent_sign */ {exponent, reject, reject, reject, reject},
    /* exponent      */ {exponent, reject, reject, reject, reject},
    /* reject        */ {reject, reject, reject, reject, reject},
};

symbol classify(char c) {
    if (c >= '0' && c <= '9') return digit;
    if (c == '.') return dot;
    if (c == '+' || c == '-') return sign;
    if (c == 'e' || c == 'E') return exponent_letter;
    return other;
}

bool finite_grammar(std::string_view text) {
    state s = start;
    for (char c : text) s = next[s][classify(c)];
    return accepting[s];
}

bool non_finite_grammar(std::string_view text) {
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
    std::string lower(text);
    for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
    return lower == "nan" || lower == "inf" || lower == "infinity";
}

bool integer_grammar(std::string_view text) {
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
    if (text.empty()) return false;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// strtod's value of text the grammar accepted; it must read all of it.
double c_library_value(const std::string& text) {
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);  // ERANGE: +-HUGE_VAL (inf) or a tiny value
    FUZZ_CHECK(end == text.c_str() + text.size(),
               "strtod stopped after " << (end - text.c_str()) << " bytes of [" << fuzz::printable(text) << "]");
    return value;
}

void check_number(std::string_view input) {
    const std::string text(trim(input));
    const bool finite = finite_grammar(text);
    const bool accepted = finite || non_finite_grammar(text);
    const std::optional<double> parsed = logmetrics::parse_number(input);
    FUZZ_CHECK(parsed.has_value() == accepted, "parse_number " << (parsed ? "accepted" : "refused") << " ["
                                                               << fuzz::printable(input) << "], the grammar "
                                                               << (accepted ? "accepts" : "refuses") << " it");
    if (!accepted) return;
    const double want = c_library_value(text);
    if (std::isnan(want)) {
        FUZZ_CHECK(std::isnan(*parsed), "[" << fuzz::printable(input) << "] gave " << *parsed << ", not a NaN");
    } else {
        FUZZ_CHECK(same_bits(*parsed, want), "[" << fuzz::printable(input) << "] gave " << *parsed << ", strtod gives "
                                                 << want << " (bits differ)");
    }

    // The fast path takes unsigned text: whatever it answers must be in the grammar and exact.
    std::string_view body = text;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
    double fast = 0;
    if (logmetrics::detail::parse_exact_decimal(body, fast)) {
        FUZZ_CHECK(finite_grammar(body), "the fast path read [" << fuzz::printable(body) << "], outside the grammar");
        const double magnitude = c_library_value(std::string(body));
        FUZZ_CHECK(same_bits(fast, magnitude),
                   "the fast path read [" << fuzz::printable(body) << "] as " << fast << ", strtod as " << magnitude);
    }
}

void check_integer(std::string_view input) {
    const std::string text(trim(input));
    std::optional<std::int64_t> want;
    if (integer_grammar(text)) {
        char* end = nullptr;
        errno = 0;
        const long long value = std::strtoll(text.c_str(), &end, 10);
        FUZZ_CHECK(end == text.c_str() + text.size(), "strtoll stopped early in [" << fuzz::printable(text) << "]");
        if (errno != ERANGE) want = static_cast<std::int64_t>(value);
    }
    const std::optional<std::int64_t> parsed = logmetrics::parse_integer(input);
    FUZZ_CHECK(parsed == want, "parse_integer([" << fuzz::printable(input) << "]) "
                                                 << (parsed ? std::to_string(*parsed) : std::string("refused"))
                                                 << ", strtoll " << (want ? std::to_string(*want) : "refused"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The C library's numbers follow the locale; this program never leaves "C", whose point is '.'.
    FUZZ_CHECK(std::strcmp(std::localeconv()->decimal_point, ".") == 0, "not the \"C\" locale");
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check_number(input);
    check_integer(input);
    return 0;
}
