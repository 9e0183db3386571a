"""Benchmark of the site at scale: pages, saves and the full refresh of the matches, on
PostGIS and SpatiaLite (run on demand, not part of the tests).

    .venv/bin/python benchmarks/bench_site.py \
        [--postgis postgresql://postgres@127.0.0.1:5432/sivuvirta_scale] \
        [--spatialite /tmp/sivuvirta-bench-site.sqlite] \
        [--streams 100000] [--needs 20000] [--organisations 500] [--repeat 11] [--only postgis] \
        [--workers 2]

Each database is emptied and filled in bulk (Core executemany, as bench_listings.py does)
with ``--streams`` active side streams and ``--needs`` needs of ``--organisations``
verified organisations, placed around the industrial towns of bench_matching.py, with
compositions drawn around each category's typical values. Then:

1. ``refresh_all`` ranks every listing (the ``sivuvirta matches refresh`` command) with
   ``--workers`` processes (default one per CPU): time per phase and in all, and the peak
   resident memory of a worker (resource.getrusage of the children; shared copy-on-write
   pages count in it, so it is an upper bound);
2. this process's engine is fitted (as a worker does once): time;
3. through the Flask test client (server time, no network), signed in as the right
   person, the median of ``--repeat`` requests of: the broker's dashboard, a stream's
   page (matches and ideas), its ideas page, a need's match page, the seller's own
   listings, the deals list, the map GeoJSON, a search within 200 km, an API match list;
4. creating a side stream through the API and through the form: the request's time, and
   the time until its matches are stored (the work run after the response);
5. the peak resident memory of this process (resource.getrusage), which holds what one
   worker holds (its engine) plus the refresh's.

Targets (issue 15): pages <= 150 ms, a save <= 150 ms with its matches ready within 1 s,
the full refresh <= 10 min at 100 000 x 20 000, peak memory <= 1 GiB.
Results: docs/benchmarks-site.md."""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import orm  # noqa: E402

from bench_listings import CATEGORIES, EWC, PASSWORD, empty_schema, median_ms  # noqa: E402
from bench_matching import APPS, PROFILES, TOWNS  # noqa: E402
from marketplace import create_app  # noqa: E402
from marketplace.auth.passwords import hash_password  # noqa: E402
from marketplace.db import create_engine, db  # noqa: E402
from marketplace.deals import services as deals  # noqa: E402
from marketplace.jobs.queue import huey  # noqa: E402
from marketplace.matches import engine as match_engine, services as matches  # noqa: E402
from marketplace.models import (  # noqa: E402
    ApiToken, Match, MaterialNeed, MeasuredValue, Organisation, Requirement, SideStream, Site, User,
)
from marketplace.models.api_token import PREFIX_LENGTH, hash_token, new_token_secret  # noqa: E402

REQUIREMENTS = {"geopolymer_binder": [("SiO2+Al2O3", 50, None)], "liming_agent": [("neutralising_value_pct", 20, None)],
                "cement_scm": [("LOI", None, 5)], "concrete_aggregate": [("los_angeles", None, 30)]}
CHUNK = 10000


def place(rng) -> tuple[float, float]:
    lat, lon = rng.choice(TOWNS)
    return round(lat + rng.gauss(0, 0.25), 5), round(lon + rng.gauss(0, 0.5), 5)


def build(engine, n_streams: int, n_needs: int, n_organisations: int, seed: int = 15) -> dict:
    """Empty the database and fill it; returns the ids the timings use."""
    rng = random.Random(seed)
    empty_schema(engine)
    from marketplace.reference import sync_reference_data

    with orm.Session(engine) as session:
        sync_reference_data(session)
        organisations = []
        for n in range(n_organisations):
            organisation = Organisation(name=f"Bench Oy {n}", verification_status="verified", kind="both")
            site = Site(name=f"Works {n}", place="Kemi")
            site.location = "SRID=4326;POINT(24.56 65.75)"
            organisation.sites.append(site)
            organisations.append(organisation)
        session.add_all(organisations)
        session.flush()
        password, confirmed = hash_password(PASSWORD), datetime(2026, 1, 1)
        seller = User(email="seller@example.fi", password_hash=password, language="en", name="Seller",
                      organisation_id=organisations[0].id, email_confirmed_at=confirmed)
        buyer = User(email="buyer@example.fi", password_hash=password, language="en", name="Buyer",
                     organisation_id=organisations[1].id, email_confirmed_at=confirmed)
        broker = User(email="broker@example.fi", password_hash=password, language="en", name="Broker", role="broker",
                      email_confirmed_at=confirmed)
        session.add_all([seller, buyer, broker])
        session.flush()
        secret = new_token_secret()
        session.add(ApiToken(user_id=seller.id, name="bench", scope="read-write", prefix=secret[:PREFIX_LENGTH],
                             token_hash=hash_token(secret)))
        session.commit()
        org_ids = [o.id for o in organisations]
    started = time.perf_counter()
    with engine.begin() as connection:
        for start in range(0, n_streams, CHUNK):
            streams, values = [], []
            for i in range(start, min(n_streams, start + CHUNK)):
                lat, lon = place(rng)
                category = rng.choice(CATEGORIES)
                streams.append({
                    "id": i + 1, "organisation_id": rng.choice(org_ids), "title": f"{category} lot {i}",
                    "description": "generated for the benchmark", "place": "", "lat": lat, "lon": lon,
                    "location": f"SRID=4326;POINT({lon} {lat})",
                    "visibility": rng.choice(("public", "public", "anonymous")), "status": "active",
                    "category": category, "ewc_code": EWC[category],
                    "legal_status": rng.choice(("waste", "by_product", None)),
                    "quantity_t_per_year": rng.choice((500, 2000, 10000, 50000)), "hazardous_properties": [],
                    "hazard_note": "",
                })
                for key, mean in PROFILES[category].items():
                    if rng.random() < 0.67:
                        values.append({"side_stream_id": i + 1, "property": key,
                                       "value": round(mean * rng.lognormvariate(0, 0.25), 3)})
            connection.execute(sa.insert(SideStream.__table__), streams)
            connection.execute(sa.insert(MeasuredValue.__table__), values)
        needs, requirements = [], []
        for i in range(n_needs):
            lat, lon = place(rng)
            application = APPS[i % len(APPS)]
            needs.append({
                "id": i + 1, "organisation_id": rng.choice(org_ids), "title": f"Need for {application.replace('_', ' ')}",
                "description": "", "place": "", "lat": lat, "lon": lon, "location": f"SRID=4326;POINT({lon} {lat})",
                "visibility": "public", "status": "active", "application": application, "categories": [],
                "ewc_codes": [], "accepts_waste": rng.random() < 0.6, "quantity_t_per_year": 5000.0,
                "max_distance_km": rng.choice((100.0, 150.0, 250.0, 400.0)),
            })
            for position, (key, low, high) in enumerate(REQUIREMENTS.get(application, ())):
                requirements.append({"need_id": i + 1, "position": position, "property": key, "min": low,
                                     "max": high, "note": ""})
        for a in range(0, len(needs), CHUNK):
            connection.execute(sa.insert(MaterialNeed.__table__), needs[a:a + CHUNK])
        if requirements:
            connection.execute(sa.insert(Requirement.__table__), requirements)
        if connection.dialect.name == "postgresql":
            for table in ("side_stream", "material_need"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        connection.exec_driver_sql("ANALYZE")
    print(f"  generated {n_streams} streams, {n_needs} needs, {n_organisations} organisations "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    return {"token": secret, "seller_org": org_ids[0]}


def open_deals(app, count: int) -> None:
    """Deals on the best stored pairings, opened by the broker."""
    with app.test_request_context():
        broker = db.session.scalar(sa.select(User).where(User.email == "broker@example.fi"))
        pairs = (sa.select(Match).join(SideStream, SideStream.id == Match.side_stream_id)
                 .join(MaterialNeed, MaterialNeed.id == Match.need_id)
                 .where(SideStream.organisation_id != MaterialNeed.organisation_id))
        for match in db.session.scalars(pairs.order_by(Match.score.desc()).limit(count)):
            deals.open_deal(broker, match.side_stream, match.need)
        db.session.commit()
        db.session.remove()


def signed_in(app, email: str):
    client = app.test_client()
    assert client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def timed_save(client, repeat: int, send) -> tuple[float, float]:
    """(median ms of the request, median ms until its matches are stored after it)."""
    request_ms, ready_ms = [], []
    for i in range(repeat):
        started = time.perf_counter()
        response = send(client, i)
        answered = time.perf_counter()
        assert response.status_code in (201, 302), (response.status_code, response.get_data(as_text=True)[:500])
        response.close()  # the server closes the response: the work queued after it runs
        # This process is the queue's consumer too: it runs the job the request queued
        # (the ranking after a save), as `sivuvirta jobs worker` does.
        ran = 0
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
            ran += 1
        assert ran, "the save queued no refresh job"
        request_ms.append((answered - started) * 1000)
        ready_ms.append((time.perf_counter() - answered) * 1000)
    return statistics.median(request_ms), statistics.median(ready_ms)


def api_create(token):
    def send(client, i):
        return client.post("/api/v1/side-streams", headers={"Authorization": f"Bearer {token}"}, json={
            "id": f"API-{i}", "title": f"Ladle slag, API lot {i}", "category": "slag", "ewc_code": "10 02 02",
            "composition": {"SiO2": 30.0 + i, "CaO": 40.0, "Al2O3": 8.0}, "quantity_t_per_year": 20000,
            "location": {"lat": 65.78, "lon": 24.17, "place": "Tornio"}})
    return send


def form_create(client, i):
    return client.post("/streams/new", data={
        "title": f"Fly ash, form lot {i}", "description": "", "category": "ash", "ewc_code": "10 01 02",
        "industry": "", "legal_status": "by_product", "quantity_t_per_year": "30000", "lot_t": "",
        "availability": "continuous", "available_from": "", "available_until": "", "price_eur_per_t": "",
        "visibility": "public", "site_id": "", "place": "Oulu", "lat": "65.01", "lon": "25.47",
        "values-0-property": "SiO2", "values-0-value": "45", "values-0-unit": "",
        "values-1-property": "Al2O3", "values-1-value": "20", "values-1-unit": "",
        "values-2-property": "LOI", "values-2-value": "4", "values-2-unit": "",
        "paste": "", "action": "publish"})


def peak_gib(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024 ** 2  # KiB -> GiB


def run(name: str, url: str, args) -> dict:
    print(f"{name}: {url} (load average {os.getloadavg()[0]:.2f})", flush=True)
    engine = create_engine(url)
    ids = build(engine, args.streams, args.needs, args.organisations)
    queue = Path(tempfile.mkdtemp(prefix="bench-site-queue-")) / "queue.sqlite"
    app = create_app({"DATABASE_URL": url, "ENGINE": engine, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "TILE_URL": "", "MATCHING_FIT_AT_START": False,
                      "QUEUE_IMMEDIATE": False, "QUEUE_URL": f"sqlite:///{queue}"})
    result = {}
    with app.app_context():
        phases = {}
        started = time.perf_counter()

        def progress(phase, done, total):
            phases[phase] = time.perf_counter() - started
            print(f"    {phase}: {done}/{total} at {phases[phase]:.0f} s", flush=True)

        kept = matches.refresh_all(db.session, progress=progress, workers=args.workers)
        result["refresh_s"] = time.perf_counter() - started
        result["refresh_load"] = os.getloadavg()[0]
        result["worker_gib"] = peak_gib(resource.RUSAGE_CHILDREN)
        result["matches"] = kept
        db.session.remove()
        match_engine.forget()
        started = time.perf_counter()
        match_engine.current(db.session)
        result["engine_s"] = time.perf_counter() - started
        db.session.remove()
    print(f"  full refresh: {result['refresh_s']:.0f} s ({kept} matches, {args.workers} workers, peak memory of "
          f"a worker {result['worker_gib']:.2f} GiB, load average {result['refresh_load']:.2f}); engine fitted in "
          f"{result['engine_s']:.1f} s", flush=True)
    open_deals(app, 60)
    with app.app_context():
        stream_id = db.session.scalar(sa.select(Match.side_stream_id).where(Match.for_stream)
                                      .order_by(Match.score.desc()).limit(1))
        need_id = db.session.scalar(sa.select(Match.need_id).group_by(Match.need_id)
                                    .order_by(sa.func.count().desc()).limit(1))
        own_stream = db.session.scalar(sa.select(SideStream.id).where(SideStream.organisation_id == ids["seller_org"])
                                       .limit(1))
        db.session.remove()
    broker, seller = signed_in(app, "broker@example.fi"), signed_in(app, "seller@example.fi")
    token = {"Authorization": f"Bearer {ids['token']}"}
    pages = {
        "broker dashboard": (broker, "/dashboard/"),
        "stream page (matches, ideas)": (broker, f"/streams/{stream_id}"),
        "stream's pairing ideas": (broker, f"/matches/streams/{stream_id}/ideas"),
        "need's match page": (broker, f"/matches/needs/{need_id}"),
        "own listings": (seller, "/listings/mine"),
        "deals list": (broker, "/deals/"),
        "map GeoJSON": (seller, "/streams/map.geojson?prop=CaO&min=30&max=&bbox=20.0,65.5,30.0,69.0"),
        "search 200 km": (seller, "/streams?near=Rovaniemi&km=200&prop=CaO&min=30&max=&category=slag"),
    }
    result["pages"] = {}
    for label, (client, page) in pages.items():
        result["pages"][label], _ = median_ms(client, page, args.repeat)
    api = app.test_client()
    api.get(f"/api/v1/side-streams/{own_stream}/matches", headers=token)
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        response = api.get(f"/api/v1/side-streams/{own_stream}/matches", headers=token)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    result["pages"]["API match list"] = statistics.median(times)
    for label, ms in result["pages"].items():
        print(f"  {label}: median {ms:.0f} ms", flush=True)
    result["api_save"] = timed_save(app.test_client(), args.repeat, api_create(ids["token"]))
    result["form_save"] = timed_save(seller, args.repeat, form_create)
    for label in ("api_save", "form_save"):
        request_ms, ready_ms = result[label]
        print(f"  {label.replace('_', ' ')}: median {request_ms:.0f} ms, matches stored {ready_ms:.0f} ms after",
              flush=True)
    result["peak_gib"] = peak_gib()
    result["load"] = os.getloadavg()[0]
    print(f"  peak memory of the process {result['peak_gib']:.2f} GiB; load average {result['load']:.2f}", flush=True)
    engine.dispose()
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgis", default="postgresql://postgres@127.0.0.1:5432/sivuvirta_scale")
    parser.add_argument("--spatialite", default="/tmp/sivuvirta-bench-site.sqlite")
    parser.add_argument("--streams", type=int, default=100000)
    parser.add_argument("--needs", type=int, default=20000)
    parser.add_argument("--organisations", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--only", choices=("postgis", "spatialite"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes of the full refresh (default: one per CPU)")
    args = parser.parse_args(argv)
    results = {}
    if args.only != "spatialite":
        results["PostGIS"] = run("PostGIS", args.postgis, args)
    if args.only != "postgis":
        for suffix in ("", "-wal", "-shm"):
            Path(args.spatialite + suffix).unlink(missing_ok=True)
        results["SpatiaLite"] = run("SpatiaLite", f"sqlite:///{args.spatialite}", args)
    print()
    names = list(results)
    print("| | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    labels = list(next(iter(results.values()))["pages"])
    for label in labels:
        print(f"| {label} | " + " | ".join(f"{r['pages'][label]:.0f} ms" for r in results.values()) + " |")
    for key, label in (("api_save", "create a stream (API)"), ("form_save", "create a stream (form)")):
        print(f"| {label}: request / matches stored after | "
              + " | ".join(f"{r[key][0]:.0f} ms / {r[key][1]:.0f} ms" for r in results.values()) + " |")
    print("| full refresh | " + " | ".join(f"{r['refresh_s']:.0f} s ({r['matches']} matches)" for r in results.values()) + " |")
    print("| full refresh: workers, peak memory of a worker | " + " | ".join(
        f"{args.workers}, {r['worker_gib']:.2f} GiB" for r in results.values()) + " |")
    print("| engine fitted by a worker | " + " | ".join(f"{r['engine_s']:.1f} s" for r in results.values()) + " |")
    print("| peak memory of the process | " + " | ".join(f"{r['peak_gib']:.2f} GiB" for r in results.values()) + " |")
    print("| load average after | " + " | ".join(f"{r['load']:.2f}" for r in results.values()) + " |")


if __name__ == "__main__":
    main()
