// SPDX-License-Identifier: MIT
#pragma once
// direct_capture: group 1 read without a regex engine, for the shape most metric definitions have:
//
//     [^] prefix ( C+ | C* | C+? | C*? ) suffix [$]
//
// where prefix and suffix are literal bytes and C is one character class (`.`, `\S`, `\d`,
// `[0-9.]`, ...), as in "loss=([0-9.]+)", "Train_loss=(.*?);" or "#011rmse:(\S+)$". The answer is
// PCRE2's: the leftmost start (an occurrence of the prefix), then a greedy run backing off one
// byte at a time until the suffix fits, or a lazy run growing until it does. Which bytes are in C
// is asked of PCRE2 itself, byte by byte, so classes mean exactly what they mean to PCRE2.
// A line that would take too many steps is handed back ("unsure") for PCRE2 to decide.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "../../config.hpp"
#include "pcre2_code.hpp"
#include "regex_outline.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

class direct_capture {
public:
    enum class result : std::uint8_t { matched, no_match, unsure };

    /// The direct form of `regex`, or nothing when it does not have the shape above.
    static std::optional<direct_capture> from(std::string_view regex) {
        const regex_outline o = outline(regex);
        if (!o.understood || o.alternation) return std::nullopt;
        direct_capture d;
        std::size_t i = 0;
        if (i < o.items.size() && o.items[i].type == regex_item::kind::assertion && regex[o.items[i].begin] == '^') {
            d.anchored_start_ = true;
            ++i;
        }
        for (; i < o.items.size() && is_plain_literal(o.items[i]); ++i) d.prefix_.push_back(o.items[i].byte);
        if (i == o.items.size() || !d.read_group(regex, o.items[i])) return std::nullopt;
        for (++i; i < o.items.size() && is_plain_literal(o.items[i]); ++i) d.suffix_.push_back(o.items[i].byte);
        if (i + 1 == o.items.size() && o.items[i].type == regex_item::kind::assertion &&
            regex[o.items[i].begin] == '$') {
            d.anchored_end_ = true;
            ++i;
        }
        if (i != o.items.size()) return std::nullopt;
        if (d.prefix_.empty() && !d.anchored_start_) return std::nullopt;  // every byte a start: leave it to PCRE2
        return d;
    }

    /// Group 1 of the leftmost match in `line`, as PCRE2 would find it.
    result find(std::string_view line, std::string_view& capture) const noexcept {
        std::size_t budget = 4 * line.size() + 256;  // steps before handing the line to PCRE2
        for (std::size_t start = 0; start <= line.size();) {
            if (anchored_start_) {
                if (line.substr(0, prefix_.size()) != prefix_) return result::no_match;
            } else {
                start = line.find(prefix_, start);
                if (start == std::string_view::npos) return result::no_match;
            }
            const std::size_t group = start + prefix_.size();
            if (lazy_ ? grow(line, group, budget, capture) : back_off(line, group, budget, capture)) {
                return result::matched;
            }
            if (budget == 0) return result::unsure;
            if (anchored_start_) return result::no_match;
            ++start;
        }
        return result::no_match;
    }

private:
    static bool is_plain_literal(const regex_item& item) noexcept {
        return item.type == regex_item::kind::literal && item.quantifier == regex_item::repeat::once;
    }

    /// `(C+)`, `(C*)`, `(C+?)`, `(C*?)`: a plain capturing group around one quantified atom.
    bool read_group(std::string_view regex, const regex_item& item) {
        if (item.type != regex_item::kind::group || item.quantifier != regex_item::repeat::once) return false;
        std::string_view group = regex.substr(item.begin, item.end - item.begin);
        if (group.size() < 4 || group[1] == '?' || group[1] == '*' || group.back() != ')') return false;
        std::string_view inner = group.substr(1, group.size() - 2);
        std::string_view quantifier;
        for (std::string_view q : {"+?", "*?", "+", "*"}) {
            if (inner.size() > q.size() && inner.substr(inner.size() - q.size()) == q) {
                quantifier = q;
                break;
            }
        }
        if (quantifier.empty()) return false;
        std::string_view atom = inner.substr(0, inner.size() - quantifier.size());
        if (atom == "\\R" || atom == "\\X") return false;  // may match two bytes as one unit
        // The atom alone must read as one atom (not "\+" of "\++", not a group, not a literal run).
        const regex_outline a = outline(atom);
        if (!a.understood || a.alternation || a.items.size() != 1 ||
            a.items[0].quantifier != regex_item::repeat::once ||
            (a.items[0].type != regex_item::kind::atom && a.items[0].type != regex_item::kind::literal)) {
            return false;
        }
        lazy_ = quantifier.size() == 2;
        min_run_ = quantifier[0] == '+' ? 1 : 0;
        return read_class(atom);
    }

    /// Asks PCRE2 which single bytes the atom matches.
    bool read_class(std::string_view atom) {
        const pcre2_code code = pcre2_code::compile("^(?:" + std::string(atom) + ")\\z");
        if (!code.ok()) return false;
        pcre2_scratch scratch;
        if (!scratch.ok()) return false;
        std::string_view unused;
        for (unsigned byte = 0; byte < 256; ++byte) {
            const char one = static_cast<char>(byte);
            in_class_[byte] = code.match(std::string_view(&one, 1), 0, scratch, unused) != match_outcome::no_match;
        }
        return true;
    }

    bool in_class(char c) const noexcept { return in_class_[static_cast<unsigned char>(c)]; }

    /// Whether the suffix (and the end anchor) fit at `at`. PCRE2's $ also matches before a
    /// final '\n', which framed lines never have but other callers' text might.
    bool suffix_fits(std::string_view line, std::size_t at) const noexcept {
        if (line.size() - at < suffix_.size() || line.compare(at, suffix_.size(), suffix_) != 0) return false;
        if (!anchored_end_) return true;
        const std::size_t end = at + suffix_.size();
        return end == line.size() || (end + 1 == line.size() && line[end] == '\n');
    }

    bool back_off(std::string_view line, std::size_t group, std::size_t& budget,
                  std::string_view& capture) const noexcept {
        std::size_t run = 0;
        while (group + run < line.size() && in_class(line[group + run])) ++run;
        budget = run > budget ? 0 : budget - run;
        for (std::size_t length = run; length + 1 > min_run_ && budget > 0; --length, --budget) {
            if (suffix_fits(line, group + length)) {
                capture = line.substr(group, length);
                return true;
            }
            if (length == 0) break;
        }
        return false;
    }

    bool grow(std::string_view line, std::size_t group, std::size_t& budget, std::string_view& capture) const noexcept {
        for (std::size_t length = 0; budget > 0; ++length, --budget) {
            if (length >= min_run_ && suffix_fits(line, group + length)) {
                capture = line.substr(group, length);
                return true;
            }
            if (group + length >= line.size() || !in_class(line[group + length])) return false;
        }
        return false;
    }

    std::string prefix_;
    std::string suffix_;
    std::array<bool, 256> in_class_{};
    std::size_t min_run_ = 1;
    bool lazy_ = false;
    bool anchored_start_ = false;
    bool anchored_end_ = false;
};

}  // namespace detail
LOGMETRICS_END_NAMESPACE
