"""The notification centre: deal events leave a notice for every other participant, the
bell counts the unread ones on every page, opening one marks it read, and all can be
marked read at once; mail keeps following each user's settings."""
from __future__ import annotations

from marketplace.db import db
from marketplace.models import Notice, NotificationSetting
from tests.deals.story import login, mails, open_deal, set_state


def _unread(app, user) -> list[str]:
    with app.app_context():
        kinds = [n.kind for n in db.session.query(Notice).filter_by(user_id=user.id, read_at=None)
                 .order_by(Notice.id)]
        db.session.remove()
    return kinds


def _bell(client) -> str:
    html = client.get("/").get_data(as_text=True)
    if 'id="bell-count"' not in html:
        return "0"
    return html.split('id="bell-count">')[1].split("<")[0]


def test_deal_events_leave_notices_and_the_bell_counts_them(app, story):
    deal_id = open_deal(app, story)
    assert _unread(app, story.supplier_member) == ["deal_opened"]
    assert _unread(app, story.broker) == [], "the acting user is not told of their own act"
    broker = login(app, story.broker)
    broker.post(f"/deals/{deal_id}/messages", data={"body": "Welcome"})
    assert _unread(app, story.supplier_member) == ["deal_opened", "message"]
    supplier = login(app, story.supplier_member)
    assert _bell(supplier) == "2"
    page = supplier.get("/notifications/").get_data(as_text=True)
    # The supplier reads Finnish.
    assert "Uusi viesti kaupassa" in page and "Ferrochrome slag" in page

    with app.app_context():
        first = db.session.query(Notice).filter_by(user_id=story.supplier_member.id).order_by(Notice.id).first()
        first_id = first.id
        db.session.remove()
    response = supplier.get(f"/notifications/{first_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/deals/{deal_id}")
    assert _bell(supplier) == "1"
    assert supplier.post("/notifications/read").status_code == 302
    assert _bell(supplier) == "0"
    # Someone else's notice does not exist for this user.
    assert login(app, story.buyer_member).get(f"/notifications/{first_id}").status_code == 404


def test_a_notice_names_no_hidden_owner(app, story):
    deal_id = open_deal(app, story)
    login(app, story.supplier_member).post(f"/deals/{deal_id}/messages", data={"body": "Hi"})
    page = login(app, story.buyer_member).get("/notifications/").get_data(as_text=True)
    assert "New message on the deal" in page
    # The stream is anonymous: its title may be read, its owner may not.
    assert story.supplier.name not in page and "Saila Toimittaja" not in page


def test_notices_come_whatever_the_mail_settings(app, story):
    with app.app_context():
        db.session.add(NotificationSetting(user_id=story.supplier_member.id, on_message=False,
                                           on_state_change=False, on_introduction=False, digest=False))
        db.session.commit()
        db.session.remove()
    deal_id = open_deal(app, story)
    set_state(app, deal_id, "introduced", introduced=True)
    before = len(mails(app, story.supplier_member.email))
    login(app, story.broker).post(f"/deals/{deal_id}/messages", data={"body": "Hello"})
    assert len(mails(app, story.supplier_member.email)) == before
    assert _unread(app, story.supplier_member)[-1] == "message"


def test_a_visitor_has_no_bell(app):
    assert 'id="bell"' not in app.test_client().get("/").get_data(as_text=True)


def test_an_ending_listing_and_an_alert_hit_leave_notices(app, make, story):
    from datetime import date, timedelta

    from marketplace.alerts.services import listings_saved
    from marketplace.lifecycle.services import send_reminders
    from marketplace.models import SideStream

    buyer = login(app, story.buyer_member)
    assert buyer.post("/alerts/new/streams", data={"name": "All streams", "frequency": "immediate"}).status_code \
        in (200, 302)
    with app.test_request_context("/", base_url="http://sivuvirta.test"):
        stream = db.session.get(SideStream, story.stream.id)
        stream.published_until = date.today() + timedelta(days=3)
        send_reminders(date.today())
        fresh = make.stream(story.supplier, title="Fresh converter slag", values={"SiO2": 30.0})
        listings_saved([db.session.get(SideStream, fresh.id)])
        db.session.commit()
        db.session.remove()
    assert "expiring" in _unread(app, story.supplier_member)
    assert "alert" in _unread(app, story.buyer_member)
    page = login(app, story.supplier_member).get("/notifications/").get_data(as_text=True)
    assert "Ferrochrome slag" in page
    assert "Fresh converter slag" in buyer.get("/notifications/").get_data(as_text=True)
