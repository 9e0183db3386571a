"""What a side stream is read as, shown to its seller and corrected on the form; the
context of a need chosen on the form, or read from its text and shown as such."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.db import db
from marketplace.matches import engine
from marketplace.models import MaterialNeed, SideStream
from tests.listings.conftest import form_fields, need_form, stream_form

SLAG = {"title": "Ilmajäähdytetty masuunikuona 0-32 mm", "description": "Masuunin kuona, murskattu.",
        "category": "slag", "ewc_code": "10 02 02"}


def _saved_stream(app) -> SideStream:
    with app.app_context():
        return db.session.scalar(sa.select(SideStream).order_by(SideStream.id.desc()))


def test_the_seller_sees_what_the_stream_was_read_as_and_corrects_it(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    response = client.post("/streams/new", data=stream_form(**SLAG))
    assert response.status_code == 302, response.get_data(as_text=True)
    stream = _saved_stream(app)
    assert stream.material_type is None, "a reading is not a statement of the seller"
    assert stream.material_type_read == "acbfs" and stream.material_type_confidence >= 0.5
    page = client.get(f"/streams/{stream.id}").get_data(as_text=True)
    assert "Read as: Air-cooled blast-furnace slag, " in page
    assert "inferred, " in page and "stated by the seller" not in page

    # the edit form shows the reading and offers the catalogue's types, grouped
    form_page = client.get(f"/streams/{stream.id}/edit").get_data(as_text=True)
    assert "Read as: Air-cooled blast-furnace slag" in form_page
    assert '<optgroup label="Slag">' in form_page and 'value="ggbs"' in form_page
    data = form_fields(form_page)
    assert data["material_type"] == ""
    data.update(material_type="ggbs", action="")
    assert client.post(f"/streams/{stream.id}/edit", data=data).status_code == 302
    stream = _saved_stream(app)
    assert (stream.material_type, stream.material_type_read) == ("ggbs", "acbfs")
    page = client.get(f"/streams/{stream.id}").get_data(as_text=True)
    assert "Material type: Granulated blast-furnace slag (ground or unground), stated by the seller" in page
    assert "From its data Sivuvirta reads it as Air-cooled blast-furnace slag" in page


def test_a_finnish_reader_gets_the_finnish_name(app, client, auth, make, supplier):
    make.user(supplier[0], email="lukija@example.fi", language="fi")
    auth.login("supplier@example.fi")
    client.post("/streams/new", data=stream_form(**SLAG))
    stream = _saved_stream(app)
    auth.logout()
    auth.login("lukija@example.fi")
    page = client.get(f"/streams/{stream.id}").get_data(as_text=True)
    assert "Tunnistettu: Ilmajäähdytetty masuunikuona, " in page


def test_a_type_of_another_category_is_shown_as_unverified(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    client.post("/streams/new", data=stream_form(**dict(SLAG, category="ash", ewc_code="")))
    stream = _saved_stream(app)
    assert stream.material_type_read == "acbfs"
    page = client.get(f"/streams/{stream.id}").get_data(as_text=True)
    assert "unverified" in page and "does not belong to the category chosen" in page


def test_a_low_confidence_is_said_and_ranks_as_unverified(app, client, auth, supplier, monkeypatch):
    class Unsure:
        def predict(self, records):
            return [("grate_wood_ash", 0.31) for _ in records]

    monkeypatch.setattr(engine, "catalogue_recogniser", lambda: Unsure())
    auth.login("supplier@example.fi")
    client.post("/streams/new", data=stream_form(title="Tuhka", description="", category="ash", ewc_code=""))
    stream = _saved_stream(app)
    assert (stream.material_type_read, stream.material_type_confidence) == ("grate_wood_ash", 0.31)
    page = client.get(f"/streams/{stream.id}").get_data(as_text=True)
    assert "Read as: Grate-fired wood ash (bottom and cyclone), 31 %" in page
    assert "Low confidence: until the seller confirms a type, its matches rank as unverified." in page


def test_an_unknown_type_key_is_refused_with_its_name_and_nothing_is_written(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    response = client.post("/streams/new", data=stream_form(material_type="moon_rock"))
    assert response.status_code == 400
    assert "moon_rock is not a material type of the contract&#39;s list" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SideStream)) == 0


def test_sources_are_written_from_the_form_and_a_bad_key_is_named(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    source = {"sources-0-kind": "lab_analysis", "sources-0-properties": "CaO, SiO2",
              "sources-0-reference": "Report 2026-17, Labtium", "sources-0-method": "EN 15309",
              "sources-0-date": "2026-03-01"}
    assert client.post("/streams/new", data=stream_form(**source)).status_code == 302
    assert _saved_stream(app).sources == [{"kind": "lab_analysis", "properties": ["CaO", "SiO2"],
                                           "reference": "Report 2026-17, Labtium", "method": "EN 15309",
                                           "date": "2026-03-01"}]
    response = client.post("/streams/new", data=stream_form(**dict(source, **{"sources-0-properties": "CaOx"})))
    assert response.status_code == 400
    assert "Unknown property CaOx" in response.get_data(as_text=True)


def _saved_need(app) -> MaterialNeed:
    with app.app_context():
        return db.session.scalar(sa.select(MaterialNeed).order_by(MaterialNeed.id.desc()))


def test_the_context_chosen_on_the_form_is_stored_and_shown(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    data = need_form(application="earth_construction", ewc_codes="", permitted_ewc_codes="",
                     land_use="forestry", structure="covered", structure_use="road", groundwater_area="no")
    assert client.post("/needs/new", data=data).status_code == 302
    need = _saved_need(app)
    assert need.context == {"land_use": "forestry", "structure": "covered", "structure_use": "road",
                            "groundwater_area": False}
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Land use: forest use" in page and "Use of the structure: road" in page
    assert "read as:" not in page


def test_without_a_context_the_need_page_shows_what_the_text_was_read_as(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    data = need_form(title="Tuhkaa metsäautotien rakentamiseen", description="Peitetty väylä, metsätalouskäyttö.",
                     application="earth_construction", ewc_codes="", permitted_ewc_codes="")
    assert client.post("/needs/new", data=data).status_code == 302
    need = _saved_need(app)
    assert need.context is None
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "read as: forest use" in page and "covered structure" in page


@pytest.mark.parametrize("change, message", [
    ({"land_use": "moon"}, "moon is not a choice for Land use: choose one of field use, forest use"),
    ({"groundwater_area": "maybe"}, "Say yes or no: is the site in an important groundwater area?"),
])
def test_a_bad_context_value_is_refused_naming_the_field(app, client, auth, supplier, change, message):
    auth.login("supplier@example.fi")
    response = client.post("/needs/new", data=need_form(**change))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MaterialNeed)) == 0


def test_the_form_reads_the_stream_live_before_it_is_saved(client):
    body = client.get("/listings/material-reading.json", query_string={
        "title": "Ilmajäähdytetty masuunikuona", "category": "slag", "ewc_code": "10 02 02",
        "values": "CaO:40;SiO2:35,5;nonsense:1;MgO:x"}, headers={"Accept-Language": "en"}).get_json()
    reading = body["reading"]
    assert reading["key"] == "acbfs" and reading["sure"]
    assert reading["text"].startswith("Read as: Air-cooled blast-furnace slag, ")
    assert client.get("/listings/material-reading.json").get_json() == {"reading": None}


@pytest.mark.parametrize("language, text", [("en", "Read as: Slag, type not known"),
                                            ("fi", "Tunnistettu: Kuona, tyyppi ei tiedossa")])
def test_a_bare_generic_title_reads_as_its_category_type_not_known(client, language, text):
    body = client.get("/listings/material-reading.json", query_string={"title": "Kuona", "category": "slag"},
                      headers={"Accept-Language": language}).get_json()
    reading = body["reading"]
    assert reading["category_only"] and not reading["sure"]
    assert reading["text"] == text and reading["warning"]


def test_a_saved_bare_stream_shows_its_category_not_a_type(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    bare = {"title": "Kuona", "description": "", "category": "slag", "ewc_code": "", "industry": "",
            **{f"values-{i}-{f}": "" for i in range(4) for f in ("property", "value", "unit")}}
    response = client.post("/streams/new", data=stream_form(**bare))
    assert response.status_code == 302, response.get_data(as_text=True)
    stream = _saved_stream(app)
    assert stream.material_type_confidence < 0.5
    page = client.get(f"/streams/{stream.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Read as: Slag, type not known" in page and "unverified" in page


def test_reading_every_stream_again_replaces_a_stale_reading(app, client, auth, supplier, runner):
    """After an upgrade whose recogniser reads differently, the command brings the kept
    readings up to date: a slag once kept as a sure foundry sand reads as slag again."""
    auth.login("supplier@example.fi")
    client.post("/streams/new", data=stream_form(**SLAG))
    fresh = _saved_stream(app)
    expected = (fresh.material_type_read, fresh.material_type_confidence)
    with app.app_context():
        stream = db.session.get(SideStream, fresh.id)
        stream.material_type_read, stream.material_type_confidence = "foundry_sand", 0.81
        db.session.commit()

    result = runner.invoke(args=["matches", "read-materials"])
    assert result.exit_code == 0, result.output
    read = int(result.output.split()[0])
    assert read >= 1 and result.output.endswith("side streams read; readings changed: 1.\n")
    stream = _saved_stream(app)
    assert (stream.material_type_read, stream.material_type_confidence) == expected

    again = runner.invoke(args=["matches", "read-materials"])
    assert again.output == f"{read} side streams read; readings changed: 0.\n"
