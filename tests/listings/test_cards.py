"""Result cards read at a glance: numbers, prices, dates and industries in the reader's
language (marketplace.formatting), the filtered values, and nothing a hidden owner hides."""
from datetime import datetime

import pytest

from marketplace import formatting


@pytest.mark.parametrize("language, value, expected", [
    ("fi", 1_800_000, "1,8\u00a0milj.\u00a0t/a"),
    ("en", 1_800_000, "1.8M\u00a0t/a"),
    ("fi", 12_000, "12\u00a0000\u00a0t/a"),
    ("en", 12_000, "12,000\u00a0t/a"),
])
def test_quantities(language, value, expected):
    assert formatting.quantity(value, language=language) == expected


def test_prices_say_who_pays(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert formatting.price(-8, language="en") == "the holder pays 8 €/t"
        assert formatting.price(12.5, language="en") == "12.5 €/t"
        assert formatting.price(None) == "price on request"


def test_dates_in_finnish_time():
    winter = datetime(2026, 12, 4, 22, 30)  # UTC
    assert formatting.to_site_time(winter).hour == 0  # EET, UTC+2: next day
    assert formatting.day(winter, language="fi") == "5.12.2026"
    assert formatting.moment(winter, language="fi").endswith("EET")


def test_age_and_industry(app):
    with app.test_request_context():
        assert formatting.age(datetime(2026, 12, 1), now=datetime(2026, 12, 4), language="en") == "3 days ago"
        assert formatting.age(datetime(2026, 12, 1), now=datetime(2026, 12, 4), language="fi") == "3 päivää sitten"
        assert formatting.industry("24.10").startswith("24.10 Manufacture of basic iron and steel")
        assert formatting.industry("2410 ferrochrome") == \
            "24.10 Manufacture of basic iron and steel and of ferro-alloys (ferrochrome)"
        assert formatting.industry("Sawmill") == "Sawmill"


def test_cards_show_place_quantity_price_and_filtered_values(client, auth, make):
    org = make.organisation(name="Korttien Kuona Oy")
    hidden = make.organisation(name="Piilotettu Oy")
    make.stream(org, title="Open slag", quantity_t_per_year=1_800_000, price_eur_per_t=-8, industry="24.10",
                place="Tornio", values={"CaO": 42.0, "SiO2": 30.0}, material_type="acbfs")
    make.stream(hidden, title="Hidden slag", visibility="anonymous", place="Salainen paikka",
                values={"CaO": 35.0})
    auth.login(make.user(make.organisation(name="Lukija Oy"), language="fi").email)
    page = client.get("/streams?prop=CaO&min=30", headers={"Accept-Language": "fi"}).text
    assert "1,8\u00a0milj.\u00a0t/a" in page
    assert "haltija maksaa 8 €/t" in page
    assert "Raudan, teräksen ja rautaseosten valmistus" in page
    assert "42" in page and "CaO" in page
    assert "Tornio" in page and "Salainen paikka" not in page and "Piilotettu Oy" not in page
    assert "likimääräinen" in page
    assert "composition-bar" in page
