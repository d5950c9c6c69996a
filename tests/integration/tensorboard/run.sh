#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# ctest integration_tensorboard: logmetrics' TensorBoard event files checked with tools that are
# not logmetrics': every record's CRCs recomputed by python3-crc32c and every event decoded by
# `protoc --decode_raw` (verify.py), against the samples `logmetrics scan --format jsonl` gives
# for the same log:
#   1. one input: `--output tensorboard:DIR` writes one event file in DIR;
#   2. two inputs: a run directory per input (DIR/<label>/events.out.tfevents.*), each checked
#      against that input's samples.
# Needs protoc (Debian protobuf-compiler) and python3-crc32c for /usr/bin/python3 (.ci/run
# installs both). Fails, never skips, when they are missing.
# Usage: run.sh LOGMETRICS_CLI PROJECT_SOURCE_DIR
set -euo pipefail
cli=$(realpath "$1") source=$(realpath "$2")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=/usr/bin/python3

command -v protoc > /dev/null || {
    echo "integration_tensorboard: protoc is not installed (apt-get install protobuf-compiler)" >&2
    exit 1
}
"$python" -c 'import crc32c' 2> /dev/null || {
    echo "integration_tensorboard: python3-crc32c is not installed (apt-get install python3-crc32c)" >&2
    exit 1
}
protoc --version

work=$(mktemp -d "${TMPDIR:-/tmp}/logmetrics-tb.XXXXXX")
trap 'rm -rf "$work"' EXIT
definitions="$source/examples/data/metrics.json"
now() { "$python" -c 'import time; print(repr(time.time()))'; }

# 1. One input, one file.
start=$(now)
"$cli" scan --quiet --definitions "$definitions" --output "tensorboard:$work/runs/job1" "$source/examples/data/train.log"
end=$(now)
"$cli" scan --quiet --definitions "$definitions" --format jsonl "$source/examples/data/train.log" > "$work/samples.jsonl"
mapfile -t files < <(find "$work/runs" -type f)
[ "${#files[@]}" -eq 1 ] || { echo "integration_tensorboard: ${#files[@]} files in runs/, expected 1" >&2; exit 1; }
[[ ${files[0]} == "$work/runs/job1/events.out.tfevents."* ]] || {
    echo "integration_tensorboard: unexpected file ${files[0]}" >&2
    exit 1
}
[ -s "$work/samples.jsonl" ] || { echo "integration_tensorboard: no samples" >&2; exit 1; }
"$python" "$here/verify.py" "${files[0]}" "$work/samples.jsonl" "$start" "$end"

# 2. Two inputs, a run each (the stream label is the path as given: made a safe directory name).
cp "$source/examples/data/train.log" "$work/a.log"
head -n 120 "$source/examples/data/train.log" > "$work/b.log"
cd "$work"
start=$(now)
"$cli" scan --quiet --definitions "$definitions" --output "tensorboard:runs2" a.log b.log
end=$(now)
for input in a.log b.log; do
    "$cli" scan --quiet --definitions "$definitions" --format jsonl "$input" > "$input.jsonl"
    mapfile -t files < <(find "runs2/$input" -type f -name 'events.out.tfevents.*')
    [ "${#files[@]}" -eq 1 ] || { echo "integration_tensorboard: ${#files[@]} files in runs2/$input" >&2; exit 1; }
    "$python" "$here/verify.py" "${files[0]}" "$input.jsonl" "$start" "$end"
done
[ "$(find runs2 -type f | wc -l)" -eq 2 ] || { echo "integration_tensorboard: stray files in runs2" >&2; exit 1; }

# The checker itself refuses a file with one flipped byte.
"$python" -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[40] ^= 0xff; open("corrupt", "wb").write(b)' \
    "${files[0]}"
if "$python" "$here/verify.py" corrupt "b.log.jsonl" "$start" "$end" 2> /dev/null; then
    echo "integration_tensorboard: verify.py accepted a corrupted file" >&2
    exit 1
fi
echo "integration_tensorboard: ok"
