// SPDX-License-Identifier: MIT
#pragma once
// The one place the version lives: CMake reads these three lines (cmake/logmetrics_utils.cmake).

#define LOGMETRICS_VERSION_MAJOR 0
#define LOGMETRICS_VERSION_MINOR 1
#define LOGMETRICS_VERSION_PATCH 0

/// The version as one number: major * 10000 + minor * 100 + patch.
#define LOGMETRICS_VERSION \
    (LOGMETRICS_VERSION_MAJOR * 10000 + LOGMETRICS_VERSION_MINOR * 100 + LOGMETRICS_VERSION_PATCH)
