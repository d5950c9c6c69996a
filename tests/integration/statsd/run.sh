#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# ctest integration_statsd: logmetrics' StatsD and DogStatsD gauges sent over UDP to a real
# StatsD server, Etsy statsd 0.9.0 (npm `statsd`, package.json here), started on 127.0.0.1 with
# free ports and a temporary directory, and read back through its management port (`gauges`,
# `stats`: mgmt.js):
#   1. statsd_write_gauges, vanilla: reserved characters in names, a negative gauge after a
#      positive one (the `0|g` pair), exact large integer, NaN/Inf dropped, several datagrams;
#   2. the same in the DogStatsD dialect, whose tags statsd 0.9.0 turns into `name;k=v` keys;
#   3. the CLI (`--output statsd:udp://...` and `dogstatsd:udp://...`) on the bundled example log,
#      each metric's last value checked against the CLI's own JSON Lines.
# Every value is compared exactly, and statsd must have seen no bad line (`bad_lines_seen` 0).
# Needs node and `npm ci` in this directory (.ci/run does it). Fails, never skips.
# Usage: run.sh STATSD_WRITE_GAUGES LOGMETRICS_CLI PROJECT_SOURCE_DIR
set -euo pipefail
write_gauges=$(realpath "$1") cli=$(realpath "$2") source=$(realpath "$3")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=/usr/bin/python3

command -v node > /dev/null || { echo "integration_statsd: node is not installed (apt-get install nodejs)" >&2; exit 1; }
[ -f "$here/node_modules/statsd/stats.js" ] || {
    echo "integration_statsd: npm package statsd missing: run 'npm ci' in $here" >&2
    exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/logmetrics-statsd.XXXXXX")
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2> /dev/null || true; wait "$server" 2> /dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# Two free ports: UDP for the metrics, TCP for the management interface.
read -r udp_port mgmt_port < <("$python" -c '
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
t = socket.socket(); t.bind(("127.0.0.1", 0))
print(u.getsockname()[1], t.getsockname()[1])')

start_statsd() {
    cat > "$work/config.js" << CONFIG
{ port: $udp_port, address: "127.0.0.1", mgmt_address: "127.0.0.1", mgmt_port: $mgmt_port,
  backends: ["./backends/console"], dumpMessages: true, flushInterval: 1000 }
CONFIG
    (cd "$here/node_modules/statsd" && exec node stats.js "$work/config.js") > "$work/statsd.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do
        node "$here/mgmt.js" "$mgmt_port" stats > /dev/null 2>&1 && return 0
        kill -0 "$server" 2> /dev/null || break
        sleep 0.1
    done
    echo "integration_statsd: statsd did not start; its log:" >&2
    cat "$work/statsd.log" >&2
    exit 1
}
stop_statsd() {
    kill "$server"
    wait "$server" 2> /dev/null || true
    server=
}

# check EXPECTED_JSON: waits (10 s at most) until every expected gauge has its value, then checks
# them exactly, that no other gauge than statsd's own appeared, and that statsd saw no bad line.
check() {
    local expected=$1 deadline=$((SECONDS + 10))
    while :; do
        node "$here/mgmt.js" "$mgmt_port" gauges > "$work/gauges.json"
        if "$python" - "$expected" "$work/gauges.json" << 'PY'; then break; fi
import json, sys
expected, got = json.loads(sys.argv[1]), json.load(open(sys.argv[2]))
sys.exit(0 if all(got.get(k) == v for k, v in expected.items()) else 1)
PY
        if [ $SECONDS -ge $deadline ]; then break; fi
        sleep 0.2
    done
    node "$here/mgmt.js" "$mgmt_port" stats > "$work/stats.json"
    "$python" - "$expected" "$work/gauges.json" "$work/stats.json" << 'PY' || { tail -n 40 "$work/statsd.log" >&2; exit 1; }
import json, sys
expected, got, stats = json.loads(sys.argv[1]), json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
ours = {k: v for k, v in got.items() if not k.startswith("statsd.")}
bad = []
for k, v in expected.items():
    if k not in ours: bad.append(f"missing gauge {k!r} (expected {v!r})")
    elif ours[k] != v: bad.append(f"gauge {k!r} is {ours[k]!r}, expected {v!r}")
for k in ours:
    if k not in expected: bad.append(f"unexpected gauge {k!r} = {ours[k]!r}")
if stats.get("messages.bad_lines_seen") != 0:
    bad.append(f"statsd saw bad lines: {stats.get('messages.bad_lines_seen')}")
for b in bad: print("integration_statsd:", b, file=sys.stderr)
if bad: sys.exit(1)
print(f"  {len(expected)} gauges exact, bad_lines_seen 0")
PY
}

start_statsd
node --version
echo "statsd $(node -p "require('$here/node_modules/statsd/package.json').version") on udp 127.0.0.1:$udp_port, mgmt tcp $mgmt_port"

# 1. vanilla
"$write_gauges" "udp://127.0.0.1:$udp_port" vanilla | tee "$work/vanilla.out"
grep -qx 'drop non-finite value: 3' "$work/vanilla.out"
grep -qx 'drop send failed: 0' "$work/vanilla.out"
[ "$(sed -n 's/^datagrams //p' "$work/vanilla.out")" -ge 3 ]
check '{"train_loss": 0.125, "val_loss": -3.5, "lr": 2.5e20, "tokens": 123456789012, "step": 149.5}'
stop_statsd

# 2. DogStatsD (a fresh server: the vanilla gauges are gone)
start_statsd
"$write_gauges" "udp://127.0.0.1:$udp_port" dogstatsd | tee "$work/dog.out"
grep -qx 'drop non-finite value: 3' "$work/dog.out"
check '{"dog.train_loss;stream=algo-1;job=j1": 0.125, "dog.val_loss;stream=algo-1;job=j1": -3.5,
        "dog.lr;stream=algo-1;job=j1": 2.5e20, "dog.tokens;stream=algo-1;job=j1": 123456789012,
        "dog.step;stream=algo-1;job=j1": 149.5}'
stop_statsd

# 3. The CLI, both dialects, against the last value of each metric in its own JSON Lines.
if [ "${STATSD_SKIP_CLI:-}" != 1 ]; then
    "$cli" scan --quiet --definitions "$source/examples/data/metrics.json" --format jsonl \
        "$source/examples/data/train.log" > "$work/samples.jsonl"
    for dialect in statsd dogstatsd; do
        start_statsd
        expected=$("$python" - "$work/samples.jsonl" "$dialect" << 'PY'
import json, re, sys
last = {}
for line in open(sys.argv[1]):
    s = json.loads(line)
    if isinstance(s["value"], (int, float)) and s["value"] == s["value"] and abs(s["value"]) != float("inf"):
        last[s["name"]] = s["value"]
def name(n):
    if sys.argv[2] == "dogstatsd":  # statsd 0.9.0 turns |#k:v tags into ;k=v
        return "cli." + re.sub(r"[^A-Za-z0-9_.]", "_", n) + ";stream=train.log;job=example"
    return "cli." + re.sub(r"[:|@#,\s]", "_", n)
print(json.dumps({name(k): v for k, v in last.items()}))
PY
)
        "$cli" scan --quiet --definitions "$source/examples/data/metrics.json" --stream train.log \
            --output "$dialect:udp://127.0.0.1:$udp_port?prefix=cli.$([ "$dialect" = dogstatsd ] && echo '&label.job=example')" \
            "$source/examples/data/train.log" 2> "$work/cli.err" || { cat "$work/cli.err" >&2; exit 1; }
        check "$expected"
        stop_statsd
    done
fi
echo "integration_statsd: ok"
