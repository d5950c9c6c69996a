// SPDX-License-Identifier: MIT
#pragma once
// The regex matcher concept. An engine (a small options struct such as `pcre2_engine`) compiles a
// `definition_set` into a matcher. A compiled matcher is immutable and shared read-only by any
// number of threads; each thread brings its own scratch. For one line, `match` reports every
// definition that matched, in definition order, with the text of capture group 1.
//
// Semantics every engine must keep: for each definition, the first (leftmost) match in the line,
// PCRE semantics, byte mode, ASCII \d \s \w; the capture is group 1 of that match.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "config.hpp"
#include "definition.hpp"
#include "line_block.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// What one definition found in one line.
struct capture {
    enum class status : std::uint8_t {
        matched,      ///< group 1 took part: `text` is its text
        group_unset,  ///< the regex matched but group 1 did not take part
        match_error,  ///< the regex engine gave up on this line (e.g. a backtracking limit)
    };
    std::uint32_t definition = 0;
    status result = status::matched;
    std::string_view text;  ///< points into the line; valid until the next line
};

/// The captures of one line, in definition order. Its capacity is fixed when it is sized for a
/// definition set, so matching never allocates.
class capture_list {
public:
    capture_list() = default;
    explicit capture_list(std::size_t definitions) { items_.reserve(definitions); }

    void clear() noexcept { items_.clear(); }
    /// Engines call this in definition order; at most one capture per definition and line.
    void add(std::uint32_t definition, capture::status result, std::string_view text = {}) noexcept {
        if (items_.size() < items_.capacity()) items_.push_back({definition, result, text});
    }
    std::size_t size() const noexcept { return items_.size(); }
    bool empty() const noexcept { return items_.empty(); }
    const capture& operator[](std::size_t i) const noexcept { return items_[i]; }
    auto begin() const noexcept { return items_.begin(); }
    auto end() const noexcept { return items_.end(); }

private:
    std::vector<capture> items_;
};

/// A compiled matcher: immutable, `match` is const, noexcept and allocation-free, and all
/// per-call state lives in the scratch the caller owns (one per thread).
template <class M>
concept regex_matcher = requires(const M& m, typename M::scratch_type& scratch, std::string_view line,
                                 capture_list& out) {
    typename M::scratch_type;
    { m.definitions() } -> std::same_as<const definition_set&>;
    { m.make_scratch() } -> std::same_as<typename M::scratch_type>;
    { m.match(line, scratch, out) }
    noexcept;
};

/// What a block matcher calls for each line of a block that has captures: the line's index in
/// the block (from 0), its text, and its captures (valid during the call only).
struct block_captures_visitor {
    void operator()(std::size_t, std::string_view, const capture_list&) const noexcept {}
};

/// Optional: a matcher that takes many lines in one call (line_block.hpp: a run of whole lines,
/// as the framer hands them out), so it can scan them in one pass.
/// `on_captures` is called, in line order, for each line with at least one capture, and the captures
/// must be what `match` gives for that line alone. The monitor uses `match_block` when a matcher
/// has it, `match` otherwise.
template <class M>
concept block_regex_matcher = regex_matcher<M> &&
    requires(const M& m, typename M::scratch_type& scratch, const line_block& block, capture_list& out,
             block_captures_visitor on_captures) {
    { m.match_block(block, scratch, out, on_captures) }
    noexcept;
};

/// An engine turns definitions into a matcher; it may throw `logmetrics::error` while compiling.
template <class E>
concept matcher_engine = requires(const E& engine, const definition_set& definitions) {
    { engine.compile(definitions) } -> regex_matcher;
};

/// The matcher type an engine compiles to.
template <matcher_engine E>
using matcher_of = decltype(std::declval<const E&>().compile(std::declval<const definition_set&>()));

/// Compiles definitions once, for sharing read-only by many monitors (and threads). Throws
/// `logmetrics::error` when the engine cannot build its matcher.
template <matcher_engine Engine>
std::shared_ptr<const matcher_of<Engine>> compile(const definition_set& definitions, const Engine& engine) {
    return std::make_shared<const matcher_of<Engine>>(engine.compile(definitions));
}

LOGMETRICS_END_NAMESPACE
