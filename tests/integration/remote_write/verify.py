# SPDX-License-Identifier: MIT
"""Checks what a Prometheus and a VictoriaMetrics hold against the samples `logmetrics scan`
wrote as JSON Lines for the same run (integration_remote_write; run.sh starts the servers).

    verify.py SAMPLES.jsonl JOB PROMETHEUS_URL VICTORIA_URL

Expected series: one per (metric, stream), named by logmetrics' Prometheus naming rule (the
names of examples/data/metrics.json need only the "other characters become _" part), labels
__name__, job=JOB and stream=<the input>. Expected timestamps: the sample's ms, moved to the ms
after the series' previous sample when not after it (formats/remote_write.hpp,
unique_timestamps). Every sample must be there with exactly its timestamp and its value (the
same double; a NaN as a NaN, which it would not be had it been sent as the staleness marker),
and nothing else under job=JOB. VictoriaMetrics does not store NaN samples (none is expected
there) and keeps about 12 significant digits of a value (VICTORIA_RELATIVE_PRECISION below).
Standard library only.
"""

import datetime
import json
import re
import sys
import time
import urllib.parse
import urllib.request


def prometheus_name(name):
    name = re.sub(r"[^a-zA-Z0-9_:]", "_", name)
    return "_" + name if not name or name[0].isdigit() else name


def expected_series(path):
    series = {}
    last = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = json.loads(line)
            stamp = datetime.datetime.strptime(s["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
            ms = int(stamp.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000 + 0.5)
            key = (prometheus_name(s["name"]), s["stream"])
            if key in last and ms <= last[key]:
                ms = last[key] + 1
            last[key] = ms
            series.setdefault(key, []).append((ms, float(s["value"])))
    return series


def get(url, data=None):
    with urllib.request.urlopen(url, data=data, timeout=10) as response:
        return response.read().decode("utf-8")


def prometheus_series(base, job, at_ms):
    query = '{job="%s"}[3650d]' % job
    url = "%s/api/v1/query?%s" % (base, urllib.parse.urlencode({"query": query, "time": "%.3f" % (at_ms / 1000)}))
    answer = json.loads(get(url))
    if answer["status"] != "success":
        raise RuntimeError("prometheus: %s" % answer)
    found = {}
    for one in answer["data"]["result"]:
        metric = one["metric"]
        if set(metric) != {"__name__", "job", "stream"}:
            raise RuntimeError("prometheus: unexpected labels %s" % metric)
        key = (metric["__name__"], metric["stream"])
        found[key] = [(round(float(t) * 1000), float(v)) for t, v in one["values"]]
    return found


def victoria_series(base, job):
    get(base + "/internal/force_flush")
    body = urllib.parse.urlencode({"match[]": '{job="%s"}' % job}).encode()
    found = {}
    for line in get(base + "/api/v1/export", body).splitlines():
        one = json.loads(line)
        metric = one["metric"]
        if set(metric) != {"__name__", "job", "stream"}:
            raise RuntimeError("victoria-metrics: unexpected labels %s" % metric)
        key = (metric["__name__"], metric["stream"])
        pairs = sorted(zip(one["timestamps"], (float(v) for v in one["values"])))
        found.setdefault(key, []).extend(pairs)
    return {key: sorted(values) for key, values in found.items()}


# VictoriaMetrics stores a value as a decimal v*10^e with an int64 v, converted from the double
# until the rest is below 1e-12 of it (VictoriaMetrics lib/decimal/decimal.go, FromFloat,
# conversionPrecision = 1e12): about 12 significant digits, where Prometheus keeps the double.
VICTORIA_RELATIVE_PRECISION = 1e-12


def same_value(want, got, relative):
    if want != want or got != got:  # NaN
        return want != want and got != got
    return want == got or abs(want - got) <= relative * max(abs(want), abs(got))


def compare(server, expected, found):
    relative = 0.0
    if server == "victoria-metrics":
        # It does not store NaN samples, and rounds values to its decimals (above).
        expected = {key: [(t, v) for t, v in values if v == v] for key, values in expected.items()}
        relative = VICTORIA_RELATIVE_PRECISION
    problems = []
    rounded = 0
    for key in sorted(set(expected) | set(found)):
        want, got = expected.get(key), found.get(key)
        if want is None:
            problems.append("%s: unexpected series %s with %d samples" % (server, key, len(got)))
        elif got is None:
            problems.append("%s: series %s missing (%d samples)" % (server, key, len(want)))
        elif len(want) != len(got) or any(
                tw != tg or not same_value(vw, vg, relative) for (tw, vw), (tg, vg) in zip(want, got)):
            problems.append("%s: series %s differs:\n  expected %s\n  found    %s" % (server, key, want, got))
        else:
            rounded += sum(1 for (_, vw), (_, vg) in zip(want, got) if vw == vw and vw != vg)
    return problems, rounded


def main():
    samples, job, prometheus, victoria = sys.argv[1:5]
    expected = expected_series(samples)
    count = sum(len(v) for v in expected.values())
    if count == 0:
        sys.exit("verify.py: no samples in %s" % samples)
    at_ms = max(ms for values in expected.values() for ms, _ in values) + 1000
    checks = [("prometheus", lambda: prometheus_series(prometheus, job, at_ms)),
              ("victoria-metrics", lambda: victoria_series(victoria, job))]
    failed = False
    for server, read in checks:
        deadline = time.monotonic() + 15
        while True:
            problems, rounded = compare(server, expected, read())
            if not problems or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if problems:
            failed = True
            print("\n".join(problems), file=sys.stderr)
        elif server == "prometheus":
            print("prometheus: %d series, %d samples, every timestamp and value exactly as sent" % (len(expected), count))
        else:
            nans = sum(1 for values in expected.values() for _, v in values if v != v)
            print("victoria-metrics: %d series, %d samples (%d NaN not stored), every timestamp exact, values exact "
                  "but %d rounded to its ~12 significant digits" % (len(expected), count - nans, nans, rounded))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
