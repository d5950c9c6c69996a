// SPDX-License-Identifier: MIT
// The one file of the separate-compilation consumer (CONSUMER_SEPARATE) that defines logmetrics'
// cold code; it and consumer.cpp are compiled with LOGMETRICS_SEPARATE_COMPILATION.
#include <logmetrics/src.hpp>
