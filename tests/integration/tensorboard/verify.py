# SPDX-License-Identifier: MIT
"""Checks a TensorBoard event file written by logmetrics against the samples it should hold.

Every TFRecord's two masked CRC-32Cs are recomputed with python3-crc32c (not logmetrics' code);
every payload is decoded by `protoc --decode_raw` (protobuf-compiler), and its fields are read
from protoc's text: the first event is {1: wall_time, 3: "brain.Event:2"}, each other one
{1: wall_time, 2: step, 5 {1 {1: tag, 2: simple_value}}}, in the order of the JSON Lines samples
(`logmetrics scan --format jsonl` of the same log): tag = name, step = step, simple_value = the
value as a float32, wall_time between the two Unix times given.

Usage: verify.py EVENTS_FILE SAMPLES_JSONL START_SECONDS END_SECONDS
"""
import json
import math
import re
import struct
import subprocess
import sys

import crc32c


def masked(data):
    crc = crc32c.crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def records(blob):
    at = 0
    while at < len(blob):
        if len(blob) - at < 16:
            sys.exit(f"verify: {len(blob) - at} stray bytes at offset {at}")
        header = blob[at:at + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", blob[at + 8:at + 12])
        if length_crc != masked(header):
            sys.exit(f"verify: bad length CRC at offset {at}")
        data = blob[at + 12:at + 12 + length]
        (data_crc,) = struct.unpack("<I", blob[at + 12 + length:at + 16 + length])
        if len(data) != length or data_crc != masked(data):
            sys.exit(f"verify: bad data CRC at offset {at}")
        yield data
        at += 16 + length


def decode_raw(data):
    return subprocess.run(["protoc", "--decode_raw"], input=data, capture_output=True, check=True).stdout.decode()


def fixed64_double(text):
    return struct.unpack("<d", struct.pack("<Q", int(text, 16)))[0]


def fixed32_float(text):
    return struct.unpack("<f", struct.pack("<I", int(text, 16)))[0]


def main():
    events_path, samples_path, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    samples = [json.loads(line) for line in open(samples_path, encoding="utf-8")]
    payloads = list(records(open(events_path, "rb").read()))
    if len(payloads) != len(samples) + 1:
        sys.exit(f"verify: {len(payloads)} records, expected {len(samples)} samples + file_version")

    first = decode_raw(payloads[0])
    if not re.fullmatch(r'1: 0x([0-9a-f]{16})\n3: "brain.Event:2"\n', first):
        sys.exit(f"verify: first record is not a file_version event:\n{first}")

    event = re.compile(r'1: 0x([0-9a-f]{16})\n2: (\d+)\n5 \{\n  1 \{\n    1: "([^"]*)"\n    2: 0x([0-9a-f]{8})\n  \}\n\}\n')
    for number, (payload, sample) in enumerate(zip(payloads[1:], samples), start=1):
        text = decode_raw(payload)
        match = event.fullmatch(text)
        if not match:
            sys.exit(f"verify: record {number} is not a scalar event:\n{text}")
        wall_time = fixed64_double(match.group(1))
        step, tag = int(match.group(2)), match.group(3)
        value = fixed32_float(match.group(4))
        expected = struct.unpack("<f", struct.pack("<f", sample["value"]))[0]
        problems = []
        if tag != sample["name"]:
            problems.append(f"tag {tag!r} != {sample['name']!r}")
        if step != sample["step"]:
            problems.append(f"step {step} != {sample['step']}")
        if not (value == expected or (math.isnan(value) and math.isnan(expected))):
            problems.append(f"simple_value {value!r} != float32({sample['value']!r})")
        if not start <= wall_time <= end:
            problems.append(f"wall_time {wall_time} outside [{start}, {end}]")
        if problems:
            sys.exit(f"verify: record {number}: " + "; ".join(problems))
    print(f"verify: {events_path}: {len(payloads)} records, CRCs and events as expected")


main()
