"""The organisation pages show only what the viewer may see of its listings, and its
admins edit the organisation and its sites."""
import pytest

from marketplace.models import Organisation, Site
from tests.auth.helpers import count, get


@pytest.fixture
def world(make):
    org = make.organisation(name="Kemin Ferrokromi Oy")
    w = {
        "org": org,
        "member": make.user(org, email="member@kemi.example"),
        "admin": make.user(org, role="org_admin", email="admin@kemi.example"),
        "outsider": make.user(make.organisation(), email="outsider@example.fi"),
        "unverified": make.user(make.organisation(verified=False), email="unverified@example.fi"),
        "broker": make.user(None, role="broker", email="broker@example.fi"),
    }
    make.stream(org, title="Open slag")
    make.stream(org, title="Secret slag", visibility="anonymous")
    make.stream(org, title="Quiet slag", visibility="brokered")
    make.stream(org, title="Draft slag", status="draft")
    make.need(org, title="Open need")
    make.need(org, title="Secret need", visibility="anonymous")
    return w


ALL = {"Open slag", "Secret slag", "Quiet slag", "Draft slag", "Open need", "Secret need"}
PUBLIC = {"Open slag", "Open need"}


@pytest.mark.parametrize(("viewer", "shown"), [
    (None, PUBLIC),
    ("outsider", PUBLIC),
    ("unverified", PUBLIC),
    ("member", ALL),
    ("broker", ALL),
])
def test_profile_lists_only_what_the_viewer_may_see(client, auth, world, viewer, shown):
    if viewer:
        auth.login(world[viewer].email)
    page = client.get(f"/organisations/{world['org'].id}").text
    assert {title for title in ALL if title in page} == shown


def test_unverified_organisation_is_hidden_but_from_its_members_and_brokers(app, client, auth, make):
    org = make.organisation(name="Odottava Oy", verified=False)
    member = make.user(org)
    make.stream(org, title="Waiting slag")
    assert client.get(f"/organisations/{org.id}").status_code == 404
    outsider = make.user(make.organisation())
    auth.login(outsider.email)
    assert client.get(f"/organisations/{org.id}").status_code == 404
    assert "Odottava Oy" not in client.get("/organisations/").text
    auth.logout()
    auth.login(member.email)
    page = client.get(f"/organisations/{org.id}")
    assert page.status_code == 200 and "Waiting slag" in page.text
    assert "has not verified this organisation yet" in page.text


def test_listings_of_a_verified_organisation_appear_after_verification(app, client, auth, make):
    org = make.organisation(name="Pian Vahvistettu Oy", verified=False)
    make.stream(org, title="Soon public slag")
    broker = make.user(None, role="broker")
    auth.login(broker.email)
    assert client.post(f"/organisations/{org.id}/review", data={"decision": "verified", "note": ""}).status_code == 302
    auth.logout()
    assert "Soon public slag" in client.get(f"/organisations/{org.id}").text


def test_org_admin_edits_the_organisation(app, client, auth, world):
    auth.login(world["admin"].email)
    org = world["org"]
    response = client.post(f"/organisations/{org.id}/edit", data={
        "name": "Kemin Ferrokromi Oyj", "country": "FI", "business_id": org.business_id, "kind": "producer",
        "description_fi": "Ferrokromikuonaa", "description_en": "", "email": "info@kemi.example",
        "phone": "", "website": "https://kemi.example"})
    assert response.status_code == 302
    saved = get(app, Organisation, org.id)
    assert (saved.name, saved.kind, saved.verification_status) == ("Kemin Ferrokromi Oyj", "producer", "verified")


def test_a_new_business_id_sends_the_organisation_back_to_verification(app, client, auth, world):
    from tests.factories import valid_business_id

    auth.login(world["admin"].email)
    org = world["org"]
    client.post(f"/organisations/{org.id}/edit", data={
        "name": org.name, "country": "FI", "business_id": valid_business_id(7777), "kind": "both"})
    assert get(app, Organisation, org.id).verification_status == "pending"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "This field is required."),
    ({"business_id": "1234567-0"}, "business_id", "valid Finnish business ID"),
    ({"email": "nope"}, "email", "Enter a valid email address."),
    ({"website": "javascript:alert(1)"}, "website", "https://"),
    ({"kind": "center"}, "kind", "Not a valid choice"),
    ({"name": "Taken Oy"}, "name", "already registered"),
])
def test_bad_organisation_input(app, client, auth, world, make, changes, field, message):
    make.organisation(name="Taken Oy")
    org = world["org"]
    auth.login(world["admin"].email)
    data = {"name": org.name, "country": "FI", "business_id": org.business_id, "kind": "both", **changes}
    response = client.post(f"/organisations/{org.id}/edit", data=data)
    assert response.status_code == 400
    assert message in response.text.split(f'id="{field}-error">', 1)[1].split("</p>")[0]
    assert get(app, Organisation, org.id).name == "Kemin Ferrokromi Oy"


def test_sites_are_added_edited_and_removed(app, client, auth, world):
    org = world["org"]
    auth.login(world["admin"].email)
    assert client.post(f"/organisations/{org.id}/sites/new",
                       data={"name": "Tornio harbour", "place": "Tornio", "lat": "65.85", "lon": "24.15"}).status_code == 302
    with app.app_context():
        from marketplace.db import db
        import sqlalchemy as sa

        site_id = db.session.scalar(sa.select(Site.id).where(Site.name == "Tornio harbour"))
    edit = client.get(f"/organisations/{org.id}/sites/{site_id}/edit")
    assert 'value="65.85"' in edit.text
    assert client.post(f"/organisations/{org.id}/sites/{site_id}/edit",
                       data={"name": "Röyttä", "place": "Tornio", "lat": "65.8", "lon": "24.2"}).status_code == 302
    assert get(app, Site, site_id).name == "Röyttä"
    assert client.post(f"/organisations/{org.id}/sites/{site_id}/delete").status_code == 302
    assert get(app, Site, site_id) is None
    first = org.sites[0].id
    assert client.post(f"/organisations/{org.id}/sites/{first}/delete").status_code == 409


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "", "place": "Kemi", "lat": "65", "lon": "24"}, "name", "This field is required."),
    ({"name": "S", "place": "", "lat": "65", "lon": "24"}, "place", "This field is required."),
    ({"name": "S", "place": "Kemi", "lat": "99", "lon": "24"}, "lat", "between -90 and 90"),
    ({"name": "S", "place": "Kemi", "lat": "65", "lon": "east"}, "lon", "longitude"),
])
def test_bad_site_input(app, client, auth, world, data, field, message):
    org = world["org"]
    auth.login(world["admin"].email)
    before = count(app, Site)
    response = client.post(f"/organisations/{org.id}/sites/new", data=data)
    assert response.status_code == 400
    assert message in response.text.split(f'id="{field}-error">', 1)[1].split("</p>")[0]
    assert count(app, Site) == before


def test_a_site_of_another_organisation_is_not_found(client, auth, world, make):
    other = make.organisation()
    auth.login(world["admin"].email)
    assert client.get(f"/organisations/{world['org'].id}/sites/{other.sites[0].id}/edit").status_code == 404


def test_an_introduction_reveals_nothing_of_a_listing_the_user_may_not_see(app, make, monkeypatch):
    """ListingMixin.reveals_owner_to: brokered listings stay hidden whatever introduced_to says."""
    from marketplace.db import db
    from marketplace.models import SideStream
    from marketplace.models.listing import ListingMixin

    org = make.organisation()
    stream = make.stream(org, visibility="brokered")
    anonymous = make.stream(org, visibility="anonymous")
    outsider = make.user(make.organisation())
    monkeypatch.setattr(ListingMixin, "introduced_to", lambda self, user: True)
    with app.test_request_context():
        viewer = db.session.get(type(outsider), outsider.id)
        hidden = db.session.get(SideStream, stream.id)
        assert not hidden.is_visible_to(viewer) and not hidden.reveals_owner_to(viewer)
        introduced = db.session.get(SideStream, anonymous.id)
        assert introduced.reveals_owner_to(viewer)
        assert introduced.location_for(viewer) == (introduced.lat, introduced.lon)
        db.session.remove()
