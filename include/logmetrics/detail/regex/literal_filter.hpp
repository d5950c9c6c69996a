// SPDX-License-Identifier: MIT
#pragma once
// literal_filter: finds, in one pass over a line, which definitions' required literals occur in
// it. Each literal is anchored on one two-byte window (the rarest-looking one); a 64 Ki-bit table
// of anchors is tested at every position, and only on a hit is the whole literal compared. Most
// log lines touch the table and nothing else.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "../../config.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

class literal_filter {
public:
    literal_filter() = default;

    /// `literals[i]` is what definition i's every match contains; shorter than two bytes means
    /// "nothing usable": the definition is then not filtered.
    explicit literal_filter(const std::vector<std::string>& literals)
        : literals_(literals), filtered_(literals.size()) {
        for (std::size_t i = 0; i < literals_.size(); ++i) {
            const std::string& literal = literals_[i];
            if (literal.size() < 2) continue;
            filtered_[i] = 1;
            std::size_t offset = rarest_window(literal);
            std::uint16_t key = key_at(reinterpret_cast<const unsigned char*>(literal.data()) + offset);
            anchors_[key >> 6] |= std::uint64_t{1} << (key & 63);
            entries_.push_back({key, static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(i)});
        }
        std::sort(entries_.begin(), entries_.end(), [](const entry& a, const entry& b) { return a.key < b.key; });
    }

    /// Whether definition i has a literal to look for (if not, it must run on every line).
    bool filters(std::size_t i) const noexcept { return filtered_[i] != 0; }
    /// Definition i's literal, empty when it is not filtered.
    std::string_view literal(std::size_t i) const noexcept {
        return filtered_[i] ? std::string_view(literals_[i]) : std::string_view();
    }

    /// Sets `found[i] = 1` for each filtered definition whose literal occurs in `text`; leaves
    /// the other entries as they are. Returns whether any literal was found.
    bool find(std::string_view text, std::uint8_t* found) const noexcept {
        if (text.size() < 2 || entries_.empty()) return false;
        const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
        const std::size_t last = text.size() - 1;
        bool any = false;
        for (std::size_t i = 0; i < last; ++i) {
            const std::uint16_t key = key_at(bytes + i);
            if (((anchors_[key >> 6] >> (key & 63)) & 1) == 0) continue;
            any |= confirm(text, i, key, found);
        }
        return any;
    }

private:
    struct entry {
        std::uint16_t key;     // the anchor's two bytes
        std::uint32_t offset;  // where the anchor sits in the literal
        std::uint32_t definition;
    };

    static std::uint16_t key_at(const unsigned char* p) noexcept {
        return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
    }

    /// Rough rarity of a byte in log text: spaces, lower-case letters and digits are everywhere.
    static int rarity(unsigned char c) noexcept {
        if (c == ' ') return 0;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return 1;
        if (c == '.' || c == ',' || c == ':' || c == '-' || c == '/' || (c >= 'A' && c <= 'Z')) return 2;
        return 3;
    }

    static std::size_t rarest_window(const std::string& literal) noexcept {
        std::size_t best = 0;
        int best_score = -1;
        for (std::size_t i = 0; i + 1 < literal.size(); ++i) {
            int score =
                rarity(static_cast<unsigned char>(literal[i])) + rarity(static_cast<unsigned char>(literal[i + 1]));
            if (score > best_score) {
                best_score = score;
                best = i;
            }
        }
        return best;
    }

    bool confirm(std::string_view text, std::size_t at, std::uint16_t key, std::uint8_t* found) const noexcept {
        auto first = std::lower_bound(entries_.begin(), entries_.end(), key,
                                      [](const entry& e, std::uint16_t k) { return e.key < k; });
        bool any = false;
        for (auto it = first; it != entries_.end() && it->key == key; ++it) {
            if (found[it->definition] || at < it->offset) continue;
            const std::string& literal = literals_[it->definition];
            const std::size_t start = at - it->offset;
            if (start + literal.size() > text.size()) continue;
            if (std::memcmp(text.data() + start, literal.data(), literal.size()) == 0) {
                found[it->definition] = 1;
                any = true;
            }
        }
        return any;
    }

    std::vector<std::string> literals_;
    std::vector<std::uint8_t> filtered_;
    std::vector<entry> entries_;
    std::array<std::uint64_t, 1024> anchors_{};
};

}  // namespace detail
LOGMETRICS_END_NAMESPACE
