"""A brokering story's data for the tests of deals, notifications and the dashboard:
a smelter's anonymous slag, a builder's public geopolymer need, the match between them,
the members of both, a broker and an outsider."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.db import db
from marketplace.models import Deal, DealEvent, Match, OutboxMessage
from marketplace.models.base import utcnow

SLAG_VALUES = {"SiO2": 30.0, "Al2O3": 25.0, "MgO": 23.0, "CaO": 2.0}


@dataclass
class Story:
    supplier: object
    buyer: object
    other: object
    supplier_member: object
    buyer_member: object
    outsider: object
    broker: object
    stream: object
    need: object
    match: object


def add_match(make, stream, need, score=0.85, first_seen_at=None, transport_co2_kg_per_t=12.0,
              road_km=150.0):
    match = Match(
        side_stream_id=stream.id, need_id=need.id, score=score, verified=True, distance_km=road_km / 1.3,
        road_km=road_km, transport_cost_eur_per_t=15.0, transport_co2_kg_per_t=transport_co2_kg_per_t,
        missing=[], reasons=[], rules=[], first_seen_at=first_seen_at or utcnow(), computed_at=utcnow(),
    )
    return make._save(match)


def build_story(make, visibility="anonymous", tag="") -> Story:
    supplier = make.organisation(name="Tornion Kuona Oy" + tag, place="Tornio", lat=65.85, lon=24.15)
    buyer = make.organisation(name="Kittilän Geopolymeeri Oy" + tag, place="Kittilä", lat=67.65, lon=24.91)
    other = make.organisation(name="Sivullinen Oy" + tag, place="Oulu", lat=65.01, lon=25.47)
    story = Story(
        supplier=supplier, buyer=buyer, other=other,
        supplier_member=make.user(supplier, email=f"kuona{tag}@example.fi", name="Saila Toimittaja", language="fi"),
        buyer_member=make.user(buyer, email=f"osto{tag}@example.fi", name="Olli Ostaja", language="en"),
        outsider=make.user(other, email=f"sivu{tag}@example.fi", name="Sami Sivullinen"),
        broker=make.user(None, role="broker", email=f"valittaja{tag}@example.fi", name="Veera Välittäjä"),
        stream=make.stream(supplier, title="Ferrochrome slag", visibility=visibility, values=SLAG_VALUES,
                           legal_status="waste", quantity_t_per_year=20000, place="Tornio"),
        need=make.need(buyer, title="Geopolymer precursor for paving stones", place="Kittilä",
                       requirements=[{"property": "SiO2+Al2O3", "min": 50}], quantity_t_per_year=5000),
        match=None,
    )
    story.match = add_match(make, story.stream, story.need)
    return story


def login(app, user):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": "correct horse battery staple"})
    assert response.status_code == 302, response.status_code
    return client


def open_deal(app, story, **terms) -> Deal:
    """A deal opened by the broker through the service (one app context, committed)."""
    from marketplace.deals import services

    with app.test_request_context():
        broker = db.session.get(type(story.broker), story.broker.id)
        stream = db.session.get(type(story.stream), story.stream.id)
        need = db.session.get(type(story.need), story.need.id)
        deal = services.open_deal(broker, stream, need, **terms)
        db.session.commit()
        deal_id = deal.id
        db.session.remove()
    return deal_id


def set_state(app, deal_id: int, state: str, introduced: bool = False, when: datetime | None = None) -> None:
    with app.app_context():
        deal = db.session.get(Deal, deal_id)
        deal.events.append(DealEvent(from_state=deal.state, to_state=state, created_at=when or utcnow()))
        deal.state = state
        if introduced and deal.introduced_at is None:
            deal.introduced_at = when or utcnow()
        db.session.commit()
        db.session.remove()


def deal_row(app, deal_id: int) -> Deal:
    with app.app_context():
        deal = db.session.get(Deal, deal_id)
        db.session.expunge(deal)
        db.session.remove()
    return deal


def mails(app, recipient=None) -> list[OutboxMessage]:
    with app.app_context():
        query = db.session.query(OutboxMessage).order_by(OutboxMessage.id)
        if recipient:
            query = query.filter(OutboxMessage.recipient == recipient)
        rows = query.all()
        db.session.expunge_all()
        db.session.remove()
    return rows


def version_of(app, deal_id: int) -> int:
    return deal_row(app, deal_id).version
