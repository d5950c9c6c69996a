#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The include graph of include/logmetrics, checked (ctest style_include_layers):
#   1. no two headers include each other, directly or through others (tsort finds any loop);
#   2. the sample side (samples, running summaries, sinks, formats, text and I/O helpers) includes
#      nothing of the regex side (definitions, matchers, monitor, framer, regex internals), so a
#      sink can be used, and compiled, without PCRE2 or Hyperscan;
#   3. the regex internals (detail/regex) sit below the definitions: they include only each other
#      and the base headers (config.hpp, error.hpp).
# impl/X.hpp (the cold code of X.hpp, config.hpp: LOGMETRICS_SEPARATE_COMPILATION) counts as part
# of X.hpp: X.hpp includes it and it includes X.hpp, which is no loop, and its includes are X's.
# Usage: check_layers.sh INCLUDE_DIR   (the directory holding logmetrics/)
set -euo pipefail
cd "$1/logmetrics"

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
while IFS= read -r header; do
    dir=$(dirname "$header")
    sed -nE 's/^#include "([^"]*)".*/\1/p' "$header" | while IFS= read -r included; do
        printf '%s %s\n' "${header#impl/}" "$(realpath -m --relative-to=. "$dir/$included" | sed 's|^impl/||')"
    done
done < <(find . -name '*.hpp' | sed 's|^\./||' | sort) | awk '$1 != $2' > "$edges"

status=0
[ -s "$edges" ] || { echo "no includes found under $1/logmetrics" >&2; exit 1; }
if ! tsort "$edges" > /dev/null 2> /tmp/logmetrics-tsort.$$; then
    echo "include loop:" >&2
    cat /tmp/logmetrics-tsort.$$ >&2
    status=1
fi
rm -f /tmp/logmetrics-tsort.$$

sample_side='^(sample|stats|sink|sinks|number)\.hpp$|^(sinks|formats|http|detail/text|detail/io)/|^detail/(string_table|sink_set|bounded_queue|crc32c|protobuf)\.hpp$'
regex_side='^(definition|definitions_json|matcher|monitor|framer|line_block)\.hpp$|^(matchers|detail/regex|detail/hyperscan)/'
while read -r from to; do
    if [[ $from =~ $sample_side && $to =~ $regex_side ]]; then
        echo "$from includes $to: the sample side must not need the regex side" >&2
        status=1
    fi
    if [[ $from == detail/regex/* && ! ( $to == detail/regex/* || $to =~ ^(config|error)\.hpp$ ) ]]; then
        echo "$from includes $to: regex internals include only each other, config.hpp and error.hpp" >&2
        status=1
    fi
done < "$edges"
[ $status -eq 0 ] && echo "$(wc -l < "$edges") includes between $(cut -d' ' -f1 "$edges" | sort -u | wc -l) headers: no loop, layers kept"
exit $status
