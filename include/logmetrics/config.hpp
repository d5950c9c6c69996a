// SPDX-License-Identifier: MIT
#pragma once
// Namespace macros and the single throw point. The inline namespace carries the ABI version, so two
// majors can live in one program (fmt's `v12`, nlohmann's `json_abi_*`).

#include "version.hpp"

#define LOGMETRICS_BEGIN_NAMESPACE \
    namespace logmetrics {         \
    inline namespace v0 {
#define LOGMETRICS_END_NAMESPACE \
    }                            \
    }

// Header-only by default: every function is defined in the headers. With
// LOGMETRICS_SEPARATE_COMPILATION defined in every translation unit, the headers only declare the
// cold code (loading and checking definitions, compiling matchers, memory_store's bookkeeping),
// and exactly one translation unit of the program includes <logmetrics/src.hpp>, which defines it
// (README, "Compile time"). The per-line code stays in the headers either way.
#if defined(LOGMETRICS_SEPARATE_COMPILATION)
#define LOGMETRICS_DECL
#else
#define LOGMETRICS_DECL inline
#endif

// Every configuration error goes through here, leaving room for a no-exceptions build later.
#ifndef LOGMETRICS_THROW
#define LOGMETRICS_THROW(exception) throw exception
#endif
