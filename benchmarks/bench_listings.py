"""Benchmark of listings: search, map GeoJSON and import, on PostGIS and SpatiaLite.

    .venv/bin/python benchmarks/bench_listings.py \
        [--postgis postgresql://postgres@127.0.0.1/sivuvirta_bench_listings] \
        [--spatialite /tmp/sivuvirta-bench.sqlite] [--rows 100000] [--repeat 21]

Each database is emptied and filled with ``--rows`` active side streams of 40
organisations spread over Finland, Sweden and Norway (six measured values each),
inserted in bulk (Core executemany). Then, through the Flask test client (server time,
no network), with a signed-in member of a verified organisation:

- a filtered search within 200 km of Rovaniemi (CaO >= 30, category slag, page 1 with
  its count), median of ``--repeat`` requests;
- the GeoJSON of one map view (northern Finland, same filters the map page sends),
  median of ``--repeat`` requests;
- text searches in the users' words (``TEXT_SEARCHES``: Finnish and English words, a
  typo, a List of Waste code), page 1 with its count up to 1 000 ("more than 1 000"
  past it: ``listings.search.COUNTED``), median of ``--repeat``; the hits printed are
  the exact number, counted apart for an anonymous reader;
- an import of 10 000 side-stream records through ``import_batch`` (checks and writes;
  rolled back afterwards).

Targets: search <= 150 ms, GeoJSON <= 300 ms, import of 10 000 rows < 30 s.
Results: docs/benchmarks-listings.md."""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import orm  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.db import create_engine, db  # noqa: E402
from marketplace.models import Base, MeasuredValue, Organisation, SideStream, Site, User  # noqa: E402
from marketplace.listings import fulltext  # noqa: E402
from marketplace.reference import sync_reference_data  # noqa: E402

CATEGORIES = ("slag", "ash", "dust", "tailings", "sludge", "gypsum", "dregs")
EWC = {"slag": "10 02 02", "ash": "10 01 02", "dust": "10 02 08", "tailings": "01 03 06",
       "sludge": "03 03 11", "gypsum": "10 01 07", "dregs": "03 03 02"}
PASSWORD = "bench-password-123"
# Titles in the users' languages and material types of the catalogue, so that the text
# searches below find a realistic share (a word of one category: about a seventh).
TITLES = {
    "slag": (("Masuunikuona", "ggbs"), ("Ferrochrome slag", "fecr_slag_lumpy"), ("Teräskuona", "bof_slag"),
             ("Slag", None)),
    "ash": (("Lentotuhka", "coal_fly_ash"), ("Bottom ash", "mswi_bottom_ash"), ("Puutuhka", "grate_wood_ash")),
    "dust": (("Steel dust", "steel_dust"), ("Pöly", None)),
    "tailings": (("Rikastushiekka", "tailings_low_sulphide"), ("Tailings", "tailings_sulphidic")),
    "sludge": (("Biosludge", "biosludge"), ("Vesilaitoksen liete", "water_treatment_sludge")),
    "gypsum": (("Rikinpoistokipsi", "fgd_gypsum"), ("Neutralisation gypsum", "neutralisation_gypsum")),
    "dregs": (("Viherlipeäsakka", "green_liquor_dregs"), ("Green liquor dregs", "green_liquor_dregs")),
}
TEXT_SEARCHES = (
    ("a word, inflected (every slag)", "/streams?q=kuonaa"),
    ("a word within 200 km", "/streams?q=slag&near=Rovaniemi&km=200"),
    ("two words, one a compound part", "/streams?q=masuuni+kuona"),
    ("a typo", "/streams?q=ferokromikuona"),
    ("a code", "/streams?q=100202"),
)


def empty_schema(engine) -> None:
    """Drop every table and create the schema again (PostGIS: the whole public schema)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
        Base.metadata.create_all(connection)


def build(engine, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    empty_schema(engine)
    with orm.Session(engine) as session:
        sync_reference_data(session)
        from marketplace.auth.passwords import hash_password

        organisations = []
        for n in range(40):
            organisation = Organisation(name=f"Bench Oy {n}", verification_status="verified", kind="both")
            site = Site(name=f"Works {n}", place="Kemi")
            site.location = "SRID=4326;POINT(24.56 65.75)"
            organisation.sites.append(site)
            session.add(organisation)
            organisations.append(organisation)
        session.flush()
        session.add(User(email="bench@example.fi", password_hash=hash_password(PASSWORD), language="en",
                         organisation_id=organisations[0].id, name="Bench"))
        session.commit()
        org_ids = [o.id for o in organisations]
    started = time.perf_counter()
    chunk = 10000
    with engine.begin() as connection:
        next_id = 1
        for start in range(0, rows, chunk):
            streams, values = [], []
            for i in range(start, min(rows, start + chunk)):
                lat, lon = rng.uniform(60.0, 70.0), rng.uniform(17.0, 31.0)
                category = rng.choice(CATEGORIES)
                title, material_type = rng.choice(TITLES[category])
                stream = {"title": f"{title} {i}", "description": "generated for the benchmark",
                          "category": category, "ewc_code": EWC[category], "material_type": material_type}
                streams.append({
                    **stream, "search_text": fulltext.stream_document(stream),
                    "id": next_id, "organisation_id": rng.choice(org_ids), "place": "", "lat": lat, "lon": lon,
                    "location": f"SRID=4326;POINT({lon} {lat})", "visibility": rng.choice(("public", "public", "anonymous")),
                    "status": "active",
                    "quantity_t_per_year": rng.choice((500, 2000, 10000, 50000)), "hazardous_properties": [],
                    "hazard_note": "",
                })
                for key, low, high in (("SiO2", 5, 50), ("CaO", 1, 55), ("Al2O3", 1, 25), ("MgO", 0, 20),
                                       ("Cd", 0, 10), ("Zn", 0, 3000)):
                    values.append({"side_stream_id": next_id, "property": key, "value": round(rng.uniform(low, high), 2)})
                next_id += 1
            connection.execute(sa.insert(SideStream.__table__), streams)
            connection.execute(sa.insert(MeasuredValue.__table__), values)
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE")
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('side_stream', 'id'), (SELECT max(id) FROM side_stream))")
        else:
            connection.exec_driver_sql("ANALYZE")
    print(f"  generated {rows} streams in {time.perf_counter() - started:.1f} s", flush=True)


def median_ms(client, url: str, repeat: int) -> tuple[float, int]:
    client.get(url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.text[:500])
    return statistics.median(times), len(response.data)


def run(name: str, url: str, rows: int, repeat: int, with_import: bool = True) -> dict:
    print(f"{name}: {url}", flush=True)
    engine = create_engine(url)
    build(engine, rows)
    app = create_app({"DATABASE_URL": url, "ENGINE": engine, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "TILE_URL": ""})
    client = app.test_client()
    assert client.post("/auth/login", data={"email": "bench@example.fi", "password": PASSWORD}).status_code == 302
    search_url = "/streams?near=Rovaniemi&km=200&prop=CaO&min=30&max=&category=slag"
    search_ms, _ = median_ms(client, search_url, repeat)
    with app.test_request_context():
        from werkzeug.datastructures import MultiDict

        from marketplace.listings.search import parse_filters, search

        total = search(SideStream, parse_filters(MultiDict([("near", "Rovaniemi"), ("km", "200"), ("prop", "CaO"),
                                                            ("min", "30"), ("max", ""), ("category", "slag")]), None),
                       None).total
        db.session.remove()
    text_ms = {}
    for label, url in TEXT_SEARCHES:
        text_ms[label] = median_ms(client, url, repeat)[0]
        with app.test_request_context(url):
            from flask import request

            hits = search(SideStream, parse_filters(request.args, None), None).total
            db.session.remove()
        print(f"  text search, {label} ({url}): median {text_ms[label]:.1f} ms ({hits} hits)", flush=True)
        text_ms[label] = (text_ms[label], hits)
    geojson_url = "/streams/map.geojson?prop=CaO&min=30&max=&bbox=20.0,65.5,30.0,69.0"
    geojson_ms, size = median_ms(client, geojson_url, repeat)
    features = len(client.get(geojson_url).json["features"])
    import_s = bench_import(app) if with_import else float("nan")
    engine.dispose()
    result = {"text_ms": text_ms, "search_ms": search_ms, "search_total": total, "geojson_ms": geojson_ms,
              "geojson_features": features, "geojson_bytes": size, "import_s": import_s}
    print(f"  search within 200 km: median {search_ms:.1f} ms ({total} hits)")
    print(f"  GeoJSON map view: median {geojson_ms:.1f} ms ({features} features, {size / 1024:.0f} kB)")
    print(f"  import of 10 000 rows: {import_s:.1f} s", flush=True)
    return result


def bench_import(app) -> float:
    from marketplace.listings.importer import EXAMPLE, import_batch

    rng = random.Random(11)
    base = EXAMPLE["side_streams"][0]
    records = []
    for i in range(10000):
        record = dict(base, id=f"BENCH-{i}", title=f"Imported slag {i}",
                      location={"lat": round(rng.uniform(60, 70), 4), "lon": round(rng.uniform(17, 31), 4)})
        record["composition"] = {"SiO2": round(rng.uniform(10, 40), 1), "CaO": round(rng.uniform(1, 45), 1),
                                 "MgO": 5.0, "Al2O3": 8.0}
        records.append(record)
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Bench Oy 1"))
        started = time.perf_counter()
        report = import_batch({"side_streams": records}, None, lambda name: organisation)
        db.session.commit()
        elapsed = time.perf_counter() - started
        assert report.ok and report.created["side_streams"] == 10000, report.summary()
        db.session.remove()
    return elapsed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgis", default="postgresql://postgres@127.0.0.1/sivuvirta_bench_listings")
    parser.add_argument("--spatialite", default="/tmp/sivuvirta-bench-listings.sqlite")
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--only", choices=("postgis", "spatialite"))
    parser.add_argument("--no-import", action="store_true", help="leave out the import of 10 000 rows")
    args = parser.parse_args(argv)
    results = {}
    if args.only != "spatialite" and args.postgis:
        results["PostGIS"] = run("PostGIS", args.postgis, args.rows, args.repeat, not args.no_import)
    if args.only != "postgis" and args.spatialite:
        for suffix in ("", "-wal", "-shm"):
            Path(args.spatialite + suffix).unlink(missing_ok=True)
        results["SpatiaLite"] = run("SpatiaLite", f"sqlite:///{args.spatialite}", args.rows, args.repeat,
                                    not args.no_import)
    print()
    print("| database | search 200 km (median) | GeoJSON map view (median) | import 10 000 rows |")
    print("| --- | --- | --- | --- |")
    for name, r in results.items():
        print(f"| {name} | {r['search_ms']:.0f} ms ({r['search_total']} hits) | {r['geojson_ms']:.0f} ms "
              f"({r['geojson_features']} features) | {r['import_s']:.1f} s |")
    print()
    print("| text search | " + " | ".join(results) + " |")
    print("| --- |" + " --- |" * len(results))
    for label, url in TEXT_SEARCHES:
        cells = [f"{r['text_ms'][label][0]:.0f} ms ({r['text_ms'][label][1]} hits)" for r in results.values()]
        print(f"| {label}: `{url}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
