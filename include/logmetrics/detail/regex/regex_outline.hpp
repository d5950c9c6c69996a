// SPDX-License-Identifier: MIT
#pragma once
// regex_outline: the top level of a regex, as PCRE2 reads it in byte mode with no options: a
// sequence of items (literal bytes, other one-character atoms, assertions, groups), each with its
// quantifier and its place in the pattern. Engines use it to find, without running the regex:
//  - required_literal(): the longest run of bytes every match contains, to skip lines without it;
//  - scan_prefix(): the part before capture group 1, a looser pattern that every line with a
//    match also matches (and cheaper to scan for than the whole).
//
// Only the top level is read; groups are opaque. A pattern the outline does not follow (inline
// options, \Q...\E, verbs such as (*ACCEPT), comments) is marked not understood, and both
// questions then get the safe answer: no literal, no prefix.

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "../../config.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

struct regex_item {
    enum class kind : unsigned char { literal, atom, assertion, group };
    enum class repeat : unsigned char { once, optional, at_least_once };  // ?,*,{0,} | +,{n>0,}

    kind type = kind::atom;
    repeat quantifier = repeat::once;
    char byte = 0;             // for literals
    bool has_capture = false;  // for groups: a capturing group starts inside (or is this one)
    std::size_t begin = 0;     // where the item starts in the pattern
    std::size_t end = 0;       // just past the item and its quantifier
};

struct regex_outline {
    bool understood = false;
    bool alternation = false;  // a top-level '|': no item is required
    std::vector<regex_item> items;
};

class regex_outline_reader {
public:
    explicit regex_outline_reader(std::string_view regex) : regex_(regex) {}

    regex_outline read() {
        regex_outline out;
        // Constructs that change what the rest of the pattern means, wherever they appear.
        if (regex_.find("(*") != std::string_view::npos || regex_.find("\\Q") != std::string_view::npos) return out;
        while (pos_ < regex_.size() && !give_up_) {
            if (regex_[pos_] == '|') {
                out.alternation = true;
                ++pos_;
                continue;
            }
            regex_item item;
            item.begin = pos_;
            read_item(item);
            if (give_up_) break;
            item.quantifier = read_quantifier();
            item.end = pos_;
            out.items.push_back(item);
        }
        out.understood = !give_up_;
        return out;
    }

private:
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

    void read_item(regex_item& item) {
        const char c = regex_[pos_];
        switch (c) {
            case '(': read_group(item); return;
            case '[':
                skip_class();
                item.type = regex_item::kind::atom;
                return;
            case '\\': read_escape(item); return;
            case '.':
                ++pos_;
                item.type = regex_item::kind::atom;
                return;
            case '^':
            case '$':
                ++pos_;
                item.type = regex_item::kind::assertion;
                return;
            case '*':
            case '+':
            case '?':
            case ')': give_up_ = true; return;  // not valid here: do not guess
            default:                            // '{' that is not a quantifier is a literal too
                ++pos_;
                item.type = regex_item::kind::literal;
                item.byte = c;
                return;
        }
    }

    /// Whether the '(' at `i` opens a capturing group: plain, or named ((?<n> (?'n' (?P<n>).
    bool opens_capture(std::size_t i) const noexcept {
        if (!at(i + 1, '?')) return !at(i + 1, '*');
        if (at(i + 2, '\'')) return true;
        if (at(i + 2, 'P') && at(i + 3, '<')) return true;
        return at(i + 2, '<') && i + 3 < regex_.size() && regex_[i + 3] != '=' && regex_[i + 3] != '!';
    }

    void read_group(regex_item& item) {
        item.type = regex_item::kind::group;
        if (at(pos_ + 1, '?') && pos_ + 2 < regex_.size()) {
            const char k = regex_[pos_ + 2];
            const bool option_letters = std::isalpha(static_cast<unsigned char>(k)) || k == '^' || k == '-';
            if ((option_letters && k != 'P' && k != 'R' && k != 'C') || k == '#') {  // (?i) (?x) (?#...)
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
                if (c == '(') {
                    ++depth;
                    if (opens_capture(pos_)) item.has_capture = true;
                }
                ++pos_;
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

    void read_escape(regex_item& item) {
        if (pos_ + 1 >= regex_.size()) {
            give_up_ = true;
            return;
        }
        const char e = regex_[pos_ + 1];
        pos_ += 2;
        auto literal = [&item](char byte) {
            item.type = regex_item::kind::literal;
            item.byte = byte;
        };
        item.type = regex_item::kind::atom;
        if (!std::isalnum(static_cast<unsigned char>(e))) return literal(e);  // \. \: \[ ...
        switch (e) {
            case 't': return literal('\t');
            case 'n': return literal('\n');
            case 'r': return literal('\r');
            case 'f': return literal('\f');
            case 'e': return literal('\x1b');
            case 'a': return literal('\x07');
            case 'd':
            case 'D':
            case 's':
            case 'S':
            case 'w':
            case 'W':
            case 'h':
            case 'H':
            case 'v':
            case 'V':
            case 'R':
            case 'N':
            case 'X':
            case 'C': return;
            case 'b':
            case 'B':
            case 'A':
            case 'z':
            case 'Z':
            case 'G':
            case 'K':
            case 'E': item.type = regex_item::kind::assertion; return;
            case 'x':
                if (at(pos_, '{')) {
                    skip_to('}');
                } else {
                    for (int i = 0;
                         i < 2 && pos_ < regex_.size() && std::isxdigit(static_cast<unsigned char>(regex_[pos_]));
                         ++i) {
                        ++pos_;
                    }
                }
                return;
            case 'o': skip_to('}'); return;
            case 'c': ++pos_; return;
            case 'p':
            case 'P':
                if (at(pos_, '{'))
                    skip_to('}');
                else
                    ++pos_;
                return;
            case 'g':
            case 'k':
                if (at(pos_, '{'))
                    skip_to('}');
                else if (at(pos_, '<'))
                    skip_to('>');
                else if (at(pos_, '\''))
                    skip_to('\'');
                else {
                    if (at(pos_, '+') || at(pos_, '-')) ++pos_;
                    while (pos_ < regex_.size() && is_digit(regex_[pos_])) ++pos_;
                }
                return;
            default:
                if (is_digit(e)) {  // back reference or octal
                    while (pos_ < regex_.size() && is_digit(regex_[pos_])) ++pos_;
                    return;
                }
                give_up_ = true;
                return;
        }
    }

    regex_item::repeat read_quantifier() {
        if (pos_ >= regex_.size()) return regex_item::repeat::once;
        regex_item::repeat q = regex_item::repeat::once;
        bool quantified = true;
        const char c = regex_[pos_];
        if (c == '*' || c == '?') {
            q = regex_item::repeat::optional;
            ++pos_;
        } else if (c == '+') {
            q = regex_item::repeat::at_least_once;
            ++pos_;
        } else if (c == '{') {
            quantified = read_braces(q);
        } else {
            quantified = false;
        }
        if (!quantified || give_up_) return q;
        if (at(pos_, '?') || at(pos_, '+')) ++pos_;  // lazy or possessive
        if (pos_ < regex_.size() &&
            (regex_[pos_] == '*' || regex_[pos_] == '+' || regex_[pos_] == '?' || regex_[pos_] == '{')) {
            give_up_ = true;  // a quantified quantifier: not worth following
        }
        return q;
    }

    /// {n} {n,} {n,m} is a quantifier. Anything else starting with '{' is literal text, unless it
    /// looks like a quantifier in a form PCRE2 versions read differently ({,m}, spaces).
    bool read_braces(regex_item::repeat& q) {
        std::size_t i = pos_ + 1;
        const std::size_t digits = i;
        while (i < regex_.size() && is_digit(regex_[i])) ++i;
        const bool has_min = i > digits;
        const std::string_view min_text = regex_.substr(digits, i - digits);
        if (at(i, ',')) {
            ++i;
            while (i < regex_.size() && is_digit(regex_[i])) ++i;
        }
        if (has_min && at(i, '}')) {
            pos_ = i + 1;
            q = min_text.find_first_not_of('0') == std::string_view::npos ? regex_item::repeat::optional
                                                                          : regex_item::repeat::at_least_once;
            return true;
        }
        std::size_t close = regex_.find('}', pos_);
        if (close != std::string_view::npos &&
            regex_.substr(pos_ + 1, close - pos_ - 1).find_first_not_of("0123456789, ") == std::string_view::npos) {
            give_up_ = true;
        }
        return false;
    }

    std::string_view regex_;
    std::size_t pos_ = 0;
    bool give_up_ = false;
};

inline regex_outline outline(std::string_view regex) { return regex_outline_reader(regex).read(); }

/// The longest run of bytes every match of `regex` contains; empty when there is none or it is
/// unsure.
inline std::string required_literal(std::string_view regex) {
    const regex_outline o = outline(regex);
    if (!o.understood || o.alternation) return {};
    std::string best, run;
    auto end_run = [&] {
        if (run.size() > best.size()) best = run;
        run.clear();
    };
    for (const regex_item& item : o.items) {
        if (item.type != regex_item::kind::literal || item.quantifier == regex_item::repeat::optional) {
            end_run();
            continue;
        }
        run.push_back(item.byte);
        if (item.quantifier == regex_item::repeat::at_least_once) end_run();  // more of it may follow
    }
    end_run();
    return best;
}

/// Whether item `i` is `.*` (lazy or greedy): it matches anything on a line, the empty string too.
inline bool is_dot_star(std::string_view regex, const regex_item& item) {
    return item.type == regex_item::kind::atom && item.quantifier == regex_item::repeat::optional &&
           regex[item.begin] == '.' && regex[item.begin + 1] == '*';
}

/// A looser pattern to scan for: every line where `regex` matches, this matches too. It is the
/// part before the item holding capture group 1, without a leading or trailing `.*` (which only
/// say "anything before/after" on a line). Empty when no such cut is known to be safe, or when
/// what is left is only `.*`-like filler; the caller then scans for the whole regex.
inline std::string scan_prefix(std::string_view regex) {
    const regex_outline o = outline(regex);
    if (!o.understood || o.alternation) return {};
    std::size_t first = 0, last = o.items.size();
    for (std::size_t i = 0; i < o.items.size(); ++i) {
        if (o.items[i].has_capture) {
            last = i;
            break;
        }
    }
    // A leading ^ followed by .* says nothing on one line; drop both.
    if (first < last && o.items[first].type == regex_item::kind::assertion && regex[o.items[first].begin] == '^' &&
        first + 1 < last && is_dot_star(regex, o.items[first + 1])) {
        first += 2;
    }
    while (first < last && is_dot_star(regex, o.items[first])) ++first;
    while (last > first && is_dot_star(regex, o.items[last - 1])) --last;
    if (first >= last) return {};
    return std::string(regex.substr(o.items[first].begin, o.items[last - 1].end - o.items[first].begin));
}

/// Whether a regex uses anchors on the whole subject (\A \z \Z \G) or turns multi-line mode
/// off ((?-m), (?^)): scanned in a block of lines, these would not mean what they mean per line.
inline bool anchors_on_whole_text(std::string_view regex) noexcept {
    for (std::size_t i = 0; i < regex.size(); ++i) {
        if (regex[i] == '\\') {
            if (i + 1 < regex.size() && std::string_view("AzZG").find(regex[i + 1]) != std::string_view::npos) {
                return true;
            }
            ++i;
        } else if (regex[i] == '(' && i + 1 < regex.size() && regex[i + 1] == '?') {
            std::size_t j = i + 2;
            while (j < regex.size() && std::isalpha(static_cast<unsigned char>(regex[j]))) ++j;
            if (j < regex.size() && (regex[j] == '-' || regex[j] == '^')) return true;
        }
    }
    return false;
}

}  // namespace detail
LOGMETRICS_END_NAMESPACE
