// SPDX-License-Identifier: MIT
// Poison for tests/headers: a header of the sample side must not reach <hs/hs.h>.
#error "a header of the sample side included <hs/hs.h>: it must not need the regex layer or the JSON loader"
