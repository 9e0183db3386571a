import pytest


@pytest.fixture
def supplier(make):
    """A verified producer with a confirmed member, signed in by ``login``."""
    organisation = make.organisation(name="Perämeren Kuona Oy", lat=65.78, lon=24.17, place="Tornio")
    user = make.user(organisation, email="supplier@example.fi", language="en")
    return organisation, user


def stream_form(**changes):
    """A valid side-stream form as posted by a browser without JavaScript."""
    data = {
        "title": "Ferrochrome slag 0-16 mm", "description": "Air-cooled, crushed.",
        "category": "slag", "ewc_code": "10 02 02", "industry": "24.10", "legal_status": "by_product",
        "quantity_t_per_year": "400 000", "lot_t": "", "availability": "continuous",
        "available_from": "", "available_until": "", "price_eur_per_t": "2,5",
        "visibility": "public", "site_id": "", "place": "Tornio", "lat": "65,78", "lon": "24.17",
        "values-0-property": "SiO2", "values-0-value": "30,5", "values-0-unit": "",
        "values-1-property": "CaO", "values-1-value": "42.1", "values-1-unit": "wt%",
        "values-2-property": "Cr", "values-2-value": "4", "values-2-unit": "%",
        "values-3-property": "", "values-3-value": "", "values-3-unit": "",
        "paste": "", "action": "publish",
    }
    data.update(changes)
    return data


def need_form(**changes):
    data = {
        "title": "Geopolymer precursor", "description": "", "application": "geopolymer_binder",
        "ewc_codes": "10 01 02", "accepts_waste": "yes", "permitted_ewc_codes": "10 01 02",
        "quantity_t_per_year": "5000", "min_quantity_t_per_year": "", "max_distance_km": "300",
        "max_price_eur_per_t": "", "visibility": "public", "site_id": "", "place": "Kittilä",
        "lat": "", "lon": "",
        "requirements-0-property": "SiO2+Al2O3", "requirements-0-per": "", "requirements-0-min": "50",
        "requirements-0-max": "", "requirements-0-note": "",
        "requirements-1-property": "", "requirements-1-per": "", "requirements-1-min": "",
        "requirements-1-max": "", "requirements-1-note": "",
        "action": "publish",
    }
    data.update(changes)
    return data


def form_fields(html: str) -> dict:
    """What a browser would post from the page's listing form as it is shown: inputs,
    ticked boxes, text areas and the selected option of each select."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data, self.select, self.first, self.textarea = {}, None, None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "file", "button"):
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return
                self.data[name] = a.get("value", "")
            elif tag == "select" and name:
                self.select, self.first = name, None
            elif tag == "option" and self.select:
                if self.first is None:
                    self.first = a.get("value", "")
                    self.data.setdefault(self.select, self.first)
                if "selected" in a:
                    self.data[self.select] = a.get("value", "")
            elif tag == "textarea" and name:
                self.textarea = name
                self.data[name] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                self.data[self.textarea] += data

    reader = Reader()
    reader.feed(html)
    return reader.data
