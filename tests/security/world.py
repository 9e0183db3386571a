"""The world of the leak sweep: an owner whose listings are all hidden (anonymous or
brokered), an outsider organisation that a broker has verified, one that no broker has,
and every exit that can carry what the owner hides filled with it: a match, a deal before
the introduction with a file in its thread, documents on the listing, saved searches and
digests in the outbox.

Every secret is a distinctive ASCII string (JSON answers escape other letters), so that
finding it anywhere in an answer is a leak and not a coincidence."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from marketplace.db import db
from marketplace.models import ApiToken, Site
from marketplace.models.api_token import PREFIX_LENGTH, hash_token, new_token_secret
from tests.providers.helpers import make_provider

PASSWORD = "correct horse battery staple"

OWNER_NAME = "Hiddenhold Slagworks Oy"
SITE_NAME = "Murkmoor gatehouse site"
# The owner's site, and the exact places of its listings a little away from it: the
# approximate place of either must keep away from both.
SITE_PLACE = (66.51234, 25.70468)
STREAM_PLACE = (66.48731, 25.61947)
NEED_PLACE = (66.46382, 25.66214)
STREAM_PLACE_TEXT = "Murkmoor works gate 7"
NEED_PLACE_TEXT = "Murkmoor yard north"
STREAM_REF = "HHX-SECRET-04"
NEED_REF = "HHX-NEEDREF-09"
BROKERED_STREAM_TITLE = "Shadowbroker manganese slag"
BROKERED_NEED_TITLE = "Shadowbroker quarry backfill"
ANONYMOUS_STREAM_TITLE = "Anonymous granulated blast-furnace slag lot"
ANONYMOUS_NEED_TITLE = "Anonymous geopolymer feedstock"
# Measured values only members of verified organisations see (two decimals: the pages
# show them as given).
# A granulated blast-furnace slag (a documented geopolymer precursor), so that the
# outsider's probe needs for a binder do match it.
HIDDEN_VALUES = {"SiO2": 35.21, "Al2O3": 10.43, "MgO": 11.94, "CaO": 38.67}
FILE_NAME = "Hiddenhold_Slagworks_Murkmoor_analysis.pdf"
PHOTO_NAME = "Hiddenhold_Murkmoor_heap.jpg"

# The database's ids of the hidden listings: distinctive numbers (no other row, date or
# value of the world has them), so that finding one in an answer is a leak. No answer to
# anyone but the owner and the brokers may give them: it addresses a hidden listing by its
# opaque reference.
HIDDEN_IDS = {"anonymous stream": 48151623, "anonymous need": 48151629,
              "brokered stream": 48151631, "brokered need": 48151637}

# Where the outsider posts three needs (and three streams) to place the hidden listings.
PROBES = ((65.95, 24.70), (67.05, 25.30), (66.30, 27.10))


def pdf_with_author(author: str, title: str) -> bytes:
    """A one-page PDF whose document information names ``author``, with a correct xref."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Author (" + author.encode() + b") /Title (" + title.encode() + b") /Creator (Murkmoor lab) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def jpeg_with_exif(text: str) -> bytes:
    """A JPEG's frame of markers with an EXIF segment (APP1) and a comment naming ``text``."""
    exif = b"Exif\x00\x00" + b"MM\x00*" + text.encode()
    comment = ("shot at " + text).encode()
    return (b"\xff\xd8"
            + b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
            + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
            + b"\xff\xdb\x00\x03\x00"  # a (short) quantisation table: the image data starts
            + b"\xff\xd9")


@dataclass
class World:
    owner: object = None
    outsider: object = None
    unverified: object = None
    owner_member: object = None
    outsider_member: object = None
    unverified_member: object = None
    broker: object = None
    stream_anonymous: object = None
    need_anonymous: object = None
    stream_brokered: object = None
    need_brokered: object = None
    stream_public: object = None
    probe_needs: list = field(default_factory=list)
    probe_streams: list = field(default_factory=list)
    deal_id: int | None = None
    tokens: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)

    def secrets_for(self, reader: str) -> dict[str, str]:
        """What no answer to ``reader`` may contain, named by what it is."""
        found = {
            "place text of the stream": STREAM_PLACE_TEXT,
            "place text of the need": NEED_PLACE_TEXT,
            "external reference of the stream": STREAM_REF,
            "external reference of the need": NEED_REF,
            "brokered stream": BROKERED_STREAM_TITLE,
            "brokered need": BROKERED_NEED_TITLE,
            "attachment's file name": "Hiddenhold_",
        }
        for name, number in HIDDEN_IDS.items():
            found[f"database id of the {name}"] = str(number)
        for name, (lat, lon) in (("stream", STREAM_PLACE), ("need", NEED_PLACE)):
            found[f"exact latitude of the {name}"] = f"{lat:.3f}"
            found[f"exact longitude of the {name}"] = f"{lon:.3f}"
        if reader in ("visitor", "unverified", "unverified_token"):
            for key, value in HIDDEN_VALUES.items():
                found[f"hidden value {key}"] = f"{value:.2f}"
                found[f"hidden value {key} (Finnish)"] = f"{value:.2f}".replace(".", ",")
        return found

    # The owner's identity may be named on its own pages (the directory, its profile),
    # never together with one of its hidden listings.
    identity = {"owner's name": OWNER_NAME, "owner's site": SITE_NAME,
                "owner's site latitude": f"{SITE_PLACE[0]:.3f}"}
    hidden_titles = (ANONYMOUS_STREAM_TITLE, ANONYMOUS_NEED_TITLE)


def _token(app, user) -> str:
    secret = new_token_secret()
    with app.app_context():
        db.session.add(ApiToken(user_id=user.id, name="sweep", scope="read", prefix=secret[:PREFIX_LENGTH],
                                token_hash=hash_token(secret)))
        db.session.commit()
        db.session.remove()
    return secret


def login(app, user):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, f"{user.email} could not sign in"
    return client


def build(app, make) -> World:
    """Needs the ``make`` factory (tests.factories) and makes everything through it or the site."""
    w = World()
    w.owner = make.organisation(name=OWNER_NAME, lat=SITE_PLACE[0], lon=SITE_PLACE[1], place="Murkmoor")
    with app.app_context():
        site = db.session.get(Site, w.owner.sites[0].id)
        site.name = SITE_NAME
        db.session.commit()
        db.session.remove()
    w.outsider = make.organisation(name="Openfield Earthworks Oy", lat=65.01, lon=25.47, place="Oulu")
    w.unverified = make.organisation(name="Newcomer Builders Oy", verified=False, lat=65.73, lon=24.56)
    w.owner_member = make.user(w.owner, email="owner.member@example.fi", name="Olga Owner")
    w.outsider_member = make.user(w.outsider, email="outsider.member@example.fi", name="Otto Outsider")
    w.unverified_member = make.user(w.unverified, email="unverified.member@example.fi", name="Una Unverified")
    w.broker = make.user(None, role="broker", email="broker.sweep@example.fi", name="Bea Broker")

    w.stream_anonymous = make.stream(
        w.owner, title=ANONYMOUS_STREAM_TITLE, visibility="anonymous", values=HIDDEN_VALUES,
        id=HIDDEN_IDS["anonymous stream"],
        lat=STREAM_PLACE[0], lon=STREAM_PLACE[1], place=STREAM_PLACE_TEXT, external_ref=STREAM_REF,
        quantity_t_per_year=12000, legal_status="by_product")
    w.need_anonymous = make.need(
        w.owner, title=ANONYMOUS_NEED_TITLE, visibility="anonymous", lat=NEED_PLACE[0], lon=NEED_PLACE[1],
        id=HIDDEN_IDS["anonymous need"],
        place=NEED_PLACE_TEXT, external_ref=NEED_REF, requirements=[{"property": "SiO2+Al2O3", "min": 40}])
    w.stream_brokered = make.stream(
        w.owner, title=BROKERED_STREAM_TITLE, visibility="brokered", values=HIDDEN_VALUES,
        id=HIDDEN_IDS["brokered stream"],
        lat=STREAM_PLACE[0], lon=STREAM_PLACE[1], place=STREAM_PLACE_TEXT)
    w.need_brokered = make.need(
        w.owner, title=BROKERED_NEED_TITLE, visibility="brokered", lat=NEED_PLACE[0], lon=NEED_PLACE[1],
        id=HIDDEN_IDS["brokered need"],
        place=NEED_PLACE_TEXT, requirements=[{"property": "SiO2+Al2O3", "min": 40}])
    w.stream_public = make.stream(w.outsider, title="Openfield crushed concrete", lat=65.02, lon=25.48,
                                  place="Oulu", values={"SiO2": 40.0, "Al2O3": 12.0, "CaO": 20.0})
    for n, (lat, lon) in enumerate(PROBES):
        w.probe_needs.append(make.need(
            w.outsider, title=f"Probe need {n}", lat=lat, lon=lon, place=f"Probe {n}",
            requirements=[{"property": "SiO2+Al2O3", "min": 40}]))
        w.probe_streams.append(make.stream(
            w.outsider, title=f"Probe slag {n}", lat=lat, lon=lon, place=f"Probe {n}",
            values={"SiO2": 35.0, "Al2O3": 20.0, "MgO": 10.0, "CaO": 5.0}))
    w.tokens = {"outsider_token": _token(app, w.outsider_member),
                "unverified_token": _token(app, w.unverified_member)}
    _fill_exits(app, make, w)
    return w


def _fill_exits(app, make, w: World) -> None:
    """Saved searches, matches, a deal with a file, documents: what mails and pages carry."""
    from marketplace.alerts import services as alerts
    from marketplace.deals import services as deals
    from marketplace.matches.services import refresh_all
    from marketplace.models import MaterialNeed, SideStream, User
    from marketplace.notifications.services import send_digests

    outsider = login(app, w.outsider_member)
    for kind in ("streams", "needs"):
        response = outsider.post(f"/alerts/new/{kind}", data={"name": f"All {kind}", "frequency": "daily"})
        assert response.status_code in (200, 302), response.status_code
    owner = login(app, w.owner_member)
    for name, body in ((FILE_NAME, pdf_with_author(OWNER_NAME, SITE_NAME)), (PHOTO_NAME, jpeg_with_exif(OWNER_NAME))):
        response = owner.post(f"/streams/{w.stream_anonymous.id}/attachments", data={
            "file": (io.BytesIO(body), name), "kind": "lab_certificate", "title": "Analysis"},
            content_type="multipart/form-data")
        assert response.status_code == 302, response.status_code
    with app.test_request_context("/", base_url="http://sivuvirta.test"):
        refresh_all(db.session)
        broker = db.session.get(User, w.broker.id)
        stream = db.session.get(SideStream, w.stream_anonymous.id)
        need = db.session.get(MaterialNeed, w.probe_needs[0].id)
        deal = deals.open_deal(broker, stream, need, note="Proposed by the Center")
        db.session.flush()
        w.deal_id = deal.id
        db.session.commit()
        later = datetime.utcnow() + timedelta(days=2)
        alerts.send_digests(now=later)
        send_digests(now=later, min_score=0.0)
        db.session.commit()
        db.session.remove()
    # The outsider is also a laboratory the owner asks for a test, sending its analysis.
    provider = make_provider(make, w.outsider)
    response = owner.post(f"/providers/services/{provider.services[0].id}/request", data={
        "stream": w.stream_anonymous.id, "keys": "leach:Mo", "body": "Please test.", "share_title": "y",
        "files": [(io.BytesIO(pdf_with_author(OWNER_NAME, SITE_NAME)), FILE_NAME)]},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.status_code
    # The outsider asks the Center to introduce them to the anonymous stream's owner (left
    # open: no broker has accepted), and writes about the anonymous need; the owner writes
    # to the outsider about its public stream, under its own name.
    response = outsider.post(f"/enquiries/streams/{_ref(app, w.stream_anonymous)}", data={
        "body": "We could use this in road bases.", "quantity_t": "500", "timing": "spring"})
    assert response.status_code == 302, response.status_code
    response = outsider.post(f"/enquiries/needs/{_ref(app, w.need_anonymous)}", data={"body": "We have a slag for you."})
    assert response.status_code == 302, response.status_code
    response = owner.post(f"/enquiries/streams/{w.stream_public.id}", data={"body": "Is the concrete still there?"})
    assert response.status_code == 302, response.status_code
    response = owner.post(f"/deals/{w.deal_id}/messages", data={
        "body": "Our analysis is attached.",
        "files": [(io.BytesIO(pdf_with_author(OWNER_NAME, SITE_NAME)), FILE_NAME)]},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.status_code
    # The broker has the impact report made as a file (a job): it names the deal on the
    # anonymous stream, and its page and download are the broker's.
    response = login(app, w.broker).post("/dashboard/reports", data={"kind": "impact", "fmt": "csv", "year": ""})
    assert response.status_code == 302, response.status_code


def _ref(app, listing) -> str:
    """The reference that names a hidden listing to readers who are not its owner."""
    from marketplace import redaction

    with app.app_context():
        return redaction.public_ref(listing)
