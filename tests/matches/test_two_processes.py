"""Two processes on one database: a save in one reaches the other's engine through the
change rows (``listing_change``), applied as a change, never by fitting the engine again.

The other process is a real one (a subprocess with an app of its own), so nothing is
shared but the database; the listings are committed, not kept in the tests' rolled-back
transaction."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.db import create_engine, db
from marketplace.matches import engine as match_engine, services
from tests.conftest import POSTGIS_URL, build_schema
from tests.factories import Factory

ROOT = Path(__file__).resolve().parents[2]

# The other process: fit its engine, say so, wait for a line, then look at its engine again.
OTHER = r"""
import json, sys
import matching
from marketplace import create_app
from marketplace.db import db
from marketplace.matches import engine

fits = []
original = matching.Matcher.fit
def counted(self, streams, needs=(), like=None):
    fits.append({"streams": len(streams), "like": like is not None})
    return original(self, streams, needs, like=like)
matching.Matcher.fit = counted

app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "other", "TESTING": True, "TILE_URL": "",
                  "MATCHING_FIT_AT_START": False})
with app.app_context():
    live = engine.current(db.session)
    base = live.base
    print(json.dumps({"fitted": len(fits), "has": live.has_stream(sys.argv[2])}), flush=True)
    fits.clear()
    db.session.remove()
    sys.stdin.readline()
    live = engine.current(db.session)
    need = live.needs[sys.argv[3]]
    ranked = [m.stream_id for m in live.rank_streams(need, top=50)]
    print(json.dumps({"same_engine": live.base is base, "fits": fits, "has": live.has_stream(sys.argv[2]),
                      "ranked": ranked}), flush=True)
"""


@pytest.fixture
def database_url(backend, tmp_path):
    """A database of its own, whose commits the other process sees."""
    if backend == "spatialite":
        yield f"sqlite:///{tmp_path / 'two-processes.sqlite'}"
        return
    name = sa.engine.make_url(POSTGIS_URL).database + "_processes"
    admin = create_engine(POSTGIS_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    url = str(sa.engine.make_url(POSTGIS_URL).set(database=name))
    with create_engine(url).begin() as connection:
        connection.exec_driver_sql("CREATE EXTENSION postgis")
    yield url
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def test_a_save_in_one_process_reaches_the_others_engine_without_a_refit(database_url, tmp_path):
    engine = create_engine(database_url)
    build_schema(engine)
    app = create_app({"TESTING": True, "ENGINE": engine, "DATABASE_URL": database_url, "SECRET_KEY": "one",
                      "TILE_URL": "", "UPLOAD_DIR": str(tmp_path / "uploads"), "MATCHING_FIT_AT_START": False})
    make = Factory(app)
    seller, buyer = make.organisation(name="Myyjä Oy"), make.organisation(name="Ostaja Oy")
    for i in range(4):
        make.stream(seller, title=f"Fly ash {i}", category="ash", lat=65.7 + i / 50, lon=24.6,
                    values={"SiO2": 40.0 + i, "Al2O3": 20.0})
    need = make.need(buyer, title="Geopolymer precursor", lat=65.8, lon=24.7,
                     requirements=[{"property": "SiO2+Al2O3", "min": 45}])
    with app.app_context():
        services.refresh_all(db.session)
        db.session.commit()
        next_id = (db.session.scalar(sa.select(sa.func.max(services.SideStream.id))) or 0) + 1

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    other = subprocess.Popen([sys.executable, "-c", OTHER, database_url, str(next_id), str(need.id)],
                             cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        first = json.loads(other.stdout.readline())
        assert first == {"fitted": 1, "has": False}

        # Saved in this process: the change row goes with it in the same transaction.
        stream = make.stream(seller, title="Fly ash, the best lot", category="ash", lat=65.8, lon=24.7,
                             values={"SiO2": 55.0, "Al2O3": 25.0})
        assert stream.id == next_id
        with app.app_context():
            services.refresh_for(db.session, db.session.get(services.SideStream, stream.id))
            db.session.commit()
            ours = [m.stream_id for m in match_engine.current(db.session)
                    .rank_streams(match_engine.current(db.session).needs[str(need.id)], top=50)]

        other.stdin.write("go\n")
        other.stdin.flush()
        seen = json.loads(other.stdout.readline())
    finally:
        other.stdin.close()
        other.wait(timeout=60)
        engine.dispose()
    assert seen["has"] is True
    assert seen["same_engine"] is True                     # the base was not fitted again
    assert all(fit["like"] and fit["streams"] <= 1 for fit in seen["fits"]), seen["fits"]
    assert str(stream.id) in seen["ranked"]
    assert seen["ranked"] == ours                          # both processes rank alike
