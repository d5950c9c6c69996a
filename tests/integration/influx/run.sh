#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# ctest integration_influx: logmetrics' InfluxDB line protocol POSTed to real servers started
# here on 127.0.0.1 with free ports and temporary directories, and read back through their APIs:
#   1. InfluxDB 1.6.7 (Debian influxdb; `influxd config` rewritten for the ports and directories,
#      database made with the influx client): influx_write_points (escaping, a constant tag, a
#      shared line, exact integer, NaN/Inf dropped, 2000 samples in several requests, timestamps
#      hours old) read back with `/query?epoch=ms`, every value and timestamp exact; then the CLI
#      (`--output influx:http://.../write?db=cli&precision=ms&label.job=example`, with a
#      `jsonl:` output in the same run for the samples and their times), point by point;
#   2. VictoriaMetrics 1.79 (Debian victoria-metrics) `/write`: the same program and the CLI,
#      read back with /internal/force_flush and /api/v1/export (series `logmetrics_<field>`).
# Needs influxd, influx, victoria-metrics and curl (.ci/run installs them). Fails, never skips.
# Usage: run.sh INFLUX_WRITE_POINTS LOGMETRICS_CLI PROJECT_SOURCE_DIR
set -euo pipefail
write_points=$(realpath "$1") cli=$(realpath "$2") source=$(realpath "$3")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=/usr/bin/python3

for tool in influxd influx victoria-metrics curl; do
    command -v "$tool" > /dev/null || {
        echo "integration_influx: $tool is not installed (apt-get install influxdb influxdb-client victoria-metrics curl)" >&2
        exit 1
    }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/logmetrics-influx.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2> /dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

read -r influx_port rpc_port vm_port < <("$python" -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

# wait_for URL NAME PID LOG: until URL answers 2xx, 30 s at most.
wait_for() {
    for _ in $(seq 300); do
        curl -sf -o /dev/null "$1" && return 0
        kill -0 "$3" 2> /dev/null || break
        sleep 0.1
    done
    echo "integration_influx: $2 did not start; its log:" >&2
    tail -n 40 "$4" >&2
    exit 1
}

# InfluxDB 1.6: its generated config with our directories and loopback ports (BACKENDS.md 5).
influxd config 2> /dev/null > "$work/default.conf"
sed -e "s#/var/lib/influxdb#$work/influx#" \
    -e "s#^bind-address = .*#bind-address = \"127.0.0.1:$rpc_port\"#" \
    -e "s#^  bind-address = \":8086\"#  bind-address = \"127.0.0.1:$influx_port\"#" \
    -e 's#store-enabled = true#store-enabled = false#' \
    -e 's#reporting-enabled = true#reporting-enabled = false#' \
    "$work/default.conf" > "$work/influx.conf"
grep -q "127.0.0.1:$influx_port" "$work/influx.conf"
influxd run -config "$work/influx.conf" > "$work/influxd.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$influx_port/ping" influxd "${pids[-1]}" "$work/influxd.log"
echo "$(influxd version) on 127.0.0.1:$influx_port"
influx -host 127.0.0.1 -port "$influx_port" -execute 'CREATE DATABASE lm; CREATE DATABASE cli' > /dev/null

victoria-metrics -httpListenAddr="127.0.0.1:$vm_port" -storageDataPath="$work/vm" -retentionPeriod=100y \
    -search.latencyOffset=0s > "$work/vm.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$vm_port/health" victoria-metrics "${pids[-1]}" "$work/vm.log"
# Debian's build reports no version of its own (vm_app_version{version=""}): the package's.
echo "VictoriaMetrics $(dpkg-query -W -f='${Version}' victoria-metrics 2> /dev/null || echo '(version unknown)') on 127.0.0.1:$vm_port"

# Three hours ago, whole seconds, in ms.
base=$(( ($(date +%s) - 3 * 3600) * 1000 ))

influx_query() {  # DB QUERY -> JSON
    curl -sfG "http://127.0.0.1:$influx_port/query" --data-urlencode "db=$1" --data-urlencode epoch=ms \
        --data-urlencode "q=$2"
}
# vm_export DB SAMPLES: every logmetrics_* series of db=DB (JSON lines), once SAMPLES samples
# are there: VictoriaMetrics makes new series searchable a moment after /internal/force_flush.
vm_export() {
    local deadline=$((SECONDS + 20)) count
    while :; do
        curl -sf "http://127.0.0.1:$vm_port/internal/force_flush" > /dev/null
        curl -sf "http://127.0.0.1:$vm_port/api/v1/export" \
            --data-urlencode "match[]={__name__=~\"logmetrics_.*\",db=\"$1\"}" > "$work/export.jsonl"
        count=$("$python" -c 'import json, sys
print(sum(len(json.loads(l)["values"]) for l in open(sys.argv[1])))' "$work/export.jsonl")
        if [ "$count" -ge "$2" ] || [ $SECONDS -ge $deadline ]; then break; fi
        sleep 0.2
    done
    cat "$work/export.jsonl"
}

# 1. The library, to both servers.
for target in "influx:http://127.0.0.1:$influx_port/write?db=lm" "vm:http://127.0.0.1:$vm_port/write?db=lm"; do
    "$write_points" "${target#*:}" ms "$base" | tee "$work/${target%%:*}.out"
    grep -q '^requests 5 samples 2005 failed 0 ' "$work/${target%%:*}.out"
    grep -qx 'drop non-finite value: 2' "$work/${target%%:*}.out"
done
# A database that does not exist: InfluxDB answers 4xx, the sink drops and counts every request,
# keeping the server's message, and never retries.
"$write_points" "http://127.0.0.1:$influx_port/write?db=missing" ms "$base" | tee "$work/missing.out"
grep -q '^requests 0 samples 0 failed 0 last_error "HTTP 404: .*database not found' "$work/missing.out"
grep -qx 'drop rejected by the server: 2005' "$work/missing.out"
influx_query lm 'SELECT * FROM logmetrics' > "$work/influx.json"
vm_export lm 2005 > "$work/vm.jsonl"
"$python" "$here/check.py" library "$base" "$work/influx.json" "$work/vm.jsonl"

# 2. The CLI, to both servers, with the same run's samples as JSON Lines.
if [ "${INFLUX_SKIP_CLI:-}" != 1 ]; then
    "$cli" scan --quiet --definitions "$source/examples/data/metrics.json" \
        --output "influx:http://127.0.0.1:$influx_port/write?db=cli&precision=ms&label.job=example" \
        --output "influx:http://127.0.0.1:$vm_port/write?db=cli&precision=ms&label.job=example" \
        --output "jsonl:$work/cli.jsonl" \
        "$source/examples/data/train.log"
    influx_query cli 'SELECT * FROM logmetrics' > "$work/influx-cli.json"
    finite=$(grep -vc '"value":"' "$work/cli.jsonl" || true)
    vm_export cli "$finite" > "$work/vm-cli.jsonl"
    "$python" "$here/check.py" cli "$work/cli.jsonl" "$work/influx-cli.json" "$work/vm-cli.jsonl"
fi
echo "integration_influx: ok"
