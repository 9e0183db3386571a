"""Stored matches and pairing ideas stay what a full ranking gives after saves, closes,
expiries and imports; a request never refits the engine on more than what it changed."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

import matching
from marketplace.db import db
from marketplace.lifecycle import services as lifecycle
from marketplace.matches import engine, services
from marketplace.models import ApiToken, Match, MatchRefresh, MaterialNeed, MeasuredValue, PairingIdea, SideStream
from marketplace.models.api_token import PREFIX_LENGTH, hash_token, new_token_secret

CATEGORIES = ["ash", "slag", "lime_residue", "dregs", "gypsum"]
USES = [("geopolymer_binder", [{"property": "SiO2+Al2O3", "min": 45}]),
        ("liming_agent", [{"property": "neutralising_value_pct", "min": 20}]),
        ("earth_construction", []), ("cement_scm", [{"property": "LOI", "max": 6}]), ("filler", [])]


def values(rng) -> dict:
    keys = {"SiO2": (5, 55), "Al2O3": (2, 25), "CaO": (5, 50), "LOI": (1, 12),
            "neutralising_value_pct": (5, 45), "amorphous_pct": (20, 80)}
    return {k: round(rng.uniform(*span), 1) for k, span in keys.items() if rng.random() < 0.8}


@pytest.fixture
def world(app, make, monkeypatch):
    """Twenty-four streams and eight needs between Kemi and Oulu; short lists, so that
    listings compete for their places."""
    monkeypatch.setattr(services, "TOP_PER_NEED", 4)
    monkeypatch.setattr(services, "TOP_PER_STREAM", 2)
    rng = random.Random(15)
    sellers = [make.organisation(name=f"Myyjä {i} Oy") for i in range(3)]
    buyers = [make.organisation(name=f"Ostaja {i} Oy") for i in range(2)]
    streams = [make.stream(rng.choice(sellers), title=f"{rng.choice(CATEGORIES)} {i}",
                           category=rng.choice(CATEGORIES), values=values(rng),
                           lat=65.0 + rng.uniform(0, 0.9), lon=24.5 + rng.uniform(0, 1.0),
                           quantity_t_per_year=rng.choice([None, 2000.0, 20000.0]))
               for i in range(24)]
    needs = [make.need(rng.choice(buyers), title=f"Need {i}", application=USES[i % 5][0],
                       requirements=USES[i % 5][1], lat=65.0 + rng.uniform(0, 0.9),
                       lon=24.5 + rng.uniform(0, 1.0), max_distance_km=rng.choice([None, 80.0]))
             for i in range(8)]
    with app.app_context():
        services.refresh_all(db.session)
        db.session.commit()
    return rng, streams, needs


def expected(session) -> tuple[dict, dict]:
    """Rows and ideas of a full ranking of the current listings, in the vocabulary of the
    process's engine."""
    streams, needs = services.engine_streams(session), services.engine_needs(session)
    full = matching.Matcher().fit(streams, needs, like=engine.current(session).base)
    rows = {}
    for need_id, ranked in full.rank_all(top=services.TOP_PER_NEED).items():
        for m in ranked:
            rows[(int(m.stream_id), int(need_id))] = [round(m.score, 9), False, True]
    for stream in streams:
        for m in full.rank_needs(stream.id, top=services.TOP_PER_STREAM):
            rows.setdefault((int(stream.id), int(m.need_id)), [round(m.score, 9), False, False])[1] = True
    ideas = {int(s.id): [(i.application, round(i.score, 9), i.feasible, [r.template for r in i.reasons])
                         for i in full.pairing_ideas(s.id, top=services.IDEAS_PER_STREAM, with_needs=False)]
             for s in streams}
    return {k: tuple(v) for k, v in rows.items()}, ideas


def stored(session) -> tuple[dict, dict]:
    rows = {(m.side_stream_id, m.need_id): (round(m.score, 9), m.for_stream, m.for_need)
            for m in session.scalars(sa.select(Match))}
    ideas = {}
    for idea in session.scalars(sa.select(PairingIdea).order_by(PairingIdea.side_stream_id, PairingIdea.position)):
        ideas.setdefault(idea.side_stream_id, []).append(
            (idea.application, round(idea.score, 9), idea.feasible, [r["template"] for r in idea.reasons]))
    return rows, ideas


def assert_fresh(app):
    with app.app_context():
        rows, ideas = stored(db.session)
        want_rows, want_ideas = expected(db.session)
        assert {k: v for k, v in rows.items() if want_rows.get(k) != v} == \
            {k: v for k, v in want_rows.items() if rows.get(k) != v}
        assert ideas == {k: v for k, v in want_ideas.items() if v}


def test_a_full_refresh_stores_both_sides_lists_and_the_ideas(app, world):
    assert_fresh(app)
    with app.app_context():
        rows = db.session.scalars(sa.select(Match)).all()
        assert rows and any(not m.for_stream for m in rows) and any(not m.for_need for m in rows)


def test_saves_closes_expiries_and_imports_keep_the_stored_matches_fresh(app, world):
    rng, streams, needs = world
    with app.app_context():
        session = db.session
        # A stream saved with new analyses.
        stream = session.get(SideStream, streams[3].id)
        for value in stream.values:
            value.value = value.value * 1.3
        stream.values.append(MeasuredValue(property="Fe2O3", value=7.0))
        services.refresh_for(session, stream)
        session.commit()
    assert_fresh(app)
    with app.app_context():
        session = db.session
        # A stream closed, and the best stream of a need closed.
        session.get(SideStream, streams[5].id).status = "closed"
        services.refresh_for(session, session.get(SideStream, streams[5].id))
        best = session.scalar(sa.select(Match).where(Match.for_need).order_by(Match.score.desc()).limit(1))
        closed = session.get(SideStream, best.side_stream_id)
        closed.status = "closed"
        services.refresh_for(session, closed)
        session.commit()
    assert_fresh(app)
    with app.app_context():
        session = db.session
        # A need that asks for more, and one that asks for less.
        need = session.get(MaterialNeed, needs[0].id)
        need.requirements[0].min = 60
        services.refresh_for(session, need)
        other = session.get(MaterialNeed, needs[3].id)
        other.requirements.clear()
        other.max_distance_km = None
        services.refresh_for(session, other)
        session.commit()
    assert_fresh(app)
    with app.app_context():
        session = db.session
        # An import: new streams and a need at once, and changed ones.
        organisation = session.get(SideStream, streams[0].id).organisation
        added = []
        for i in range(3):
            new = SideStream(organisation_id=organisation.id, title=f"Imported ash {i}", category="ash",
                             place="Oulu")
            new.set_location(65.3 + 0.1 * i, 25.0)
            new.values = [MeasuredValue(property=k, value=v) for k, v in values(rng).items()]
            added.append(new)
        need = MaterialNeed(organisation_id=session.get(MaterialNeed, needs[1].id).organisation_id,
                            title="Imported need", application="filler", place="Oulu")
        need.set_location(65.4, 25.2)
        session.add_all(added + [need])
        session.flush()
        changed = [session.get(SideStream, streams[i].id) for i in (7, 8)]
        for s in changed:
            s.quantity_t_per_year = 50000.0
        services.refresh_many(session, added + changed + [need])
        session.commit()
    assert_fresh(app)
    with app.app_context():
        session = db.session
        # Two listings past their period.
        yesterday = date.today() - timedelta(days=1)
        session.get(SideStream, streams[10].id).published_until = yesterday
        session.get(MaterialNeed, needs[2].id).published_until = yesterday
        session.flush()
        lifecycle.expire()
        session.commit()
    assert_fresh(app)


def test_a_save_through_the_site_ranks_its_matches_without_refitting(app, world, make, client, monkeypatch):
    rng, streams, needs = world
    owner = make.user(streams[4].organisation)
    with app.app_context():
        engine.current(db.session)  # this process's engine, fitted once
    fitted = []
    original = matching.Matcher.fit

    def spy(self, streams_, needs_=(), like=None):
        fitted.append((len(streams_), like is not None))
        return original(self, streams_, needs_, like=like)

    monkeypatch.setattr(matching.Matcher, "fit", spy)
    secret = new_token_secret()
    with app.app_context():
        db.session.add(ApiToken(user_id=owner.id, name="test", scope="read-write", prefix=secret[:PREFIX_LENGTH],
                                token_hash=hash_token(secret)))
        db.session.commit()
    response = client.put(f"/api/v1/side-streams/{streams[4].id}", headers={"Authorization": f"Bearer {secret}"}, json={
        "id": "X", "title": "Fly ash, new analysis", "category": "ash",
        "composition": {"SiO2": 48.0, "Al2O3": 21.0, "LOI": 3.0},
        "location": {"lat": 65.2, "lon": 25.1}})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    assert fitted and all(like for _, like in fitted), "the vocabulary is reused, never refitted"
    assert max(size for size, _ in fitted) <= 1, "only the changed stream is fitted"
    assert_fresh(app)


def test_an_interrupted_full_refresh_goes_on_where_it_stopped(app, world, monkeypatch):
    monkeypatch.setattr(services, "NEEDS_PER_CHUNK", 3)
    monkeypatch.setattr(services, "STREAMS_PER_CHUNK", 5)
    with app.app_context():
        db.session.execute(sa.delete(Match))
        db.session.commit()
        commits, seen = [], []

        def stop_after_six():
            commits.append(1)
            if len(commits) == 6:  # three chunks of needs, the next phase, one of streams, then stop
                raise KeyboardInterrupt
            db.session.commit()

        with pytest.raises(KeyboardInterrupt):
            services.refresh_all(db.session, commit=stop_after_six)
        db.session.rollback()
        run = db.session.scalar(sa.select(MatchRefresh).where(MatchRefresh.finished_at.is_(None)))
        assert run is not None and run.phase == "streams" and run.last_id > 0
        services.refresh_all(db.session, progress=lambda phase, done, total: seen.append((phase, done, total)))
        assert seen[0][0] == "streams" and seen[0][1] > 5, "the streams done before are not ranked again"
        assert seen[-1][0] == "ideas" and seen[-1][1] == seen[-1][2]
        assert db.session.scalar(sa.select(MatchRefresh.phase).order_by(MatchRefresh.id.desc()).limit(1)) == "done"
    assert_fresh(app)
