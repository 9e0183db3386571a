"""The deal's thread: messages, files only participants fetch, and mail by settings."""
import io

from marketplace.db import db
from marketplace.models import Attachment, DealMessage, NotificationSetting
from tests.deals.story import login, mails, open_deal

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _count(app, model):
    with app.app_context():
        n = db.session.query(model).count()
        db.session.remove()
    return n


def test_a_message_mails_every_other_participant_once(app, story):
    deal_id = open_deal(app, story)
    people = (story.supplier_member, story.buyer_member, story.broker)
    before = {u.email: len(mails(app, u.email)) for u in people}
    supplier = login(app, story.supplier_member)
    response = supplier.post(f"/deals/{deal_id}/messages", data={"body": "Lab report coming."})
    assert response.status_code == 302
    after = {u.email: len(mails(app, u.email)) for u in people}
    assert after[story.buyer_member.email] == before[story.buyer_member.email] + 1
    assert after[story.broker.email] == before[story.broker.email] + 1
    assert after[story.supplier_member.email] == before[story.supplier_member.email]
    mail = mails(app, story.buyer_member.email)[-1]
    assert "Lab report coming." in mail.body
    # The stream is anonymous: before the introduction its owner is not named to the buyer,
    # neither in the mail nor in the thread.
    assert story.supplier.name not in mail.body and "Saila Toimittaja" not in mail.body
    assert "The supplier" in mail.body
    page = login(app, story.buyer_member).get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "Lab report coming." in page and "Saila Toimittaja" not in page
    assert mails(app, story.outsider.email) == []


def test_settings_turn_kinds_of_mail_off(app, story):
    deal_id = open_deal(app, story)
    supplier = login(app, story.supplier_member)
    assert supplier.post("/notifications/settings", data={
        "on_state_change": "y", "on_introduction": "y", "digest": "y"}).status_code == 302
    with app.app_context():
        setting = db.session.get(NotificationSetting, story.supplier_member.id)
        assert (setting.on_message, setting.on_state_change) == (False, True)
        db.session.remove()
    before = len(mails(app, story.supplier_member.email))
    login(app, story.buyer_member).post(f"/deals/{deal_id}/messages", data={"body": "Hello"})
    assert len(mails(app, story.supplier_member.email)) == before
    broker = login(app, story.broker)
    from tests.deals.story import version_of

    broker.post(f"/deals/{deal_id}/state", data={"to_state": "introduced", "version": version_of(app, deal_id)})
    assert len(mails(app, story.supplier_member.email)) == before + 1


def test_files_in_the_thread_are_for_participants_only(app, story):
    deal_id = open_deal(app, story)
    supplier = login(app, story.supplier_member)
    response = supplier.post(f"/deals/{deal_id}/messages", data={
        "body": "Our lab report", "files": (io.BytesIO(PDF), "report.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        attachment = db.session.query(Attachment).filter(Attachment.deal_message_id.is_not(None)).one()
        attachment_id = attachment.id
        db.session.remove()
    url = f"/deals/{deal_id}/files/{attachment_id}"
    for user in (story.buyer_member, story.broker, story.supplier_member):
        got = login(app, user).get(url)
        assert got.status_code == 200 and got.data == PDF
    assert login(app, story.outsider).get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302
    # The listing attachments' route does not hand it out either.
    assert login(app, story.outsider).get(f"/attachments/{attachment_id}").status_code in (403, 404)


def test_a_file_of_another_kind_is_refused_and_nothing_is_kept(app, story):
    deal_id = open_deal(app, story)
    messages, files = _count(app, DealMessage), _count(app, Attachment)
    response = login(app, story.buyer_member).post(f"/deals/{deal_id}/messages", data={
        "body": "A script", "files": (io.BytesIO(b"#!/bin/sh\necho hi\n"), "run.sh")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "PDF, PNG and JPEG" in response.get_data(as_text=True)
    assert (_count(app, DealMessage), _count(app, Attachment)) == (messages, files)
