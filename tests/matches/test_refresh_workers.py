"""The full refresh on several processes: forked workers share the engine fitted once in
the parent, each commits its own chunks, and the stored rows are those of one process.

The workers open their own connections, so these tests commit to a database of their
own (a SpatiaLite file, a PostGIS database beside the tests' one) instead of the
rolled-back transaction of the other tests."""
from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from marketplace import create_app
from marketplace.db import create_engine, db
from marketplace.matches import services
from marketplace.models import Blend, BlendPart, Match, MatchRefresh, PairingIdea
from tests.conftest import POSTGIS_URL, build_schema
from tests.factories import Factory
from tests.matches.test_fresh_matches import CATEGORIES, USES, values


@pytest.fixture
def committed_engine(backend, engines, tmp_path):
    if backend == "spatialite":
        engine = create_engine(f"sqlite:///{tmp_path / 'refresh.sqlite'}")
        build_schema(engine)
        yield engine
        engine.dispose()
        return
    name = f"{make_url(POSTGIS_URL).database}_refresh_workers"
    server = engines["postgis"].execution_options(isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = create_engine(make_url(POSTGIS_URL).set(database=name).render_as_string(hide_password=False))
    build_schema(engine)
    yield engine
    engine.dispose()
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def committed_app(committed_engine, tmp_path, monkeypatch):
    """An app whose sessions commit, with forty streams and twelve needs between Kemi and
    Oulu, and chunks small enough that each phase has several."""
    monkeypatch.setattr(services, "TOP_PER_NEED", 4)
    monkeypatch.setattr(services, "TOP_PER_STREAM", 2)
    monkeypatch.setattr(services, "NEEDS_PER_CHUNK", 3)
    monkeypatch.setattr(services, "STREAMS_PER_CHUNK", 6)
    app = create_app({
        "TESTING": True, "ENGINE": committed_engine, "DATABASE_URL": str(committed_engine.url),
        "SECRET_KEY": "test-secret", "UPLOAD_DIR": str(tmp_path / "uploads"), "TILE_URL": "",
        "SERVER_NAME": "sivuvirta.test", "BABEL_DEFAULT_LOCALE": "en",
    })
    make, rng = Factory(app), random.Random(15)
    sellers = [make.organisation(name=f"Myyjä {i} Oy") for i in range(3)]
    buyers = [make.organisation(name=f"Ostaja {i} Oy") for i in range(2)]
    for i in range(40):
        make.stream(rng.choice(sellers), title=f"{rng.choice(CATEGORIES)} {i}", category=rng.choice(CATEGORIES),
                    values=values(rng), lat=65.0 + rng.uniform(0, 0.9), lon=24.5 + rng.uniform(0, 1.0),
                    quantity_t_per_year=rng.choice([None, 2000.0, 20000.0]))
    for i in range(12):
        make.need(rng.choice(buyers), title=f"Need {i}", application=USES[i % 5][0], requirements=USES[i % 5][1],
                  lat=65.0 + rng.uniform(0, 0.9), lon=24.5 + rng.uniform(0, 1.0),
                  max_distance_km=rng.choice([None, 80.0]))
    return app


def snapshot(session) -> dict:
    """Every stored match, idea and blend, all but the moment they were computed."""
    matches = {(m.side_stream_id, m.need_id): (round(m.score, 9), m.for_stream, m.for_need, m.verified,
                                               round(m.road_km, 6), m.reasons, m.missing, m.rules, m.summary)
               for m in session.scalars(sa.select(Match))}
    ideas = [(i.side_stream_id, i.position, i.application, round(i.score, 9), i.feasible, i.reasons, i.missing)
             for i in session.scalars(sa.select(PairingIdea).order_by(PairingIdea.side_stream_id, PairingIdea.position))]
    blends = [(b.need_id, b.position, round(b.cost_eur_per_t, 6), b.reasons,
               [(p.side_stream_id, round(p.share, 6)) for p in sorted(b.parts, key=lambda p: p.position)])
              for b in session.scalars(sa.select(Blend).order_by(Blend.need_id, Blend.position))]
    return {"matches": matches, "ideas": ideas, "blends": blends}


def forget_all(session) -> None:
    session.execute(sa.delete(BlendPart))
    session.execute(sa.delete(Blend))
    session.execute(sa.delete(PairingIdea))
    session.execute(sa.delete(Match))
    session.commit()


def test_two_workers_store_what_one_process_stores(committed_app):
    with committed_app.app_context():
        forget_all(db.session)
        services.refresh_all(db.session, workers=1)
        serial = snapshot(db.session)
        assert len(serial["matches"]) > 20 and serial["ideas"]
        forget_all(db.session)
        seen = []
        kept = services.refresh_all(db.session, workers=2,
                                    progress=lambda phase, done, total: seen.append((phase, done, total)))
        db.session.expire_all()
        assert snapshot(db.session) == serial
        assert kept == len(serial["matches"])
    phases = [p for p, _, _ in seen]
    assert phases == sorted(phases, key=["needs", "streams", "ideas"].index) and set(phases) == {"needs", "streams", "ideas"}
    assert [s for s in seen if s[1] == s[2]] == [("needs", 12, 12), ("streams", 40, 40), ("ideas", 40, 40)]
    assert all(b[1] >= a[1] for a, b in zip(seen, seen[1:]) if a[0] == b[0]), "progress never goes back"
    with committed_app.app_context():
        assert db.session.scalar(sa.select(MatchRefresh.phase).order_by(MatchRefresh.id.desc()).limit(1)) == "done"


def test_a_failing_worker_fails_the_refresh_and_the_next_run_goes_on(committed_app, monkeypatch):
    with committed_app.app_context():
        services.refresh_all(db.session, workers=1)
        serial = snapshot(db.session)
        forget_all(db.session)
        ranked = services._ranked_chunk

        def failing(live, phase, chunk):
            if phase == "streams" and chunk[0] > min(int(s) for s in live.stream_ids()):
                raise RuntimeError("the ranking of a chunk failed")
            return ranked(live, phase, chunk)

        monkeypatch.setattr(services, "_ranked_chunk", failing)  # the forked workers inherit it
        with pytest.raises(RuntimeError, match="the ranking of a chunk failed"):
            services.refresh_all(db.session, workers=2)
        db.session.rollback()
        run = db.session.scalar(sa.select(MatchRefresh).where(MatchRefresh.finished_at.is_(None)))
        assert run is not None and run.phase == "streams" and run.last_id < max(
            int(i) for i in db.session.scalars(sa.text("SELECT id FROM side_stream")))
        monkeypatch.setattr(services, "_ranked_chunk", ranked)
        seen = []
        services.refresh_all(db.session, workers=2, progress=lambda phase, done, total: seen.append(phase))
        assert seen[0] == "streams", "the needs committed before are not ranked again"
        db.session.expire_all()
        assert snapshot(db.session) == serial


def test_the_refresh_command_takes_a_number_of_workers(committed_app):
    result = committed_app.test_cli_runner().invoke(args=["matches", "refresh", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "ideas: 40/40" in result.output and "matches kept" in result.output
    result = committed_app.test_cli_runner().invoke(args=["matches", "refresh", "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output
