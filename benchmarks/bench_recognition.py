"""Benchmark of material-type recognition (run on demand, not part of the tests).

    flock /tmp/bench.lock .venv/bin/python benchmarks/bench_recognition.py [--streams N]

Streams: seller-like records drawn from the catalogue with another seed than
the one the recogniser is trained on (text in three languages or none, codes
and analyses partly missing), with the seller's word order shuffled into
longer titles. Measures the fit once, then recognition of N streams (default
100 000; target <= 30 s) in one call, wall clock and CPU time, and prints the
load average so that figures from a shared machine can be read.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.materials import load_catalogue  # noqa: E402
from matching.recognition import Recogniser  # noqa: E402


def streams(n: int, seed: int = 11) -> list[dict]:
    """n seller-like records (with their true types under 'truth')."""
    catalogue = load_catalogue()
    per_type = -(-n // len(catalogue.types))
    records, labels = Recogniser(samples_per_type=per_type, random_state=seed).reference_samples(catalogue)
    for r, label in zip(records, labels):
        r["truth"] = label
    return records[:n]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--streams", type=int, default=100_000)
    args = ap.parse_args(argv)
    print(f"load average before: {os.getloadavg()}")
    catalogue = load_catalogue()
    t0, c0 = time.perf_counter(), time.process_time()
    recogniser = Recogniser().fit(catalogue)
    print(f"fit: {time.perf_counter() - t0:.1f} s wall, {time.process_time() - c0:.1f} s CPU")
    data = streams(args.streams)
    t0, c0 = time.perf_counter(), time.process_time()
    out = recogniser.predict(data)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    right = sum(1 for r, (key, _) in zip(data, out) if key == r["truth"])
    print(f"recognise {len(data)} streams: {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"({len(data) / wall:,.0f} streams/s); target <= 30 s: {'met' if wall <= 30 else 'NOT met'}")
    print(f"agreement with the drawn type: {right / len(data):.3f}")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
