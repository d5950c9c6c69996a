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

// Every configuration error goes through here, leaving room for a no-exceptions build later.
#ifndef LOGMETRICS_THROW
#define LOGMETRICS_THROW(exception) throw exception
#endif
