// SPDX-License-Identifier: MIT
#pragma once
// bounded_queue: a first-in first-out ring of fixed capacity, allocated once, for async_sink. A
// full queue either refuses a new item or overwrites its oldest one: the two non-blocking overflow
// policies; blocking is the owner's business (it holds the lock and the condition variables).
//
// Hand-written: std::queue and std::deque grow without bound and allocate as they go, and the
// overwrite-the-oldest step has no standard counterpart.

#include <cstddef>
#include <vector>

#include "../config.hpp"
#include "../error.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

/// A ring of `capacity` items of a default-constructible, copyable `T`.
///
/// @note Not thread-safe: the owner locks.
template <class T>
class bounded_queue {
public:
    /// Throws `error(errc::invalid_argument)` for a capacity of 0.
    explicit bounded_queue(std::size_t capacity) {
        if (capacity == 0) LOGMETRICS_THROW(error(errc::invalid_argument, "a queue needs a capacity of at least 1"));
        items_.resize(capacity);
    }

    std::size_t capacity() const noexcept { return items_.size(); }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    bool full() const noexcept { return size_ == items_.size(); }

    /// Adds `item` at the back; false, and nothing changes, when the queue is full.
    bool try_push(const T& item) {
        if (full()) return false;
        items_[slot(size_)] = item;
        ++size_;
        return true;
    }

    /// Adds `item` at the back; when the queue is full, the oldest item makes room. Returns
    /// whether an item was overwritten.
    bool push_overwriting(const T& item) {
        const bool overwrite = full();
        if (overwrite) pop();
        try_push(item);
        return overwrite;
    }

    /// The oldest item (the queue must not be empty).
    const T& front() const noexcept { return items_[head_]; }

    /// Drops the oldest item (the queue must not be empty).
    void pop() noexcept {
        head_ = slot(1);
        --size_;
    }

    /// Moves up to `max` of the oldest items, in order, to the back of `out` (anything with
    /// `push_back`). Returns how many.
    template <class Out>
    std::size_t pop_into(Out& out, std::size_t max) {
        std::size_t count = 0;
        for (; count < max && !empty(); ++count) {
            out.push_back(front());
            pop();
        }
        return count;
    }

private:
    std::size_t slot(std::size_t offset) const noexcept {
        const std::size_t at = head_ + offset;
        return at >= items_.size() ? at - items_.size() : at;
    }

    std::vector<T> items_;
    std::size_t head_ = 0;  // the oldest item
    std::size_t size_ = 0;
};

}  // namespace detail

LOGMETRICS_END_NAMESPACE
