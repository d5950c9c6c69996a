// SPDX-License-Identifier: MIT
// Poison for tests/headers: a header of the sample side must not reach <pcre2.h>.
#error "a header of the sample side included <pcre2.h>: it must not need the regex layer or the JSON loader"
