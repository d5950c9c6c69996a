// SPDX-License-Identifier: MIT
#pragma once
// hyperscan_engine: the fast path. One Hyperscan database holds every definition and is scanned
// once per line; Hyperscan has no capture groups, so PCRE2 then extracts group 1 only for the
// definitions Hyperscan reported. Including this header is the switch: it needs Hyperscan's
// headers and linking with libhs (CMake target logmetrics::hyperscan).
//
// Each definition gets a plan at compile time, and `plan()` reports it:
//  - exact:      Hyperscan compiles it as written; PCRE2 runs only on lines it reports.
//  - prefilter:  Hyperscan takes a looser form (HS_FLAG_PREFILTER: back-references, some
//                lookarounds, ...) that never misses a match; PCRE2 confirms.
//  - pcre2_only: Hyperscan cannot take it at all, or it matches the empty string (so it matches
//                every line): PCRE2 searches every line for it.
// Samples are the same as pcre2_engine's in every case: PCRE2 decides every match and capture.

#if __has_include(<hs/hs.h>)
#include <hs/hs.h>
#else
#include <hs.h>
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../config.hpp"
#include "../definition.hpp"
#include "../error.hpp"
#include "../matcher.hpp"
#include "pcre2.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// How the Hyperscan engine runs one definition.
enum class hyperscan_plan : std::uint8_t { exact, prefilter, pcre2_only };

constexpr std::string_view to_string(hyperscan_plan plan) noexcept {
    switch (plan) {
        case hyperscan_plan::exact: return "hyperscan";
        case hyperscan_plan::prefilter: return "hyperscan-prefilter";
        case hyperscan_plan::pcre2_only: return "pcre2-only";
    }
    return "unknown";
}

namespace detail {
struct hs_database_deleter {
    void operator()(hs_database_t* db) const noexcept { hs_free_database(db); }
};
struct hs_scratch_deleter {
    void operator()(hs_scratch_t* scratch) const noexcept { hs_free_scratch(scratch); }
};
struct hs_compile_error_deleter {
    void operator()(hs_compile_error_t* e) const noexcept { hs_free_compile_error(e); }
};
using hs_database_ptr = std::unique_ptr<hs_database_t, hs_database_deleter>;
using hs_scratch_ptr = std::unique_ptr<hs_scratch_t, hs_scratch_deleter>;
using hs_compile_error_ptr = std::unique_ptr<hs_compile_error_t, hs_compile_error_deleter>;

/// Compiles one expression alone; returns Hyperscan's message, empty on success.
inline std::string hs_try_compile(const std::string& regex, unsigned flags) {
    hs_database_t* db = nullptr;
    hs_compile_error_t* raw_error = nullptr;
    if (hs_compile(regex.c_str(), flags, HS_MODE_BLOCK, nullptr, &db, &raw_error) == HS_SUCCESS) {
        hs_free_database(db);
        return {};
    }
    hs_compile_error_ptr compile_error(raw_error);
    return compile_error && compile_error->message ? compile_error->message : "unknown Hyperscan error";
}
}  // namespace detail

class hyperscan_matcher {
public:
    struct scratch_type {
        detail::pcre2_scratch exact;
        detail::hs_scratch_ptr hs;
        std::vector<std::uint8_t> reported;  // per definition: Hyperscan matched it on this line
    };

    explicit hyperscan_matcher(const definition_set& definitions)
        : exact_(definitions), plans_(definitions.size()), reasons_(definitions.size()) {
        if (hs_valid_platform() != HS_SUCCESS) {
            LOGMETRICS_THROW(error(errc::engine_unavailable,
                                   "Hyperscan needs a CPU with SSSE3; use the pcre2 engine on this machine"));
        }
        choose_plans();
        build_database();
        some_pcre2_only_ = std::find(plans_.begin(), plans_.end(), hyperscan_plan::pcre2_only) != plans_.end();
    }

    const definition_set& definitions() const noexcept { return exact_.definitions(); }

    scratch_type make_scratch() const {
        scratch_type scratch{exact_.make_scratch(), nullptr, std::vector<std::uint8_t>(plans_.size(), 0)};
        if (prototype_scratch_) {
            hs_scratch_t* clone = nullptr;
            if (hs_clone_scratch(prototype_scratch_.get(), &clone) != HS_SUCCESS) {
                LOGMETRICS_THROW(error(errc::engine_failed, "Hyperscan could not allocate scratch space"));
            }
            scratch.hs.reset(clone);
        }
        return scratch;
    }

    void match(std::string_view line, scratch_type& scratch, capture_list& out) const noexcept {
        out.clear();
        if (!database_ || line.size() > UINT32_MAX) {
            exact_.match(line, scratch.exact, out);
            return;
        }
        std::fill(scratch.reported.begin(), scratch.reported.end(), std::uint8_t{0});
        static constexpr char empty[1] = {};
        const char* data = line.empty() ? empty : line.data();
        scan_context context{scratch.reported.data(), false};
        hs_error_t rc = hs_scan(database_.get(), data, static_cast<unsigned>(line.size()), 0, scratch.hs.get(),
                                &on_match, &context);
        if (rc != HS_SUCCESS) {  // never lose a sample: fall back to PCRE2
            exact_.match(line, scratch.exact, out);
            return;
        }
        if (!context.any && !some_pcre2_only_) return;
        for (std::size_t i = 0; i < plans_.size(); ++i) {
            if (scratch.reported[i] || plans_[i] == hyperscan_plan::pcre2_only) {
                exact_.extract(i, line, scratch.exact, out);
            }
        }
    }

    /// How definition `i` is run, and why when it is not plain Hyperscan.
    hyperscan_plan plan(std::size_t i) const noexcept { return plans_[i]; }
    const std::string& plan_reason(std::size_t i) const noexcept { return reasons_[i]; }

    /// The exact engine inside (its JIT status, for reports).
    const pcre2_matcher& exact() const noexcept { return exact_; }

private:
    struct scan_context {
        std::uint8_t* reported;
        bool any;
    };

    static int on_match(unsigned int id, unsigned long long, unsigned long long, unsigned int,
                        void* raw_context) noexcept {
        auto* context = static_cast<scan_context*>(raw_context);
        context->reported[id] = 1;
        context->any = true;
        return 0;
    }

    void choose_plans() {
        for (std::size_t i = 0; i < plans_.size(); ++i) {
            const std::string& regex = definitions()[i].regex;
            if (exact_.matches_empty(i)) {
                plans_[i] = hyperscan_plan::pcre2_only;
                reasons_[i] = "can match an empty string, so it matches every line";
                continue;
            }
            std::string exact_error = detail::hs_try_compile(regex, HS_FLAG_SINGLEMATCH);
            if (exact_error.empty()) {
                plans_[i] = hyperscan_plan::exact;
                continue;
            }
            std::string prefilter_error = detail::hs_try_compile(regex, HS_FLAG_SINGLEMATCH | HS_FLAG_PREFILTER);
            if (prefilter_error.empty()) {
                plans_[i] = hyperscan_plan::prefilter;
                reasons_[i] = exact_error;
            } else {
                plans_[i] = hyperscan_plan::pcre2_only;
                reasons_[i] = exact_error;
            }
        }
    }

    void build_database() {
        for (;;) {
            std::vector<const char*> expressions;
            std::vector<unsigned> flags, ids;
            for (std::size_t i = 0; i < plans_.size(); ++i) {
                if (plans_[i] == hyperscan_plan::pcre2_only) continue;
                expressions.push_back(definitions()[i].regex.c_str());
                flags.push_back(HS_FLAG_SINGLEMATCH |
                                (plans_[i] == hyperscan_plan::prefilter ? HS_FLAG_PREFILTER : 0u));
                ids.push_back(static_cast<unsigned>(i));
            }
            if (expressions.empty()) return;  // every definition runs on PCRE2
            hs_database_t* db = nullptr;
            hs_compile_error_t* raw_error = nullptr;
            if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                                 static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                                 &raw_error) == HS_SUCCESS) {
                database_.reset(db);
                break;
            }
            detail::hs_compile_error_ptr compile_error(raw_error);
            std::string message = compile_error && compile_error->message ? compile_error->message : "unknown";
            int culprit = compile_error ? compile_error->expression : -1;
            if (culprit < 0) {  // not one definition's fault (e.g. the whole set is too large)
                LOGMETRICS_THROW(error(errc::engine_failed, "Hyperscan could not build its database: " + message));
            }
            std::size_t i = ids[static_cast<std::size_t>(culprit)];
            plans_[i] = hyperscan_plan::pcre2_only;  // run it on PCRE2 and build the rest again
            reasons_[i] = message;
        }
        hs_scratch_t* scratch = nullptr;
        if (hs_alloc_scratch(database_.get(), &scratch) != HS_SUCCESS) {
            LOGMETRICS_THROW(error(errc::engine_failed, "Hyperscan could not allocate scratch space"));
        }
        prototype_scratch_.reset(scratch);
    }

    pcre2_matcher exact_;
    std::vector<hyperscan_plan> plans_;
    std::vector<std::string> reasons_;
    bool some_pcre2_only_ = false;  // then PCRE2 runs on every line, whatever Hyperscan saw
    detail::hs_database_ptr database_;
    detail::hs_scratch_ptr prototype_scratch_;
};

/// The fast engine: Hyperscan selects, PCRE2 captures.
struct hyperscan_engine {
    hyperscan_matcher compile(const definition_set& definitions) const { return hyperscan_matcher(definitions); }
};

static_assert(regex_matcher<hyperscan_matcher>);
static_assert(matcher_engine<hyperscan_engine>);

LOGMETRICS_END_NAMESPACE
