#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Tests for the logmetrics command-line tool: exit statuses, messages, and the exact output of
# each format on small logs written here. Plain bash and coreutils (grep, sed, cmp): no python3,
# no jq.
#
# Usage: run_cli_tests.sh <path to the logmetrics binary> <repository root>
set -euo pipefail

if [ "$#" -ne 2 ]; then
    echo "usage: $0 LOGMETRICS_BINARY REPOSITORY_ROOT" >&2
    exit 2
fi
absolute() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
bin=$(absolute "$1")
root=$(cd "$2" && pwd)
demo_definitions="$root/examples/data/metrics.json"
demo_log="$root/examples/data/train.log"
if [ ! -x "$bin" ]; then
    echo "run_cli_tests.sh: $bin is not an executable" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/logmetrics-cli-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"  # inputs are named relatively, so stream labels are predictable

passed=0
failed=0

# run COMMAND...: runs it with stdout in ./out, stderr in ./err, and its exit status in $rc.
run() {
    rc=0
    "$@" >out 2>err || rc=$?
}

status_is() { [ "$rc" -eq "$1" ]; }
out_has() { grep -qF -- "$1" out; }
err_has() { grep -qF -- "$1" err; }
out_empty() { [ ! -s out ]; }
err_empty() { [ ! -s err ]; }

# check NAME CONDITION: records a pass when CONDITION (a function of this script) succeeds.
check() {
    local name=$1
    shift
    : >why
    if "$@"; then
        passed=$((passed + 1))
        printf 'ok    %s\n' "$name"
    else
        failed=$((failed + 1))
        printf 'FAIL  %s\n' "$name"
        printf '      exit status: %s\n' "${rc:-?}"
        if [ -s out ]; then
            printf '      stdout:\n'
            head -n 20 out | sed 's/^/        /'
        fi
        if [ -s err ]; then
            printf '      stderr:\n'
            head -n 20 err | sed 's/^/        /'
        fi
        cat why
    fi
}

# same_as EXPECTED ACTUAL: the two files are identical (check shows the diff when not).
same_as() {
    if cmp -s "$1" "$2"; then
        return 0
    fi
    {
        printf '      expected (%s) and actual (%s) differ:\n' "$1" "$2"
        if command -v diff >/dev/null 2>&1; then
            diff -u "$1" "$2" | head -n 40 | sed 's/^/        /' || true
        fi
    } >>why
    return 1
}

# Timestamps are the wall clock: replaced by T before comparing.
strip_times() {
    sed -E -e 's/"timestamp":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z"/"timestamp":"T"/g' \
        -e 's/"Timestamp":[0-9]+\.[0-9]{3}/"Timestamp":T/g' \
        -e 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z,/T,/' "$1"
}

# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

cat >small.json <<'EOF'
{"MetricDefinitions": [
    {"Name": "train:loss", "Regex": "loss=(\\S+)"},
    {"Name": "train:acc", "Regex": "acc=(\\S+)"},
    {"Name": "validation:rmse", "Regex": ".*\\[[0-9]+\\].*#011validation-rmse:(\\S+)"}
]}
EOF

# Line 3 has a capture that is not a number; line 4 has real TABs (#011 in sagemaker mode);
# the last line has no line end.
printf '%s\n' 'epoch 1 loss=0.5 acc=0.75' 'noise: nothing to see' 'epoch 2 loss=0.25 acc=n/a' >small.log
printf '[3]\ttrain-rmse:2.31\tvalidation-rmse:2.57\n' >>small.log
printf '%s\n' 'loss=nan' 'loss=-inf' >>small.log
printf 'loss=1e3' >>small.log

# The expected JSON Lines of small.log, stream label left as STREAM.
cat >small.expected <<'EOF'
{"line":1,"name":"train:loss","value":0.5,"step":0,"timestamp":"T","stream":"STREAM"}
{"line":1,"name":"train:acc","value":0.75,"step":0,"timestamp":"T","stream":"STREAM"}
{"line":3,"name":"train:loss","value":0.25,"step":1,"timestamp":"T","stream":"STREAM"}
{"line":4,"name":"validation:rmse","value":2.57,"step":0,"timestamp":"T","stream":"STREAM"}
{"line":5,"name":"train:loss","value":"nan","step":2,"timestamp":"T","stream":"STREAM"}
{"line":6,"name":"train:loss","value":"-inf","step":3,"timestamp":"T","stream":"STREAM"}
{"line":7,"name":"train:loss","value":1000,"step":4,"timestamp":"T","stream":"STREAM"}
EOF
sed 's/STREAM/small.log/' small.expected >expected.file
sed 's/STREAM/stdin/' small.expected >expected.stdin

cat >bad_regex.json <<'EOF'
[
    {"Name": "train:loss", "Regex": "loss=(\\S+)"},
    {"Name": "validation:loss", "Regex": "val_loss=([0-9.+)"}
]
EOF
printf '{"MetricDefinitions": [{"Name": "loss", "Regex": "loss=(\\S+)"},\n' >invalid.json
printf '{"Definitions": []}\n' >wrong_shape.json

{
    printf '['
    for i in $(seq 0 40); do
        [ "$i" -gt 0 ] && printf ','
        printf '{"Name": "m%d", "Regex": "m%d=(\\\\S+)"}' "$i" "$i"
    done
    printf ']\n'
} >many.json
printf 'm0=1 m40=2\n' >many.log

# ---------------------------------------------------------------------------------------------
# Usage and definition errors: exit status 2
# ---------------------------------------------------------------------------------------------

run "$bin" scan --definitions bad_regex.json small.log
t_bad_regex() { status_is 2 && err_has 'bad_regex.json' && err_has 'MetricDefinitions[1]' && err_has 'validation:loss' && out_empty; }
check "bad regex: exit 2, the message names bad_regex.json and MetricDefinitions[1]" t_bad_regex

run "$bin" scan --definitions invalid.json small.log
t_invalid_json() { status_is 2 && err_has 'invalid.json' && err_has 'not valid JSON' && out_empty; }
check "invalid JSON: exit 2 with the file's name" t_invalid_json

run "$bin" scan --definitions wrong_shape.json small.log
t_wrong_shape() { status_is 2 && err_has 'MetricDefinitions'; }
check "JSON without definitions: exit 2" t_wrong_shape

run "$bin" scan --definitions small.json --no-such-option small.log
t_unknown_option() { status_is 2 && err_has 'logmetrics: ' && err_has 'no-such-option' && out_empty; }
check "unknown option: exit 2" t_unknown_option

run "$bin" scan --definitions small.json --format xml small.log
t_bad_format() { status_is 2 && err_has 'format'; }
check "unknown --format: exit 2" t_bad_format

run "$bin" scan --definitions small.json --mode fancy small.log
t_bad_mode() { status_is 2 && err_has 'mode'; }
check "unknown --mode: exit 2" t_bad_mode

run "$bin" scan small.log
t_no_definitions() { status_is 2 && err_has 'definitions'; }
check "missing --definitions: exit 2" t_no_definitions

run "$bin" scan --definitions small.json --max-line-length 2 small.log
t_tiny_lines() { status_is 2; }
check "--max-line-length below 4: exit 2" t_tiny_lines

run "$bin" scan --definitions small.json --max-line-length 1099511627776 small.log
t_huge_lines() { status_is 2 && err_has '--max-line-length: "1099511627776" is not a number of bytes from 4 to 4294967294'; }
check "--max-line-length above the library's 4 GiB - 2: exit 2 naming the option" t_huge_lines

run "$bin" scan --definitions many.json -q many.log
t_limits() { status_is 2 && err_has 'more than 40 definitions' && err_has 'which --no-limits lifts' && ! err_has 'unlimited limits'; }
check "41 definitions: exit 2 (SageMaker's limit)" t_limits

run "$bin" scan --definitions many.json --no-limits -q --format csv many.log
t_no_limits() { status_is 0 && out_has ',m0,1,0,1' && out_has ',m40,2,0,1'; }
check "--no-limits takes 41 definitions" t_no_limits

# Definitions whose values end at ';' (loss=1;), for the tests of lost samples and signals.
cat >semi.json <<'EOF'
[{"Name":"loss","Regex":"loss=(\\S+);"}]
EOF

# ---------------------------------------------------------------------------------------------
# I/O errors: exit status 1
# ---------------------------------------------------------------------------------------------

run "$bin" scan --definitions small.json --format csv -q small.log missing.log small.log
t_missing_input() {
    status_is 1 && err_has 'logmetrics: cannot read missing.log: ' && [ "$(grep -c ',train:loss,0.5,0,1,small.log$' out)" -eq 2 ]
}
check "missing input: exit 1, message, and the other files are still read" t_missing_input

run "$bin" scan --definitions small.json --format none small.log .
t_directory_input() { status_is 1 && err_has 'cannot read .: Is a directory' && err_has 'scanned 1 stream '; }
check "a directory as input: exit 1, not counted as scanned" t_directory_input

run "$bin" scan --definitions no-such-definitions.json small.log
t_missing_definitions() {
    status_is 2 && err_has 'cannot open definitions file "no-such-definitions.json": No such file or directory'
}
check "missing definitions file: exit 2 (a bad option), with the reason" t_missing_definitions

run "$bin" scan --definitions . small.log
t_directory_definitions() { status_is 2 && err_has 'definitions file "." is a directory' && ! err_has 'JSON'; }
check "a directory as definitions file: exit 2, said so" t_directory_definitions

run "$bin" scan --definitions small.json -q --format none --final no/such/dir/final.json small.log
t_final_unwritable() {
    status_is 2 && err_has '--output "final:no/such/dir/final.json": cannot open no/such/dir/final.json: No such file or directory'
}
check "--final in a directory that does not exist: exit 2, spec and reason named" t_final_unwritable

printf 'keep me\n' >kept.csv
run "$bin" scan --definitions small.json -q --output csv:kept.csv --output jsonl:no/such/dir/x small.log
t_output_unopenable() {
    status_is 2 && err_has '--output "jsonl:no/such/dir/x": cannot open' && [ "$(cat kept.csv)" = 'keep me' ] && out_empty
}
check "an output that cannot be opened: exit 2 before any output is truncated" t_output_unopenable

cp small.log victim.log
run "$bin" scan --definitions small.json -q --output csv:victim.log victim.log
t_output_is_input() {
    status_is 2 && err_has '--output "csv:victim.log" writes to victim.log, which is the input victim.log' &&
        cmp -s small.log victim.log
}
check "an output on an input file: exit 2, the input kept" t_output_is_input

cp small.json defs.json
run "$bin" scan --definitions defs.json -q --final ./defs.json small.log
t_output_is_definitions() { status_is 2 && err_has 'which is the definitions file defs.json' && cmp -s small.json defs.json; }
check "--final on the definitions file: exit 2, the definitions kept" t_output_is_definitions

run "$bin" scan --definitions small.json -q --output csv:same.csv --output jsonl:./same.csv small.log
t_same_file_spelled_twice() { status_is 2 && err_has 'write to the same file'; }
check "two outputs on one file spelled differently: exit 2" t_same_file_spelled_twice

ln -sf kept.csv kept-link.csv
run "$bin" scan --definitions small.json -q --output csv:kept.csv --output jsonl:kept-link.csv small.log
t_same_file_symlink() { status_is 2 && err_has 'write to the same file' && [ "$(cat kept.csv)" = 'keep me' ]; }
check "two outputs on one file through a symlink: exit 2" t_same_file_symlink

run "$bin" scan --definitions small.json -q --output jsonl:/dev/stdout --output csv small.log
t_dev_stdout_twice() { status_is 2 && err_has 'both write to stdout'; }
check "/dev/stdout and stdout: two outputs on stdout, exit 2" t_dev_stdout_twice

run "$bin" scan --definitions small.json -q --output csv:/dev/null --final /dev/null small.log
t_dev_null_shared() { status_is 0; }
check "/dev/null may take several outputs" t_dev_null_shared

rc=0
"$bin" scan --definitions small.json -q small.log >&- 2>err || rc=$?
: >out
t_stdout_closed() { status_is 1 && err_has 'cannot write to stdout'; }
check "stdout closed: exit 1" t_stdout_closed

if [ -w /dev/full ]; then
    rc=0
    "$bin" scan --definitions small.json -q small.log >/dev/full 2>err || rc=$?
    check "stdout full (/dev/full): exit 1" t_stdout_closed

    for i in $(seq 1 400); do printf 'loss=%d\n' $(seq 1 100); done >many-samples.log
    rc=0
    "$bin" scan --definitions small.json many-samples.log >/dev/full 2>err || rc=$?
    t_lost_samples() {
        local lost writes
        lost=$(sed -n -E 's/^output jsonl:-: ([0-9]+) samples lost \(([0-9]+) failed writes?: No space left on device\)$/\1/p' err)
        writes=$(sed -n -E 's/^output jsonl:-: ([0-9]+) samples lost \(([0-9]+) failed writes?: .*/\2/p' err)
        status_is 1 && [ -n "$lost" ] && [ -n "$writes" ] && [ "$lost" -gt "$writes" ]
    }
    check "a failing output: the summary counts the samples lost, not just the failed writes" t_lost_samples

    # Every sample handed to an output that wrote nothing is lost, those in its buffer when the
    # write failed included; and the summary says reading stopped early, and why.
    seq 1 200000 | sed 's/.*/loss=&;/' >many-semi.log
    run "$bin" scan -d semi.json --output jsonl:/dev/full many-semi.log
    t_all_lost() {
        local samples lost
        samples=$(sed -n -E 's/^total: .* ([0-9]+) samples, .*/\1/p' err)
        lost=$(sed -n -E 's/^output jsonl:\/dev\/full: ([0-9]+) samples lost .*/\1/p' err)
        status_is 1 && [ -n "$samples" ] && [ "$samples" -gt 0 ] && [ "$lost" = "$samples" ] &&
            err_has "($samples samples lost)" &&
            grep -Eq '^reading stopped early in many-semi.log \(after [0-9]+ bytes\): every output had failed$' err
    }
    check "an output that wrote nothing: every sample counted lost, and the early stop said" t_all_lost

    rc=0
    printf 'loss=1;\n' | "$bin" scan -d semi.json --output jsonl:/dev/full >out 2>err || rc=$?
    t_one_lost() {
        status_is 1 && err_has 'output jsonl:/dev/full: 1 sample lost' && err_has '(1 samples lost)'
    }
    check "one sample to /dev/full from a pipe: counted lost, exit 1" t_one_lost
fi

# ---------------------------------------------------------------------------------------------
# Exit status of outputs that drop: 1 for a failed delivery, 0 for a format's own rules
# ---------------------------------------------------------------------------------------------
run "$bin" scan -d "$demo_definitions" --output emf:tcp://127.0.0.1:1 "$demo_log"
t_network_down() { status_is 1 && err_has 'output emf:tcp://127.0.0.1:1: 111 undelivered (sink failed)'; }
check "a network output that delivers nothing (connection refused): exit 1, undelivered in the summary" t_network_down

printf 'loss=nan;\nloss=1;\n' >nan.log
run "$bin" scan -d semi.json --output emf:emf.jsonl nan.log
t_format_drop() { status_is 0 && err_has 'output emf:emf.jsonl: 1 dropped (non-finite value)' && grep -q '"loss":1' emf.jsonl; }
check "a sample the format drops by its backend's rules (NaN in EMF): counted, exit 0" t_format_drop

# ---------------------------------------------------------------------------------------------
# Signals: SIGTERM, SIGINT, SIGHUP stop the reading, close the outputs, print the summary
# ---------------------------------------------------------------------------------------------
# interrupt SIGNAL [PREFIX...]: scans a FIFO fed one sample by this shell, which keeps it open (so
# the scan blocks in read), waits for the sample to be processed, sends SIGNAL, and waits for the
# exit (status in $rc).
interrupt() {
    local signal=$1 pid deadline
    shift
    rm -f in.fifo f.json seen.jsonl
    mkfifo in.fifo
    exec 3<>in.fifo  # read-write: opening does not wait for the reader
    "$@" "$bin" scan -d semi.json --output jsonl:seen.jsonl --final f.json in.fifo >out 2>err 3>&- &
    pid=$!
    printf 'loss=0.5;\n' >&3
    deadline=$((SECONDS + 10))
    while [ ! -s seen.jsonl ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.05; done
    kill "-$signal" "$pid" 2>/dev/null || true
    rc=0
    wait "$pid" || rc=$?
    exec 3>&-
}

interrupt TERM
t_sigterm() {
    status_is 143 && grep -qx '\[{"MetricName":"loss","Value":0.5,"Timestamp":[0-9.]*}\]' f.json &&
        err_has 'interrupted by SIGTERM: reading stopped early; the outputs were closed' && err_has '1 samples'
}
check "SIGTERM on a blocking read: final: written, the summary says so, exit 143" t_sigterm

interrupt INT env --default-signal=INT  # a script's background job starts with SIGINT ignored
t_sigint() { status_is 130 && grep -q '"Value":0.5' f.json && err_has 'interrupted by SIGINT'; }
check "SIGINT (Ctrl-C): final: written, exit 130" t_sigint

interrupt HUP
t_sighup() { status_is 129 && grep -q '"Value":0.5' f.json && err_has 'interrupted by SIGHUP'; }
check "SIGHUP: final: written, exit 129" t_sighup

# ---------------------------------------------------------------------------------------------
# Output formats
# ---------------------------------------------------------------------------------------------

run "$bin" scan --definitions small.json small.log
strip_times out >out.jsonl
t_jsonl() { status_is 0 && same_as expected.file out.jsonl; }
check "jsonl: exactly the expected samples (line order, then definition order)" t_jsonl
t_jsonl_time() { grep -Eq '"timestamp":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z"' out; }
check "jsonl: timestamps are ISO 8601 UTC" t_jsonl_time
t_summary() {
    err_has 'first rejected: "n/a" on line 3' && err_has '7 lines' && err_has '7 samples' && err_has '1 rejected' &&
        err_has '0 sink errors'
}
check "summary: counts, and the rejected capture with its line" t_summary
t_no_progress() { ! grep -q $'\r' err; }
check "no progress line when stderr is not a terminal" t_no_progress

run "$bin" scan --definitions small.json --quiet small.log
t_quiet() { status_is 0 && err_empty && [ "$(wc -l <out)" -eq 7 ]; }
check "--quiet: no summary" t_quiet

run "$bin" scan --definitions small.json --format csv -q small.log
strip_times out >out.csv
cat >expected.csv <<'EOF'
timestamp,metric_name,value,step,line,stream
T,train:loss,0.5,0,1,small.log
T,train:acc,0.75,0,1,small.log
T,train:loss,0.25,1,3,small.log
T,validation:rmse,2.57,0,4,small.log
T,train:loss,nan,2,5,small.log
T,train:loss,-inf,3,6,small.log
T,train:loss,1000,4,7,small.log
EOF
t_csv() { status_is 0 && [ "$(head -n 1 out)" = 'timestamp,metric_name,value,step,line,stream' ] && same_as expected.csv out.csv; }
check "csv: header and rows" t_csv

run "$bin" scan --definitions small.json --format none small.log
t_none() { status_is 0 && out_empty && err_has '7 samples'; }
check "--format none: nothing on stdout, the summary still counts" t_none

run "$bin" scan --definitions small.json --format none -q --final final.json small.log
strip_times final.json >final.stripped
printf '%s\n' '[{"MetricName":"train:loss","Value":1000,"Timestamp":T},{"MetricName":"train:acc","Value":0.75,"Timestamp":T},{"MetricName":"validation:rmse","Value":2.57,"Timestamp":T}]' >expected.final
t_final() { status_is 0 && out_empty && same_as expected.final final.stripped; }
check "--final: FinalMetricDataList JSON with each metric's last value" t_final

run "$bin" scan --definitions small.json --format none -q --final - small.log
strip_times out >final.stdout
t_final_stdout() { status_is 0 && same_as expected.final final.stdout; }
check "--final -: to stdout" t_final_stdout

run "$bin" scan --definitions small.json --format table -q small.log
t_table() {
    status_is 0 && out_has 'final values' && grep -Eq '^ +3  train:loss +0\.25 +1$' out &&
        grep -Eq '^train:loss +1000 +5 +-inf +1000$' out
}
check "table: sample rows and the final values" t_table

printf 'loss=0.5\nloss=inf\n' >ends-inf.log
run "$bin" scan --definitions small.json -q --format table --final ends-inf.json ends-inf.log
t_table_last_finite() {
    status_is 0 && grep -Eq '^train:loss +0\.5\* +2 +0\.5 +inf$' out && out_has '* the last value was NaN or infinite' &&
        grep -qF '"MetricName":"train:loss","Value":0.5,' ends-inf.json
}
check "table: the last finite value, as final: has it, marked when the last was not finite" t_table_last_finite

# ---------------------------------------------------------------------------------------------
# Outputs: a list of KIND[:PATH][?KEY=VALUE] specs
# ---------------------------------------------------------------------------------------------

run "$bin" scan --definitions small.json -q --output 'csv?header=false' --output jsonl:samples.jsonl \
    --output final:final2.json --output table:table.txt small.log
strip_times samples.jsonl >samples.stripped
strip_times final2.json >final2.stripped
t_output_list() {
    status_is 0 && ! out_has 'timestamp,metric_name' && [ "$(wc -l <out)" -eq 7 ] && out_has ',train:loss,1000,4,7,small.log' &&
        same_as expected.file samples.stripped && same_as expected.final final2.stripped &&
        grep -Eq '^train:loss +1000 +5 +-inf +1000$' table.txt
}
check "--output: csv on stdout (no header), jsonl, final and table in files, each complete" t_output_list

# The final value is the last finite one; a metric with none is left out, and named.
printf '%s\n' 'loss=0.5 acc=nan' 'loss=0.25 acc=inf' 'loss=nan acc=-inf' >nonfinite.log
run "$bin" scan --definitions small.json --format none --final nonfinite.json nonfinite.log
strip_times nonfinite.json >nonfinite.stripped
printf '%s\n' '[{"MetricName":"train:loss","Value":0.25,"Timestamp":T}]' >expected.nonfinite
t_final_finite() {
    status_is 0 && same_as expected.nonfinite nonfinite.stripped &&
        err_has 'output final:nonfinite.json: left out train:acc (no finite value)'
}
check "--final: the last finite value; a metric with none is left out and named in the summary" t_final_finite

run "$bin" scan --definitions small.json -q --final - small.log
strip_times out >final.only
t_final_only_stdout() { status_is 0 && same_as expected.final final.only; }
check "--final - alone: stdout holds the FinalMetricDataList only" t_final_only_stdout

run "$bin" scan --definitions small.json -q --final final-alone.json small.log
t_final_file_alone() { status_is 0 && out_has '"name":"train:loss"' && grep -qF '"MetricName":"train:loss"' final-alone.json; }
check "--final FILE alone: a summary file, and the samples still on stdout as JSON Lines" t_final_file_alone

run "$bin" scan --definitions small.json --output xml:out.xml small.log
t_bad_kind() {
    status_is 2 && out_empty && err_has '--output "xml:out.xml": unknown kind "xml"' &&
        err_has 'the kinds are jsonl, csv, table, final, emf, ' && [ ! -e out.xml ]
}
check "unknown output kind: exit 2, the spec named and the kinds listed" t_bad_kind

printf 'x' > tb-file
run "$bin" scan --definitions small.json --output csv:tb-other.csv --output tensorboard:tb-file/runs small.log
t_tb_bad_dir() {
    status_is 2 && err_has '--output "tensorboard:tb-file/runs": cannot make directory tb-file/runs: tb-file is not a directory' &&
        [ ! -e tb-other.csv ]
}
check "tensorboard: a DIR that cannot be made is a usage error (exit 2) before any output is made" t_tb_bad_dir

# Many inputs, few file descriptors: at most max_open_files (64) event files are open at once, the
# others closed and reopened to append (review F6: 1100 inputs under ulimit -n 256 lost 850 runs).
mkdir manyin
for i in $(seq 1 1100); do printf 'train_loss=%d\n' "$i" >"manyin/in$i.log"; done
printf '%s\n' '[{"Name":"loss","Regex":"train_loss=(\\S+)"}]' >many.json
rc=0
(ulimit -n 256 && exec "$bin" scan --definitions many.json --output tensorboard:tb-many manyin/*.log) >out 2>err || rc=$?
t_tb_many() {
    status_is 0 && out_empty && err_has '1100 samples' && err_has '0 sink errors' && ! err_has 'dropped' &&
        [ "$(find tb-many -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 1100 ] &&
        [ "$(find tb-many -type f | wc -l)" -eq 1100 ] &&
        [ "$(find tb-many -type f -printf '%s\n' | sort -u | wc -l)" -eq 1 ] && # each: file_version + 1 event
        [ "$(find tb-many -type f -size -60c | wc -l)" -eq 0 ]
}
check "tensorboard: 1100 inputs under ulimit -n 256, a run each, one complete file each" t_tb_many
# max_open_files=1: each run is closed when the next input starts, and is still one whole file.
printf 'train_loss=1\ntrain_loss=2\ntrain_loss=3\n' >tb-a.log
cp tb-a.log tb-b.log
cp tb-a.log tb-c.log
run "$bin" scan --definitions many.json -q --output 'tensorboard:tb-few?max_open_files=1' tb-a.log tb-b.log tb-c.log
one_event_size=$(find tb-many -type f -printf '%s\n' | head -n 1)
t_tb_few() {
    local sizes
    sizes=$(find tb-few -type f -printf '%s\n' | sort -u)
    status_is 0 && [ "$(find tb-few -type f | wc -l)" -eq 3 ] && [ "$(printf '%s\n' "$sizes" | wc -l)" -eq 1 ] &&
        [ "$sizes" -gt "$one_event_size" ]
}
check "tensorboard: max_open_files=1, three runs, each one file with all its events" t_tb_few

# ---------------------------------------------------------------------------------------------
# Review F10-F12: the stream column, doc/UX fixes
# ---------------------------------------------------------------------------------------------

printf 'loss=0.5\n' >'two,"q".log'
run "$bin" scan --definitions small.json -q --format csv small.log 'two,"q".log'
t_csv_stream() {
    status_is 0 && [ "$(head -n 1 out)" = 'timestamp,metric_name,value,step,line,stream' ] &&
        grep -Eq '^[^,]+,train:loss,0\.5,0,1,small\.log$' out &&
        grep -Eq '^[^,]+,train:loss,0\.5,0,1,"two,""q""\.log"$' out
}
check "csv: a stream column last, RFC 4180-quoted, tells two inputs apart" t_csv_stream

run "$bin" scan --help
t_help_format() {
    status_is 0 && out_has 'What stdout shows: jsonl, csv, table, emf, none' && out_has '"Type":"integer"' &&
        out_has '"1.0", "2e3"' && out_has '--output none alone writes no samples' &&
        out_has 'with --final - (stdout) alone, stdout holds the FinalMetricDataList only'
}
check "scan --help: --format lists every kind it takes, Type integer, none alone, --final -" t_help_format

run "$bin" scan --definitions small.json --output none small.log
t_none_alone() { status_is 0 && out_empty && err_has '7 samples'; }
check "--output none alone: no samples, only the summary" t_none_alone

rc=0
"$bin" scan --definitions /dev/stdin <small.json >out 2>err || rc=$?
t_defs_stdin_twice() {
    status_is 2 && out_empty && err_has 'the definitions and the input are both stdin'
}
check "-d /dev/stdin with the input on stdin: exit 2, not a silent empty scan" t_defs_stdin_twice
rc=0
"$bin" scan --definitions - - <small.json >out 2>err || rc=$?
check "-d - with the input -: exit 2" t_defs_stdin_twice
rc=0
"$bin" scan --definitions - -q small.log <small.json >out 2>err || rc=$?
t_defs_dash() { status_is 0 && [ "$(wc -l <out)" -eq 7 ] && out_has '"name":"train:loss"'; }
check "-d -: the definitions from stdin, the logs from files" t_defs_dash

printf '%s\n' '[{"name":"loss","regex":"loss=(\\S+)"}]' >lower.json
run "$bin" scan --definitions lower.json small.log
t_lower_keys() {
    status_is 2 && err_has 'has no "Name" (it has "name": keys are case-sensitive: Name, Regex, Type)'
}
check "definitions with lowercase keys: the refusal says keys are case-sensitive" t_lower_keys

cp small.log "$(printf 'ctl\033[31m.log')"
run "$bin" scan --definitions small.json -q --format table small.log "$(printf 'ctl\033[31m.log')" "$(printf 'gone\001.log')"
t_ctl_names() {
    status_is 1 && out_has '==> "ctl\x1b[31m.log" <==' && ! grep -q "$(printf '\033')" out &&
        err_has 'cannot read "gone\x01.log"' && ! grep -q "$(printf '\001')" err
}
check "control bytes in file names are escaped in table headers and messages" t_ctl_names

run "$bin" scan --definitions small.json --output 'emf?dimensions=job:j1,' small.log
t_emf_trailing_comma() { status_is 2 && err_has 'dimensions="job:j1,": an empty KEY:VALUE (a comma too many)'; }
check "emf: dimensions= with a trailing comma is exit 2" t_emf_trailing_comma

run "$bin" scan --definitions small.json --output 'prometheus-textfile:m.prom?stream=' small.log
t_prom_empty_stream() { status_is 2 && err_has 'stream=: a label name, or none' && [ ! -e m.prom ]; }
check "prometheus-textfile: an empty stream= is exit 2, not none" t_prom_empty_stream

run "$bin" scan --definitions small.json --output 'csv:a.csv?delimiter=;' small.log
t_bad_option() { status_is 2 && err_has 'csv does not take the option delimiter (it takes header)'; }
check "unknown output option: exit 2 naming it" t_bad_option

run "$bin" scan --definitions small.json --format csv --output table small.log
t_two_stdout() { status_is 2 && out_empty && err_has 'both write to stdout'; }
check "two outputs on stdout: exit 2" t_two_stdout

run "$bin" scan --definitions small.json --output 'table:?x' small.log
t_empty_path_before_options() { status_is 2 && err_has "nothing between ':' and '?'; table[:PATH]"; }
check "table:?x: the message says nothing is between ':' and '?', and shows table's syntax" t_empty_path_before_options

run "$bin" scan --definitions small.json --output none --output csv small.log
t_none_with_samples() { status_is 2 && err_has 'none writes no samples, csv does' && out_empty; }
check "none next to an output of samples: exit 2" t_none_with_samples

run "$bin" scan --definitions small.json -q --output none --output none small.log
t_none_twice() { status_is 0 && out_empty; }
check "none twice is none once" t_none_twice

run "$bin" scan --definitions small.json --format 'csv?header=false' small.log
t_format_spec() { status_is 2 && err_has '--format takes a kind only; use --output "csv?header=false"'; }
check "--format with options: exit 2 pointing to --output" t_format_spec

if [ -w /dev/full ]; then
    run "$bin" scan --definitions small.json --output csv:/dev/full --output jsonl:still.jsonl small.log
    strip_times still.jsonl >still.stripped
    t_failing_output() {
        status_is 1 && err_has 'csv:/dev/full failed: cannot write /dev/full' && same_as expected.file still.stripped &&
            grep -Eq '^output csv:/dev/full: ([0-9]+ samples lost \()?[0-9]+ (errors?|failed writes?): No space left on device\)?$' err &&
            ! err_has 'output jsonl:'
    }
    check "a failing output is named (message and summary), exit 1, and the other output is complete" t_failing_output
fi

# A descriptor closed at start keeps its number: no file logmetrics creates takes it, so the
# samples meant for a closed stdout do not land in the --final file, nor messages in an output.
rc=0
"$bin" scan --definitions small.json -q --final closed.json small.log >&- 2>err || rc=$?
: >out
strip_times closed.json >closed.stripped
t_closed_stdout_final() { status_is 1 && err_has 'cannot write to stdout' && same_as expected.final closed.stripped; }
check "stdout closed: the --final file holds the final values only" t_closed_stdout_final

rc=0
"$bin" scan --definitions small.json --output 'csv:closed.csv?header=false' --step-metric nope small.log 2>&- || rc=$?
t_closed_stderr() { status_is 2 && [ ! -e closed.csv ]; }
check "stderr closed: still exit 2 for a bad --step-metric, nothing written" t_closed_stderr
rc=0
"$bin" scan --definitions small.json --output 'csv:closed.csv?header=false' small.log 2>&- || rc=$?
t_closed_stderr_csv() { status_is 0 && [ "$(wc -l <closed.csv)" -eq 7 ] && ! grep -q logmetrics closed.csv; }
check "stderr closed: the summary does not land in an output file" t_closed_stderr_csv

run "$bin" scan --definitions small.json -q <&-
t_closed_stdin() { status_is 1 && err_has 'cannot read stdin: Bad file descriptor'; }
check "stdin closed: exit 1, 'cannot read stdin'" t_closed_stdin

# ---------------------------------------------------------------------------------------------
# Inputs, streams, modes
# ---------------------------------------------------------------------------------------------

run "$bin" scan --definitions small.json -q <small.log
strip_times out >out.stdin
t_stdin() { status_is 0 && same_as expected.stdin out.stdin; }
check "stdin when no file is given (stream \"stdin\")" t_stdin

run "$bin" scan --definitions small.json -q - <small.log
strip_times out >out.dash
t_dash() { status_is 0 && same_as expected.stdin out.dash; }
check "'-' reads stdin" t_dash

run "$bin" scan --definitions small.json -q --stream pod-0 small.log
strip_times out >out.label
sed 's/STREAM/pod-0/' small.expected >expected.label
t_stream_label() { status_is 0 && same_as expected.label out.label; }
check "--stream sets the label" t_stream_label

run "$bin" scan --definitions small.json -q small.log small.log
t_two_streams() {
    status_is 0 && [ "$(wc -l <out)" -eq 14 ] && [ "$(grep -c '"line":1,"name":"train:loss"' out)" -eq 2 ]
}
check "each file is its own stream: line numbers restart at 1" t_two_streams

run "$bin" scan --definitions small.json -q --mode raw small.log
t_raw() { status_is 0 && ! out_has 'validation:rmse' && [ "$(wc -l <out)" -eq 6 ]; }
check "--mode raw keeps TABs (no #011), so the XGBoost regex does not match" t_raw

printf 'loss=0.9\rloss=0.8\rloss=0.7\n' >progress.log
run "$bin" scan --definitions small.json -q --format csv --mode terminal progress.log
t_terminal() { status_is 0 && [ "$(grep -c ',train:loss,' out)" -eq 3 ] && out_has ',train:loss,0.7,2,3'; }
check "--mode terminal: each CR-separated update is a line" t_terminal

run "$bin" scan --definitions small.json -q --format csv progress.log
t_sagemaker_cr() { status_is 0 && [ "$(grep -c ',train:loss,' out)" -eq 0 ]; }
check "--mode sagemaker: CR is #015, so \"0.9#015loss=0.8...\" is rejected" t_sagemaker_cr

# Live output: a producer writes a metric line into a pipe and keeps it open (as a training job
# does between epochs); the sample must be readable on logmetrics' stdout before the producer is
# done. The producer is this shell, holding the pipe's write end on fd 3 until the check is over.
# `read -t 20` only keeps a broken build from hanging the suite; the check is what it reads.
mkfifo live.in live.out
"$bin" scan --definitions small.json -q --format csv <live.in >live.out 2>live.err &
live_pid=$!
exec 3>live.in 4<live.out
printf 'epoch 1 loss=0.5 acc=0.75\n' >&3
live_rows=()
for _ in 1 2 3; do
    IFS= read -r -t 20 row <&4 || break
    live_rows+=("$row")
done
exec 3>&-
rc=0
wait "$live_pid" || rc=$?
cat <&4 >live.rest
exec 4<&-
: >out
cp live.err err
t_live() {
    status_is 0 && [ "${#live_rows[@]}" -eq 3 ] && [ "${live_rows[0]}" = 'timestamp,metric_name,value,step,line,stream' ] &&
        [[ "${live_rows[1]}" == *',train:loss,0.5,0,1,'* ]] && [[ "${live_rows[2]}" == *',train:acc,0.75,0,1,'* ]] &&
        [ ! -s live.rest ]
}
check "from a pipe, samples are on stdout while the producer still holds the pipe open" t_live

# An output on a FIFO with no reader yet: logmetrics says so and waits (as '> fifo' in a shell
# does) instead of hanging without a word, and once a reader comes writes everything through it:
# 20000 samples, far more than a pipe holds, so writes must block again (no O_NONBLOCK left on).
# `timeout` only keeps a broken build from hanging the suite.
for i in $(seq 1 200); do printf 'loss=%d\n' $(seq 1 100); done >fifo-samples.log
mkfifo samples.fifo
timeout 60 "$bin" scan --definitions small.json -q --output jsonl:samples.fifo fifo-samples.log >out 2>err &
fifo_pid=$!
for _ in $(seq 1 200); do
    if grep -qF 'waiting for a reader' err; then break; fi
    sleep 0.1
done
sleep 0.3
fifo_waiting=no
if kill -0 "$fifo_pid" 2>/dev/null; then fifo_waiting=yes; fi
timeout 60 cat samples.fifo >fifo.got || true
rc=0
wait "$fifo_pid" || rc=$?
t_fifo() {
    status_is 0 && [ "$fifo_waiting" = yes ] && out_empty &&
        [ "$(cat err)" = 'logmetrics: --output "jsonl:samples.fifo": waiting for a reader on FIFO samples.fifo' ] &&
        [ "$(wc -l <fifo.got)" -eq 20000 ] && [ "$(grep -c '"name":"train:loss","value":100,' fifo.got)" -eq 200 ]
}
check "an output on a FIFO without a reader: a message, it waits, then writes everything to the reader" t_fifo

# A FIFO waits before any other output's file is created: stopped while it waits, it leaves none.
rc=0
timeout 1 "$bin" scan --definitions small.json -q --output csv:fifo-side.csv --output jsonl:samples.fifo small.log \
    >out 2>err || rc=$?
t_fifo_first() { status_is 124 && err_has 'waiting for a reader on FIFO samples.fifo' && [ ! -e fifo-side.csv ]; }
check "a FIFO without a reader is waited for before other outputs' files are created" t_fifo_first

cat >epochs.json <<'EOF'
[{"Name": "epoch", "Regex": "epoch (\\d+)"}, {"Name": "loss", "Regex": "loss=(\\S+)"}]
EOF
printf '%s\n' 'loss=0.9' 'epoch 1 loss=0.5' 'loss=0.4' 'epoch 2 loss=0.3' >epochs.log
run "$bin" scan --definitions epochs.json -q --format csv --step-metric epoch epochs.log
t_step_metric() {
    status_is 0 && out_has ',loss,0.9,0,1' && out_has ',epoch,1,1,2' && out_has ',loss,0.5,1,2' &&
        out_has ',loss,0.4,1,3' && out_has ',loss,0.3,2,4'
}
check "--step-metric epoch: each sample's step is the latest epoch, from its own line on" t_step_metric

run "$bin" scan --definitions epochs.json --output csv:steps.csv --step-metric global_step epochs.log
t_bad_step_metric() {
    status_is 2 && out_empty && [ ! -e steps.csv ] &&
        err_has '--step-metric "global_step": not a metric of epochs.json (its metrics: epoch, loss)'
}
check "--step-metric that names no metric: exit 2, nothing written" t_bad_step_metric

run "$bin" scan --definitions small.json --step-metric '' small.log
t_empty_step_metric() { status_is 2 && err_has '--step-metric "": not a metric of small.json' && out_empty; }
check "--step-metric '': exit 2, as any name that is not a metric" t_empty_step_metric

printf '[]\n' >empty.json
run "$bin" scan --definitions empty.json --step-metric epoch small.log
t_step_metric_no_definitions() {
    status_is 2 && err_has 'empty.json: no definitions: nothing will be found' &&
        err_has '(the definitions define no metric)'
}
check "no definitions: a warning, and --step-metric says there is no metric" t_step_metric_no_definitions

printf 'x%.0s' $(seq 1 100) >long.log
printf ' loss=0.5\n' >>long.log
run "$bin" scan --definitions small.json --format none --max-line-length 64 long.log
t_cut() { status_is 0 && err_has '1 cut lines'; }
check "--max-line-length: a longer line is cut and counted" t_cut

# ---------------------------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------------------------

rc=0
"$bin" scan --definitions small.json --engine hyperscan --format none -q small.log >out 2>err || rc=$?
if [ "$rc" -eq 0 ]; then
    run "$bin" scan --definitions "$demo_definitions" --engine pcre2 --format jsonl -q "$demo_log"
    strip_times out >pcre2.jsonl
    run "$bin" scan --definitions "$demo_definitions" --engine hyperscan --format jsonl -q "$demo_log"
    strip_times out >hyperscan.jsonl
    t_engines_jsonl() { status_is 0 && [ -s pcre2.jsonl ] && same_as pcre2.jsonl hyperscan.jsonl; }
    check "pcre2 and hyperscan: identical jsonl on train.log" t_engines_jsonl

    run "$bin" scan --definitions "$demo_definitions" --engine pcre2 --format table -q "$demo_log"
    cp out pcre2.table
    run "$bin" scan --definitions "$demo_definitions" --engine hyperscan --format table -q "$demo_log"
    t_engines_table() { status_is 0 && same_as pcre2.table out; }
    check "pcre2 and hyperscan: identical table on train.log" t_engines_table
else
    t_no_hyperscan() { status_is 2 && err_has 'without Hyperscan'; }
    check "--engine hyperscan in a build without it: exit 2 with a clear message" t_no_hyperscan
    printf 'note  this build has no Hyperscan: engine comparison skipped\n'
fi

# ---------------------------------------------------------------------------------------------
# The README's demo, help and version
# ---------------------------------------------------------------------------------------------

run "$bin" scan --definitions "$demo_definitions" --format table "$demo_log"
t_demo() {
    status_is 0 && out_has 'final values' && out_has 'validation:rmse' && out_has 'eval_accuracy' &&
        err_has 'first rejected: "n/a"' && err_has '111 samples, 1 rejected'
}
check "demo: the table on examples/data/train.log" t_demo

run "$bin"
t_bare() { status_is 0 && out_has 'Usage:' && out_has 'scan'; }
check "no subcommand: prints help" t_bare

run "$bin" scan --help
t_help() {
    status_is 0 && out_has '--definitions' && out_has '--mode' && out_has '--engine' && out_has '--output' && out_has '--format' &&
        out_has '--final' && out_has '--max-line-length' && out_has '--no-limits' && out_has '--stream' &&
        out_has '--quiet' && out_has '--step-metric' && out_has 'terminal' && out_has '#011' && out_has 'infinity' &&
        out_has '"5.", "1000." and "1.E-3" are numbers' && out_has 'backspace' && out_has 'final:PATH' &&
        out_has 'csv[:PATH]' && out_has 'options: header=true|false' &&
        out_has 'options: namespace=VALUE, dimensions=VALUE, stream=VALUE' &&
        out_has 'final: is a summary file, not a sample output' && out_has 'A FIFO (named pipe) as PATH waits for a reader' &&
        out_has 'ASCII whitespace (space, \t, \v, \f, \r)' && out_has 'required literal' &&
        out_has 'show as "dropped", exit status 0' && out_has '128+N (130 SIGINT, 143 SIGTERM)' &&
        ! out_has "runs every definition's regex on every line"
}
check "scan --help: every option, the modes, the number grammar and the outputs" t_help

version_header="$root/include/logmetrics/version.hpp"
expected_version=$(sed -n -E 's/^#define LOGMETRICS_VERSION_(MAJOR|MINOR|PATCH) +([0-9]+).*/\2/p' "$version_header" |
    paste -sd. -)
run "$bin" --version
t_version() { status_is 0 && out_has "$expected_version"; }
check "--version prints $expected_version" t_version

printf '\n%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
