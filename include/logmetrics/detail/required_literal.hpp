// SPDX-License-Identifier: MIT
#pragma once
// required_literal: the longest run of bytes that every match of a regex must contain, read from
// the pattern the way PCRE2 reads it (byte mode, no options). Engines use it to skip a definition
// on lines that lack its literal, without running the regex.
//
// The reader follows only the top level of the pattern: literal bytes, escapes, classes, groups
// (opaque), quantifiers. Anything it does not follow (top-level alternation, inline options, \Q,
// verbs such as (*ACCEPT)) gives an empty answer, which is always safe: the definition then
// runs on every line.

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

#include "../config.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

class required_literal_reader {
public:
    explicit required_literal_reader(std::string_view regex) : regex_(regex) {}

    std::string read() {
        // Constructs that change what the rest of the pattern means, wherever they appear.
        if (regex_.find("(*") != std::string_view::npos || regex_.find("\\Q") != std::string_view::npos) return {};
        while (pos_ < regex_.size() && !give_up_) {
            if (regex_[pos_] == '|') return {};  // top-level alternation: no single run is required
            atom a = next_atom();
            if (give_up_) break;
            quantifier q = next_quantifier();
            if (give_up_) break;
            if (!a.literal) {
                end_run();
            } else if (q == quantifier::optional) {
                end_run();
            } else {
                run_.push_back(a.byte);
                if (q == quantifier::repeated) end_run();  // at least once; what follows may be more of it
            }
        }
        end_run();
        return give_up_ ? std::string() : best_;
    }

private:
    struct atom {
        bool literal = false;
        char byte = 0;
    };
    enum class quantifier { none, optional, repeated };

    void end_run() {
        if (run_.size() > best_.size()) best_ = run_;
        run_.clear();
    }

    bool at(std::size_t i, char c) const noexcept { return i < regex_.size() && regex_[i] == c; }
    static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

    /// Skips from an opening delimiter at `pos_` to just past `close`; gives up if it is missing.
    void skip_to(char close) {
        std::size_t end = regex_.find(close, pos_);
        if (end == std::string_view::npos) {
            give_up_ = true;
            return;
        }
        pos_ = end + 1;
    }

    atom next_atom() {
        const char c = regex_[pos_];
        switch (c) {
            case '(': skip_group(); return {};
            case '[': skip_class(); return {};
            case '\\': return escape();
            case '.':
            case '^':
            case '$': ++pos_; return {};
            case '*':
            case '+':
            case '?':
            case ')': give_up_ = true; return {};  // not valid here: do not guess
            default: ++pos_; return {true, c};     // '{' that is not a quantifier is a literal too
        }
    }

    void skip_group() {
        if (at(pos_ + 1, '?') && pos_ + 2 < regex_.size()) {
            const char k = regex_[pos_ + 2];
            const bool option_letters = std::isalpha(static_cast<unsigned char>(k)) || k == '^' || k == '-';
            if ((option_letters && k != 'P' && k != 'R' && k != 'C') || k == '#') {  // (?i) (?x) ... change the rest
                give_up_ = true;
                return;
            }
        }
        int depth = 0;
        while (pos_ < regex_.size() && !give_up_) {
            const char c = regex_[pos_];
            if (c == '\\') {
                pos_ += 2;
            } else if (c == '[') {
                skip_class();
            } else {
                ++pos_;
                if (c == '(') ++depth;
                if (c == ')' && --depth == 0) return;
            }
        }
        give_up_ = true;  // unbalanced
    }

    void skip_class() {
        ++pos_;
        if (at(pos_, '^')) ++pos_;
        if (at(pos_, ']')) ++pos_;  // a leading ']' is a member
        while (pos_ < regex_.size()) {
            const char c = regex_[pos_];
            if (c == ']') {
                ++pos_;
                return;
            }
            if (c == '\\') {
                pos_ += 2;
            } else if (c == '[' && at(pos_ + 1, ':')) {  // [:alpha:]
                std::size_t end = regex_.find(":]", pos_ + 2);
                pos_ = end == std::string_view::npos ? regex_.size() : end + 2;
            } else {
                ++pos_;
            }
        }
        give_up_ = true;
    }

    atom escape() {
        if (pos_ + 1 >= regex_.size()) {
            give_up_ = true;
            return {};
        }
        const char e = regex_[pos_ + 1];
        pos_ += 2;
        if (!std::isalnum(static_cast<unsigned char>(e))) return {true, e};  // \. \: \[ ...
        switch (e) {
            case 't': return {true, '\t'};
            case 'n': return {true, '\n'};
            case 'r': return {true, '\r'};
            case 'f': return {true, '\f'};
            case 'e': return {true, '\x1b'};
            case 'a': return {true, '\x07'};
            // classes and assertions: one atom that is not a literal
            case 'd': case 'D': case 's': case 'S': case 'w': case 'W': case 'h': case 'H':
            case 'v': case 'V': case 'R': case 'N': case 'X': case 'C':
            case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K': case 'E':
                return {};
            case 'x':
                if (at(pos_, '{')) {
                    skip_to('}');
                } else {
                    for (int i = 0; i < 2 && pos_ < regex_.size() &&
                                    std::isxdigit(static_cast<unsigned char>(regex_[pos_]));
                         ++i) {
                        ++pos_;
                    }
                }
                return {};
            case 'o': skip_to('}'); return {};
            case 'c': ++pos_; return {};
            case 'p':
            case 'P':
                if (at(pos_, '{')) skip_to('}');
                else ++pos_;
                return {};
            case 'g':
            case 'k':
                if (at(pos_, '{')) skip_to('}');
                else if (at(pos_, '<')) skip_to('>');
                else if (at(pos_, '\'')) skip_to('\'');
                else {
                    if (at(pos_, '+') || at(pos_, '-')) ++pos_;
                    while (pos_ < regex_.size() && is_digit(regex_[pos_])) ++pos_;
                }
                return {};
            default:
                if (is_digit(e)) {  // back reference or octal
                    while (pos_ < regex_.size() && is_digit(regex_[pos_])) ++pos_;
                    return {};
                }
                give_up_ = true;
                return {};
        }
    }

    quantifier next_quantifier() {
        if (pos_ >= regex_.size()) return quantifier::none;
        quantifier q = quantifier::none;
        const char c = regex_[pos_];
        if (c == '*' || c == '?') {
            q = quantifier::optional;
            ++pos_;
        } else if (c == '+') {
            q = quantifier::repeated;
            ++pos_;
        } else if (c == '{') {
            q = braces();
        }
        if (q == quantifier::none || give_up_) return q;
        if (at(pos_, '?') || at(pos_, '+')) ++pos_;  // lazy or possessive
        if (pos_ < regex_.size() && (regex_[pos_] == '*' || regex_[pos_] == '+' || regex_[pos_] == '?' ||
                                     regex_[pos_] == '{')) {
            give_up_ = true;  // a quantified quantifier: not worth following
        }
        return q;
    }

    /// {n} {n,} {n,m}: a quantifier. Anything else starting with '{' is literal text, unless it
    /// looks like a quantifier in a form other PCRE2 versions read differently ({,m}, spaces).
    quantifier braces() {
        std::size_t i = pos_ + 1;
        std::size_t digits_start = i;
        while (i < regex_.size() && is_digit(regex_[i])) ++i;
        const bool has_min = i > digits_start;
        std::string_view min_text = regex_.substr(digits_start, i - digits_start);
        if (at(i, ',')) {
            ++i;
            while (i < regex_.size() && is_digit(regex_[i])) ++i;
        }
        if (has_min && at(i, '}')) {
            pos_ = i + 1;
            return min_text.find_first_not_of('0') == std::string_view::npos ? quantifier::optional
                                                                             : quantifier::repeated;
        }
        std::size_t close = regex_.find('}', pos_);
        if (close != std::string_view::npos &&
            regex_.substr(pos_ + 1, close - pos_ - 1).find_first_not_of("0123456789, ") == std::string_view::npos) {
            give_up_ = true;
        }
        return quantifier::none;
    }

    std::string_view regex_;
    std::size_t pos_ = 0;
    bool give_up_ = false;
    std::string run_;
    std::string best_;
};

/// The longest literal every match of `regex` contains; empty when there is none or it is unsure.
inline std::string required_literal(std::string_view regex) { return required_literal_reader(regex).read(); }

}  // namespace detail
LOGMETRICS_END_NAMESPACE
