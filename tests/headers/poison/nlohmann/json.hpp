// SPDX-License-Identifier: MIT
// Poison for tests/headers: a header of the sample side must not reach <nlohmann/json.hpp>.
#error "a header of the sample side included <nlohmann/json.hpp>: it must not need the regex layer or the JSON loader"
