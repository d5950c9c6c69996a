// SPDX-License-Identifier: MIT
#pragma once
// string_table: interns strings (metric names, stream labels). Each distinct string is copied
// once, into blocks the table owns, and gets a small id: 0, 1, 2... in order of first sight. Its
// view stays valid, at the same address, for the table's life (moves included), so a sink can keep
// views past write() and an async queue can carry them to another thread without copying.
//
// Hand-written: neither the standard library nor fmt interns strings, and the bookkeeping is a
// map from text to id plus a list of views (about 60 lines).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../error.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

/// Strings copied once, with stable small ids and stable views.
///
/// `intern` of a string already in the table never allocates; the string last interned is tried
/// first, since a stream label or a name usually repeats in a row.
///
/// @note Not thread-safe: one owner, or a lock around it. Views handed out may be read from any
/// thread that has been handed them in a synchronised way (e.g. through a queue's mutex).
class string_table {
public:
    using id_type = std::uint32_t;

    string_table() = default;
    string_table(string_table&& other) noexcept { swap(other); }
    string_table& operator=(string_table&& other) noexcept {
        string_table(std::move(other)).swap(*this);
        return *this;
    }
    string_table(const string_table&) = delete;  // views into another table's blocks would dangle
    string_table& operator=(const string_table&) = delete;
    ~string_table() = default;

    /// The id of `text`, copying it into the table the first time it is seen.
    /// Throws `std::bad_alloc`, or `error(errc::invalid_argument)` past 2^32 - 1 distinct strings.
    id_type intern(std::string_view text) {
        if (last_ < views_.size() && views_[last_] == text) return last_;
        if (auto found = index_.find(text); found != index_.end()) return last_ = found->second;
        if (views_.size() >= max_strings) {
            LOGMETRICS_THROW(error(errc::invalid_argument, "string_table holds 2^32 - 1 strings at most"));
        }
        views_.reserve(views_.size() + 1);  // so that the push_back below cannot throw
        const std::string_view stored = store(text);
        const auto id = static_cast<id_type>(views_.size());
        index_.emplace(stored, id);  // if this throws, the copied bytes are merely unused
        views_.push_back(stored);
        return last_ = id;
    }

    /// The interned view of `text`: `(*this)[intern(text)]`.
    std::string_view view_of(std::string_view text) { return views_[intern(text)]; }

    /// The id of `text`, if it was interned.
    std::optional<id_type> find(std::string_view text) const noexcept {
        if (auto found = index_.find(text); found != index_.end()) return found->second;
        return std::nullopt;
    }

    /// The string with id `id` (which must be below `size()`).
    std::string_view operator[](id_type id) const noexcept { return views_[id]; }

    /// Every string, in order of first sight (position = id).
    std::span<const std::string_view> strings() const noexcept { return views_; }

    std::size_t size() const noexcept { return views_.size(); }
    bool empty() const noexcept { return views_.empty(); }

    void swap(string_table& other) noexcept {
        std::swap(blocks_, other.blocks_);
        std::swap(views_, other.views_);
        std::swap(index_, other.index_);
        std::swap(free_, other.free_);
        std::swap(free_size_, other.free_size_);
        std::swap(last_, other.last_);
    }

private:
    static constexpr std::size_t block_size = 4096;
    static constexpr std::size_t max_strings = 0xFFFFFFFFu;

    /// Copies `text` into the current block, or into a new one when it does not fit; a string of
    /// more than half a block gets a block of its own, so the current one keeps its room.
    std::string_view store(std::string_view text) {
        if (text.empty()) return {};
        if (text.size() > free_size_) {
            const std::size_t size = std::max(block_size, text.size());
            blocks_.reserve(blocks_.size() + 1);
            blocks_.push_back(std::make_unique<char[]>(size));
            char* block = blocks_.back().get();
            if (text.size() > block_size / 2) {
                std::memcpy(block, text.data(), text.size());
                return {block, text.size()};
            }
            free_ = block;
            free_size_ = size;
        }
        std::memcpy(free_, text.data(), text.size());
        const std::string_view stored(free_, text.size());
        free_ += text.size();
        free_size_ -= text.size();
        return stored;
    }

    std::vector<std::unique_ptr<char[]>> blocks_;  // the bytes; never moved once written
    std::vector<std::string_view> views_;          // id -> text, into blocks_
    std::unordered_map<std::string_view, id_type> index_;
    char* free_ = nullptr;  // the unused tail of the current block
    std::size_t free_size_ = 0;
    id_type last_ = 0;  // the id interned or found last, tried first
};

}  // namespace detail

LOGMETRICS_END_NAMESPACE
