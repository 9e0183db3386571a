"""Benchmark of the blend search (run on demand, not part of the tests).

    flock /tmp/bench.lock .venv/bin/python benchmarks/bench_blends.py [--needs N]

Data: the synthetic streams of bench_matching.py (composition profiles per
category around typical values of real northern side streams, a third of the
analyses missing, half without a price) with needs that carry limits which
mix linearly (CaO ranges, sums of oxides, trace maxima) beside the use's own
rules.

Measures:
* blends for one need among 10 000 streams, every one of them within the
  need's distance (median over needs of several uses); target <= 1 s;
* blends for every need of a 10 000 x 10 000 batch (the needs' own
  distances); target <= 10 min;
* the share of needs for which a blend was cheaper delivered than the best
  analysed single stream, and the share for which only a blend was found.
Wall clock and CPU time (time.process_time) are both printed: the machine is
shared.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_matching import TOWNS, make_table  # noqa: E402

from matching import Matcher, Need, Requirement  # noqa: E402
from matching.blends import BlendSearch  # noqa: E402

REQS = {
    "geopolymer_binder": (Requirement("CaO", min=15, max=30), Requirement("SiO2+Al2O3", min=45)),
    "mass_stabilisation": (Requirement("CaO", min=20, max=45),),
    "cover_layer": (Requirement("CaO", min=15), Requirement("Cd", max=5)),
    "cement_scm": (Requirement("LOI", max=5), Requirement("CaO", max=30)),
    "liming_agent": (Requirement("CaO", min=30), Requirement("Cd", max=2)),
    "fertiliser": (Requirement("K2O", min=2),),
    "earth_construction": (),
    "neutralisation": (Requirement("CaO", min=35),),
}


def make_needs(m: int, seed: int = 1, radius=None) -> list:
    rng = np.random.default_rng(seed)
    apps = list(REQS)
    out = []
    for i in range(m):
        app = apps[i % len(apps)]
        la, lo = TOWNS[rng.integers(0, len(TOWNS))]
        out.append(Need(id=f"N{i}", title=f"Need for {app.replace('_', ' ')}", application=app,
                        lat=la + rng.normal(0, 0.2), lon=lo + rng.normal(0, 0.3), requirements=REQS[app],
                        accepts_waste=bool(rng.random() < 0.6), quantity_t_per_year=5000.0,
                        max_distance_km=radius or float(rng.choice([150, 250, 400]))))
    return out


def clocks():
    return time.perf_counter(), time.process_time()


def bench_one_need(n_streams=10_000, n_needs=24) -> dict:
    table = make_table(n_streams, seed=3)
    # 3 000 km of road covers every synthetic town: all streams are candidates.
    needs = make_needs(n_needs, seed=5, radius=3000.0)
    m = Matcher().fit(table, needs)
    bs = BlendSearch(m)
    walls, cpus, found = [], [], 0
    for nd in needs:
        w0, c0 = clocks()
        got = bs.for_need(nd.id)
        w1, c1 = clocks()
        walls.append(w1 - w0)
        cpus.append(c1 - c0)
        found += bool(got)
        assert len(m._candidates(nd, False)[0]) == n_streams
    return {"median_wall_s": statistics.median(walls), "median_cpu_s": statistics.median(cpus),
            "max_wall_s": max(walls), "needs": n_needs, "with_blends": found}


def bench_all(n_streams=10_000, n_needs=10_000) -> dict:
    table = make_table(n_streams, seed=3)
    needs = make_needs(n_needs, seed=4)
    m = Matcher().fit(table, needs)
    bs = BlendSearch(m)
    w0, c0 = clocks()
    res = bs.all()
    w1, c1 = clocks()
    cheaper = sum(1 for bl in res.values() if bl and bl[0].best_single_eur_per_t is not None)
    only = sum(1 for bl in res.values() if bl and bl[0].best_single_eur_per_t is None)
    return {"wall_s": w1 - w0, "cpu_s": c1 - c0, "needs": n_needs, "blends": sum(len(v) for v in res.values()),
            "share_cheaper": cheaper / n_needs, "share_only_blend": only / n_needs}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--needs", type=int, default=10_000, help="needs of the all-needs run")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()}", flush=True)
    one = bench_one_need()
    print(f"one need among 10 000 streams (all within its distance), median of {one['needs']}: "
          f"{one['median_wall_s'] * 1000:.0f} ms wall, {one['median_cpu_s'] * 1000:.0f} ms CPU "
          f"(max {one['max_wall_s'] * 1000:.0f} ms); {one['with_blends']} needs with blends", flush=True)
    print(f"load average {os.getloadavg()}", flush=True)
    allr = bench_all(n_needs=args.needs)
    print(f"{allr['needs']} needs x 10 000 streams: {allr['wall_s']:.1f} s wall, {allr['cpu_s']:.1f} s CPU; "
          f"{allr['blends']} blends; a blend cheaper than the best analysed single stream for "
          f"{allr['share_cheaper']:.1%} of needs, only a blend for {allr['share_only_blend']:.1%}", flush=True)
    print(f"load average {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
