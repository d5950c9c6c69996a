// SPDX-License-Identifier: MIT
#pragma once
// async_sink: writes to a sink on a thread of its own, so that a slow or stalled sink (a network
// push, a full disk) does not hold up the monitors. write() puts samples on a bounded queue; one
// worker thread takes them off in batches and hands them to the inner sink, which only ever sees
// that thread. What happens when the queue is full is the `overflow_policy`.
//
// Samples are owned while queued: their metric names and stream labels are interned once each
// (detail/string_table.hpp) and the queued sample points there, so a sample costs no copy of its
// strings and write() allocates nothing once every name and label has been seen. (A label that is
// new with every sample would grow the table without bound.)
//
// Drops are counted by reason and reported through `drops()` (sink.hpp), which the monitor sums
// into `monitor_stats::sink_drops`:
//   "queue full"          drop_new: a sample found the queue full and was dropped;
//   "oldest overwritten"  drop_oldest: a queued sample was overwritten by a newer one;
//   "sink failed"         the inner sink threw while writing it (a batch sink's whole batch);
// then, when the inner sink counts drops of its own (a format's "non-finite value"...), those,
// as the worker last saw them: it copies them after each call to the inner sink, so that drops()
// never waits for a worker that is inside a slow write.
// What the inner sink throws goes to `async_options::on_error` (on the worker thread), by the
// sink's name; the worker goes on. A failure of the inner sink's last flush or close (from
// close()) is also thrown by close(), so the owner counts it. The queue's reasons are
// `drop_cause::delivery_failed`; the inner sink's keep the cause it gives them.

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../detail/bounded_queue.hpp"
#include "../detail/sink_set.hpp"
#include "../detail/string_table.hpp"
#include "../error.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// What async_sink::write does when its queue is full.
enum class overflow_policy : std::uint8_t {
    block,        ///< wait for room: nothing is lost, but a stalled sink stalls the writers with it
    drop_oldest,  ///< overwrite the oldest queued sample: never waits, and the freshest values win
    drop_new,     ///< drop the new sample: never waits, and what was queued first is kept
};

constexpr std::string_view to_string(overflow_policy policy) noexcept {
    switch (policy) {
        case overflow_policy::block: return "block";
        case overflow_policy::drop_oldest: return "drop_oldest";
        case overflow_policy::drop_new: return "drop_new";
    }
    return "unknown";
}

struct async_options {
    /// How many samples the queue holds (at least 1). Allocated once, when the sink is made.
    /// The batch the worker has taken off the queue and is handing to the inner sink is not in
    /// it: while the inner sink is inside a write, up to min(capacity, batch_size) more samples
    /// are held there. So a stalled sink that recovers receives up to capacity +
    /// min(capacity, batch_size) samples (200 for a capacity of 100 with the default batch_size);
    /// only the queued ones are subject to `overflow`.
    std::size_t capacity = 8192;
    overflow_policy overflow = overflow_policy::block;
    /// The worker hands the inner sink at most this many samples per call (at least 1).
    std::size_t batch_size = 256;
    /// Receives each exception of the inner sink, on the worker thread; by default the first one
    /// is printed to stderr. Failed samples are counted as "sink failed" drops either way.
    sink_error_handler on_error{};
    /// The name for errors, drops and summaries; when empty, the inner sink's own name, or else
    /// "async sink".
    std::string name{};
};

/// Writes to `S` on a worker thread, through a bounded queue.
///
/// @note Thread safe: any number of threads may write, flush and tick at once (share it by
/// reference, as `synchronized_sink`). Movable, not copyable. flush() and close() must not be
/// called from the error handler (it runs on the worker, which they wait for).
template <metric_sink S>
class async_sink {
public:
    /// Starts the worker. Throws `error(errc::invalid_argument)` for a capacity or batch size of
    /// 0, and `std::system_error` when no thread can be started.
    explicit async_sink(S inner, async_options options = {})
        : state_(std::make_unique<state>(std::move(inner), std::move(options))) {
        worker_ = std::thread([s = state_.get()] { s->run(); });
    }

    async_sink(async_sink&&) noexcept = default;
    async_sink& operator=(async_sink&& other) noexcept {
        if (this != &other) {
            stop();
            state_ = std::move(other.state_);
            worker_ = std::move(other.worker_);
        }
        return *this;
    }
    async_sink(const async_sink&) = delete;
    async_sink& operator=(const async_sink&) = delete;

    /// Writes what is queued, flushes the inner sink and stops the worker.
    ~async_sink() { stop(); }

    /// Queues one sample (see `overflow_policy` for a full queue).
    void write(const sample& one) { state_->push(std::span<const sample>(&one, 1)); }

    /// Queues a batch, under one lock.
    void write(std::span<const sample> batch) { state_->push(batch); }

    /// Returns once every sample queued before the call is written (or dropped) and the inner sink
    /// is flushed.
    void flush() { state_->request(false); }

    /// Returns once every sample queued before the call is written (or dropped) and the inner sink
    /// is flushed and, if it has `close()`, closed. The worker keeps running. Throws
    /// `error(errc::io_error)` with the inner sink's message when that last flush or close failed
    /// (a final push that did not get through), so that the owner sees the failure as its own; it
    /// was also handed to `on_error`.
    void close() { state_->request(true); }

    /// Passes `now` to the inner sink's tick, on the worker (the latest time when several wait).
    void tick(timestamp now) requires ticking_sink<S> { state_->tick(now); }

    /// The name given in the options, else the inner sink's own (read when it was wrapped), else
    /// "async sink".
    std::string_view name() const noexcept { return state_->name; }

    /// At most this many reasons of the inner sink's drops are reported (more: the constructor
    /// throws).
    static constexpr std::size_t max_inner_reasons = 13;

    /// Samples lost so far, by reason: the queue's three (see the top of this file), then the inner
    /// sink's own, if it counts any, as of its latest call.
    drop_list<3 + max_inner_reasons> drops() const noexcept {
        drop_list<3 + max_inner_reasons> all;
        all.push_back({"queue full", state_->queue_full.load(std::memory_order_relaxed), drop_cause::delivery_failed});
        all.push_back(
            {"oldest overwritten", state_->overwritten.load(std::memory_order_relaxed), drop_cause::delivery_failed});
        all.push_back(
            {"sink failed", state_->sink_failed.load(std::memory_order_relaxed), drop_cause::delivery_failed});
        for (std::size_t i = 0; i < state_->inner_reasons.size(); ++i) {
            drop_count d = state_->inner_reasons[i];  // its reason and cause
            d.count = state_->inner_drops[i].load(std::memory_order_relaxed);
            all.push_back(d);
        }
        return all;
    }

    /// Calls `f(inner)` while the worker is not using the inner sink, and returns what it returns:
    /// to read the inner sink's state (call flush() first to see every sample).
    template <class F>
    decltype(auto) with_inner(F&& f) {
        std::lock_guard lock(state_->inner_mutex);
        return std::forward<F>(f)(state_->inner.list().template get<0>());
    }

    const async_options& options() const noexcept { return state_->options; }

private:
    /// Everything the worker shares with the writers, at a fixed address (so the sink can move).
    struct state {
        state(S sink, async_options opts)
            : options(std::move(opts)),
              name(name_for(options, sink)),
              inner(options.on_error, detail::unhandled_policy::print_first, std::move(sink)),
              queue(options.capacity) {
            if (options.batch_size == 0) {
                LOGMETRICS_THROW(error(errc::invalid_argument, "async_sink needs a batch size of at least 1"));
            }
            inner.set_name(0, name);
            if constexpr (drop_counting_sink<S>) {
                // Read once the sink is in place: a reason may be a string the sink owns.
                const std::span<const drop_count> own = inner.drops(0);
                if (own.size() > max_inner_reasons) {
                    LOGMETRICS_THROW(error(errc::invalid_argument,
                                           "async_sink: the inner sink counts drops for more reasons than it reports"));
                }
                for (const drop_count& d : own) inner_reasons.push_back({d.reason, 0, d.cause});
                publish_inner_drops();
            }
        }

        /// Copies the inner sink's drop counts where drops() reads them. Under inner_mutex (or
        /// before the worker starts).
        void publish_inner_drops() noexcept {
            if constexpr (drop_counting_sink<S>) {
                const std::span<const drop_count> own = inner.drops(0);
                for (std::size_t i = 0; i < own.size() && i < inner_reasons.size(); ++i) {
                    inner_drops[i].store(own[i].count, std::memory_order_relaxed);
                }
            }
        }

        static std::string name_for(const async_options& options, const S& sink) {
            if (!options.name.empty()) return options.name;
            const std::string_view own = detail::name_of(sink);
            return own.empty() ? std::string("async sink") : std::string(own);
        }

        /// Interns each sample's strings and queues it, as the policy says when the queue is full.
        void push(std::span<const sample> batch) {
            std::unique_lock lock(mutex);
            for (const sample& given : batch) {
                sample s = given;
                s.name = names.view_of(s.name);
                s.stream = streams.view_of(s.stream);
                if (queue.full()) {
                    if (options.overflow == overflow_policy::drop_new) {
                        queue_full.fetch_add(1, std::memory_order_relaxed);
                        continue;
                    }
                    if (options.overflow == overflow_policy::block) {
                        if (worker_waiting) work.notify_one();  // it may not know of this batch yet
                        room.wait(lock, [this] { return !queue.full() || stopping; });
                        if (stopping) return;
                    }
                }
                if (queue.push_overwriting(s)) overwritten.fetch_add(1, std::memory_order_relaxed);
                ++accepted;
            }
            if (worker_waiting) work.notify_one();
        }

        /// Waits until the worker has written what was accepted so far, flushed (and closed).
        void request(bool close) {
            std::unique_lock lock(mutex);
            const std::uint64_t generation = ++requested;
            target = accepted;
            close_wanted = close_wanted || close;
            work.notify_one();
            done.wait(lock, [&] { return completed >= generation || stopped; });
            if (close && failed_close >= generation) LOGMETRICS_THROW(error(errc::io_error, close_error));
        }

        void tick(timestamp now) {
            std::lock_guard lock(mutex);
            pending_tick = now;
            if (worker_waiting) work.notify_one();
        }

        /// Every sample accepted before this number is written or dropped.
        std::uint64_t finished() const noexcept { return writing ? batch_first : accepted - queue.size(); }

        /// The worker: batches off the queue, then a due flush/close, then a pending tick; drains
        /// the queue before it stops.
        void run() {
            std::vector<sample> batch;
            batch.reserve(options.batch_size);
            std::unique_lock lock(mutex);
            for (;;) {
                worker_waiting = true;
                work.wait(lock, [this] {
                    return !queue.empty() || (requested > completed && finished() >= target) || pending_tick ||
                           stopping;
                });
                worker_waiting = false;
                if (!queue.empty()) {
                    batch.clear();
                    batch_first = accepted - queue.size();
                    queue.pop_into(batch, options.batch_size);
                    writing = true;
                    room.notify_all();
                    lock.unlock();
                    std::size_t lost = 0;
                    {
                        std::lock_guard use(inner_mutex);
                        lost = inner.write(batch);
                        publish_inner_drops();
                    }
                    sink_failed.fetch_add(lost, std::memory_order_relaxed);
                    lock.lock();
                    writing = false;
                }
                if (requested > completed && finished() >= target) {
                    const std::uint64_t generation = requested;
                    const bool close = std::exchange(close_wanted, false);
                    lock.unlock();
                    std::string failure;  // the last flush and close: their failure, if any
                    bool failed = false;
                    {
                        std::lock_guard use(inner_mutex);
                        const std::uint64_t errors_before = inner.errors(0);
                        inner.flush();
                        if (close) inner.close();
                        publish_inner_drops();
                        failed = close && inner.errors(0) > errors_before;
                        if (failed) {  // the message, without error's "[logmetrics.<code>] " prefix
                            std::string_view message = inner.last_error(0);
                            const std::size_t end = message.find("] ");
                            if (message.starts_with("[logmetrics.") && end != std::string_view::npos) {
                                message.remove_prefix(end + 2);
                            }
                            failure = message;
                        }
                    }
                    lock.lock();
                    if (failed) {
                        failed_close = generation;
                        close_error = std::move(failure);
                    }
                    completed = generation;
                    done.notify_all();
                }
                if (pending_tick) {
                    const timestamp now = *pending_tick;
                    pending_tick.reset();
                    lock.unlock();
                    {
                        std::lock_guard use(inner_mutex);
                        inner.tick(now);
                        publish_inner_drops();
                    }
                    lock.lock();
                }
                if (stopping && queue.empty()) break;
            }
            lock.unlock();
            {
                std::lock_guard use(inner_mutex);
                inner.flush();
                publish_inner_drops();
            }
            lock.lock();
            stopped = true;
            done.notify_all();
        }

        const async_options options;
        std::string name;

        // The inner sink, used by the worker only (and by with_inner, under inner_mutex).
        std::mutex inner_mutex;
        detail::sink_set<detail::sink_tuple<S>> inner;

        // Shared: under `mutex`.
        std::mutex mutex;
        std::condition_variable work;  // the worker waits for samples, requests, ticks, the end
        std::condition_variable room;  // writers wait for room (overflow_policy::block)
        std::condition_variable done;  // flush() and close() wait for the worker
        detail::bounded_queue<sample> queue;
        detail::string_table names;
        detail::string_table streams;
        std::uint64_t accepted = 0;     // samples accepted into the queue, ever
        std::uint64_t batch_first = 0;  // the number of the first sample being written
        bool writing = false;           // a batch is with the inner sink
        bool worker_waiting = false;
        std::uint64_t requested = 0;  // flush/close requests made...
        std::uint64_t completed = 0;  // ...and done
        std::uint64_t target = 0;     // `accepted` at the latest request
        bool close_wanted = false;
        std::uint64_t failed_close = 0;  // the last request whose flush and close failed
        std::string close_error;         // and why
        std::optional<timestamp> pending_tick;
        bool stopping = false;
        bool stopped = false;

        std::atomic<std::uint64_t> queue_full{0};
        std::atomic<std::uint64_t> overwritten{0};
        std::atomic<std::uint64_t> sink_failed{0};
        // The inner sink's own drops: its reasons (read once), its counts (copied by the worker).
        std::vector<drop_count> inner_reasons;  // counts unused
        std::array<std::atomic<std::uint64_t>, max_inner_reasons> inner_drops{};
    };

    void stop() noexcept {
        if (!state_) return;
        {
            std::lock_guard lock(state_->mutex);
            state_->stopping = true;
        }
        state_->work.notify_one();
        state_->room.notify_all();
        if (worker_.joinable()) worker_.join();
        state_.reset();
    }

    std::unique_ptr<state> state_;
    std::thread worker_;
};

LOGMETRICS_END_NAMESPACE
