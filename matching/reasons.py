"""English templates of every reason the engine gives.

Each template is a module-level constant wrapped in ``N_`` so that Babel's
extractor (``pybabel extract -k N_``) picks it up; the site renders a reason
with ``gettext(reason.template).format(**reason.params)``. Params are plain
numbers and strings.
"""
from __future__ import annotations

from dataclasses import dataclass, field


def N_(message: str) -> str:
    """No-op marker: the string is a translatable template."""
    return message


# Requirements and knowledge rules (same wording; the rule's source is added
# by Reason.__str__ in parentheses).
REQ_MIN_OK = N_("{property} = {value:g} {unit}, need >= {limit:g}")
REQ_MIN_BROKEN = N_("{property} = {value:g} {unit} is below the required {limit:g} {unit}")
REQ_MAX_OK = N_("{property} = {value:g} {unit}, need <= {limit:g}")
REQ_MAX_BROKEN = N_("{property} {value:g} {unit} exceeds {limit:g} {unit}")
REQ_MISSING = N_("no value for {property}: an analysis is needed to check the limit {limit}")
REQ_SOFT_BROKEN = N_("{property} = {value:g} {unit} is outside the usual range {limit} for this use (guidance, not a hard limit)")

# Geography and transport.
TRANSPORT = N_("about {road_km:.0f} km by road, {cost:.2f} EUR/t, {co2:.0f} kg CO2/t")
TOO_FAR = N_("about {road_km:.0f} km by road, beyond the buyer's limit of {limit:.0f} km")

# Restrictions written by the buyer.
CATEGORY_REFUSED = N_("category {category} is not among the accepted categories ({accepted})")
EWC_REFUSED = N_("EWC code {ewc} is not among the accepted codes ({accepted})")
EWC_UNKNOWN = N_("the stream has no EWC code; the buyer accepts only {accepted}")
QUANTITY_TOO_SMALL = N_("{quantity:g} t/a offered, the buyer needs at least {limit:g} t/a")
QUANTITY_UNKNOWN = N_("quantity not stated; the buyer needs at least {limit:g} t/a")
QUANTITY_FIT = N_("{quantity:g} t/a offered for {wanted:g} t/a wanted")
PRICE_TOO_HIGH = N_("asking price {price:g} EUR/t is above the buyer's maximum {limit:g} EUR/t")

# Legal status (Waste Act 646/2011 s. 29) and hazardous entries.
WASTE_NOT_ACCEPTED = N_("the stream is legally waste and the receiver does not accept waste")
WASTE_CODE_NOT_PERMITTED = N_("the stream is waste with EWC {ewc}, which the receiver's permit does not cover")
WASTE_CODE_UNKNOWN = N_("the stream is waste without an EWC code; the receiver's permit covers only listed codes")
WASTE_PERMITTED = N_("waste with EWC {ewc}, covered by the receiver's permit")
WASTE_ACCEPTED = N_("the stream is legally waste; the receiver states it may take waste")
STATUS_UNCONFIRMED = N_("legal status unconfirmed: {who} has not stated it")
NO_PERMIT_NEEDED = N_("legal status {status}: no waste permit needed")
HAZARDOUS_REFUSED = N_("EWC {ewc} is a hazardous entry, not allowed for {application}")
HAZARDOUS_NOT_PERMITTED = N_("EWC {ewc} is a hazardous entry; only a receiver whose permit names this code may take it")
HAZARDOUS_PERMITTED = N_("EWC {ewc} is a hazardous entry named in the receiver's permit")

# Scope of a decree that covers only listed wastes (MARA 843/2017 Annex 1),
# its structure classes, and alternative limits of another use.
SCOPE_LISTED = N_("EWC {ewc} is a waste listed in {act}: its limits apply")
SCOPE_NOT_LISTED = N_("EWC {ewc} is not among the wastes of {act}: not under the decree, an environmental permit naming this code is needed")
SCOPE_PERMITTED = N_("EWC {ewc} is not among the wastes of {act}; the receiver's permit names this code")
SCOPE_UNCONFIRMED = N_("EWC {ewc} is not among the wastes of {act}: if the stream is waste, an environmental permit is needed")
SCOPE_CODE_UNKNOWN = N_("the stream is waste without an EWC code: whether {act} covers it cannot be checked")
SCOPE_NOT_WASTE = N_("legal status {status}: {act} applies to wastes only, its limits are not applied")
STRUCTURE_ASSUMED = N_("structure type not stated: the stricter covered-structure limits of {act} are applied (a paved structure allows more leaching)")
STRUCTURE_STATED = N_("{structure} structure: the {structure}-structure limits of {act} are applied")
ALT_LIMIT = N_("{use} allows up to {limit:g} {unit} {property}")

# Fit.
PROFILE_SIMILAR = N_("composition resembles {reference} (similarity {similarity:.0%})")
CATEGORY_TYPICAL = N_("{category} is a typical material for {application}")
UNVERIFIED = N_("unverified: {count} analyses missing ({keys})")

# Pairing ideas.
IDEA_FEASIBLE = N_("could serve {application}: no rule of this use is broken by the values given")
IDEA_INFEASIBLE = N_("not suitable for {application} as analysed")
IDEA_NEEDS_NEARBY = N_("{count} posted needs for {application} within their distance limit")

ALL_TEMPLATES = tuple(v for k, v in dict(globals()).items()
                      if k.isupper() and isinstance(v, str))


@dataclass(frozen=True)
class Reason:
    """One human-readable why, translatable.

    template: a constant of this module (English, str.format with named
    fields); params: its values; ok: True met, False broken, None info or
    unverified; source: the rule's citation, or None.
    """
    template: str
    params: dict = field(default_factory=dict)
    ok: bool | None = None
    source: str | None = None

    def __str__(self) -> str:
        return self.render()

    def render(self, gettext=None) -> str:
        """Render with an optional gettext function (site translation)."""
        tpl = gettext(self.template) if gettext else self.template
        # An empty unit (ratios, pH) leaves a stray space before a comma.
        text = " ".join(tpl.format(**self.params).split()).replace(" ,", ",")
        return f"{text} ({self.source})" if self.source else text
