#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Checks a node_exporter scrape (tests/integration/prometheus_textfile/run.sh).

Usage: check_scrape.py SCRAPE [--scrape-error 0|1] [--file PROM]... [--jsonl JSONL --labels k=v,...]

  --scrape-error N  node_textfile_scrape_error must be N (default 0)
  --file PROM       every series of our textfile PROM is in the scrape, with the same value
  --jsonl JSONL     the last value of each (metric, stream) of the CLI's JSON Lines is in the
                    scrape, as metric{stream=...,<labels>}
  --escapes         the label values that needed escaping came through decoded: a quote, a
                    backslash and a line feed; U+FFFD for a byte that is not UTF-8
Exits 1 with a message naming what is missing. A small parser of the text format 0.0.4 (names,
labels with the three escapes, Go float values), enough for these files: the standard library
has none, and python3-prometheus-client is not needed for it.
"""
import json
import math
import sys


def parse_labels(text, i):
    """Parses `{a="x",b="y"}` from text[i] == '{'; returns (labels dict, index after '}')."""
    labels = {}
    i += 1
    while text[i] != "}":
        eq = text.index("=", i)
        name = text[i:eq].strip()
        assert text[eq + 1] == '"', f"label {name}: no quote"
        j = eq + 2
        value = []
        while text[j] != '"':
            if text[j] == "\\":
                nxt = text[j + 1]
                value.append({"\\": "\\", '"': '"', "n": "\n"}[nxt])
                j += 2
            else:
                value.append(text[j])
                j += 1
        labels[name] = "".join(value)
        i = j + 1
        if text[i] == ",":
            i += 1
    return labels, i + 1


def parse(text):
    """{(name, sorted label items): float value} of every sample line."""
    series = {}
    for line in text.split("\n"):
        if not line or line.startswith("#"):
            continue
        end = min(k for k in (line.find("{"), line.find(" ")) if k >= 0)
        name = line[:end]
        labels = {}
        rest = end
        if line[end] == "{":
            labels, rest = parse_labels(line, end)
        fields = line[rest:].split()
        assert len(fields) == 1, f"a timestamp or junk after the value: {line!r}"
        series[(name, tuple(sorted(labels.items())))] = float(fields[0])
    return series


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def main(argv):
    scrape_path = argv[1]
    args = argv[2:]
    with open(scrape_path, encoding="utf-8") as f:
        scrape = parse(f.read())
    want_error = 0
    problems = []
    checked = 0
    labels = {}
    jsonl = None
    escapes = False
    while args:
        flag = args.pop(0)
        if flag == "--scrape-error":
            want_error = int(args.pop(0))
        elif flag == "--file":
            path = args.pop(0)
            with open(path, encoding="utf-8") as f:
                ours = parse(f.read())
            if not ours:
                problems.append(f"{path} has no series")
            for key, value in ours.items():
                checked += 1
                if key not in scrape:
                    problems.append(f"{path}: {key} not in the scrape")
                elif not same(scrape[key], value):
                    problems.append(f"{path}: {key} = {value} in the file, {scrape[key]} in the scrape")
        elif flag == "--jsonl":
            jsonl = args.pop(0)
        elif flag == "--labels":
            labels = dict(item.split("=", 1) for item in args.pop(0).split(","))
        elif flag == "--escapes":
            escapes = True
        else:
            sys.exit(f"check_scrape.py: unknown argument {flag}")
    error = scrape.get(("node_textfile_scrape_error", ()))
    if error != want_error:
        problems.append(f"node_textfile_scrape_error is {error}, expected {want_error}")
    if jsonl:
        last = {}
        with open(jsonl, encoding="utf-8") as f:
            for line in f:
                s = json.loads(line)
                last[(s["name"], s.get("stream", ""))] = float(s["value"])  # "nan", "inf" too
        if not last:
            problems.append(f"{jsonl} has no samples")
        for (name, stream), value in last.items():
            checked += 1
            key = (name, tuple(sorted({**labels, "stream": stream}.items())))
            if key not in scrape:
                problems.append(f"{jsonl}: {key} not in the scrape")
            elif not same(scrape[key], value):
                problems.append(f"{jsonl}: {key} last value {value}, {scrape[key]} in the scrape")
    if escapes:
        streams = {dict(labels_).get("stream") for (_, labels_) in scrape}
        for stream in ('we"ird\\path\nx', "caf\ufffd"):
            checked += 1
            if stream not in streams:
                problems.append(f"no series with stream={stream!r} in the scrape")
    if problems:
        for p in problems:
            print("check_scrape.py:", p, file=sys.stderr)
        return 1
    print(f"check_scrape.py: {checked} series checked, node_textfile_scrape_error {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
