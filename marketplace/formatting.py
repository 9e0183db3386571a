"""Numbers, quantities, prices, dates, ages and industries as a reader reads them, in the
reader's language (Babel's CLDR data) and in Finnish time: one module for pages, mails
and exports, so that "1 800 000 t/a" reads "1,8 milj. t/a" in Finnish and "1.8M t/a"
in English everywhere, and a negative price always says who pays."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from babel import dates as babel_dates, numbers as babel_numbers
from flask import g, has_app_context, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Times are stored in UTC and shown in Finland's time (EET/EEST), where the site works.
SITE_TIMEZONE = ZoneInfo("Europe/Helsinki")
# Below this a quantity is written in full ("12 000 t/a"); from it, compactly ("1,8 milj.").
COMPACT_FROM = 1_000_000


def locale() -> str:
    """The reader's language: Flask-Babel's locale of the moment, so that a mail rendered
    under ``force_locale(recipient.language)`` is in its recipient's language, not in the
    language of whoever's request sent it; 'fi' outside a request or an app."""
    if has_app_context():
        try:
            current = get_locale()
        except (KeyError, RuntimeError):  # Flask-Babel not set up on this app
            current = None
        if current is not None:
            return str(current)
    return (g.get("language") if has_request_context() else None) or "fi"


def number(value, digits: int = 2, language: str | None = None) -> str:
    """A number with the reader's separators ("1 234,5"); '–' for none."""
    if value is None:
        return "–"
    pattern = f"#,##0.{'#' * digits}" if digits else "#,##0"
    return babel_numbers.format_decimal(value, format=pattern, locale=language or locale())


def quantity(value, unit: str = "t/a", language: str | None = None) -> str:
    """A tonnage: in full below a million, compact from it (fi "1,8 milj. t/a")."""
    if value is None:
        return "–"
    language = language or locale()
    if abs(value) >= COMPACT_FROM:
        text = babel_numbers.format_compact_decimal(value, format_type="short", locale=language,
                                                    fraction_digits=1)
    else:
        text = number(value, 0 if abs(value) >= 100 else 1, language)
    return f"{text}\u00a0{unit}"


def price(value, language: str | None = None) -> str:
    """A price per tonne with words for who pays: a negative price means the holder pays
    the receiver for taking the material (a gate fee)."""
    if value is None:
        return _("price on request")
    amount = number(abs(value), 2, language)
    if value < 0:
        return _("the holder pays %(amount)s €/t", amount=amount)
    if value == 0:
        return _("free of charge")
    return _("%(amount)s €/t", amount=amount)


def to_site_time(value: datetime) -> datetime:
    """A stored (naive UTC) time in Finnish time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(SITE_TIMEZONE)


def day(value, language: str | None = None) -> str:
    """A date in the reader's way (fi "4.12.2026", en "4 Dec 2026")."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = to_site_time(value).date()
    return babel_dates.format_date(value, format="medium", locale=language or locale())


def moment(value: datetime | None, language: str | None = None) -> str:
    """A time in Finnish time, in the reader's way, with the zone's name."""
    if value is None:
        return "–"
    return babel_dates.format_datetime(to_site_time(value), format="medium", tzinfo=SITE_TIMEZONE,
                                       locale=language or locale()) + " " + to_site_time(value).tzname()


def age(value: datetime | date | None, now: datetime | None = None, language: str | None = None) -> str:
    """How long ago ("3 päivää sitten", "3 days ago"), to the day at least."""
    if value is None:
        return "–"
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    if isinstance(value, datetime):
        delta = now - value
    else:
        delta = now.date() - value
    if delta.days < 1:
        return _("today")
    return babel_dates.format_timedelta(-delta, granularity="day", threshold=1.5, add_direction=True,
                                        locale=language or locale())


# NACE Rev. 2 classes of the producers and users of side streams, in English (Eurostat)
# and Finnish (Statistics Finland's TOL 2008). Written from the classifications as known;
# not yet checked line by line against the published files.
NACE = {
    "07.10": (_l("Mining of iron ores")),
    "07.29": (_l("Mining of other non-ferrous metal ores")),
    "08.11": (_l("Quarrying of ornamental and building stone, limestone, gypsum, chalk and slate")),
    "16.10": (_l("Sawmilling and planing of wood")),
    "17.11": (_l("Manufacture of pulp")),
    "17.12": (_l("Manufacture of paper and paperboard")),
    "20.13": (_l("Manufacture of other inorganic basic chemicals")),
    "20.15": (_l("Manufacture of fertilisers and nitrogen compounds")),
    "23.51": (_l("Manufacture of cement")),
    "23.52": (_l("Manufacture of lime and plaster")),
    "24.10": (_l("Manufacture of basic iron and steel and of ferro-alloys")),
    "24.42": (_l("Aluminium production")),
    "24.43": (_l("Lead, zinc and tin production")),
    "24.44": (_l("Copper production")),
    "24.45": (_l("Other non-ferrous metal production")),
    "35.11": (_l("Production of electricity")),
    "35.30": (_l("Steam and air conditioning supply")),
    "36.00": (_l("Water collection, treatment and supply")),
    "37.00": (_l("Sewerage")),
    "38.21": (_l("Treatment and disposal of non-hazardous waste")),
    "38.32": (_l("Recovery of sorted materials")),
}


def industry(text: str | None) -> str:
    """A producing activity: a NACE code with its name ("24.10 Manufacture of basic iron
    and steel..."); anything else as written."""
    text = (text or "").strip()
    if not text:
        return ""
    code = text.split()[0]
    if len(code) == 4 and code.isdigit():
        code = f"{code[:2]}.{code[2:]}"
    name = NACE.get(code)
    if name is None:
        return text
    rest = text[len(text.split()[0]):].strip()
    return f"{code} {name}" if not rest else f"{code} {name} ({rest})"


def material_name(key: str | None, language: str | None = None) -> str:
    """A material type's name in the reader's language (the material catalogue's)."""
    if not key:
        return ""
    from .listings.fulltext import _catalogue_types

    names = (_catalogue_types().get(key) or {}).get("names") or {}
    return names.get(language or locale()) or names.get("en") or key


# The score scale the pages explain a score with. The bands are the reading of
# the engine's calibrated scores (#18: "good fit from 70 %"); not yet checked against
# the outcomes of deals.
SCORE_BANDS = ((70, _l("good fit")), (50, _l("possible fit")), (0, _l("weak fit")))


def score(pct) -> str:
    """A score with its place on the scale: "64 % · possible fit (good from 70 %)"."""
    if pct is None:
        return "–"
    band = next(label for low, label in SCORE_BANDS if pct >= low)
    return _("%(pct)s %% · %(band)s (good from %(good)s %%)", pct=number(pct, 0), band=band,
             good=SCORE_BANDS[0][0])


def template_helpers() -> dict:
    return {"fmt_score": score, "fmt_material": material_name, "fmt_number": number, "fmt_quantity": quantity, "fmt_price": price, "fmt_day": day,
            "fmt_moment": moment, "fmt_age": age, "fmt_industry": industry}
