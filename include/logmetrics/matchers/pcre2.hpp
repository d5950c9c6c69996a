// SPDX-License-Identifier: MIT
#pragma once
// pcre2_engine: the portable exact engine. Each definition is a PCRE2 pattern (JIT-compiled where
// the platform allows); a line is searched with each pattern in definition order. It is also the
// capture stage of the Hyperscan engine, which calls `extract` only for definitions Hyperscan saw.
//
// Most definitions contain a literal that every match must contain ("Train_loss=" in
// "Train_loss=(.*?);"). One pass of a literal filter over the line tells which of those literals
// are present; a definition whose literal is absent cannot match, and PCRE2 is not called for it.
// And most have the shape literal(class-run)literal: their group 1 is read directly, with the
// same result as PCRE2's (detail/direct_capture.hpp), and PCRE2 runs only for the others.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../config.hpp"
#include "../definition.hpp"
#include "../detail/regex/direct_capture.hpp"
#include "../detail/regex/literal_filter.hpp"
#include "../detail/regex/pcre2_code.hpp"
#include "../error.hpp"
#include "../matcher.hpp"

LOGMETRICS_BEGIN_NAMESPACE

class pcre2_matcher {
public:
    struct scratch_type {
        detail::pcre2_scratch pcre2;
        std::vector<std::uint8_t> literal_found;  // per definition, for the current line
    };

    /// Compiles every definition (JIT where it can), its literal filter and direct captures.
    /// Throws `error(errc::engine_failed)` when PCRE2 cannot (only memory can fail by then).
    explicit pcre2_matcher(definition_set definitions);

    const definition_set& definitions() const noexcept { return definitions_; }

    /// Per-thread state for `match`: PCRE2 match data and a JIT stack. Throws
    /// `error(errc::engine_failed)` when PCRE2 cannot allocate them.
    scratch_type make_scratch() const;

    /// Searches `line` with every definition whose literal it contains, in definition order.
    void match(std::string_view line, scratch_type& scratch, capture_list& out) const noexcept {
        out.clear();
        std::fill(scratch.literal_found.begin(), scratch.literal_found.end(), std::uint8_t{0});
        filter_.find(line, scratch.literal_found.data());
        for (std::size_t i = 0; i < codes_.size(); ++i) {
            if (line.size() < min_lengths_[i]) continue;
            if (filter_.filters(i) && !scratch.literal_found[i]) continue;
            extract(i, line, scratch.pcre2, out);
        }
    }

    /// Searches `line` with definition `i` alone and adds its capture, if any, to `out`.
    void extract(std::size_t i, std::string_view line, detail::pcre2_scratch& scratch,
                 capture_list& out) const noexcept {
        std::string_view text;
        const auto id = static_cast<std::uint32_t>(i);
        if (direct_[i]) {
            switch (direct_[i]->find(line, text)) {
                case detail::direct_capture::result::no_match: return;
                case detail::direct_capture::result::matched: out.add(id, capture::status::matched, text); return;
                case detail::direct_capture::result::unsure: break;  // PCRE2 decides
            }
        }
        switch (codes_[i].match(line, 0, scratch, text)) {
            case detail::match_outcome::no_match: return;
            case detail::match_outcome::matched: out.add(id, capture::status::matched, text); return;
            case detail::match_outcome::group_unset: out.add(id, capture::status::group_unset); return;
            case detail::match_outcome::error: out.add(id, capture::status::match_error); return;
        }
    }

    /// Whether definition `i` runs JIT-compiled code.
    bool jit(std::size_t i) const noexcept { return codes_[i].jit(); }
    /// Whether definition `i` can match an empty string (and so matches every line).
    bool matches_empty(std::size_t i) const noexcept { return codes_[i].matches_empty(); }

    /// Whether definition `i`'s group 1 is read directly, without running PCRE2.
    bool reads_directly(std::size_t i) const noexcept { return direct_[i].has_value(); }

    /// The literal definition `i` is filtered on; empty when it runs on every line.
    std::string_view required_literal(std::size_t i) const noexcept { return filter_.literal(i); }

private:
    definition_set definitions_;
    std::vector<detail::pcre2_code> codes_;
    std::vector<std::size_t> min_lengths_;  // PCRE2's lower bound on a match's length
    std::vector<std::optional<detail::direct_capture>> direct_;
    detail::literal_filter filter_;
};

/// The portable engine: PCRE2 with JIT, no Hyperscan needed.
struct pcre2_engine {
    pcre2_matcher compile(const definition_set& definitions) const { return pcre2_matcher(definitions); }
};

static_assert(regex_matcher<pcre2_matcher>);
static_assert(matcher_engine<pcre2_engine>);

LOGMETRICS_END_NAMESPACE

#if !defined(LOGMETRICS_SEPARATE_COMPILATION)
#include "../impl/matchers/pcre2.hpp"
#endif
