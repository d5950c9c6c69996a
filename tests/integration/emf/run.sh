#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# ctest integration_emf: logmetrics' CloudWatch EMF output checked with AWS's reference client's
# validators (npm aws-embedded-metrics) and the spec's JSON Schema (ajv), by validate.js:
#   1. emf_write_events: the format's edges (limits, size cap, drops) through emf_sink;
#   2. the CLI: `logmetrics scan --output emf:FILE` over the bundled example log;
#   3. the CLI to tcp://127.0.0.1:PORT, where listen.js stands in for the CloudWatch agent.
# Needs node and the packages of package.json installed here (`npm ci` in this directory, which
# .ci/run does). Fails, never skips, when they are missing.
# Usage: run.sh EMF_WRITE_EVENTS LOGMETRICS_CLI PROJECT_SOURCE_DIR
set -euo pipefail
write_events=$1 cli=$2 source=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

command -v node > /dev/null || { echo "integration_emf: node is not installed (apt-get install nodejs)" >&2; exit 1; }
for package in aws-embedded-metrics ajv; do
    [ -d "$here/node_modules/$package" ] || {
        echo "integration_emf: npm package $package missing: run 'npm ci' in $here" >&2
        exit 1
    }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/logmetrics-emf.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$write_events" "$work/events.jsonl" "$work/capped.jsonl"
# 101 values: 2 events; 101 metrics: 2; "val loss": 50; tokens: 1 (the others at distinct times).
node "$here/validate.js" "$work/events.jsonl" --min-events 55 --values 253
node "$here/validate.js" "$work/capped.jsonl" --min-events 60 --max-bytes 1000 --values 253

"$cli" scan --quiet --definitions "$source/examples/data/metrics.json" \
    --output "emf:$work/cli.jsonl?namespace=logmetrics/example&dimensions=job:example" \
    "$source/examples/data/train.log"
# A file is read in a few ms: its samples share few timestamps (the monitor stamps the time a
# line is read), so few events.
samples=$("$cli" scan --quiet --definitions "$source/examples/data/metrics.json" --format jsonl \
    "$source/examples/data/train.log" | wc -l)
node "$here/validate.js" "$work/cli.jsonl" --min-events 1 --values "$samples"

# The CLI to a stand-in agent over TCP (behind its async queue).
node "$here/listen.js" "$work/port" "$work/tcp.jsonl" &
listener=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "integration_emf: the listener did not start" >&2; kill "$listener"; exit 1; }
"$cli" scan --quiet --definitions "$source/examples/data/metrics.json" \
    --output "emf:tcp://127.0.0.1:$(cat "$work/port")?dimensions=job:example" \
    "$source/examples/data/train.log"
wait "$listener"
node "$here/validate.js" "$work/tcp.jsonl" --min-events 1 --values "$samples"

# The checker itself refuses what is not EMF: JSON Lines, and an event with a NaN (as "nan").
"$cli" scan --quiet --definitions "$source/examples/data/metrics.json" --format jsonl \
    "$source/examples/data/train.log" > "$work/not-emf.jsonl"
if node "$here/validate.js" "$work/not-emf.jsonl" 2> /dev/null; then
    echo "integration_emf: validate.js accepted JSON Lines" >&2
    exit 1
fi
grep -m1 '"train:loss":\[' "$work/events.jsonl" | sed -E 's/"train:loss":\[[0-9.e+-]+/"train:loss":["nan"/' > "$work/nan.jsonl"
grep -q '"nan"' "$work/nan.jsonl"
if node "$here/validate.js" "$work/nan.jsonl" 2> /dev/null; then
    echo "integration_emf: validate.js accepted a value \"nan\"" >&2
    exit 1
fi
# ... and, through the reference client's validator, a timestamp CloudWatch would refuse.
sed -E 's/"Timestamp":[0-9]+/"Timestamp":1000/' "$work/capped.jsonl" > "$work/old.jsonl"
if node "$here/validate.js" "$work/old.jsonl" 2> /dev/null; then
    echo "integration_emf: validate.js accepted events of 1970" >&2
    exit 1
fi
echo "integration_emf: ok"
