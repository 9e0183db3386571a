"""Every list page is bounded: paginated, counted by SQL, and its number of SQL statements
does not grow with the rows it shows (no query per row)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from marketplace.db import db
from marketplace.deals import services as deals
from marketplace.listings import views as listing_views
from marketplace.matches import services, views as match_views
from marketplace.models import Match, PairingIdea, User

FLY_ASH = {"SiO2": 45.0, "Al2O3": 20.0, "LOI": 4.0}


@contextmanager
def counted_statements(app):
    """Count the SQL statements the app sends while the block runs."""
    statements = []
    bind = app.extensions["sivuvirta.bind"]

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(bind, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(bind, "before_cursor_execute", count)


def add_rows(app, make, rows: int):
    """A seller with ``rows`` streams and a buyer with ``rows`` needs, each stream matched
    with each need of the same position and the first need, a deal per pair, and ideas."""
    seller, buyer = make.organisation(), make.organisation()
    streams = [make.stream(seller, title=f"Fly ash {i}", category="ash", values=FLY_ASH) for i in range(rows)]
    needs = [make.need(buyer, title=f"Binder {i}") for i in range(rows)]
    broker = make.user(role="broker")
    with app.test_request_context():
        user = db.session.get(User, broker.id)
        for i, (stream, need) in enumerate(zip(streams, needs)):
            pairs = {(stream.id, need.id), (stream.id, needs[0].id), (streams[0].id, need.id)}
            for s, n in pairs:
                if db.session.scalar(sa.select(Match.id).where(Match.side_stream_id == s, Match.need_id == n)):
                    continue
                db.session.add(Match(side_stream_id=s, need_id=n, score=0.5 + i / 100, verified=True,
                                     distance_km=10.0, road_km=13.0, transport_cost_eur_per_t=5.0,
                                     transport_co2_kg_per_t=1.0, missing=[], rules=[],
                                     reasons=[{"template": "transport", "ok": None, "source": None,
                                               "params": {"road_km": 13.0, "cost": 5.0, "co2": 1.0}}]))
            db.session.add(PairingIdea(side_stream_id=stream.id, position=0, application="geopolymer_binder",
                                       name_en="Geopolymer binder", name_fi="Geopolymeerisideaine", score=0.6,
                                       feasible=True, reasons=[], missing=[]))
            db.session.flush()
            deals.open_deal(user, db.session.get(type(stream), stream.id), db.session.get(type(need), need.id))
        db.session.commit()
    return seller, buyer, streams, needs, broker


PAGES = {
    "own listings": lambda w: ("seller", "/listings/mine"),
    "a need's matches": lambda w: ("broker", f"/matches/needs/{w[3][0].id}"),
    "a stream's matches": lambda w: ("broker", f"/matches/streams/{w[2][0].id}"),
    "a stream's ideas": lambda w: ("broker", f"/matches/streams/{w[2][0].id}/ideas"),
    "a stream's page": lambda w: ("broker", f"/streams/{w[2][0].id}"),
    "deals": lambda w: ("broker", "/deals/"),
    "dashboard": lambda w: ("broker", "/dashboard/"),
}


def statements_for(app, make, rows: int, page: str) -> int:
    world = add_rows(app, make, rows)
    who, url = PAGES[page](world)
    user = make.user(world[0]) if who == "seller" else world[4]
    client = app.test_client()
    client.post("/auth/login", data={"email": user.email, "password": "correct horse battery staple"})
    client.get(url)  # caches filled (reference data, the catalogue)
    with counted_statements(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(statements)


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_sends_as_many_statements_for_three_rows_as_for_twelve(app, make, page):
    few = statements_for(app, make, 3, page)
    many = statements_for(app, make, 12, page)
    assert few == many, f"{page}: {few} statements for 3 rows, {many} for 12"


def test_long_lists_are_paginated(app, make, monkeypatch, auth, client):
    monkeypatch.setattr(listing_views, "OWN_PER_PAGE", 4)
    monkeypatch.setattr(match_views, "MATCHES_PER_PAGE", 4)
    seller, buyer, streams, needs, broker = add_rows(app, make, 6)
    owner = make.user(seller)
    auth.login(owner.email)
    first, second = client.get("/listings/mine").text, client.get("/listings/mine?page=2").text
    assert "Fly ash 5" in first and "Fly ash 1" not in first
    assert "Fly ash 1" in second and "Fly ash 5" not in second and 'rel="prev"' in second
    auth.logout()
    auth.login(broker.email)
    page = client.get(f"/matches/needs/{needs[0].id}")
    assert page.text.count('class="card') <= 4 + page.text.count('class="cards') and 'rel="next"' in page.text
    with app.app_context():
        need = db.session.get(type(needs[0]), needs[0].id)
        assert services.count_matches(db.session, need, db.session.get(User, broker.id)) == 6
