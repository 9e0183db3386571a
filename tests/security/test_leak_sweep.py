"""The leak sweep: whatever leaves the site, to whoever is not the owner or a broker,
keeps what the owner's hidden listings hide.

The routes are read from the URL map, their parameters filled with the world's ids, so
a new route is swept without a change here (a parameter of a new name stops the sweep
until it is given values below). Readers: a visitor, a member of a verified outsider
organisation and one of an unverified organisation, and the API tokens of both."""
from __future__ import annotations

import io
import itertools
import re
import zipfile
from datetime import date

import numpy as np
import pytest
import sqlalchemy as sa
from scipy.optimize import least_squares

from marketplace import redaction
from marketplace.db import db
from marketplace.models import (
    Activity, Attachment, Deal, Enquiry, ImportJob, MaterialNeed, Notice, Organisation, OutboxMessage, Permit,
    ProviderService, ReportFile, ServiceProvider, ServiceRequest, ServiceRequestMessage, SideStream, Site,
)
from marketplace.models.listing import great_circle_km
from marketplace.redaction import MIN_KM_FROM_OWNER_SITES
from matching import weights as W
from tests.security import world as sweep
from tests.security.world import login

# Ids of rows, by the name a route gives its parameter.
ID_SOURCES = {
    "listing_id": (SideStream, MaterialNeed), "stream_id": (SideStream,), "need_id": (MaterialNeed,),
    "organisation_id": (Organisation,), "site_id": (Site,), "attachment_id": (Attachment,),
    "deal_id": (Deal,), "permit_id": (Permit,), "provider_id": (ServiceProvider,),
    "service_id": (ProviderService,), "request_id": (ServiceRequest,), "activity_id": (Activity,),
    "job_id": (ImportJob,), "document_id": (Attachment,), "enquiry_id": (Enquiry,), "notice_id": (Notice,),
    "report_id": (ReportFile,),
}
# Other parameters: values that reach a page rather than a 404.
PLAIN_VALUES = {
    "year": [str(date.today().year)], "token": ["not-a-token"], "code": ["10 02 02"],
    "name": ["geopolymer_binder"], "fmt": ["csv", "xlsx", "json", "geojson"],
}
# Searches around a point, asked of every route without parameters (the others ignore them).
QUERIES = ("", "?near=66.40,25.50&km=300&sort=distance", "?near=66.40,25.50&radius_km=300&sort=distance",
           "?q=slag&sort=newest")
READERS = ("visitor", "outsider", "unverified", "outsider_token", "unverified_token")


def _values(rule, ids) -> list[list[str]]:
    per_argument = []
    for argument in sorted(rule.arguments):
        converter = rule._converters[argument]
        if hasattr(converter, "items"):
            per_argument.append(sorted(converter.items))
        elif argument in ID_SOURCES:
            per_argument.append([str(i) for i in ids[argument]] or ["1"])
        elif argument in PLAIN_VALUES:
            per_argument.append(PLAIN_VALUES[argument])
        else:
            raise AssertionError(f"the leak sweep has no values for <{argument}> of {rule.rule}: add them")
    return per_argument


def urls(app) -> list[str]:
    """Every GET route of the URL map, with every combination of the world's ids (and the
    references of hidden listings, where the parameter names a listing)."""
    ids = {}
    with app.app_context():
        for name, models in ID_SOURCES.items():
            ids[name] = sorted({i for model in models for i in db.session.scalars(sa.select(model.id))})
            if models[0] in (SideStream, MaterialNeed):
                ids[name] += [redaction.public_ref(listing) for model in models for listing in db.session.scalars(
                    sa.select(model).where(model.visibility != "public"))]
        db.session.remove()
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments)
        for combination in itertools.product(*_values(rule, ids)):
            with app.test_request_context():
                url = app.url_for(rule.endpoint, **dict(zip(names, combination)), _external=False)
            found.extend(url + q for q in QUERIES) if not names else found.append(url)
    return found


def texts(response) -> list[str]:
    """The body (each member of a zip: XLSX), and the headers that carry names."""
    body = response.get_data()
    parts = [body]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts.extend(archive.read(name) for name in archive.namelist())
    found = [p.decode("latin-1") for p in parts] + [p.decode("utf-8", "replace") for p in parts]
    found.append(response.headers.get("Content-Disposition", ""))
    found.append(response.headers.get("Location", ""))
    return found


def leaks(world, reader: str, text: str, asked: str = "") -> list[str]:
    """The secrets in ``text``, less those the reader wrote in the URL it asked (a page
    may say back the id it was asked for; whether that id names anything is
    ``test_ids_of_hidden_listings_name_nothing_to_others``)."""
    found = [name for name, secret in world.secrets_for(reader).items() if secret in text and secret not in asked]
    if any(title in text for title in world.hidden_titles):
        found += [name for name, secret in world.identity.items() if secret in text]
    return found


@pytest.fixture
def world(app, make):
    return sweep.build(app, make)


def _client(app, world, reader):
    if reader == "visitor":
        return app.test_client(), {}
    if reader.endswith("_token"):
        return app.test_client(), {"Authorization": f"Bearer {world.tokens[reader]}"}
    user = world.outsider_member if reader == "outsider" else world.unverified_member
    return login(app, user), {}


@pytest.mark.parametrize("reader", READERS)
def test_no_route_gives_away_what_hidden_listings_hide(app, world, reader):
    client, headers = _client(app, world, reader)
    failures = []
    for url in urls(app):
        if reader.endswith("_token") and not url.startswith("/api/"):
            continue
        response = client.get(url, headers=headers)
        for text in texts(response):
            for name in leaks(world, reader, text, asked=url):
                failures.append(f"{url} ({response.status_code}): {name}")
    assert not failures, "\n".join(sorted(set(failures)))


def _listing_rules(app):
    """GET routes whose path names a listing: (rule, the listing's kind or None)."""
    from marketplace.security import ListingKeyConverter

    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        for name, converter in rule._converters.items():
            if isinstance(converter, ListingKeyConverter):
                yield rule, name, converter.listing_kind


def _listing_urls(app, world, key_of):
    """Each GET route naming a listing, for each hidden listing of the world that fits it."""
    listings = {"stream": (world.stream_anonymous, world.stream_brokered),
                "need": (world.need_anonymous, world.need_brokered)}
    found = []
    for rule, name, kind in _listing_rules(app):
        kinds = [kind] if kind else ["stream", "need"]
        for k in kinds:
            for listing in listings[k]:
                values = {name: key_of(listing, k)}
                if "kind" in rule.arguments:
                    values["kind"] = k + "s"
                for argument in rule.arguments - set(values):
                    values[argument] = PLAIN_VALUES.get(argument, ["1"])[0]
                with app.test_request_context():
                    found.append((listing, app.url_for(rule.endpoint, **values)))
    return found


@pytest.mark.parametrize("reader", READERS)
def test_ids_of_hidden_listings_name_nothing_to_others(app, world, reader):
    """The database's id of a hidden listing answers 404 (not 403: that would confirm it
    exists) to everyone but its owner and the brokers, on every route that takes one, or
    the 403 the route gives an id no listing has; a visitor is sent to sign in where a
    route asks for it, whatever the id."""
    client, headers = _client(app, world, reader)
    failures = []
    # The same routes with an id no listing has: a route that answers every id alike (a
    # brokers' page refusing everyone else with 403) confirms nothing either.
    absent = [url for _, url in _listing_urls(app, world, lambda listing, kind: "2147480000")]
    for (listing, url), nobody in zip(_listing_urls(app, world, lambda listing, kind: str(listing.id)), absent):
        if reader.endswith("_token") and not url.startswith("/api/"):
            continue
        response = client.get(url, headers=headers)
        to_sign_in = reader == "visitor" and response.status_code == 302 and "/auth/login" in response.location
        if response.status_code == 404 or to_sign_in:
            continue
        if response.status_code != 403 or client.get(nobody, headers=headers).status_code != 403:
            failures.append(f"{url}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_owner_and_the_brokers_reach_hidden_listings_by_id_and_by_reference(app, world):
    """The owner's and the brokers' links keep working: by the database's id and by the
    reference the site's own links now carry. The outsider reaches the anonymous stream by
    its reference, and the page links it by that reference."""
    owner, broker, outsider = (login(app, u) for u in (world.owner_member, world.broker, world.outsider_member))
    with app.app_context():
        ref = redaction.public_ref(db.session.get(SideStream, world.stream_anonymous.id))
        need_ref = redaction.public_ref(db.session.get(MaterialNeed, world.need_brokered.id))
        db.session.remove()
    for client in (owner, broker):
        assert client.get(f"/streams/{world.stream_anonymous.id}").status_code == 200
        assert client.get(f"/streams/{ref}").status_code == 200
        assert client.get(f"/needs/{need_ref}").status_code == 200
        assert client.get(f"/streams/{world.stream_anonymous.id}/edit").status_code == (200 if client is owner else 403)
    page = outsider.get(f"/streams/{ref}")
    assert page.status_code == 200 and sweep.ANONYMOUS_STREAM_TITLE in page.text
    assert outsider.get(f"/needs/{need_ref}").status_code == 404  # brokered: not shown to others at all
    listing = outsider.get("/streams?q=granulated")
    assert f'href="/streams/{ref}"' in listing.text
    token = {"Authorization": f"Bearer {world.tokens['outsider_token']}"}
    body = outsider.get(f"/api/v1/side-streams/{ref}", headers=token).get_json()
    assert body["id"] == ref and body["links"]["self"].endswith(f"/api/v1/side-streams/{ref}")


def test_references_are_opaque_and_unforgeable(app, world):
    """The reference tells no order (neighbouring ids give unrelated references), and a
    reference changed in one letter names nothing."""
    with app.app_context():
        refs = [redaction.ref_for("stream", i) for i in range(1, 200)]
        assert len(set(refs)) == len(refs)
        assert refs != sorted(refs)
        assert all(redaction.ref_target(r) == ("stream", i) for i, r in enumerate(refs, start=1))
        assert redaction.ref_target(redaction.ref_for("need", 5)) == ("need", 5)
        ref = redaction.public_ref(db.session.get(SideStream, world.stream_anonymous.id))
        forged = ref[:-1] + ("a" if ref[-1] != "a" else "b")
        assert redaction.ref_target(forged) is None
        db.session.remove()
    client = login(app, world.outsider_member)
    assert client.get(f"/streams/{forged}").status_code == 404
    assert client.get(f"/needs/{ref}").status_code == 404  # a stream's reference names no need


def test_no_mail_to_others_gives_away_what_hidden_listings_hide(app, world):
    readers = {world.outsider_member.email: "outsider", world.unverified_member.email: "unverified"}
    with app.app_context():
        mails = list(db.session.scalars(sa.select(OutboxMessage)))
        db.session.remove()
    assert any(m.recipient == world.outsider_member.email for m in mails), "the outsider got no mail to sweep"
    failures = []
    for mail in mails:
        if mail.recipient not in readers:
            continue
        for name in leaks(world, readers[mail.recipient], f"{mail.subject}\n{mail.body}"):
            failures.append(f"mail '{mail.subject}' to {mail.recipient}: {name}")
    assert not failures, "\n".join(failures)


def test_files_reach_others_with_a_neutral_name_and_no_metadata(app, world):
    """The listing's documents, the deal thread's file and the service request's file,
    fetched by the outsider (the deal's buyer before any introduction, the laboratory asked
    for a test): the sweep of routes reads them too; here they must also be there."""
    client = login(app, world.outsider_member)
    with app.app_context():
        listing_files = list(db.session.scalars(sa.select(Attachment.id).where(
            Attachment.side_stream_id == world.stream_anonymous.id)))
        thread_files = list(db.session.scalars(sa.select(Attachment.id).where(
            Attachment.deal_message_id.is_not(None))))
        request_files = list(db.session.execute(
            sa.select(ServiceRequest.id, Attachment.id)
            .join(ServiceRequestMessage, ServiceRequestMessage.request_id == ServiceRequest.id)
            .join(Attachment, Attachment.service_request_message_id == ServiceRequestMessage.id)))
        db.session.remove()
    fetched = [client.get(f"/attachments/{i}") for i in listing_files]
    fetched += [client.get(f"/deals/{world.deal_id}/files/{i}") for i in thread_files]
    fetched += [client.get(f"/providers/requests/{r}/files/{i}") for r, i in request_files]
    assert len(fetched) == 4 and all(r.status_code == 200 for r in fetched)
    for response in fetched:
        disposition = response.headers["Content-Disposition"]
        assert "Hiddenhold" not in disposition and "Murkmoor" not in disposition
        body = response.get_data()
        assert b"Hiddenhold" not in body and b"Murkmoor" not in body
        assert body[:4] in (b"%PDF", b"\xff\xd8\xff\xdb")


# -- filters on values the reader may not see -----------------------------------

FILTER_EXITS = (
    ("/streams?prop=CaO&min={lo}&max={hi}", False),
    ("/streams/map.geojson?prop=CaO&min={lo}&max={hi}", False),
    ("/streams/export.json?prop=CaO&min={lo}&max={hi}", False),
    ("/streams/export.csv?prop=CaO&min={lo}&max={hi}", False),
    ("/api/v1/side-streams?prop=CaO:{lo}:{hi}", True),
)


@pytest.mark.parametrize("reader", ("visitor", "unverified"))
def test_filters_on_hidden_values_say_nothing(app, world, reader):
    """CaO is 38.67: a range around it and a range beside it must answer alike."""
    client, _ = _client(app, world, reader)
    token = {"Authorization": f"Bearer {world.tokens['unverified_token']}"}
    for template, api in FILTER_EXITS:
        answers = []
        for lo, hi in (("38.6", "38.7"), ("38.7", "38.8")):
            response = client.get(template.format(lo=lo, hi=hi), headers=token if api else {})
            assert response.status_code == 200, template
            answers.append(sweep.ANONYMOUS_STREAM_TITLE in response.get_data(as_text=True))
        assert answers[0] == answers[1], f"{template} tells the hidden CaO"


# -- the approximate place and trilateration ---------------------------------------

def _map_place(client, kind: str, title: str) -> tuple[float, float]:
    collection = client.get(f"/{kind}/map.geojson").get_json()
    for feature in collection["features"]:
        if feature["properties"]["title"] == title:
            lon, lat = feature["geometry"]["coordinates"]
            return lat, lon
    raise AssertionError(f"{title} is not on the map")


def test_the_approximate_place_keeps_away_from_the_owners_sites(app, world):
    client = app.test_client()
    owner_places = (sweep.SITE_PLACE, sweep.STREAM_PLACE, sweep.NEED_PLACE)
    for kind, title in (("streams", sweep.ANONYMOUS_STREAM_TITLE), ("needs", sweep.ANONYMOUS_NEED_TITLE)):
        lat, lon = _map_place(client, kind, title)
        nearest = min(great_circle_km(lat, lon, *place) for place in owner_places)
        assert nearest >= MIN_KM_FROM_OWNER_SITES, f"{title} is shown {nearest:.1f} km from its owner"


TRANSPORT = re.compile(r"about (\d+) km by road, ([\d.]+) EUR/t")


def _great_circle_told(item: dict) -> float:
    """The most precise great-circle distance an answer gives away: the transport cost
    (EUR/t, two decimals) undone, else the distance as given."""
    costs = [float(m.group(2)) for text in item.get("reasons", []) for m in [TRANSPORT.search(text)] if m]
    if "transport" in item:
        costs.append(item["transport"]["cost_eur_per_t"])
    if costs:
        return (costs[0] - W.COST_EUR_PER_T_FIXED) / W.COST_EUR_PER_TKM / W.DETOUR_FACTOR
    return item["distance_km"]


def _trilaterate(anchors, distances) -> tuple[float, float]:
    def residuals(p):
        return [great_circle_km(p[0], p[1], lat, lon) - d for (lat, lon), d in zip(anchors, distances)]

    start = np.mean(np.array(anchors), axis=0)
    return tuple(least_squares(residuals, start).x)


@pytest.mark.parametrize("side", ("stream", "need"))
def test_three_probes_cannot_place_a_hidden_listing(app, world, side):
    """The outsider posts three needs (streams) around the anonymous stream (need) and
    reads their matches through the API: no better than its approximate place."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {world.tokens['outsider_token']}"}
    probes = world.probe_needs if side == "stream" else world.probe_streams
    title = sweep.ANONYMOUS_STREAM_TITLE if side == "stream" else sweep.ANONYMOUS_NEED_TITLE
    exact = sweep.STREAM_PLACE if side == "stream" else sweep.NEED_PLACE
    path = "needs" if side == "stream" else "side-streams"
    anchors, distances = [], []
    for probe in probes:
        items = client.get(f"/api/v1/{path}/{probe.id}/matches", headers=headers).get_json()["items"]
        found = [i for i in items if i["counterpart"]["title"] == title]
        assert found, f"probe {probe.title} does not match {title}"
        anchors.append((probe.lat, probe.lon))
        distances.append(_great_circle_told(found[0]))
    estimate = _trilaterate(anchors, distances)
    missed_by = great_circle_km(*estimate, *exact)
    assert missed_by >= MIN_KM_FROM_OWNER_SITES - 1.0, f"placed within {missed_by:.2f} km"


def test_times_of_hidden_listings_are_given_to_the_day(app, world):
    """Listings imported together share their second with the owner's public ones
    (finding 8): the API gives a hidden listing's times to the day to anyone else."""
    with app.app_context():
        ref = redaction.public_ref(db.session.get(SideStream, world.stream_anonymous.id))
        exact = db.session.get(SideStream, world.stream_anonymous.id).created_at
        db.session.remove()
    client = app.test_client()
    token = {"Authorization": f"Bearer {world.tokens['outsider_token']}"}
    body = client.get(f"/api/v1/side-streams/{ref}", headers=token).get_json()
    assert body["created_at"] == exact.date().isoformat() + "T00:00:00Z"
    assert body["updated_at"].endswith("T00:00:00Z")
