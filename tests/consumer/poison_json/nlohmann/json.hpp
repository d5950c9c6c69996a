// SPDX-License-Identifier: MIT
// Poison for the separate-compilation consumer (consumer_common.cmake, CONSUMER_SEPARATE): in that
// mode, a file that loads definitions must not parse nlohmann/json; only the src file does.
#error "nlohmann/json.hpp reached a file compiled with LOGMETRICS_SEPARATE_COMPILATION"
