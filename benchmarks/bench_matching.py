"""Benchmark of the matching engine (run on demand, not part of the tests).

    .venv/bin/python benchmarks/bench_matching.py [--quick]

Synthetic but realistic data: composition profiles drawn per category around
typical values of real northern side streams (about a third of the analyses
missing), places drawn around real Finnish/Nordic industrial towns, titles from
templates. The streams are built directly as a StreamTable (as a database
export would), not as a million Python objects.

Measures: top 10 for one need among 100 000 and 1 000 000 streams (median),
every need against every stream 10 000 x 10 000, peak RSS with 1 000 000
streams fitted (in a subprocess, resource.getrusage maxrss), and a naive
per-pair Python loop over the same data, timed on a subsample and
extrapolated linearly (said so in the output).
"""
from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching import Matcher, Need, Requirement  # noqa: E402
from matching.table import StreamTable  # noqa: E402

TOWNS = [(65.85, 24.15), (65.74, 24.56), (65.01, 25.47), (64.68, 24.48), (63.84, 23.13), (61.31, 22.14),
         (67.66, 24.91), (67.42, 26.59), (66.71, 27.43), (66.50, 25.73), (63.68, 22.70), (65.58, 22.15),
         (63.08, 27.66), (64.13, 28.39), (64.22, 27.73), (62.60, 29.76), (61.49, 23.76), (60.45, 22.27),
         (64.75, 20.95), (67.86, 20.23), (68.44, 17.43), (62.39, 17.31), (60.67, 17.14), (69.65, 18.96)]
KEYS = ["SiO2", "Al2O3", "Fe2O3", "CaO", "MgO", "SO3", "Na2O", "K2O", "P2O5", "LOI", "Cl", "S",
        "As", "Cd", "Cr", "Cu", "Hg", "Ni", "Pb", "Zn", "V", "leach:Cl", "leach:SO4", "leach:Mo",
        "neutralising_value_pct", "amorphous_pct", "passing_0063_pct", "los_angeles", "moisture_pct"]
PROFILES = {  # category: typical values of KEYS (0 = not typical, drawn small)
    "slag": dict(SiO2=33, Al2O3=12, Fe2O3=8, CaO=38, MgO=10, SO3=0.6, S=1, Cr=1000, V=500, los_angeles=25, amorphous_pct=50),
    "ash": dict(SiO2=45, Al2O3=18, Fe2O3=7, CaO=15, MgO=3, SO3=1.5, K2O=2, P2O5=1, LOI=4, As=15, Cd=1.5, Cr=80, Cu=80, Hg=0.2, Ni=50, Pb=40, Zn=400, amorphous_pct=65, neutralising_value_pct=10),
    "dust": dict(Fe2O3=45, CaO=8, SiO2=4, Zn=100000, Pb=5000, Cd=100, Cl=2),
    "sludge": dict(CaO=8, SiO2=8, LOI=60, moisture_pct=65, Cd=0.8, Zn=300, Cu=40),
    "tailings": dict(SiO2=55, Al2O3=12, Fe2O3=10, S=2, As=500, Ni=150, passing_0063_pct=80),
    "waste_rock": dict(SiO2=68, Al2O3=14, Fe2O3=4, CaO=3, S=0.2, los_angeles=25),
    "gypsum": dict(CaO=32, SO3=45, LOI=20, P2O5=0.8, Cd=0.5),
    "lime_residue": dict(CaO=50, MgO=1, LOI=40, neutralising_value_pct=45, passing_0063_pct=90, Cd=0.3),
    "dregs": dict(CaO=35, MgO=4, Na2O=5, SiO2=2, LOI=38, neutralising_value_pct=32, Cd=3, Zn=500, Ni=30),
    "biomass_residue": dict(LOI=95, moisture_pct=50),
    "metal_scrap": dict(Fe2O3=80, Cr=5000, Ni=3000),
    "mineral_fines": dict(CaO=45, SiO2=8, LOI=35, passing_0063_pct=75, neutralising_value_pct=40),
    "other": dict(SiO2=30, CaO=20, LOI=20),
}
WORDS = {"slag": ["slag", "kuona", "ferrochrome slag", "blast furnace slag", "steel slag"],
         "ash": ["fly ash", "lentotuhka", "bottom ash", "bio-ash", "coal and peat ash"],
         "dust": ["filter dust", "EAF dust", "pöly"], "sludge": ["fibre sludge", "liete", "biosludge"],
         "tailings": ["tailings", "rikastushiekka"], "waste_rock": ["waste rock", "sivukivi"],
         "gypsum": ["gypsum", "kipsi"], "lime_residue": ["lime mud", "meesa", "lime kiln dust"],
         "dregs": ["green liquor dregs", "viherlipeäsakka"], "biomass_residue": ["bark", "kuori", "sawdust"],
         "metal_scrap": ["scrap", "romu"], "mineral_fines": ["limestone fines", "filleri"], "other": ["residue", "sivuvirta"]}
APPS = ["geopolymer_binder", "liming_agent", "cement_scm", "earth_construction", "neutralisation",
        "fertiliser", "cover_layer", "concrete_aggregate", "filler", "soil_improver"]


def make_table(n: int, seed: int = 0) -> StreamTable:
    rng = np.random.default_rng(seed)
    cats = list(PROFILES)
    cat = rng.integers(0, len(cats), n).astype(np.int16)
    town = rng.integers(0, len(TOWNS), n)
    t = np.array(TOWNS)
    lat = t[town, 0] + rng.normal(0, 0.25, n)
    lon = t[town, 1] + rng.normal(0, 0.5, n)
    X = np.full((n, len(KEYS)), np.nan, dtype=np.float32)
    for ci, c in enumerate(cats):
        rows = np.flatnonzero(cat == ci)
        for j, k in enumerate(KEYS):
            mean = PROFILES[c].get(k)
            if mean is None:
                continue
            vals = mean * rng.lognormal(0, 0.25, len(rows))
            keep = rng.random(len(rows)) > 0.33          # a third not analysed
            X[rows[keep], j] = vals[keep]
    texts, text_id = [], np.empty(n, dtype=np.int32)
    variants = 8
    for ci, c in enumerate(cats):
        for v in range(variants):
            w = WORDS[c][v % len(WORDS[c])]
            texts.append(f"{w} from plant {v} {c.replace('_', ' ')}")
    text_id[:] = cat * variants + rng.integers(0, variants, n)
    ewc_codes = ["10 02 02", "10 01 02", "10 02 07*", "03 03 10", "01 03 06", "01 01 02", "06 09 04",
                 "03 03 09", "03 03 02", "03 01 01", "17 04 05", "01 04 09", "19 12 12"]
    return StreamTable(
        ids=np.array([f"S{i}" for i in range(n)], dtype=object), lat=lat, lon=lon, category=cat,
        ewc=cat.astype(np.int32), ewc_codes=ewc_codes,
        legal=rng.integers(-1, 4, n).astype(np.int8),
        quantity=np.where(rng.random(n) < 0.8, rng.lognormal(9, 1.2, n), np.nan),
        price=np.where(rng.random(n) < 0.5, rng.normal(5, 10, n), np.nan),
        X=X, keys=tuple(KEYS), text_id=text_id, texts=texts)


def make_needs(m: int, seed: int = 1) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(m):
        app = APPS[i % len(APPS)]
        la, lo = TOWNS[rng.integers(0, len(TOWNS))]
        reqs = {"geopolymer_binder": (Requirement("SiO2+Al2O3", min=50),),
                "liming_agent": (Requirement("neutralising_value_pct", min=20),),
                "cement_scm": (Requirement("LOI", max=5),),
                "concrete_aggregate": (Requirement("los_angeles", max=30),)}.get(app, ())
        out.append(Need(id=f"N{i}", title=f"Need for {app.replace('_', ' ')}", application=app,
                        lat=la + rng.normal(0, 0.2), lon=lo + rng.normal(0, 0.3), requirements=reqs,
                        accepts_waste=bool(rng.random() < 0.6), quantity_t_per_year=5000.0,
                        max_distance_km=float(rng.choice([150, 250, 400]))))
    return out


# ---------------------------------------------------------------- naive loop
def naive_rank(matcher: Matcher, need: Need, table: StreamTable, rows, top=10):
    """Per-pair Python loop over the same data and rules (baseline)."""
    rules = matcher._terms_for(need, matcher.context(need))
    col = {k: i for i, k in enumerate(table.keys)}
    out = []
    for i in rows:
        p1, p2 = math.radians(need.lat), math.radians(table.lat[i])
        h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(table.lon[i] - need.lon) / 2) ** 2
        road = 2 * 6371.0088 * math.asin(math.sqrt(h)) * matcher.detour_factor
        if need.max_distance_km and road > need.max_distance_km:
            continue
        ok, missing = True, False
        for term in rules:
            lo, hi, hard = term.lo, term.hi, term.hard
            v = 0.0
            for k in term.keys:
                c = col.get(k)
                x = float(table.X[i, c]) if c is not None else float("nan")
                v += x
            if v != v:
                missing = missing or hard
                continue
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                ok = ok and not hard
        if not ok:
            continue
        score = math.exp(-road / 150.0) * (0.85 if missing else 1.0)
        out.append((score, i))
    out.sort(reverse=True)
    return out[:top]


def timed(fn, *a, **kw):
    t0 = time.perf_counter()
    r = fn(*a, **kw)
    return time.perf_counter() - t0, r


def bench_one_need(n: int, reps: int = 15) -> dict:
    table = make_table(n)
    needs = make_needs(reps)
    tfit, m = timed(Matcher().fit, table, needs)
    times = [timed(m.rank_streams, nd.id, 10)[0] for nd in needs for _ in range(3)]
    sub = min(n, 20_000)
    rows = np.arange(sub)
    naive = [timed(naive_rank, m, nd, table, rows)[0] * n / sub for nd in needs[:5]]
    return {"n": n, "fit_s": tfit, "median_ms": 1000 * statistics.median(times),
            "naive_ms_extrapolated": 1000 * statistics.median(naive), "naive_subsample": sub}


def bench_all(n_streams=10_000, n_needs=10_000) -> dict:
    table = make_table(n_streams, seed=3)
    needs = make_needs(n_needs, seed=4)
    _, m = timed(Matcher().fit, table, needs)
    t, res = timed(m.rank_all, 10)
    sub = 50
    tn = sum(timed(naive_rank, m, nd, table, range(n_streams))[0] for nd in needs[:sub]) * n_needs / sub
    return {"streams": n_streams, "needs": n_needs, "seconds": t, "naive_seconds_extrapolated": tn,
            "naive_subsample_needs": sub, "matches": sum(len(v) for v in res.values())}


def peak_memory(n=1_000_000) -> float:
    code = ("import sys, resource; sys.path.insert(0, %r); sys.path.insert(0, %r);"
            "from bench_matching import make_table, make_needs; from matching import Matcher;"
            "m = Matcher().fit(make_table(%d), make_needs(100)); m.rank_streams('N0');"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)") % (
        str(Path(__file__).resolve().parents[1]), str(Path(__file__).parent), n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024 ** 2  # KiB -> GiB


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip the 1 000 000 runs")
    args = ap.parse_args()
    r100k = bench_one_need(100_000)
    print(f"top 10 of 100 000: median {r100k['median_ms']:.1f} ms (fit {r100k['fit_s']:.1f} s); "
          f"naive loop {r100k['naive_ms_extrapolated']:.0f} ms (extrapolated from {r100k['naive_subsample']} streams), "
          f"ratio {r100k['naive_ms_extrapolated'] / r100k['median_ms']:.0f}x", flush=True)
    if not args.quick:
        r1m = bench_one_need(1_000_000, reps=10)
        print(f"top 10 of 1 000 000: median {r1m['median_ms']:.1f} ms (fit {r1m['fit_s']:.1f} s); "
              f"naive loop {r1m['naive_ms_extrapolated']:.0f} ms (extrapolated from {r1m['naive_subsample']} streams), "
              f"ratio {r1m['naive_ms_extrapolated'] / r1m['median_ms']:.0f}x", flush=True)
    ra = bench_all()
    print(f"all 10 000 needs x 10 000 streams: {ra['seconds']:.2f} s; naive loop {ra['naive_seconds_extrapolated']:.0f} s "
          f"(extrapolated from {ra['naive_subsample_needs']} needs), ratio {ra['naive_seconds_extrapolated'] / ra['seconds']:.0f}x", flush=True)
    if not args.quick:
        print(f"peak RSS with 1 000 000 streams fitted: {peak_memory():.2f} GiB", flush=True)


if __name__ == "__main__":
    main()
