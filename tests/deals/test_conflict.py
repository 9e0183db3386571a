"""Two people saving the same deal: the second is told, and nothing is overwritten."""
import pytest
import sqlalchemy as sa

from marketplace.db import db
from marketplace.deals import services
from marketplace.errors import Conflict
from marketplace.models import Deal, User
from tests.deals.story import deal_row, login, open_deal, version_of


def test_the_second_save_of_the_same_version_is_refused(app, story):
    deal_id = open_deal(app, story)
    version = version_of(app, deal_id)
    broker, buyer = login(app, story.broker), login(app, story.buyer_member)
    assert f'name="version" type="hidden" value="{version}"' in broker.get(f"/deals/{deal_id}").get_data(as_text=True)

    first = broker.post(f"/deals/{deal_id}/terms", data={
        "tonnes_per_year": "5000", "price_eur_per_t": "3", "start_date": "", "note": "Broker's terms",
        "version": version})
    assert first.status_code == 302
    second = buyer.post(f"/deals/{deal_id}/terms", data={
        "tonnes_per_year": "9999", "price_eur_per_t": "0", "start_date": "", "note": "Buyer's terms",
        "version": version})
    assert second.status_code == 409
    assert "changed this deal while you were editing" in second.get_data(as_text=True)
    deal = deal_row(app, deal_id)
    assert (deal.tonnes_per_year, deal.note) == (5000, "Broker's terms")
    assert deal.version == version + 1


def test_a_state_change_on_an_old_version_is_refused(app, story):
    deal_id = open_deal(app, story)
    version = version_of(app, deal_id)
    broker = login(app, story.broker)
    assert broker.post(f"/deals/{deal_id}/terms", data={
        "tonnes_per_year": "10", "version": version}).status_code == 302
    response = broker.post(f"/deals/{deal_id}/state", data={
        "to_state": "introduced", "version": version})
    assert response.status_code == 409
    assert deal_row(app, deal_id).state == "proposed"


def test_a_change_between_reading_and_writing_is_caught_by_the_version_column(app, story):
    deal_id = open_deal(app, story)
    with app.test_request_context():
        deal = db.session.get(Deal, deal_id)
        user = db.session.get(User, story.broker.id)
        read_version = deal.version
        # Someone else commits in between (a plain UPDATE bumping the version).
        db.session.execute(sa.update(Deal.__table__).where(Deal.__table__.c.id == deal_id)
                           .values(version=read_version + 1, note="theirs"))
        with pytest.raises(Conflict):
            services.update_terms(user, deal, version=read_version, tonnes_per_year=1.0,
                                  price_eur_per_t=None, start_date=None, note="mine")
        db.session.rollback()
        db.session.remove()
