"""The demo data loads through the listing import, and loading it twice adds nothing."""
import sqlalchemy as sa

from marketplace.db import db
from marketplace.demo import load_demo, read, LISTINGS, ORGANISATIONS, sign_ins
from marketplace.models import Match, MaterialNeed, Organisation, SideStream, User


def counts():
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Organisation, User, SideStream, MaterialNeed, Match)}


def test_demo_loads_once_and_again_without_duplicates(session):
    first = load_demo(session)
    after_first = counts()
    load_demo(session)
    assert counts() == after_first
    listings = read(LISTINGS)
    assert first.streams == len(listings["side_streams"]) >= 40
    assert first.needs == len(listings["needs"]) >= 25
    assert first.matches > 0


def test_demo_covers_the_towns_roles_and_uses():
    data = read(ORGANISATIONS)
    places = {site["place"] for org in data["organisations"] for site in org["sites"]}
    assert {"Tornio", "Kemi", "Raahe", "Oulu", "Kittilä", "Sodankylä"} <= places
    assert len(data["organisations"]) >= 15
    assert {account["role"] for account in sign_ins()} == {"member", "org_admin", "broker", "admin"}
    applications = {need["application"] for need in read(LISTINGS)["needs"]}
    assert len(applications) >= 12


def test_every_demo_stream_names_its_source():
    for record in read(LISTINGS)["side_streams"]:
        assert any(word in record.get("description", "") for word in ("after", "Source", "source", "indicative", "Indicative")), record["id"]
