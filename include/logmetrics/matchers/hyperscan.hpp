// SPDX-License-Identifier: MIT
#pragma once
// hyperscan_engine: the fast path. One Hyperscan database holds every definition; Hyperscan has
// no capture groups, so PCRE2 then extracts group 1 only for the definitions Hyperscan reported.
// Including this header is the switch: it needs Hyperscan's headers and linking with libhs (CMake
// target logmetrics::hyperscan).
//
// The monitor hands over whole blocks of lines (`match_block`): Hyperscan scans a block once, in
// multi-line mode (^ and $ at line ends), each report is mapped to its line, and PCRE2 runs only
// on the (line, definition) pairs reported. A match found line by line is also found in the block,
// so nothing is missed; a report that spans two lines is only a candidate, and PCRE2, which sees
// one line at a time, turns it down.
//
// Each definition gets a plan at compile time, and `plan()` reports it:
//  - filter:     Hyperscan scans for a looser pattern that every matching line also matches:
//                a literal of 4 bytes or more that every match contains, or else the part of the
//                regex before capture group 1 (without a leading or trailing .*). Fewer reports
//                and simpler automata than the whole regex; PCRE2 runs only on lines reported.
//                `scan_pattern()` shows what is scanned for.
//  - exact:      Hyperscan compiles it as written; PCRE2 runs only on lines it reports.
//  - prefilter:  Hyperscan takes a looser form (HS_FLAG_PREFILTER: back-references, some
//                lookarounds, ...) that never misses a match; PCRE2 confirms.
//  - pcre2-only: Hyperscan cannot take it at all, it matches the empty string (so it matches
//                every line), or it anchors on the whole text (\A, \z, \Z, \G): PCRE2 searches
//                every line for it.
// Samples are the same as pcre2_engine's in every case: PCRE2 decides every match and capture.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../config.hpp"
#include "../definition.hpp"
#include "../detail/hyperscan/handles.hpp"
#include "../detail/hyperscan/plan.hpp"
#include "../error.hpp"
#include "../matcher.hpp"
#include "pcre2.hpp"

LOGMETRICS_BEGIN_NAMESPACE

class hyperscan_matcher {
public:
    struct scratch_type {
        pcre2_matcher::scratch_type exact;
        detail::hs_scratch_ptr hs;
        std::vector<std::uint8_t> reported;     // per definition: Hyperscan reported it (one line)
        std::vector<std::uint64_t> candidates;  // match_block: line << 32 | definition
        std::vector<std::uint32_t> last_line;   // match_block: per definition, last line reported + 1
    };

    /// Chooses each definition's plan and builds the Hyperscan database. Throws
    /// `error(errc::engine_unavailable)` on a CPU without SSSE3, `error(errc::engine_failed)` when
    /// Hyperscan cannot build the database or its scratch.
    explicit hyperscan_matcher(const definition_set& definitions);

    const definition_set& definitions() const noexcept { return exact_.definitions(); }

    /// Per-thread state: PCRE2's and a clone of Hyperscan's scratch. Throws
    /// `error(errc::engine_failed)` when either cannot be allocated.
    scratch_type make_scratch() const;

    /// One line on its own.
    void match(std::string_view line, scratch_type& scratch, capture_list& out) const noexcept {
        out.clear();
        if (!database_ || line.size() > UINT32_MAX) {
            exact_.match(line, scratch.exact, out);
            return;
        }
        std::fill(scratch.reported.begin(), scratch.reported.end(), std::uint8_t{0});
        static constexpr char empty[1] = {};
        const char* data = line.empty() ? empty : line.data();
        line_context context{scratch.reported.data(), false};
        hs_error_t rc = hs_scan(database_.get(), data, static_cast<unsigned>(line.size()), 0, scratch.hs.get(),
                                &on_scan_match, &context);
        if (rc != HS_SUCCESS) {  // never lose a sample: fall back to PCRE2
            exact_.match(line, scratch.exact, out);
            return;
        }
        if (!context.any && !some_pcre2_only_) return;
        extract_selected(line, scratch, out);
    }

    /// Whole lines, scanned in one pass (see the top of this file).
    template <class OnCaptures>
    void match_block(const line_block& block, scratch_type& scratch, capture_list& out,
                     OnCaptures&& on_captures) const noexcept {
        if (block.size() == 0) return;
        const std::size_t scanned = std::min(std::size_t{block.line_ends.back()} + 1, block.text.size());
        auto& candidates = scratch.candidates;
        candidates.clear();
        bool scanned_ok = false;
        if (database_ && scanned <= max_scan) {  // Hyperscan takes 32-bit lengths; keep pieces small
            block_context context{block.line_ends.data(), block.size(), 0, scratch.last_line.data(), &candidates};
            scanned_ok = hs_scan(database_.get(), block.text.data(), static_cast<unsigned>(scanned), 0,
                                 scratch.hs.get(), &on_block_match, &context) == HS_SUCCESS;
            std::fill(scratch.last_line.begin(), scratch.last_line.end(), 0u);
        }
        if (!scanned_ok) {  // never lose a sample: line by line (match() falls back to PCRE2 too)
            for (std::size_t i = 0; i < block.size(); ++i) {
                std::string_view text = block.line(i);
                match(text, scratch, out);
                if (!out.empty()) on_captures(i, text, out);
            }
            return;
        }
        // Reports come in end-offset order only mostly, so a (line, definition) pair can repeat.
        sort_candidates(candidates);
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
        if (!some_pcre2_only_) {
            for (std::size_t k = 0; k < candidates.size();) {
                const auto line = static_cast<std::size_t>(candidates[k] >> 32);
                std::string_view text = block.line(line);
                out.clear();
                for (; k < candidates.size() && (candidates[k] >> 32) == line; ++k) {
                    exact_.extract(static_cast<std::size_t>(candidates[k] & 0xFFFFFFFFu), text, scratch.exact.pcre2,
                                   out);
                }
                if (!out.empty()) on_captures(line, text, out);
            }
            return;
        }
        // Some definitions run on every line: merge them with the reported ones, in order.
        std::size_t k = 0;
        for (std::size_t line = 0; line < block.size(); ++line) {
            std::string_view text = block.line(line);
            for (std::size_t j = k; j < candidates.size() && (candidates[j] >> 32) == line; ++j) {
                scratch.reported[candidates[j] & 0xFFFFFFFFu] = 1;
            }
            out.clear();
            extract_selected(text, scratch, out);
            for (; k < candidates.size() && (candidates[k] >> 32) == line; ++k) {
                scratch.reported[candidates[k] & 0xFFFFFFFFu] = 0;
            }
            if (!out.empty()) on_captures(line, text, out);
        }
    }

    /// How definition `i` is run, and why (detail/hyperscan/plan.hpp).
    hyperscan_plan plan(std::size_t i) const noexcept { return plans_[i].plan; }
    const std::string& plan_reason(std::size_t i) const noexcept { return plans_[i].reason; }
    /// What Hyperscan scans for on behalf of definition `i` (empty for pcre2_only).
    const std::string& scan_pattern(std::size_t i) const noexcept { return plans_[i].pattern; }

    /// The exact engine inside (its JIT status, for reports).
    const pcre2_matcher& exact() const noexcept { return exact_; }

private:
    static constexpr std::size_t max_scan = std::size_t{1} << 20;

    struct line_context {
        std::uint8_t* reported;
        bool any;
    };

    /// PCRE2 on `line` for the definitions Hyperscan reported and those it cannot select for.
    void extract_selected(std::string_view line, scratch_type& scratch, capture_list& out) const noexcept {
        for (std::size_t i = 0; i < plans_.size(); ++i) {
            if (scratch.reported[i] || plans_[i].plan == hyperscan_plan::pcre2_only) {
                exact_.extract(i, line, scratch.exact.pcre2, out);
            }
        }
    }

    static int on_scan_match(unsigned int id, unsigned long long, unsigned long long, unsigned int,
                             void* raw_context) noexcept {
        auto* context = static_cast<line_context*>(raw_context);
        context->reported[id] = 1;
        context->any = true;
        return 0;
    }

    /// Into (line, definition) order. Reports come mostly in order of their end offset, so little
    /// is out of place: insertion sort, unless that turns out wrong.
    static void sort_candidates(std::vector<std::uint64_t>& candidates) noexcept {
        std::size_t moves = 0;
        for (std::size_t i = 1; i < candidates.size(); ++i) {
            const std::uint64_t key = candidates[i];
            std::size_t j = i;
            for (; j > 0 && candidates[j - 1] > key; --j) candidates[j] = candidates[j - 1];
            candidates[j] = key;
            moves += i - j;
            if (moves > 8 * candidates.size()) {
                std::sort(candidates.begin(), candidates.end());
                return;
            }
        }
    }

    struct block_context {
        const std::uint32_t* line_ends;
        std::size_t lines;
        std::size_t cursor;  // the line of the latest report: reports come mostly in offset order
        std::uint32_t* last_line;
        std::vector<std::uint64_t>* candidates;
    };

    static int on_block_match(unsigned int id, unsigned long long, unsigned long long to, unsigned int,
                              void* raw_context) noexcept {
        auto& c = *static_cast<block_context*>(raw_context);
        const std::uint64_t last_byte = to == 0 ? 0 : to - 1;  // Hyperscan reports no empty match
        if (last_byte > c.line_ends[c.cursor]) {
            while (c.cursor + 1 < c.lines && last_byte > c.line_ends[c.cursor]) ++c.cursor;
        } else if (c.cursor > 0 && last_byte <= c.line_ends[c.cursor - 1]) {
            c.cursor = static_cast<std::size_t>(
                std::lower_bound(c.line_ends, c.line_ends + c.lines, last_byte,
                                 [](std::uint32_t end, std::uint64_t byte) { return end < byte; }) -
                c.line_ends);
        }
        const auto line = static_cast<std::uint32_t>(c.cursor);
        if (c.last_line[id] == line + 1) return 0;  // already a candidate on this line
        c.last_line[id] = line + 1;
        c.candidates->push_back(std::uint64_t{line} << 32 | id);
        return 0;
    }

    void choose_plans();
    void build_database();

    pcre2_matcher exact_;
    std::vector<detail::scan_plan> plans_;  // per definition
    bool some_pcre2_only_ = false;          // then PCRE2 runs on every line, whatever Hyperscan saw
    detail::hs_database_ptr database_;
    detail::hs_scratch_ptr prototype_scratch_;
};

/// The fast engine: Hyperscan selects, PCRE2 captures.
struct hyperscan_engine {
    hyperscan_matcher compile(const definition_set& definitions) const { return hyperscan_matcher(definitions); }
};

static_assert(block_regex_matcher<hyperscan_matcher>);
static_assert(matcher_engine<hyperscan_engine>);

LOGMETRICS_END_NAMESPACE

#if !defined(LOGMETRICS_SEPARATE_COMPILATION)
#include "../impl/matchers/hyperscan.hpp"
#endif
