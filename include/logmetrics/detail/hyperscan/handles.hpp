// SPDX-License-Identifier: MIT
#pragma once
// Owning handles for Hyperscan's C objects, and compiling one expression alone (to ask whether
// Hyperscan takes it). Included only from the Hyperscan engine: needs <hs.h> and libhs.

#if __has_include(<hs/hs.h>)
#include <hs/hs.h>
#else
#include <hs.h>
#endif

#include <memory>
#include <string>

#include "../../config.hpp"

LOGMETRICS_BEGIN_NAMESPACE
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
LOGMETRICS_END_NAMESPACE
