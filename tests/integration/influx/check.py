# SPDX-License-Identifier: MIT
"""Checks what InfluxDB 1.6 (/query?epoch=ms JSON) and VictoriaMetrics (/api/v1/export JSON
lines) hold against what logmetrics sent (tests/integration/influx/run.sh).

    check.py library BASE_MS INFLUX_JSON VM_JSONL   what influx_write_points sends, exactly
    check.py cli CLI_JSONL INFLUX_JSON VM_JSONL      the CLI's samples (its own JSON Lines, same run)

Points are compared as {(metric, tags, ms): value} (a list of values for VictoriaMetrics, which
would keep two samples of one time: there must be exactly one).
"""
import datetime
import json
import sys


def fail(message):
    print(f"check.py: {message}", file=sys.stderr)
    sys.exit(1)


def influx_points(path, tags):
    """{(field, (tag values...), ms): value} of measurement logmetrics."""
    result = json.load(open(path))["results"][0]
    if "error" in result:
        fail(f"influx query: {result['error']}")
    points = {}
    for series in result.get("series", []):
        if series["name"] != "logmetrics":
            fail(f"unexpected measurement {series['name']!r}")
        columns = series["columns"]
        for row in series["values"]:
            record = dict(zip(columns, row))
            key_tags = tuple(record.get(t) for t in tags)
            for column, value in record.items():
                if column == "time" or column in tags or value is None:
                    continue
                key = (column, key_tags, record["time"])
                if key in points:
                    fail(f"influx: two values for {key}")
                points[key] = value
    return points


def vm_points(path, tags, db):
    """{(field, (tag values...), ms): [values...]} of the series logmetrics_* with db=`db`."""
    points = {}
    for line in open(path):
        series = json.loads(line)
        metric = series["metric"]
        if metric.get("db") != db:
            continue
        name = metric["__name__"]
        if not name.startswith("logmetrics_"):
            fail(f"vm: unexpected series {name!r}")
        extra = set(metric) - {"__name__", "db", *tags}
        if extra:
            fail(f"vm: unexpected labels {extra} on {metric}")
        key_tags = tuple(metric.get(t) for t in tags)
        for ts, value in zip(series["timestamps"], series["values"]):
            points.setdefault((name[len("logmetrics_"):], key_tags, ts), []).append(value)
    return points


def close(a, b):
    """VictoriaMetrics stores a value as a decimal of 12 significant digits or so (its
    lib/decimal encoding): 4.666666666666667e-05 reads back as 4.66666666667e-05."""
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return a == b or abs(a - b) <= 1e-11 * max(abs(a), abs(b))


def compare(what, got, expected, exact=True):
    same = (lambda a, b: a == b) if exact else close
    missing = [k for k in expected if k not in got]
    extra = [k for k in got if k not in expected]
    wrong = [(k, got[k], expected[k]) for k in expected if k in got and not same(got[k], expected[k])]
    for k in missing[:5]:
        print(f"check.py: {what}: missing {k} = {expected[k]!r}", file=sys.stderr)
    for k in extra[:5]:
        print(f"check.py: {what}: unexpected {k} = {got[k]!r}", file=sys.stderr)
    for k, g, e in wrong[:5]:
        print(f"check.py: {what}: {k} is {g!r}, expected {e!r}", file=sys.stderr)
    if missing or extra or wrong:
        fail(f"{what}: {len(missing)} missing, {len(extra)} unexpected, {len(wrong)} wrong of {len(expected)}")
    print(f"  {what}: {len(expected)} points {'exact' if exact else 'within 1e-11 (relative)'}")


def library(base, influx_json, vm_jsonl):
    base = int(base)
    tags = ("stream", "job")
    a1 = ("algo-1", "it 1")
    expected = {
        ("train:loss", a1, base): 0.25,
        ("val loss", a1, base): -1.5,
        ("a,b=c", ("pod 0,x=y", "it 1"), base + 1000): 1e20,
        ("tokens", a1, base + 2000): 123456789012,
        ("train:loss", a1, base + 4000): 0.125,
    }
    for i in range(2000):
        expected[("step", a1, base + 10000 + i * 1000)] = i
    compare("influxdb", influx_points(influx_json, tags), expected)
    compare("victoriametrics", vm_points(vm_jsonl, tags, "lm"), {k: [v] for k, v in expected.items()})


def cli(cli_jsonl, influx_json, vm_jsonl):
    # The samples as the sink stamps them (formats/influx.hpp): ms precision, unique per series
    # (stream, metric): a time not after the series' last one is put 1 ms after it.
    expected, last = {}, {}
    for line in open(cli_jsonl):
        s = json.loads(line)
        if not isinstance(s["value"], (int, float)):
            continue  # "nan", "inf": not sent
        t = datetime.datetime.strptime(s["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        ms = round(t.timestamp() * 1000)
        series = (s["name"], s.get("stream"))
        if series in last and ms <= last[series]:
            ms = last[series] + 1
        last[series] = ms
        expected[(s["name"], (s.get("stream"), "example"), ms)] = s["value"]
    if not expected:
        fail("the CLI wrote no sample")
    tags = ("stream", "job")
    compare("influxdb (cli)", influx_points(influx_json, tags), expected)
    compare("victoriametrics (cli)", vm_points(vm_jsonl, tags, "cli"), {k: [v] for k, v in expected.items()},
            exact=False)


if __name__ == "__main__":
    {"library": library, "cli": cli}[sys.argv[1]](*sys.argv[2:])
