#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# ctest integration_prometheus_textfile: logmetrics' node_exporter textfiles (and the OpenMetrics
# variant of the exposition) checked by Prometheus' own tools:
#   1. `promtool check metrics` on the files of prometheus_write_textfile (the library: escapes,
#      NaN/Inf, renamed metrics) and of the CLI over the bundled example log. promtool exits 0 when
#      clean, 3 when it has only lint findings, 1 for a parse error. Our files with colons replaced
#      must be clean (0). With colons kept (the default) the one finding allowed is "metric names
#      should not contain ':'" (3): the naming rule keeps SageMaker's names on purpose
#      (formats/prometheus_names.hpp). The OpenMetrics variant goes through
#      `promtool tsdb create-blocks-from openmetrics`;
#   2. a real node_exporter with only the textfile collector, on a free loopback port, scraped
#      over HTTP: every series of our files is served with its value, the CLI's last values are
#      there, and node_textfile_scrape_error is 0; a file with a timestamp makes it 1 (the check
#      can fail).
# Needs promtool (Debian: prometheus) and prometheus-node-exporter (.ci/run installs both), curl
# and /usr/bin/python3. Fails, never skips, when they are missing.
# Usage: run.sh PROMETHEUS_WRITE_TEXTFILE LOGMETRICS_CLI PROJECT_SOURCE_DIR
# (KEEP_WORK=1 keeps the temporary directory, with the files and scrapes, for a look.)
set -euo pipefail
write_textfile=$1 cli=$2 source=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=/usr/bin/python3

for tool in promtool prometheus-node-exporter curl "$python"; do
    command -v "$tool" > /dev/null || {
        echo "integration_prometheus_textfile: $tool is not installed (apt-get install prometheus" \
            "prometheus-node-exporter curl python3)" >&2
        exit 1
    }
done
echo "integration_prometheus_textfile: $(promtool --version 2>&1 | head -1); $(prometheus-node-exporter --version 2>&1 | head -1)"

work=$(mktemp -d "${TMPDIR:-/tmp}/logmetrics-prom.XXXXXX")
exporter=
cleanup() {
    if [ -n "$exporter" ]; then
        kill "$exporter" 2> /dev/null || true
        wait "$exporter" 2> /dev/null || true
    fi
    if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
mkdir "$work/textfiles"

# promtool check metrics < FILE must exit with EXPECTED; with 3, every finding must be the colon one.
check_metrics() {
    local file=$1 expected=$2 status=0
    promtool check metrics < "$file" > "$work/promtool.out" 2>&1 || status=$?
    if [ "$status" -ne "$expected" ]; then
        echo "integration_prometheus_textfile: promtool check metrics < $(basename "$file"): exit $status," \
            "expected $expected:" >&2
        cat "$work/promtool.out" >&2
        exit 1
    fi
    if [ "$expected" -eq 3 ] && grep -v "metric names should not contain ':'" "$work/promtool.out" | grep -q .; then
        echo "integration_prometheus_textfile: promtool found more than colons in $(basename "$file"):" >&2
        cat "$work/promtool.out" >&2
        exit 1
    fi
    echo "promtool check metrics < $(basename "$file"): exit $status ($(wc -l < "$work/promtool.out") finding(s))"
}

# 1. The library's files.
"$write_textfile" "$work/textfiles/lib.prom" "$work/colons.prom" "$work/series.om"
check_metrics "$work/textfiles/lib.prom" 0
check_metrics "$work/colons.prom" 3
grep -q '^colons_train:loss{' "$work/colons.prom"
# The OpenMetrics variant (timestamps in seconds, # EOF), read by promtool's OpenMetrics parser into
# TSDB blocks (Prometheus' backfill): all 8 series; without # EOF it is refused.
promtool tsdb create-blocks-from openmetrics "$work/series.om" "$work/blocks" > "$work/blocks.out"
awk 'NR > 1 && NF >= 7 { samples += $5; series += $7 } END { exit !(samples == 8 && series == 8) }' "$work/blocks.out" || {
    echo "integration_prometheus_textfile: promtool's blocks do not hold the 8 series:" >&2
    cat "$work/blocks.out" >&2
    exit 1
}
echo "promtool tsdb create-blocks-from openmetrics: 8 samples, 8 series"
grep -v '^# EOF$' "$work/series.om" > "$work/no-eof.om"
if promtool tsdb create-blocks-from openmetrics "$work/no-eof.om" "$work/blocks-no-eof" > /dev/null 2>&1; then
    echo "integration_prometheus_textfile: promtool accepted OpenMetrics without # EOF" >&2
    exit 1
fi

# The CLI over the bundled log: colons kept (the default), and replaced.
definitions=$source/examples/data/metrics.json
log=$source/examples/data/train.log
"$cli" scan --quiet --definitions "$definitions" \
    --output "prometheus-textfile:$work/textfiles/cli.prom?label.job=example&interval=0" "$log"
"$cli" scan --quiet --definitions "$definitions" \
    --output "prometheus-textfile:$work/replaced.prom?colons=replace&prefix=sm_&fsync=true" "$log"
check_metrics "$work/textfiles/cli.prom" 3
check_metrics "$work/replaced.prom" 0
grep -q '^sm_train_loss{' "$work/replaced.prom"
"$cli" scan --quiet --definitions "$definitions" --format jsonl "$log" > "$work/samples.jsonl"
# No temporary file is left next to the textfiles.
[ "$(ls "$work/textfiles")" = "$(printf 'cli.prom\nlib.prom')" ] || {
    echo "integration_prometheus_textfile: unexpected files: $(ls "$work/textfiles")" >&2
    exit 1
}
# promtool itself refuses a broken file (an escape the format does not have).
sed -E '0,/\{stream="/s//{stream="\\q/' "$work/textfiles/lib.prom" > "$work/broken.prom"
if promtool check metrics < "$work/broken.prom" > /dev/null 2>&1; then
    echo "integration_prometheus_textfile: promtool accepted an invalid escape" >&2
    exit 1
fi

# 2. node_exporter with only the textfile collector, on a free port.
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prometheus-node-exporter --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$work/textfiles" --web.listen-address="127.0.0.1:$port" \
    > "$work/exporter.log" 2>&1 &
exporter=$!
scrape() {
    curl -sf --max-time 5 "http://127.0.0.1:$port/metrics" > "$1"
}
for _ in $(seq 100); do
    scrape "$work/scrape.txt" && break
    kill -0 "$exporter" 2> /dev/null || break
    sleep 0.1
done
[ -s "$work/scrape.txt" ] || {
    echo "integration_prometheus_textfile: node_exporter did not answer on port $port:" >&2
    cat "$work/exporter.log" >&2
    exit 1
}
# Both files have eval_accuracy (lib.prom's from "eval/accuracy"): node_exporter serves a family
# from several files only when their HELP and TYPE agree.
"$python" "$here/check_scrape.py" "$work/scrape.txt" --file "$work/textfiles/lib.prom" \
    --file "$work/textfiles/cli.prom" --jsonl "$work/samples.jsonl" --labels job=example --escapes
grep -q '^node_textfile_mtime_seconds{file=".*cli.prom"}' "$work/scrape.txt"

# A file with a timestamp is skipped whole, and said so: the scrape shows the error, and none of
# its series (colons.prom's names are its own), while the other files are still served.
sed -E '0,/^(colons_val_loss\{[^}]*\} [^ ]+)$/s//\1 1700000000000/' "$work/colons.prom" > "$work/stamped"
grep -q ' 1700000000000$' "$work/stamped"
mv "$work/stamped" "$work/textfiles/stamped.prom"
scrape "$work/scrape-stamped.txt"
"$python" "$here/check_scrape.py" "$work/scrape-stamped.txt" --scrape-error 1 --file "$work/textfiles/cli.prom"
if grep -q '^colons_' "$work/scrape-stamped.txt"; then
    echo "integration_prometheus_textfile: node_exporter served a file with a timestamp" >&2
    exit 1
fi
echo "integration_prometheus_textfile: ok"
