#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# How long a consumer's translation unit takes to compile, and how much memory the compiler needs.
# logmetrics is header-only: every user pays this in each file that includes it.
#
#   1. installs the headers into a temporary prefix (cmake --install; nothing is built);
#   2. compiles small consumer TUs (-c, no link) with the flags an installed consumer gets,
#      `pkg-config --cflags logmetrics-hyperscan` (logmetrics without Hyperscan: logmetrics), and
#      -std=c++20 -O2, each REPEAT times, under /usr/bin/time;
#   3. prints, for each, the medians of wall time, CPU time (user + system: less sensitive to other
#      load on a shared machine than wall time) and peak RSS, and the load average; with GCC also
#      the memory GCC's collector allocated (-ftime-report's TOTAL: the same on every run whatever
#      the load, so the figure to compare changes with) and the size of the code emitted (.text).
#
# The TUs:
#   full           loads definitions from a file and makes one monitor (Hyperscan when available)
#                  with a memory_store: what the README's program does
#   loader         load_definitions alone (definitions_json.hpp)
#   monitor        a monitor over definitions written in code, the default engine, a memory_store
#   monitor_pcre2  the same with the PCRE2 engine (no Hyperscan header)
#   sinks          memory_store, csv_sink and jsonl_sink fed one sample by hand (sinks.hpp)
#   baseline       <string>, <vector> and <iostream> only: the floor for any C++20 TU here
# and, in the separate-compilation mode (-DLOGMETRICS_SEPARATE_COMPILATION: the headers declare the
# cold code, one TU of the program defines it by including <logmetrics/src.hpp>):
#   full_separate     the full TU in that mode: what each of a program's files pays
#   monitor_separate  the monitor TU in that mode
#   src_separate      the one TU with <logmetrics/src.hpp>: paid once per program
#
# Usage: bash bench/compile_time.sh [--repeat N] [--keep DIR] [TU...]
#   --repeat N   repetitions per TU (default 5; the median is printed)
#   --keep DIR   write the TUs and the install to DIR and keep them (for -ftime-report, -H...)
# Environment: CXX (default c++), CXXFLAGS (added after the flags above).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

repeat=5
keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --repeat) repeat=$2; shift 2 ;;
        --keep) keep=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) break ;;
    esac
done
tus=("$@")
[ ${#tus[@]} -gt 0 ] || tus=(full loader monitor monitor_pcre2 sinks baseline full_separate monitor_separate src_separate)
cxx=${CXX:-c++}
extra_flags=${CXXFLAGS:-}

for tool in /usr/bin/time pkg-config cmake; do
    command -v "$tool" >/dev/null 2>&1 || { echo "compile_time.sh: $tool is missing" >&2; exit 1; }
done

if [ -n "$keep" ]; then
    work=$keep
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/logmetrics-compile-time.XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi

# 1. The install: headers, package files and .pc files, as a user gets them.
rm -rf "$work/build" "$work/prefix"
cmake -S . -B "$work/build" -DLOGMETRICS_BUILD_TESTS=OFF -DLOGMETRICS_BUILD_EXAMPLES=OFF \
    -DLOGMETRICS_BUILD_TOOLS=OFF -DLOGMETRICS_BUILD_BENCH=OFF >/dev/null
cmake --install "$work/build" --prefix "$work/prefix" >/dev/null
export PKG_CONFIG_PATH="$work/prefix/share/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
if pkg-config --exists logmetrics-hyperscan; then
    module=logmetrics-hyperscan
else
    module=logmetrics
fi
# shellcheck disable=SC2207
flags=(-std=c++20 -O2 $(pkg-config --cflags "$module") $extra_flags)

# 2. The translation units.
mkdir -p "$work/tu"
cat > "$work/tu/full.cpp" <<'CPP'
#include <logmetrics/definitions_json.hpp>
#include <logmetrics/logmetrics.hpp>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    auto definitions = logmetrics::load_definitions(argv[1]);
    logmetrics::memory_store store;
    auto monitor = logmetrics::make_monitor(definitions, logmetrics::default_engine{}, store);
    monitor.feed("epoch 1 loss=0.5\n");
    monitor.finish();
    return store.total() > 0 ? 0 : 1;
}
CPP
cat > "$work/tu/loader.cpp" <<'CPP'
#include <logmetrics/definitions_json.hpp>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    return logmetrics::load_definitions(argv[1]).size() > 0 ? 0 : 1;
}
CPP
cat > "$work/tu/monitor.cpp" <<'CPP'
#include <logmetrics/logmetrics.hpp>

int main() {
    logmetrics::definition_set definitions({{"loss", "loss=(\\S+)"}});
    logmetrics::memory_store store;
    auto monitor = logmetrics::make_monitor(definitions, logmetrics::default_engine{}, store);
    monitor.feed("epoch 1 loss=0.5\n");
    monitor.finish();
    return store.total() > 0 ? 0 : 1;
}
CPP
cat > "$work/tu/monitor_pcre2.cpp" <<'CPP'
#include <logmetrics/matchers/pcre2.hpp>
#include <logmetrics/monitor.hpp>
#include <logmetrics/sinks/memory_store.hpp>

int main() {
    logmetrics::definition_set definitions({{"loss", "loss=(\\S+)"}});
    logmetrics::memory_store store;
    auto monitor = logmetrics::make_monitor(definitions, logmetrics::pcre2_engine{}, store);
    monitor.feed("epoch 1 loss=0.5\n");
    monitor.finish();
    return store.total() > 0 ? 0 : 1;
}
CPP
cat > "$work/tu/sinks.cpp" <<'CPP'
#include <iostream>

#include <logmetrics/sinks.hpp>

int main() {
    logmetrics::memory_store store;
    logmetrics::csv_sink csv(std::cout);
    logmetrics::jsonl_sink jsonl(std::cout);
    logmetrics::sample s{};
    s.name = "loss";
    s.value = 0.5;
    for (int i = 0; i < 3; ++i) {
        store.write(s);
        csv.write(s);
        jsonl.write(s);
    }
    csv.flush();
    jsonl.flush();
    return store.total() == 3 ? 0 : 1;
}
CPP
cat > "$work/tu/src_separate.cpp" <<'CPP'
#include <logmetrics/src.hpp>
CPP
cat > "$work/tu/baseline.cpp" <<'CPP'
#include <iostream>
#include <string>
#include <vector>

int main() {
    std::vector<std::string> words{"loss", "=", "0.5"};
    for (const auto& w : words) std::cout << w;
    std::cout << '\n';
}
CPP

# 3. Measure.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "compiler: $($cxx --version | head -1)"
echo "flags:    ${flags[*]}"
echo "cores:    $(nproc); $(uptime | sed 's/.*load/load/')"
echo "each TU compiled $repeat times (-c, no link); medians:"
printf '%-16s %8s %8s %14s %9s %9s   %s\n' tu "wall s" "CPU s" "peak RSS MiB" "GGC MB" "text KB" "all wall times"
for tu in "${tus[@]}"; do
    # NAME_separate: NAME.cpp (or its own file) in the separate-compilation mode.
    source=$work/tu/$tu.cpp
    mode=()
    if [[ $tu == *_separate ]]; then
        [ -f "$source" ] || source=$work/tu/${tu%_separate}.cpp
        mode=(-DLOGMETRICS_SEPARATE_COMPILATION)
    fi
    [ -f "$source" ] || { echo "compile_time.sh: no TU named $tu" >&2; exit 1; }
    : > "$work/$tu.times"
    for _ in $(seq "$repeat"); do
        /usr/bin/time -f '%e %M %U %S' -a -o "$work/$tu.times" \
            "$cxx" "${flags[@]}" "${mode[@]}" -c "$source" -o "$work/$tu.o"
    done
    wall=$(awk '{ print $1 }' "$work/$tu.times" | median)
    rss=$(awk '{ print $2 / 1024 }' "$work/$tu.times" | median)
    cpu=$(awk '{ print $3 + $4 }' "$work/$tu.times" | median)
    # GCC's -ftime-report ends with a TOTAL line whose last field is the GGC memory (2120k, 547M);
    # other compilers print no such line, and the column shows "-".
    ggc=$("$cxx" "${flags[@]}" "${mode[@]}" -ftime-report -c "$source" -o "$work/$tu.o" 2>&1 |
        awk '/^ *TOTAL *:/ { v = $NF; u = substr(v, length(v)); n = v + 0;
                             if (u == "k") n /= 1024; else if (u == "G") n *= 1024; printf "%.0f", n }')
    ggc=${ggc:--}
    text=$(size -A "$work/$tu.o" 2>/dev/null | awk '$1 ~ /^\.text/ { s += $2 } END { printf "%.1f", s / 1024 }')
    printf '%-16s %8.2f %8.2f %14.0f %9s %9s   %s\n' "$tu" "$wall" "$cpu" "$rss" "$ggc" "$text" \
        "$(awk '{ printf "%s ", $1 }' "$work/$tu.times")"
done
echo "after: $(uptime | sed 's/.*load/load/')"
