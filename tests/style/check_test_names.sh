#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every Catch2 test case name can be run by CTest: no ';' in a name (catch_discover_tests hands
# names to CMake as lists, which split at ';') and no '\' (Catch's test specs read it as an
# escape), so that no test runs a filter that matches nothing.
# Usage: check_test_names.sh TESTS_DIR
set -euo pipefail
bad=$(grep -rnE --include='*.cpp' '(TEMPLATE_)?TEST_CASE\(\s*"[^"]*[;\\]' "$1" || true)
if [ -n "$bad" ]; then
    echo "test case names with ';' or '\\' (CTest cannot run them by name):" >&2
    echo "$bad" >&2
    exit 1
fi
echo "check_test_names: no test case name holds ';' or '\\'"
