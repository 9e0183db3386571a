"""The redaction layer's own rules: the approximate place, the numbers of a match told to
a reader who may not see the place, and files stripped of what names their maker."""
from __future__ import annotations

import zlib
from types import SimpleNamespace

import sqlalchemy as sa

import matching
from marketplace import redaction
from marketplace.db import db
from marketplace.matches.services import render_reason
from marketplace.models import SideStream, Site
from marketplace.models.listing import great_circle_km
from matching import weights as W
from tests.security.world import pdf_with_author

EXACT = (66.48731, 25.61947)


def test_the_cell_is_wider_where_no_other_organisation_is():
    crowded = redaction.approximate_place(*EXACT, [EXACT], lambda cell: 5)
    alone = redaction.approximate_place(*EXACT, [EXACT], lambda cell: 0)
    assert alone.radius_km > crowded.radius_km
    assert great_circle_km(alone.lat, alone.lon, *EXACT) <= alone.radius_km


def test_the_point_keeps_away_from_every_place_of_the_owner():
    cell = redaction.cell_of(*EXACT, 0)
    centre = ((cell[0] + cell[2]) / 2, (cell[1] + cell[3]) / 2)
    owner = [EXACT, centre]  # a site right at the centre of the cell
    shown = redaction.approximate_place(*EXACT, owner, lambda cell: 5)
    assert min(great_circle_km(shown.lat, shown.lon, *place) for place in owner) >= redaction.MIN_KM_FROM_OWNER_SITES
    assert great_circle_km(shown.lat, shown.lon, *EXACT) <= shown.radius_km


def test_the_point_is_the_same_for_listings_in_the_same_cell():
    """Where in its cell a listing lies does not move the point (the owner aside)."""
    others = lambda cell: 5  # noqa: E731
    a = redaction.approximate_place(66.41, 25.41, [], others)
    b = redaction.approximate_place(66.49, 25.59, [], others)
    assert (a.lat, a.lon) == (b.lat, b.lon)


def test_a_new_site_near_the_shown_place_moves_it(app, make):
    owner = make.organisation(name="Siirtyvä Kuona Oy", lat=EXACT[0], lon=EXACT[1])
    stream = make.stream(owner, title="Hidden slag", visibility="anonymous", lat=EXACT[0], lon=EXACT[1])
    before = (stream.approx_lat, stream.approx_lon)
    assert before[0] is not None
    with app.app_context():
        site = Site(organisation_id=owner.id, name="New yard", place="Yard")
        site.location = f"SRID=4326;POINT({before[1]} {before[0]})"
        db.session.add(site)
        db.session.commit()
        moved = db.session.get(SideStream, stream.id)
        after = (moved.approx_lat, moved.approx_lon)
        db.session.remove()
    assert after != before
    assert great_circle_km(*after, *before) >= redaction.MIN_KM_FROM_OWNER_SITES


def test_a_public_listing_gets_no_approximate_place_until_hidden(app, make):
    owner = make.organisation(name="Julkinen Kuona Oy")
    stream = make.stream(owner, title="Public slag", lat=EXACT[0], lon=EXACT[1])
    assert stream.approx_lat is None
    with app.app_context():
        row = db.session.get(SideStream, stream.id)
        row.visibility = "anonymous"
        db.session.commit()
        placed = db.session.scalar(sa.select(SideStream.approx_lat).where(SideStream.id == stream.id))
        db.session.remove()
    assert placed is not None


def test_a_hidden_counterparts_reason_tells_only_the_rounded_distance(app):
    match = SimpleNamespace(distance_km=22.07, road_km=28.69, transport_cost_eur_per_t=3.44,
                            transport_co2_kg_per_t=1.58)
    record = {"template": matching.reasons.TRANSPORT, "params": {"road_km": 28.69, "cost": 3.44, "co2": 1.58},
              "ok": None, "source": None}
    numbers = redaction.transport(match, revealed=False)
    assert numbers.road_km == 30 and numbers.distance_km == 20
    with app.test_request_context():
        text, _kind = render_reason(redaction.reason_record(record, numbers))
    cost = W.COST_EUR_PER_T_FIXED + 30 * W.COST_EUR_PER_TKM
    assert text == f"about 30 km by road, {cost:.2f} €/t, {30 * W.CO2_KG_PER_TKM:.0f} kg CO2/t"
    assert "3.44" not in text
    assert redaction.transport(match, revealed=True).cost_eur_per_t == 3.44


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def test_images_lose_exif_comments_and_text_chunks():
    jpeg = (b"\xff\xd8" + b"\xff\xe0\x00\x06JFIF" + b"\xff\xe1\x00\x0dExif\x00\x00Owner"
            + b"\xff\xfe\x00\x07Owner" + b"\xff\xda\x00\x02" + b"scan data" + b"\xff\xd9")
    clean = redaction.stripped(jpeg, "image/jpeg")
    assert b"Owner" not in clean and b"JFIF" in clean and clean.endswith(b"scan data\xff\xd9")
    png = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", b"\x00" * 13) + _png_chunk(b"tEXt", b"Author\x00Owner")
           + _png_chunk(b"IDAT", b"pixels") + _png_chunk(b"IEND", b""))
    clean = redaction.stripped(png, "image/png")
    assert b"Owner" not in clean and b"IHDR" in clean and b"pixels" in clean and clean.endswith(b"IEND\xaeB`\x82")


def test_a_pdf_loses_its_document_information():
    clean = redaction.stripped(pdf_with_author("Owner Company Oy", "Site analysis"), "application/pdf")
    assert clean.startswith(b"%PDF") and b"Owner Company" not in clean and b"Site analysis" not in clean
