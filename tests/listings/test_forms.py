"""The forms of side streams and needs: what they accept, what they refuse and why."""
import pytest
import sqlalchemy as sa

from marketplace import redaction
from marketplace.db import db
from marketplace.models import MaterialNeed, MeasuredValue, SideStream
from tests.listings.conftest import need_form, stream_form


def _stream(app, **where):
    with app.app_context():
        stream = db.session.scalar(sa.select(SideStream).filter_by(**where))
        return stream, (stream.values_by_property if stream else {})


def test_supplier_publishes_a_slag_with_its_composition(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    response = client.post("/streams/new", data=stream_form())
    assert response.status_code == 302, response.text
    stream, values = _stream(app, title="Ferrochrome slag 0-16 mm")
    assert stream.status == "active" and stream.ewc_code == "10 02 02"
    assert stream.quantity_t_per_year == 400000 and stream.price_eur_per_t == 2.5
    assert (stream.lat, stream.lon) == (65.78, 24.17)
    assert values == {"SiO2": 30.5, "CaO": 42.1, "Cr": 40000.0}
    page = client.get(response.headers["Location"])
    assert "Ferrochrome slag 0-16 mm" in page.text and "data-chart" in page.text


def test_draft_is_not_published(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    client.post("/streams/new", data=stream_form(action="draft"))
    stream, _ = _stream(app, title="Ferrochrome slag 0-16 mm")
    assert stream.status == "draft"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": ""}, "title", "This field is required."),
    ({"title": "x" * 201}, "title", "Field cannot be longer than 200 characters."),
    ({"category": "plutonium"}, "category", "Not a valid choice."),
    ({"quantity_t_per_year": "lots"}, "quantity_t_per_year", "Enter a number"),
    ({"quantity_t_per_year": "-5"}, "quantity_t_per_year", "Must be at least 0"),
    ({"available_from": "2026-13-45"}, "available_from", "Not a valid date value."),
    ({"available_from": "2026-06-01", "available_until": "2026-01-01"}, "available_until",
     "The end of availability is before its start."),
    ({"ewc_code": "99 99 99"}, "ewc_code", "99 99 99 is not a code of the European List of Waste."),
    ({"ewc_code": "10 02 02*"}, "ewc_code", "is not a hazardous entry"),
    ({"ewc_code": "10 02 07*"}, "hazardous_properties", "is a hazardous entry: give its hazardous properties"),
    ({"lat": "95", "lon": "24"}, "lat", "Latitude is between -90 and 90."),
    ({"lat": "65", "lon": ""}, "lon", "Give both latitude and longitude."),
    ({"lat": "", "lon": "", "place": "Atlantis"}, "place", "No place called Atlantis was found"),
    ({"lat": "", "lon": "", "place": ""}, "place", "Click the map, type a place name"),
    ({"values-0-value": "101"}, "values-0-value", "SiO2 must be between 0 and 100 wt%."),
    ({"values-0-value": "-1"}, "values-0-value", "SiO2 must be between 0 and 100 wt%."),
    ({"values-0-value": "abc"}, "values-0-value", "Enter a number"),
    ({"values-2-value": "-3", "values-2-unit": ""}, "values-2-value", "Cr cannot be negative (mg/kg)."),
    ({"values-0-property": "SiO3"}, "values-0-property", "Unknown property SiO3. Did you mean SO3?"),
    ({"values-0-property": "Unobtainium"}, "values-0-property", "Unknown property Unobtainium"),
    ({"values-0-property": "CaO"}, "values-0-property", "CaO is given twice."),
    ({"values-0-unit": "kg"}, "values-0-unit", "kg does not fit SiO2"),
    ({"values-0-value": "60", "values-1-value": "45"}, "composition",
     "The major components (with LOI) add up to 105.0 wt%"),
    ({"values-3-property": "ph", "values-3-value": "15"}, "values-3-value", "pH must be between 0 and 14."),
    ({"visibility": "secret"}, "visibility", "Not a valid choice."),
])
def test_bad_stream_input_is_refused(app, client, auth, supplier, changes, field, message):
    auth.login("supplier@example.fi", )
    response = client.post("/streams/new", data=stream_form(**changes))
    assert response.status_code == 400
    assert message in response.text, (field, response.text[response.text.find("error"):][:2000])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SideStream)) == 0


def test_hazardous_code_with_its_properties_is_accepted(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    # Declared waste: a hazardous by-product would need its decision attached (tests/compliance).
    response = client.post("/streams/new", data=stream_form(
        ewc_code="10 02 07*", hazardous_properties=["HP7", "HP14"], hazard_note="Cr(VI) assessed.",
        legal_status="waste"))
    assert response.status_code == 302, response.text
    with app.app_context():
        stream = db.session.scalar(sa.select(SideStream).filter_by(ewc_code="10 02 07"))
        assert stream.hazardous_properties == ["HP7", "HP14"] and stream.is_hazardous


def test_pasting_a_lab_report_fills_the_table(client, auth, supplier):
    auth.login("supplier@example.fi")
    report = "SiO2\t30,5\nCaO 42.1 %\nMgO 8\nCd 0,8 mg/kg\nleach:Cr 0,05\nFoo 3"
    response = client.post("/streams/new", data=stream_form(paste=report, action="paste"))
    assert response.status_code == 200
    assert 'value="MgO"' in response.text and 'value="leach:Cr"' in response.text
    assert 'value="0.05"' in response.text
    assert "unknown property Foo" in response.text


def test_place_name_is_looked_up_in_the_gazetteer(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    client.post("/streams/new", data=stream_form(lat="", lon="", place="Kevitsa"))
    stream, _ = _stream(app, title="Ferrochrome slag 0-16 mm")
    assert round(stream.lat, 1) == 67.7 and stream.place == "Kevitsa"


def test_organisation_site_gives_the_place(app, client, auth, supplier):
    organisation, _ = supplier
    auth.login("supplier@example.fi")
    site_id = organisation.sites[0].id
    client.post("/streams/new", data=stream_form(lat="", lon="", place="", site_id=str(site_id)))
    stream, _ = _stream(app, title="Ferrochrome slag 0-16 mm")
    assert stream.site_id == site_id and (stream.lat, stream.lon) == (65.78, 24.17)


def test_unconfirmed_member_may_draft_but_not_publish(app, make, client, auth):
    organisation = make.organisation()
    make.user(organisation, email="new@example.fi", confirmed=False, language="en")
    auth.login("new@example.fi")
    assert client.post("/streams/new", data=stream_form(action="publish")).status_code == 403
    assert client.post("/streams/new", data=stream_form(action="draft")).status_code == 302
    stream, _ = _stream(app, title="Ferrochrome slag 0-16 mm")
    assert stream.status == "draft"
    assert client.post(f"/streams/{stream.id}/publish").status_code == 403


def test_unverified_organisation_publishes_but_stays_hidden(app, make, client, auth):
    organisation = make.organisation(verified=False)
    make.user(organisation, email="fresh@example.fi")
    auth.login("fresh@example.fi")
    assert client.post("/streams/new", data=stream_form()).status_code == 302
    auth.logout()
    assert "Ferrochrome slag 0-16 mm" not in client.get("/streams").text


def test_edit_duplicate_close_reopen_and_delete(app, make, client, auth, supplier):
    organisation, _ = supplier
    stream = make.stream(organisation, values={"SiO2": 30.0})
    auth.login("supplier@example.fi")
    edit = client.get(f"/streams/{stream.id}/edit")
    assert 'value="SiO2"' in edit.text
    response = client.post(f"/streams/{stream.id}/edit", data=stream_form(title="Renamed slag", action="save",
                                                                         visibility="anonymous"))
    assert response.status_code == 302
    assert client.post(f"/streams/{stream.id}/close").status_code == 302
    assert client.post(f"/streams/{stream.id}/close").status_code == 400
    assert client.post(f"/streams/{stream.id}/reopen").status_code == 302
    response = client.post(f"/streams/{stream.id}/duplicate")
    copy_key = response.headers["Location"].split("/")[-2]  # an anonymous listing's reference
    with app.app_context():
        copy_id = redaction.ref_target(copy_key)[1] if copy_key.startswith("L-") else int(copy_key)
        copy = db.session.get(SideStream, copy_id)
        assert copy.status == "draft" and copy.title == "Copy of Renamed slag"
        assert copy.values_by_property == {"SiO2": 30.5, "CaO": 42.1, "Cr": 40000.0}
        assert db.session.get(SideStream, stream.id).visibility == "anonymous"
    assert client.post(f"/streams/{stream.id}/delete").status_code == 400
    assert client.post(f"/streams/{copy_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(SideStream, copy_id) is None


def test_others_may_not_edit(make, client, auth, supplier):
    organisation, _ = supplier
    stream = make.stream(organisation)
    other = make.organisation()
    make.user(other, email="other@example.fi", language="en")
    auth.login("other@example.fi")
    assert client.get(f"/streams/{stream.id}/edit").status_code == 403
    assert client.post(f"/streams/{stream.id}/edit", data=stream_form()).status_code == 403
    assert client.post(f"/streams/{stream.id}/close").status_code == 403


# -- needs -------------------------------------------------------------------------------

def test_buyer_publishes_a_need(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    response = client.post("/needs/new", data=need_form())
    assert response.status_code == 302, response.text
    with app.app_context():
        need = db.session.scalar(sa.select(MaterialNeed))
        assert need.accepts_waste is True and need.permitted_ewc_codes == ["10 01 02"]
        assert [(r.property, r.min) for r in need.requirements] == [("SiO2+Al2O3", 50.0)]
        assert round(need.lat, 1) == 67.7


def test_choosing_an_application_prefills_its_limits(client, auth, supplier):
    auth.login("supplier@example.fi")
    response = client.post("/needs/new", data=need_form(application="fertiliser", action="prefill"))
    assert response.status_code == 200
    assert 'value="Cd"' in response.text and 'value="1.5"' in response.text
    assert 'value="SiO2+Al2O3"' in response.text
    as_json = client.get("/listings/applications/cement_scm.json").json
    basicity = [r for r in as_json["requirements"] if r["per"]]
    assert basicity[0]["property"] == "CaO+MgO" and basicity[0]["min"] == 1.0


@pytest.mark.parametrize(("changes", "message"), [
    ({"requirements-0-property": "SiO2+Al3O2"}, "Unknown property Al3O2"),
    ({"requirements-0-property": "SiO2+SiO2"}, "names a property twice"),
    ({"requirements-0-per": "Sillicon"}, "Unknown property Sillicon"),
    ({"requirements-0-min": "", "requirements-0-max": ""}, "Give a minimum, a maximum or both."),
    ({"requirements-0-min": "60", "requirements-0-max": "40"}, "The maximum is below the minimum."),
    ({"requirements-0-min": "viisikymmentä"}, "Enter a number"),
    ({"min_quantity_t_per_year": "6000"}, "The smallest useful quantity is more than the quantity wanted."),
    ({"accepts_waste": "no"}, "Permitted waste codes are given although waste is not accepted."),
    ({"ewc_codes": "10 99 98"}, "10 99 98 is not a code of the European List of Waste."),
    ({"max_distance_km": "-1"}, "Must be at least 0"),
    ({"application": "alchemy"}, "Not a valid choice."),
])
def test_bad_need_input_is_refused(app, client, auth, supplier, changes, message):
    auth.login("supplier@example.fi")
    response = client.post("/needs/new", data=need_form(**changes))
    assert response.status_code == 400
    assert message in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MaterialNeed)) == 0


def test_waste_code_picker_searches_codes_and_titles_in_both_languages(client):
    by_code = client.get("/listings/waste-codes.json?q=100202").json
    assert by_code[0]["code"] == "10 02 02"
    hazardous = client.get("/listings/waste-codes.json?q=10 02 07").json
    assert hazardous[0]["display"] == "10 02 07*" and hazardous[0]["hazardous"]
    english = client.get("/listings/waste-codes.json?q=fly ash", headers={"Accept-Language": "en"}).json
    assert any(e["code"] == "10 01 02" for e in english)
    finnish = client.get("/listings/waste-codes.json?q=lentotuhka", headers={"Accept-Language": "fi"}).json
    assert finnish and all("lentotuhka" in e["title"].lower() for e in finnish)


def test_places_offer_my_sites_first(client, auth, supplier):
    auth.login("supplier@example.fi")
    places = client.get("/listings/places.json?q=torn").json
    assert places[0]["kind"] == "site"
    assert any(p["name"].startswith("Tornio") and p["kind"] != "site" for p in places)
    assert client.get("/listings/places.json?q=suurikuusikko").json[0]["lat"] == 67.9


def test_every_error_in_one_round(app, client, auth, supplier):
    """A missing place, a bad value and dates out of order are all named at once."""
    auth.login("supplier@example.fi")
    response = client.post("/streams/new", data=stream_form(
        lat="", lon="", place="", quantity_t_per_year="lots",
        **{"values-0-value": "abc", "available_from": "2026-06-01", "available_until": "2026-01-01"}))
    assert response.status_code == 400
    for message in ("Click the map, type a place name", "Enter a number",
                    "The end of availability is before its start."):
        assert message in response.text, message


def test_a_pasted_value_below_detection_is_kept(app, client, auth, supplier):
    from marketplace.listings.values import parse_lab_report

    rows, problems = parse_lab_report("Cr(VI) < 0,5 mg/kg\nCd\t<0.2\tmg/kg\nZn > 5")
    assert rows == [("CrVI", 0.5, True), ("Cd", 0.2, True)] and len(problems) == 1
    auth.login("supplier@example.fi")
    page = client.post("/streams/new", data=stream_form(action="paste", paste="Cr(VI) < 0,5 mg/kg"))
    assert 'value="&lt; 0.5"' in page.text
    response = client.post("/streams/new", data=stream_form(**{"values-3-property": "CrVI",
                                                                "values-3-value": "< 0,5",
                                                                "values-3-unit": "mg/kg"}))
    assert response.status_code == 302, response.text[:3000]
    detail = client.get(response.headers["Location"])
    assert "&lt; " in detail.text
    with app.app_context():
        value = db.session.scalar(sa.select(MeasuredValue).where(MeasuredValue.property == "CrVI"))
        assert value.below_detection and value.value == 0.5
