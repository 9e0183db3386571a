"""An anonymous listing's organisation is revealed to the other party by the introduction,
and only then: on the deal page, on the listing page and in mail."""
from marketplace import redaction
from marketplace.db import db
from marketplace.models import SideStream, User
from tests.deals.story import login, mails, open_deal, version_of


def _introduce(app, story, deal_id):
    broker = login(app, story.broker)
    response = broker.post(f"/deals/{deal_id}/state", data={
        "to_state": "introduced", "note": "", "version": version_of(app, deal_id)})
    assert response.status_code == 302


def test_the_need_owner_learns_the_supplier_on_introduction(app, story):
    deal_id = open_deal(app, story)
    buyer = login(app, story.buyer_member)

    page = buyer.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "Ferrochrome slag" in page
    assert story.supplier.name not in page
    assert story.buyer.name in page
    assert buyer.get(f"/streams/{story.stream.id}").status_code == 404  # its id names nothing to others
    with app.app_context():
        ref = redaction.public_ref(story.stream)
    assert f"/streams/{ref}" in page  # the deal page links it by its reference
    listing = buyer.get(f"/streams/{ref}")
    assert listing.status_code == 200
    assert story.supplier.name not in listing.get_data(as_text=True)

    _introduce(app, story, deal_id)

    page = buyer.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert story.supplier.name in page
    listing = buyer.get(f"/streams/{ref}").get_data(as_text=True)  # links keep the reference
    assert story.supplier.name in listing


def test_an_outsider_learns_nothing_and_cannot_see_the_deal(app, story):
    deal_id = open_deal(app, story)
    _introduce(app, story, deal_id)
    outsider = login(app, story.outsider)
    assert outsider.get(f"/deals/{deal_id}").status_code == 404
    assert story.supplier.name not in outsider.get(f"/streams/{story.stream.id}").get_data(as_text=True)


def test_introduced_to_asks_for_a_deal_past_introduction(app, story):
    deal_id = open_deal(app, story)
    with app.app_context():
        stream = db.session.get(SideStream, story.stream.id)
        buyer = db.session.get(User, story.buyer_member.id)
        outsider = db.session.get(User, story.outsider.id)
        assert not stream.introduced_to(buyer)
        assert not stream.reveals_owner_to(buyer)
        db.session.remove()
    _introduce(app, story, deal_id)
    with app.app_context():
        stream = db.session.get(SideStream, story.stream.id)
        buyer = db.session.get(User, story.buyer_member.id)
        outsider = db.session.get(User, story.outsider.id)
        assert stream.introduced_to(buyer) and stream.reveals_owner_to(buyer)
        assert not stream.introduced_to(outsider)
        db.session.remove()


def test_mail_before_the_introduction_names_no_hidden_party(app, story):
    open_deal(app, story)
    to_buyer = mails(app, story.buyer_member.email)
    assert len(to_buyer) == 1
    assert story.supplier.name not in to_buyer[0].body
    assert "Ferrochrome slag" in to_buyer[0].body
    # The buyer reads English; the supplier's member Finnish.
    assert "Hello" in to_buyer[0].body


def test_the_introduction_mail_names_both_parties(app, story):
    deal_id = open_deal(app, story)
    _introduce(app, story, deal_id)
    to_buyer = mails(app, story.buyer_member.email)
    assert len(to_buyer) == 2
    assert story.supplier.name in to_buyer[-1].body
    to_supplier = mails(app, story.supplier_member.email)
    assert story.buyer.name in to_supplier[-1].body
