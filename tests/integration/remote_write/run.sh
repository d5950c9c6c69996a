#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# ctest integration_remote_write: logmetrics' remote-write output against a real Prometheus
# (Debian's 2.42, --web.enable-remote-write-receiver) and a real VictoriaMetrics (Debian's 1.79),
# both started here on 127.0.0.1 with free ports and temporary directories, and read back
# through their HTTP APIs (verify.py: Prometheus /api/v1/query with a range selector, the raw
# samples; VictoriaMetrics /internal/force_flush then /api/v1/export):
#   1. `logmetrics scan` of examples/data/train.log with two remote-write outputs (one per server)
#      and a JSON Lines output: every sample of the JSON Lines is in both servers, with its own
#      timestamp and its exact value, and nothing else;
#   2. the library (remote_write_history): samples two days old (an old log replayed), which
#      Prometheus takes thanks to `out_of_order_time_window`, and a NaN, which must not be the
#      staleness marker (Prometheus keeps it as NaN; VictoriaMetrics does not store NaN).
# Needs prometheus, victoria-metrics and curl (.ci/run installs them). Fails, never skips,
# when they are missing.
# Usage: run.sh LOGMETRICS_CLI REMOTE_WRITE_HISTORY PROJECT_SOURCE_DIR
set -euo pipefail
cli=$(realpath "$1") history=$(realpath "$2") source=$(realpath "$3")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=/usr/bin/python3

for tool in prometheus victoria-metrics curl; do
    command -v "$tool" > /dev/null || {
        echo "integration_remote_write: $tool is not installed (.ci/run installs it)" >&2
        exit 1
    }
done
prometheus --version 2>&1 | head -1
victoria-metrics -version 2>&1 | head -1

work=$(mktemp -d "${TMPDIR:-/tmp}/logmetrics-rw.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2> /dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until URL answers 2xx, at most 30 s; shows the server's log otherwise.
wait_ready() {
    local url=$1 log=$2 deadline=$((SECONDS + 30))
    until curl -sf -o /dev/null "$url"; do
        if [ $SECONDS -ge $deadline ]; then
            echo "integration_remote_write: $url not ready after 30 s; its log:" >&2
            tail -n 30 "$log" >&2
            exit 1
        fi
        sleep 0.3
    done
}

prometheus_port=$(free_port)
cat > "$work/prometheus.yml" << 'YAML'
global: {scrape_interval: 15s}
# Samples older than the head block (a replayed old log) are accepted within this window.
storage: {tsdb: {out_of_order_time_window: 30d}}
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
    --web.listen-address="127.0.0.1:$prometheus_port" --web.enable-remote-write-receiver \
    > "$work/prometheus.log" 2>&1 &
pids+=($!)

victoria_port=$(free_port)
victoria-metrics -httpListenAddr="127.0.0.1:$victoria_port" -storageDataPath="$work/victoria" \
    -retentionPeriod=100y -search.latencyOffset=0s > "$work/victoria.log" 2>&1 &
pids+=($!)

wait_ready "http://127.0.0.1:$prometheus_port/-/ready" "$work/prometheus.log"
wait_ready "http://127.0.0.1:$victoria_port/health" "$work/victoria.log"
prometheus_url="http://127.0.0.1:$prometheus_port"
victoria_url="http://127.0.0.1:$victoria_port"

# 1. The CLI: the bundled log into both servers, and the same samples as JSON Lines.
job="cli-$$"
"$cli" scan --definitions "$source/examples/data/metrics.json" \
    --output "remote-write:$prometheus_url/api/v1/write?label.job=$job" \
    --output "remote-write:$victoria_url/api/v1/write?label.job=$job&batch=7" \
    --output "jsonl:$work/samples.jsonl" \
    "$source/examples/data/train.log" 2> "$work/summary.txt" || {
    cat "$work/summary.txt" >&2
    exit 1
}
cat "$work/summary.txt"
if grep -qi "drop\|lost\|fail" "$work/summary.txt"; then
    echo "integration_remote_write: the summary reports losses" >&2
    exit 1
fi
"$python" "$here/verify.py" "$work/samples.jsonl" "$job" "$prometheus_url" "$victoria_url"

# 2. The library: an old log's samples (two days back), and a NaN.
job="history-$$"
"$history" "$prometheus_url/api/v1/write" "$victoria_url/api/v1/write" "$job" "$work/history.jsonl"
"$python" "$here/verify.py" "$work/history.jsonl" "$job" "$prometheus_url" "$victoria_url"
echo "integration_remote_write: ok"
