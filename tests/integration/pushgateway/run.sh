#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# ctest integration_pushgateway: logmetrics' pushes to a real Prometheus Pushgateway (Debian's
# prometheus-pushgateway, 1.5.1 here), started on a free loopback port with no persistence file,
# and read back through its API (GET /api/v1/metrics, JSON: every group, its labels and each
# series' value as text):
#   1. the library (pushgateway_push put): the group job/run@base64/host (percent-encoded)/note@base64
#      holds exactly the pushed series, with the last values (NaN, +Inf, -Inf, 1e-300, an integer
#      beyond 2^53 as the float Prometheus keeps), the escaped and U+FFFD-replaced stream labels,
#      the constant label, the grouping labels decoded (run="runs/exp 1", note="");
#   2. a push the server refuses (400: a gauge whose name another group holds as a counter) is
#      counted with the server's message (pushgateway_push reject);
#   3. delete_on_exit (pushgateway_push delete) removes the group, and only it;
#   4. the CLI over the bundled example log: the group holds the last value of each metric and
#      stream, as `scan --format jsonl` shows them; with delete_on_exit=1 the group is gone after
#      the run; a Pushgateway that is down is reported in the summary and does not fail the scan.
# Needs prometheus-pushgateway (.ci/run installs it), curl and /usr/bin/python3. Fails, never
# skips, when they are missing.
# Usage: run.sh PUSHGATEWAY_PUSH LOGMETRICS_CLI PROJECT_SOURCE_DIR
# (KEEP_WORK=1 keeps the temporary directory, with the server's log and the answers, for a look.)
set -euo pipefail
push=$1 cli=$2 source=$3
python=/usr/bin/python3

for tool in prometheus-pushgateway curl "$python"; do
    command -v "$tool" > /dev/null || {
        echo "integration_pushgateway: $tool is not installed (apt-get install prometheus-pushgateway curl python3)" >&2
        exit 1
    }
done
echo "integration_pushgateway: $(prometheus-pushgateway --version 2>&1 | head -1)"

work=$(mktemp -d "${TMPDIR:-/tmp}/logmetrics-pushgateway.XXXXXX")
server=
stop_server() {
    if [ -n "$server" ]; then
        kill "$server" 2> /dev/null || true
        wait "$server" 2> /dev/null || true
        server=
    fi
}
cleanup() {
    stop_server
    if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() {
    echo "integration_pushgateway: $*" >&2
    [ -f "$work/server.log" ] && { echo "--- server log:" >&2; tail -20 "$work/server.log" >&2; }
    exit 1
}

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
# Debian's default persistence file is /var/lib/prometheus/pushgateway.data: none here.
prometheus-pushgateway --web.listen-address="127.0.0.1:$port" --persistence.file="" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
    curl -sf --max-time 2 "$url/-/ready" > /dev/null && break
    kill -0 "$server" 2> /dev/null || fail "the Pushgateway exited at start"
    sleep 0.1
done
curl -sf --max-time 2 "$url/-/ready" > /dev/null || fail "the Pushgateway was not ready within 10 s"

metrics_json() {
    curl -sf --max-time 5 "$url/api/v1/metrics" > "$1" || fail "GET /api/v1/metrics failed"
}

# 1. The library: one group, every value and label checked.
"$push" "$url" put lib || fail "pushgateway_push put failed"
metrics_json "$work/lib.json"
"$python" - "$work/lib.json" << 'EOF' || fail "the library's group is not as pushed (see above)"
import json, sys
data = json.load(open(sys.argv[1]))["data"]
groups = [g for g in data if g["labels"].get("job") == "lib"]
assert len(groups) == 1, f"groups of job=lib: {groups}"
group = groups[0]
key = {"job": "lib", "run": "runs/exp 1", "host": "node 1", "note": ""}
assert group["labels"] == key, group["labels"]
assert group["last_push_successful"] is True
values = {}
for name, family in group.items():
    if not isinstance(family, dict) or "metrics" not in family or name.startswith("push_"):
        continue
    assert family["type"] == "GAUGE", (name, family["type"])
    assert family["help"] == "Last value of a metric logmetrics read from a training log", family["help"]
    for series in family["metrics"]:
        labels = dict(series["labels"])
        stream = labels.pop("stream")
        assert labels == {**key, "team": "vision", "instance": ""}, labels
        values[(name, stream)] = series["value"]
expected = {
    ("train:loss", "algo-1"): "0.2",
    ("train:loss", 'we"ird\\path\nx'): "NaN",
    ("train:loss", "caf\ufffd"): "0.1",
    ("val_loss", "algo-1"): "+Inf",
    ("val_loss", 'we"ird\\path\nx'): "-Inf",
    ("eval_accuracy", "algo-1"): "1e-300",
    ("tokens_seen", "algo-1"): "9.007199254740992e+15",
}
assert values == expected, f"\n got      {values}\n expected {expected}"
print(f"library group {key}: {len(values)} series, values as pushed")
EOF

# 2. A push the Pushgateway refuses: "conflict" is a counter in another group.
printf '# TYPE conflict counter\nconflict 1\n' |
    curl -sf --max-time 5 -X PUT --data-binary @- "$url/metrics/job/other" > /dev/null ||
    fail "the counter push to job=other failed"
"$push" "$url" reject lib-reject > "$work/reject.out" || {
    cat "$work/reject.out" >&2
    fail "pushgateway_push reject: the refusal was not counted"
}
cat "$work/reject.out"
grep -q "^rejected 1: PUT $url/metrics/job/lib-reject: 400 .*conflict" "$work/reject.out" ||
    fail "the refusal does not carry the server's message"

# 3. delete_on_exit removes the group, and only it.
"$push" "$url" delete lib || fail "pushgateway_push delete failed"
metrics_json "$work/deleted.json"
"$python" - "$work/deleted.json" << 'EOF' || fail "the group was not deleted (or more was)"
import json, sys
groups = {g["labels"]["job"]: g for g in json.load(open(sys.argv[1]))["data"]}
# The refused push leaves its group behind, marked as failed, with no metric of ours.
assert sorted(groups) == ["lib-reject", "other"], sorted(groups)
assert groups["lib-reject"]["last_push_successful"] is False
assert "conflict" not in groups["lib-reject"], groups["lib-reject"]
print("after delete_on_exit: the groups left are", sorted(groups))
EOF

# 4. The CLI over the bundled log, two inputs (two streams), the default interval (15 s: a push
# at the first tick, the last values by the push at the end): the group holds each metric's last
# value per input, as `scan --format jsonl` shows them.
definitions=$source/examples/data/metrics.json
head -120 "$source/examples/data/train.log" > "$work/first.log"
cp "$source/examples/data/train.log" "$work/whole.log"
inputs=("$work/first.log" "$work/whole.log")
"$cli" scan --quiet --definitions "$definitions" --format jsonl "${inputs[@]}" > "$work/samples.jsonl"
"$cli" scan --quiet --definitions "$definitions" \
    --output "pushgateway:$url?job=cli&label.run=example/1" "${inputs[@]}" ||
    fail "the CLI's push failed"
metrics_json "$work/cli.json"
"$python" - "$work/cli.json" "$work/samples.jsonl" << 'EOF' || fail "the CLI's group does not hold the last values"
import json, math, re, sys
data = json.load(open(sys.argv[1]))["data"]
groups = [g for g in data if g["labels"].get("job") == "cli"]
assert len(groups) == 1, groups
group = groups[0]
assert group["labels"] == {"job": "cli", "run": "example/1"}, group["labels"]

def prometheus_name(name):  # formats/prometheus_names.hpp, colons kept
    name = re.sub(r"[^a-zA-Z0-9_:]", "_", name)
    return "_" + name if name[:1].isdigit() else name

last = {}
for line in open(sys.argv[2]):
    s = json.loads(line)
    last[(prometheus_name(s["name"]), s["stream"])] = s["value"]
got = {}
for name, family in group.items():
    if isinstance(family, dict) and "metrics" in family and not name.startswith("push_"):
        for series in family["metrics"]:
            assert set(series["labels"]) == {"job", "run", "instance", "stream"}, series["labels"]
            got[(name, series["labels"]["stream"])] = series["value"]
assert set(got) == set(last), f"series: got {sorted(got)}, expected {sorted(last)}"
for key, value in last.items():
    expected = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}.get(value, value)
    pushed = float(got[key])
    assert (math.isnan(pushed) and math.isnan(expected)) or pushed == float(expected), (key, got[key], value)
print(f"CLI group {group['labels']}: {len(got)} series ({len({k[1] for k in got})} streams), the last values")
EOF

# delete_on_exit=1: the same group is gone after the run (the job's last values never linger).
"$cli" scan --quiet --definitions "$definitions" \
    --output "pushgateway:$url?job=cli&label.run=example/1&delete_on_exit=1" "${inputs[@]}" ||
    fail "the CLI's run with delete_on_exit failed"
metrics_json "$work/cli-deleted.json"
"$python" - "$work/cli-deleted.json" << 'EOF' || fail "delete_on_exit=1 left the CLI's group"
import json, sys
jobs = sorted(g["labels"]["job"] for g in json.load(open(sys.argv[1]))["data"])
assert "cli" not in jobs, jobs
print("CLI with delete_on_exit=1: the group is gone; groups left:", jobs)
EOF

# 5. A live scan (a FIFO as input: pushed as lines arrive, interval=0) while the Pushgateway is
# stopped and started again on the same port: the push during the outage fails, the value it
# carried is counted once it is replaced, and delivery resumes without the scan's end.
start_server() {
    # 3>&-: not the FIFO's write end, or the scan would never see its end.
    prometheus-pushgateway --web.listen-address="127.0.0.1:$port" --persistence.file="" >> "$work/server.log" 2>&1 3>&- &
    server=$!
    for _ in $(seq 100); do
        curl -sf --max-time 2 "$url/-/ready" > /dev/null && return 0
        kill -0 "$server" 2> /dev/null || fail "the Pushgateway exited at start"
        sleep 0.1
    done
    fail "the Pushgateway was not ready within 10 s"
}
# wait_for_loss VALUE: until the group job=live holds train:loss VALUE (10 s at most).
wait_for_loss() {
    for _ in $(seq 100); do
        curl -sf --max-time 2 "$url/metrics" | grep -q "^train:loss{.*job=\"live\".*} $1\$" && return 0
        sleep 0.1
    done
    fail "the group job=live did not get train:loss $1"
}
mkfifo "$work/live.fifo"
"$cli" scan --definitions "$definitions" --output "pushgateway:$url?job=live&interval=0&timeout=2" \
    < "$work/live.fifo" > "$work/live.out" 2> "$work/live.err" &
live=$!
exec 3> "$work/live.fifo"
echo "epoch 1 - loss: 1.5" >&3
wait_for_loss 1.5
stop_server
echo "epoch 2 - loss: 2.5" >&3  # its push fails: nobody listens
sleep 0.5
start_server
sleep 1.1                       # the retry interval (1 s) since the failed push
echo "epoch 3 - loss: 3.5" >&3  # replaces 2.5, which never reached the Pushgateway
wait_for_loss 3.5
echo "delivery resumed after the restart, before the end of the scan"
exec 3>&-
# A value that never reached the Pushgateway is a failed delivery: exit status 1 (README).
live_status=0
wait "$live" || live_status=$?
[ "$live_status" -eq 1 ] || fail "the live scan exited $live_status, not 1: $(cat "$work/live.err")"
grep "^output pushgateway" "$work/live.err"
grep -q "^output pushgateway:$url: 1 undelivered (push failed)$" "$work/live.err" ||
    fail "the live scan's summary does not count the one value lost: $(cat "$work/live.err")"

# 6. The Pushgateway down: the scan finishes (the sink is behind its queue), and the summary says
# what was lost and why.
stop_server
status=0
"$cli" scan --definitions "$definitions" --output "pushgateway:$url?job=down&timeout=1" "${inputs[@]}" \
    > "$work/down.out" 2> "$work/down.err" || status=$?
cat "$work/down.err"
grep -q "undelivered (push failed)" "$work/down.err" || fail "the summary does not count the failed pushes"
[ "$status" -eq 1 ] || fail "the scan with the Pushgateway down exited $status, not 1"
echo "CLI with the Pushgateway down: exit status $status, the drops in the summary"
