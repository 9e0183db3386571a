"""The daily digest: new good pairings of the member's listings, each mailed once."""
import re
from datetime import timedelta

from marketplace.db import db
from marketplace.models import DigestEntry
from marketplace.models.base import utcnow
from marketplace.notifications.services import send_digests
from tests.deals.story import add_match, login, mails


def _digest(app, now=None):
    with app.test_request_context():
        report = send_digests(now=now)
        db.session.commit()
        db.session.remove()
    return report


def test_each_new_pairing_is_mailed_once(app, make, story):
    first = _digest(app)
    to_buyer = mails(app, story.buyer_member.email)
    assert len(to_buyer) == 1
    assert "Ferrochrome slag" in to_buyer[0].body
    # The slag is anonymous: its owner is not named in the buyer's digest.
    assert story.supplier.name not in to_buyer[0].body
    # The supplier's digest names the (public) need's owner, in Finnish.
    to_supplier = mails(app, story.supplier_member.email)
    assert len(to_supplier) == 1 and story.buyer.name in to_supplier[0].body
    assert first["pairings"] >= 2
    assert mails(app, story.outsider.email) == []

    again = _digest(app, now=utcnow() + timedelta(minutes=5))
    assert again["mails"] == 0
    assert len(mails(app, story.buyer_member.email)) == 1
    with app.app_context():
        assert db.session.query(DigestEntry).filter_by(user_id=story.buyer_member.id).count() == 1
        db.session.remove()


def test_low_scores_and_old_pairings_stay_out(app, make, story):
    other_need = make.need(story.buyer, title="Filler for asphalt", application="filler")
    add_match(make, story.stream, other_need, score=0.4)
    add_match(make, make.stream(story.supplier, title="Old ash", category="ash"), story.need,
              score=0.95, first_seen_at=utcnow() - timedelta(days=3))
    _digest(app)
    body = mails(app, story.buyer_member.email)[0].body
    assert "Filler for asphalt" not in body and "Old ash" not in body


def test_a_member_who_turned_the_digest_off_gets_none(app, story):
    client = login(app, story.buyer_member)
    assert client.post("/notifications/settings", data={"on_message": "y"}).status_code == 302
    _digest(app)
    assert mails(app, story.buyer_member.email) == []
    assert len(mails(app, story.supplier_member.email)) == 1


def test_the_cron_command(app, story, runner):
    result = runner.invoke(args=["notifications", "digest", "--min-score", "0.5"])
    assert result.exit_code == 0, result.output
    assert "Digest: " in result.output
    assert len(mails(app, story.buyer_member.email)) == 1


def test_mail_is_written_in_the_recipients_language(app, story, monkeypatch):
    from flask_babel import get_locale

    import marketplace.notifications.services as notifications

    seen = {}
    real = notifications.render_template

    def spy(template, recipient, **context):
        seen[recipient.email] = str(get_locale())
        return real(template, recipient=recipient, **context)

    monkeypatch.setattr(notifications, "render_template", spy)
    _digest(app)
    assert seen[story.buyer_member.email] == "en"
    assert seen[story.supplier_member.email] == "fi"


def test_each_digest_writes_numbers_in_its_recipients_language(app, make, story):
    # One run mails a Finnish and an English member: each reads the distance their way,
    # whatever the language of the request that sends them.
    far_need = make.need(story.buyer, title="Far binder need", application="geopolymer_binder")
    add_match(make, story.stream, far_need, score=0.9, road_km=1234.0)
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        from flask import g

        g.language = "fi"
        send_digests()
        db.session.commit()
        db.session.remove()
    # (the slag is anonymous: the buyer's distance is rounded to 10 km)
    to_buyer = mails(app, story.buyer_member.email)[0].body  # English
    assert "about 1,230 km by road" in to_buyer, to_buyer
    to_supplier = mails(app, story.supplier_member.email)[0].body  # Finnish
    assert re.search(r"1\s234 km", to_supplier), to_supplier
