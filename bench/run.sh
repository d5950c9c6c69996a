#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The benchmark run the figures in bench/README.md come from, in one command:
#   1. builds bench_logmetrics, logmetrics_gen_log and the logmetrics tool in Release;
#   2. runs bench_logmetrics: the agreement check, every benchmark, then the ratios;
#   3. runs `logmetrics scan --format none` on generated logs of two sizes, under /usr/bin/time -v,
#      for whole-process throughput and peak RSS.
#
# Usage: bash bench/run.sh [--quick] [Google Benchmark flags...]
#   --quick   a small log and short runs (a smoke test of this script, not figures)
# Environment: LOGMETRICS_BENCH_BUILD (build directory, default build-bench),
#              LOGMETRICS_BENCH_BYTES (log size for step 2, default 32 MiB),
#              LOGMETRICS_RSS_SIZES (sizes for step 3, default "256M 1G").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=0
if [ "${1:-}" = "--quick" ]; then
    quick=1
    shift
fi
build=${LOGMETRICS_BENCH_BUILD:-build-bench}
sizes=${LOGMETRICS_RSS_SIZES:-"256M 1G"}
bench_flags=("$@")
if [ "$quick" = 1 ]; then
    export LOGMETRICS_BENCH_BYTES=${LOGMETRICS_BENCH_BYTES:-1048576}
    export LOGMETRICS_BENCH_SLICE=${LOGMETRICS_BENCH_SLICE:-4096}
    sizes="4M 16M"
    bench_flags+=(--benchmark_min_time=0.01)
fi

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DLOGMETRICS_BUILD_BENCH=ON \
    -DLOGMETRICS_BUILD_TESTS=OFF -DLOGMETRICS_BUILD_EXAMPLES=OFF -DLOGMETRICS_BUILD_TOOLS=ON >/dev/null
cmake --build "$build" -j2 --target bench_logmetrics logmetrics_gen_log logmetrics_cli

echo "== machine"
grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true
echo "cores: $(nproc)"
echo
echo "== bench_logmetrics ${bench_flags[*]:-}"
"$build/bench/bench_logmetrics" "${bench_flags[@]}"

echo
echo "== logmetrics scan --format none, whole process (40 definitions, raw mode)"
if [ ! -x /usr/bin/time ]; then
    echo "/usr/bin/time is missing (Debian: apt-get install time): skipping the RSS runs"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/logmetrics-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
printf '%-8s %-10s %12s %10s %12s\n' size engine seconds MiB/s "peak RSS KB"
for size in $sizes; do
    "$build/bench/logmetrics_gen_log" --bytes "$size" > "$work/log"
    bytes=$(stat -c %s "$work/log")
    cat "$work/log" > /dev/null  # into the page cache, so the disk is not what is measured
    for engine in hyperscan pcre2; do
        /usr/bin/time -v -o "$work/time" "$build/tools/logmetrics/logmetrics" scan --quiet \
            --definitions bench/data/definitions_40.json --format none --mode raw --engine "$engine" "$work/log"
        seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0;
                              for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$work/time")
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
        rate=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN { if (s > 0) printf "%.0f", b / s / 1048576; else print "-" }')
        printf '%-8s %-10s %12s %10s %12s\n' "$size" "$engine" "$seconds" "$rate" "$rss"
    done
done
