"""Numbers and dates follow the language a text is written in: a mail rendered under
``force_locale(recipient.language)`` is in its recipient's language, not in the sender's."""
from datetime import date

from babel import dates as babel_dates, numbers as babel_numbers
from flask import g
from flask_babel import force_locale

from marketplace import formatting


def test_a_forced_locale_wins_over_the_requests_language(app):
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        g.language = "fi"
        assert formatting.number(1234.5, 1) == babel_numbers.format_decimal(1234.5, format="#,##0.#", locale="fi")
        for language in ("en", "sv"):
            with force_locale(language):
                assert formatting.number(1234.5, 1) == babel_numbers.format_decimal(
                    1234.5, format="#,##0.#", locale=language)
                assert formatting.day(date(2026, 12, 4)) == babel_dates.format_date(
                    date(2026, 12, 4), format="medium", locale=language)
        assert formatting.number(0.5, 1) == "0,5"


def test_outside_a_request_it_is_finnish(app):
    assert formatting.locale() == "fi"
