"""Words for organisations in both languages, and the choices of their forms."""
from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "producer": _l("Produces side streams"),
    "buyer": _l("Uses side streams"),
    "both": _l("Produces and uses side streams"),
    "center": _l("Circular Economy Center"),
    "provider": _l("Service provider (transport, processing, laboratory)"),
}
# The centre itself is made by brokers, not chosen at sign-up.
KIND_CHOICES = [(k, v) for k, v in KIND_LABELS.items() if k != "center"]

VERIFICATION_LABELS = {
    "pending": _l("Waiting for verification"),
    "verified": _l("Verified"),
    "rejected": _l("Rejected"),
}

LANGUAGE_CHOICES = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")]

# Neighbours first: most partners of a Lapland marketplace are Nordic.
FIRST_COUNTRIES = ("FI", "SE", "NO", "EE")


def country_name(code: str) -> str:
    locale = get_locale() or Locale.parse("fi")
    return locale.territories.get(code, code)


def country_choices() -> list[tuple[str, str]]:
    locale = get_locale() or Locale.parse("fi")
    names = {code: name for code, name in locale.territories.items()
             if len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "ZZ", "QO", "XA", "XB")}
    first = [(c, names[c]) for c in FIRST_COUNTRIES]
    rest = sorted(((c, n) for c, n in names.items() if c not in FIRST_COUNTRIES), key=lambda p: p[1])
    return first + rest
