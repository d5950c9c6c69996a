// SPDX-License-Identifier: MIT
// Must fail to compile: proves the poisoned <pcre2.h> is the one found first.
#include <pcre2.h>
int main() { return 0; }
