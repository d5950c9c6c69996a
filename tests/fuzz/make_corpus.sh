#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/) from snippets of the
# project's data (examples/data/, tests/data/) and small hand-written cases. Replaces the corpus;
# the files are committed, so this only needs running when the seeds should change.
#
# Input layouts (see each fuzz_*.cpp): definitions: the bytes are the JSON; number: the bytes are
# the captured text; framer: [mode]
# [max_line_length choice] [chunk count] [chunk sizes...] [payload]; pipeline: [mode] [max choice]
# [batch choice] [chunk count] [chunk sizes...] [log]; regex: regexes one per line, NUL, subject
# lines. Modes: 0 raw, 1 sagemaker, 2 terminal.
# Max choice (fuzz_support.hpp): b < 128 gives 4 + b % 64 bytes; 224 and up the default 256 KiB.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus="$here/corpus"
train_log="$root/examples/data/train.log"
engine_log="$root/tests/data/engine_corpus.log"
real_definitions="$root/tests/data/real_metric_definitions.json"
default_max=224

rm -rf "$corpus"
mkdir -p "$corpus/definitions" "$corpus/framer" "$corpus/number" "$corpus/pipeline" "$corpus/regex"

byte() { printf "\\x$(printf %02x "$1")"; }

# framer_seed NAME MODE MAX_CHOICE [CHUNK_SIZE...] < payload
framer_seed() {
    local name=$1 mode=$2 max=$3
    shift 3
    { byte "$mode"; byte "$max"; byte $#; for size in "$@"; do byte "$size"; done; cat; } >"$corpus/framer/$name"
}

# pipeline_seed NAME MODE MAX_CHOICE BATCH_CHOICE [CHUNK_SIZE...] < log
pipeline_seed() {
    local name=$1 mode=$2 max=$3 batch=$4
    shift 4
    { byte "$mode"; byte "$max"; byte "$batch"; byte $#; for size in "$@"; do byte "$size"; done; cat; } \
        >"$corpus/pipeline/$name"
}

definitions_seed() { cat >"$corpus/definitions/$1"; }

# lines FILE FIRST COUNT: COUNT lines of FILE from line FIRST
lines() { sed -n "$2,$(($2 + $3 - 1))p" "$1"; }

# ---------------------------------------------------------------------------------------------
# framer
# ---------------------------------------------------------------------------------------------
modes=(raw sagemaker terminal)
for mode in 0 1 2; do
    m=${modes[$mode]}
    printf 'a\nb\r\n\nc' | framer_seed "$m-line-ends" "$mode" "$default_max"
    printf '[3]\ttrain-rmse:2.31\tvalidation-rmse:2.57\n' | framer_seed "$m-xgboost-tabs" "$mode" "$default_max" 5 7
    printf '1/3 loss: 0.9\r2/3 loss: 0.7\r3/3 loss: 0.5\n' | framer_seed "$m-progress-cr" "$mode" "$default_max" 1
    printf '\033[32mok\033[0m loss=\033[1m0.5\033[22m\n\033]0;title\007text\033]8;;http://x\033\\link\n\033(Bplain\0337saved\n' |
        framer_seed "$m-ansi" "$mode" "$default_max" 3 1 2
    printf 'loss=1\r\nloss=2\r\n\r\n' | framer_seed "$m-crlf-split" "$mode" "$default_max" 7
    { printf 'xxxxxxxxxxxxxxxxxxxxxxxxx\n'; printf '0123456789abcdef\tghij\033[0mklmnop\nq'; } |
        framer_seed "$m-long-cut" "$mode" 4 9 2
    printf 'caf\303\251 \342\202\254 \377\n' | framer_seed "$m-utf8-split" "$mode" "$default_max" 4 1
    printf 'x\000y\n\000\n\177\b\n' | framer_seed "$m-nul-del" "$mode" 12
    head -c 1500 "$train_log" | framer_seed "$m-train-log" "$mode" "$default_max" 100 37
    lines "$engine_log" 1 40 | framer_seed "$m-engine-corpus" "$mode" 136 255 13
    printf 'acc: 0.91\b\b\b\b0.93\nacc: 0.87\b\b\b\r\n\b\bab\b\b\b\bc\n' | framer_seed "$m-backspace" "$mode" "$default_max" 5 3
done
framer_seed empty 1 "$default_max" </dev/null
printf '\n\n\n' | framer_seed only-newlines 0 "$default_max"
printf 'abcdefg\t\n' | framer_seed sagemaker-escape-at-max 1 4
printf 'a\033[12\nloss=1\n' | framer_seed terminal-unfinished-csi 2 "$default_max" 3
printf '\033]0;t\033\033[1mX\033]x\033Zy\n\033\033\033[\177z\033 (q\n' | framer_seed terminal-string-escapes 2 "$default_max" 1
printf 'a\r' | framer_seed terminal-cr-at-end 2 "$default_max"
printf 'a\r\r\nb\r\n\r' | framer_seed terminal-cr-runs 2 "$default_max" 2 2
# Backspaces (terminal mode): Keras' redraw, over UTF-8, over ill-formed bytes, into a cut line.
printf ' 1/2 [=>.] - loss: 0.44\b\b\b\b\b\b\b\b\b\b\b\b\r 2/2 \342\224\201\342\224\201 - loss: 0.10\b\b\b\b\b\b\b\b\b\b\b\342\202\254\b\b\303\251x\n' |
    framer_seed terminal-backspace-utf8 2 "$default_max" 3 1
printf 'a\377\bb\303\b\bZ\300\257\b\355\240\200\bq\nabc\b\b\b\342\202Z\nabc\b\b\b\342\033[1m\202\254\n' |
    framer_seed terminal-backspace-ill-formed 2 "$default_max" 1
printf '0123456789\b\b\b\bab\nabcd\b\b\342\202\254\n\b\b\b' | framer_seed terminal-backspace-cut 2 0 7
printf '\t\t\t\t\t\t\t\t\t\t' | framer_seed sagemaker-all-escapes 1 5 3

# ---------------------------------------------------------------------------------------------
# number: the grammar's shapes and their neighbours, the edges of a double and of an int64
# ---------------------------------------------------------------------------------------------
number_seeds=(
    0.25 -.5e-3 1E+5 00012 4.9e-05 5. 1000. 1.E-3 -7.e+2 +5. -0. 0. . +. -. .e5 5.e 5.e+ 5..
    NaN -nan Inf -INFINITY infinit nan% n/a 0x10 1,000 3.14#011 1.2.3 e5 --1 +-1 "" " "
    1e999 -1e999 1e-999 -1e-999 0e999 0.000001e310 123456789e400
    4.9406564584124654e-324 2.4703282292062327e-324 2.4703282292062328e-324 2.2250738585072011e-308
    1.7976931348623157e308 1.7976931348623158e308 1.7976931348623159e308
    9007199254740992 9007199254740993 9007199254740993.0 9007199254740992.5 1e22 1e23 123456789e-22
    9223372036854775807 -9223372036854775808 9223372036854775808 -9223372036854775809 99999999999999999999
)
for text in "${number_seeds[@]}"; do  # named by the text, other bytes as _
    printf '%s' "$text" >"$corpus/number/text_$(printf '%s' "$text" | tr -c 'A-Za-z0-9.+-' '_')"
done
printf ' \t0.25\r\n' >"$corpus/number/whitespace"
printf '\v5.\f' >"$corpus/number/whitespace-trailing-dot"
printf '0.5\000' >"$corpus/number/nul"
printf '\331\241\331\242' >"$corpus/number/arabic-digits"
{ printf '0.'; head -c 800 /dev/zero | tr '\0' '0'; printf '1e800'; } >"$corpus/number/long-fraction"
{ printf '1'; head -c 400 /dev/zero | tr '\0' '7'; printf '.e-400'; } >"$corpus/number/long-integer-trailing-dot"

# ---------------------------------------------------------------------------------------------
# pipeline: every fixed definition of fuzz_pipeline.cpp matching, rejecting, or not quite
# ---------------------------------------------------------------------------------------------
every_definition() {
    printf 'loss=0.5 acc=0.9\n'
    printf 'Train_error=0.138318;  Valid_error = 0.324557;\n'
    printf 'epoch 3\n'
    printf 'accuracy: 0.75 val_loss=0.25\n'
    printf 'validation-loss:1.5e-3\n'
    printf 'lr=0.001, warmup lr=2x\n'
    printf 'throughput: 1234 samples/s\n'
    printf '<top1>42</top1> <a>1</b>\n'
    printf '   17\n\n'
    printf '[3]\ttrain-rmse:2.31\tvalidation-rmse:2.57\n'
    printf 'step=12345 PERPLEXITY = 3.5\n'
    printf 'f1 score: 0.91 af1 0.2\n'
    printf 'time: 12.5 s time: inf\n'
    printf 'Tokens = 9007199254740993 tokens=99999999999999999999\n'
    printf 'optx=3 opt=4\n'
    printf 'loss=n/a acc: nan loss=1e999 acc=-inf time: nan\n'
}
for mode in 0 1 2; do
    m=${modes[$mode]}
    every_definition | pipeline_seed "$m-every-definition" "$mode" "$default_max" 255
    every_definition | pipeline_seed "$m-every-definition-bytewise" "$mode" "$default_max" 0 1
    every_definition | pipeline_seed "$m-every-definition-cut" "$mode" 12 2 7 3
    every_definition | sed 's/$/\r/' | pipeline_seed "$m-every-definition-crlf" "$mode" "$default_max" 255 5 1
done
printf '1/3 [==>...] - loss=0.9\r2/3 [====>.] - loss=0.7 acc: 0.5\r3/3 [======] - \033[1mloss=0.5\033[0m\n' |
    pipeline_seed terminal-progress 2 "$default_max" 255 10
printf 'loss=\0001 loss=0.5\000\nacc=\377\376 0.2 acc=0.3\nf1 \303\251 0.5\n' | pipeline_seed nul-and-bytes 0 "$default_max" 255
printf 'loss=0.5\r\nacc=0.25\r\n' | pipeline_seed crlf-across-chunks 1 "$default_max" 255 8 1
{ head -c 3000 /dev/zero | tr '\0' 'x'; printf ' loss=0.5\n'; } | pipeline_seed long-line-cut 1 60 255 200
printf 'loss=1e999 loss=-1e999 acc=1e-999 time: -0.0\nloss=NaN acc: -Infinity tokens=-9223372036854775808\n' |
    pipeline_seed numbers-out-of-range 1 "$default_max" 255
for start in 1 60 120 180 240 300 360 420 480 540; do
    lines "$engine_log" "$start" 12 | pipeline_seed "sagemaker-engine-corpus-$start" 1 "$default_max" 255 250
done
for start in 1 60 120 180; do
    lines "$train_log" "$start" 16 | pipeline_seed "terminal-train-log-$start" 2 "$default_max" 3 200 17
    lines "$train_log" "$start" 16 | pipeline_seed "raw-train-log-$start" 0 100 255 255
done

# ---------------------------------------------------------------------------------------------
# definitions: the shapes, real definitions, and every way to get them wrong
# ---------------------------------------------------------------------------------------------
cp "$root/examples/data/metrics.json" "$corpus/definitions/examples-metrics.json"

# real FIRST COUNT: COUNT real definitions from index FIRST, as a JSON array (5 lines each)
real() {
    echo "["
    sed -n "$((2 + 5 * $1)),$((1 + 5 * ($1 + $2)))p" "$real_definitions" | sed '$ s/},$/}/'
    echo "]"
}
for first in 0 40 90 150 200 260 320 380 440; do
    real "$first" 6 | definitions_seed "real-$first.json"
done
# With subject lines to match (fuzz_definitions.cpp matches every line of its input).
{
    echo '{"MetricDefinitions":'
    real 100 8
    echo ', "subjects": ['
    lines "$engine_log" 100 12 | sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/\\t/g; s/^/"/; s/$/",/'
    echo '""]}'
} | definitions_seed real-with-subjects.json

definitions_seed array.json <<'EOF'
[{"Name": "train:error", "Regex": "Train_error=(.*?);"}, {"Name": "validation:error", "Regex": "Valid_error=(.*?);"}]
EOF
definitions_seed algorithm-specification.json <<'EOF'
{"AlgorithmSpecification": {"TrainingImage": "x", "MetricDefinitions": [{"Name": "loss", "Regex": "loss=(\\S+)", "Type": "float"}]}}
EOF
definitions_seed integer-type.json <<'EOF'
[{"Name": "step", "Regex": "step (\\d+)", "Type": "integer", "source": "x.py"}, {"Name": "lr", "Regex": "lr (\\S+)", "Type": "real"}]
EOF
definitions_seed duplicate-names.json <<'EOF'
[{"Name": "loss", "Regex": "loss=(\\S+)"}, {"Name": "acc", "Regex": "acc=(\\S+)"}, {"Name": "loss", "Regex": "Loss: (\\S+)"}]
EOF
definitions_seed hyperscan-plans.json <<'EOF'
[{"Name": "lookbehind", "Regex": "(?<=loss=)(\\S+)"},
 {"Name": "backref", "Regex": "<(\\w+)>(\\d+)</\\1>"},
 {"Name": "keep", "Regex": "acc=\\K(\\d+)"},
 {"Name": "empty", "Regex": "e=(\\d*)"},
 {"Name": "anything", "Regex": "(\\d*)"},
 {"Name": "lookahead", "Regex": "(\\d+)(?=%)"},
 {"Name": "atomic", "Regex": "(?>a+)b=(\\d+)"},
 {"Name": "possessive", "Regex": "x++y=(\\d+)"},
 {"Name": "caseless", "Regex": "(?i)LOSS\\s*=\\s*(\\S+)"},
 {"Name": "anchors", "Regex": "^\\s*(\\d+)\\s*$"},
 {"Name": "bounds", "Regex": "\\bf1\\b\\W+(\\d+(?:\\.\\d+)?)"},
 {"Name": "quoted", "Regex": "\\Qa.b\\E=(\\d)"},
 {"Name": "classes", "Regex": "[[:alpha:]]+:([[:digit:].]+)\\h*\\v?"},
 {"Name": "repeat", "Regex": "(\\d{2,5}){2}z"},
 "subject: loss=0.5 <a>3</a> acc=9 e= 50% aaab=1 xxy=2 Loss = 7 f1: 0.9 a.b=3 abc:1.5 12345z",
 "subject:    42   "]
EOF
definitions_seed broken-truncated.json <<'EOF'
[{"Name": "a", "Regex": "x(
EOF
definitions_seed broken-trailing-comma.json <<'EOF'
[{"Name": "a", "Regex": "(a)"},]
EOF
definitions_seed broken-single-quotes.json <<'EOF'
[{'Name': 'a', 'Regex': '(a)'}]
EOF
definitions_seed broken-nan-literal.json <<'EOF'
[{"Name": "a", "Regex": "(a)", "Scale": NaN}]
EOF
definitions_seed big-number.json <<'EOF'
[{"Name": "a", "Regex": "(a)", "Scale": 1e999, "Other": -123456789012345678901234567890}]
EOF
printf '%s' '[{"Name": "caf\351", "Regex": "(a)"}]' | definitions_seed invalid-utf8.json
printf '%s' '[{"Name": "nul\u0000name", "Regex": "a\u0000(b)"}]' | definitions_seed escaped-nul.json
printf '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]' |
    definitions_seed nested-arrays.json
printf '' | definitions_seed empty.json
definitions_seed wrong-types.json <<'EOF'
[{"Name": 7, "Regex": "(a)"}, {"Name": "b", "Regex": null}, {"Name": "c", "Regex": "(c)", "Type": "complex"},
 "loss=(\\S+)", {"Name": "d", "Regex": ["(d)"]}, {"Name": "e", "Regex": "(e)", "Type": 1}]
EOF
definitions_seed wrong-shape.json <<'EOF'
{"MetricDefinitions": 3, "AlgorithmSpecification": {"MetricDefinitions": []}}
EOF
definitions_seed nested-specification.json <<'EOF'
{"AlgorithmSpecification": {"AlgorithmSpecification": {"MetricDefinitions": [{"Name": "a", "Regex": "(a)"}]}}}
EOF
definitions_seed invalid-regex.json <<'EOF'
[{"Name": "ok", "Regex": "a=(\\d)"}, {"Name": "bad", "Regex": "loss=(\\S+"}, {"Name": "class", "Regex": "[z-a](x)"},
 {"Name": "utf", "Regex": "\\x{100}(a)"}, {"Name": "lookbehind", "Regex": "(?<=a+)(b)"}]
EOF
definitions_seed no-group.json <<'EOF'
[{"Name": "nogroup", "Regex": "loss=\\S+"}, {"Name": "noncapturing", "Regex": "(?:a)"}, {"Name": "named", "Regex": "(?<v>\\d+)"}]
EOF
definitions_seed empty-fields.json <<'EOF'
[{"Name": "", "Regex": "(a)"}, {"Name": "a", "Regex": ""}, {"Regex": "(a)"}, {"Name": "b"}, {}]
EOF
{
    printf '['
    for i in $(seq 0 40); do printf '{"Name": "m%d", "Regex": "m%d=(\\\\S+)"},' "$i" "$i"; done
    printf '{"Name": "last", "Regex": "(x)"}]'
} | definitions_seed over-40.json
{
    printf '[{"Name": "long", "Regex": "(x)'
    head -c 498 /dev/zero | tr '\0' 'a'
    printf '"}, {"Name": "'
    head -c 256 /dev/zero | tr '\0' 'n'
    printf '", "Regex": "(x)"}]'
} | definitions_seed over-limits.json

# ---------------------------------------------------------------------------------------------
# regex: patterns that test each engine's shortcuts (literal filter, Hyperscan plans, scanning
# many lines at once), over lines that match, almost match, or match across a line end
# ---------------------------------------------------------------------------------------------
# regex_seed NAME SUBJECTS (printf %b escapes) < regexes
regex_seed() { { cat; printf '\0'; printf '%b' "$2"; } >"$corpus/regex/$1"; }

# real_regexes FIRST COUNT: the regexes alone (JSON escapes \\ and \" undone), one per line
real_regexes() {
    sed -n "$((2 + 5 * $1)),$((1 + 5 * ($1 + $2)))p" "$real_definitions" |
        sed -n 's/^  "Regex": "\(.*\)",$/\1/p' | sed 's/\\\\/\x01/g; s/\\"/"/g; s/\x01/\\/g'
}
for first in 0 50 100 150 200 250 300 350 400 450; do
    { real_regexes "$first" 8; printf '\0'; lines "$engine_log" "$((first + 1))" 30; } >"$corpus/regex/real-$first"
done
regex_seed anchors 'x=5\nx=5 y\n  x=5\nax=5\n\nx=\n5' <<'EOF'
^x=(\d+)$
\bx=(\d+)\b
\Bx=(\d)
(?m)^\s*x=(\d+)
\Ax=(\d+)\z
x=(\d+)\Z
\Gx=(\d)
(?-m)^x=(\d)$
EOF
regex_seed across-lines 'loss\n=5\nloss =6\nloss\n\n= 7 loss=8' <<'EOF'
loss[^x]*=(\d+)
loss\s*=\s*(\d+)
(?s)loss.*?=(\d+)
loss\W*=\D*(\d+)
loss(?:\n|\s)*=(\d+)
loss\R?=(\d+)
loss\v*=(\d+)
(\d+)$
EOF
regex_seed newline-verbs 'loss=1\r\nacc=2\rx\nlr=3' <<'EOF'
(*CR)loss=(\d+)$
(*ANYCRLF)acc=(\d+)$
(*CRLF)lr=(\d)$
(*ANY)^x(.)
\r(\w)
EOF
regex_seed lookaround 'loss=0.5 acc=9 50% x12 <a>3</a>\nloss=n/a\n12%' <<'EOF'
(?<=loss=)(\S+)
(?<!x)(\d+)(?=%)
acc=\K(\d+)
<(\w+)>(\d+)</\1>
(?=.*acc)loss=(\S+)
(?!loss)(\w+)=(\d)
^(?<=^)(\w)
(?<=\n)(\d)
EOF
regex_seed literals 'abc=1 ac=2 abbbc=3 xyz=4 ABC=5 a.b=6' <<'EOF'
ab?c=(\d)
ab*c=(\d)
ab{0}c=(\d)
ab{0,3}c=(\d)
ab{2}c=(\d)
(?i)abc=(\d)
abc(?i)=(\d)|xyz=(\d)
\Qa.b\E=(\d)
EOF
regex_seed options 'Loss = 5\nloss=6 # c\nLOSS:7' <<'EOF'
(?x) loss \s* = \s* (\d+) # comment
(?i:loss)\s*[:=]\s*(\d+)
(?i)l(?-i)oss=(\d)
(?s:.)oss=(\d)
(?U)loss=(\d+)
(?n)(loss)=((\d))
(?xx)[ a-z ]+=(\d)
(?J)(?<v>\d)|(?<v>x)
EOF
regex_seed escapes 'a\tb=1\x1b[0m c=2\x7f d\x00=3 \xff\xfe=4' <<'EOF'
\t(\w)=(\d)
\e\[0m (\w)
\x7f (\w)
\x00=(\d)
\xff\xfe=(\d)
\cAb|(\d)
\o{141}|x(\d)
[\x80-\xff]+=(\d)
EOF
regex_seed engine-features 'aab 123 abcabc x=1 y=2 z=3 ((a)) ab12' <<'EOF'
(?>a+)b|(\d)
a++b(\d)?
(a)?(?(1)b|c)
(\((?:[^()]|(?1))*\))
(abc)\g{-1}
(?<n>\w)=\d (?P=n)?(\d)?
(?C1)x=(\d)
x=(\d)(*SKIP)(*FAIL)|y=(\d)
EOF
regex_seed classes 'abc:1.5 12345z \v 0x1f [x] ]=2' <<'EOF'
[[:alpha:]]+:([[:digit:].]+)
(\d{2,5}){2}z
[]x]=(\d)
[^]]+(=)
\h*(\S+)\h*$
[\d.]+(z)
(\p{L}+)
[[:^space:]]+(\S)
EOF
regex_seed empty-matches 'e=\n\n x' <<'EOF'
e=(\d*)
(\d*)
^(x?)$
(?:)(a)?
(|x)
\b(x*)
EOF
printf 'loss=(\\S+)\nacc=(\\S+)\n' | regex_seed no-subjects ''
printf 'loss=(\\S+)\n(?i)ACC\\s*=\\s*(\\S+)\nloss=0.5 ACC = 7\n' >"$corpus/regex/no-nul"

echo "make_corpus.sh: $(find "$corpus" -type f | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB"
