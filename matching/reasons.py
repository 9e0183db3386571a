"""English templates of every reason the engine gives, and their rendering.

Each template is a module-level constant wrapped in ``N_`` so that Babel's
extractor (``pybabel extract -k N_``) picks it up. A reason stays structured
(template + params) so that the site renders it in the reader's language:
``reason.render(gettext, locale)`` translates the template, shows property
keys as people write them (``leach:As`` -> "leaching of As", ``CrVI`` ->
"Cr(VI)"), picks a param's ``_fi``/``_sv`` variant for that language, and
formats numbers for the locale (babel.numbers: "1,8 milj. t/a", "2,69 €/t").
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field

from babel.numbers import format_compact_decimal, format_decimal, format_percent, format_scientific

from .vocabulary import display_name


def N_(message: str) -> str:
    """No-op marker: the string is a translatable template."""
    return message


# Requirements and knowledge rules (the rule's source follows in parentheses
# where it is a law or a standard; a rule of thumb is said to be one).
REQ_MIN_OK = N_("{property} {value} {unit}, at least {limit} required")
REQ_MIN_BROKEN = N_("{property} {value} {unit} is below the required {limit} {unit}")
REQ_MAX_OK = N_("{property} {value} {unit}, at most {limit} allowed")
REQ_MAX_BROKEN = N_("{property} {value} {unit} exceeds the limit {limit} {unit}")
REQ_BELOW_DETECTION_OK = N_("{property} below the detection limit {detection} {unit}, at most {limit} allowed")
REQ_BELOW_DETECTION_UNSURE = N_("{property} below the detection limit {detection} {unit}: the limit {limit} {unit} cannot be verified with it")
REQ_MISSING = N_("no value for {property}: an analysis is needed to check the limit {limit}")
REQ_SOFT_BROKEN = N_("{property} {value} {unit} is outside the usual range {limit} for this use (rule of thumb, not a hard limit)")
REQ_THUMB_BROKEN = N_("{property} {value} {unit} is outside {limit}, which this use depends on (rule of thumb from practice)")
REQ_TYPICAL_VALUE = N_("{property} is a typical value of the material, not an analysis of this stream")
LIMITS_MET = N_("{count} limits of {act} met; closest: {property} at {share} of its limit")
LIMITS_MET_ONE = N_("the limit of {act} on {property} is met, at {share} of it")

# What the material is and what it is documented for.
MATERIAL_STATED = N_("{material}, as stated by the seller")
MATERIAL_READ = N_("read as {material} ({confidence} sure)")
MATERIAL_UNSURE = N_("possibly {material}, but only {confidence} sure: the material type is unverified")
MATERIAL_CATEGORY_DISAGREES = N_("read as {material} ({confidence} sure), but the stated category {category} disagrees: the material type is unverified")
MATERIAL_CATEGORY_ONLY = N_("read as {category}, type not known: the material type is unverified")
MATERIAL_UNKNOWN = N_("the material type could not be recognised: unverified")
USE_PROVEN = N_("proven for {application}: {why}")
USE_POSSIBLE = N_("possible for {application} with treatment: {why}")
USE_UNSUITABLE = N_("unsuitable for {application}: {why}")
USE_UNDOCUMENTED = N_("no documented use of this material for {application}")
USE_OTHER_PART = N_("documented for {application} only as {part}, not as the {asked} the need asks for: {why}")
USE_READ_FROM_TEXT = N_("use read from the need's text as {application}")

# Acid-base accounting (AP from sulphide S, NP from the neutralising value).
ABA_REFUSED = N_("acid-forming: NP/AP {ratio} (AP {ap} kg CaCO3/t from {sulphur} % {skey}, NP {np} kg CaCO3/t); below 1 is refused")
ABA_FLAGGED = N_("uncertain acid-forming potential: NP/AP {ratio}, between 1 and 3 (AP {ap}, NP {np} kg CaCO3/t)")
ABA_OK = N_("not acid-forming: NP/AP {ratio} (AP {ap}, NP {np} kg CaCO3/t)")
ABA_MISSING = N_("acid-base accounting not possible: {keys} missing")

# Legal context of the use.
CONTEXT_READ = N_("read as: {context}")
CONTEXT_STRICTER = N_("{what} not stated: the stricter {reading} is applied")
MARA_COLUMN = N_("limits of {act} for {column}")
MARA_GROUNDWATER = N_("important groundwater area: {act} does not apply; only an environmental permit naming EWC {ewc} allows it")
PRODUCT_CLASS = N_("fertiliser product class: {product_class}")
REGIME_PASSES = N_("meets the {regime}")
REGIME_UNBROKEN = N_("no limit of the {regime} is broken, but analyses are missing")
REGIME_FAILS = N_("meets neither fertiliser regime: {detail}")
REGIME_BROKEN = N_("{regime}: {property} {value} {unit} exceeds {limit} {unit}")
PERMIT_GOVERNS = N_("used on a mine site under its environmental permit: fertiliser product law does not apply, the permit's terms do")

# Geography and transport.
TRANSPORT = N_("about {road_km} km by road, {cost} €/t, {co2} kg CO2/t")
TOO_FAR = N_("about {road_km} km by road, beyond the buyer's limit of {limit} km")

# Restrictions written by the buyer.
CATEGORY_REFUSED = N_("category {category} is not among the accepted categories ({accepted})")
EWC_REFUSED = N_("EWC code {ewc} is not among the accepted codes ({accepted})")
EWC_UNKNOWN = N_("the stream has no EWC code; the buyer accepts only {accepted}")
QUANTITY_TOO_SMALL = N_("{quantity} t/a offered, the buyer needs at least {limit} t/a")
QUANTITY_UNKNOWN = N_("quantity not stated; the buyer needs at least {limit} t/a")
QUANTITY_FIT = N_("{quantity} t/a offered for {wanted} t/a wanted")
PRICE_TOO_HIGH = N_("asking price {price} €/t is above the buyer's maximum {limit} €/t")

# Legal status (Waste Act 646/2011 s. 29) and hazardous entries.
WASTE_NOT_ACCEPTED = N_("the stream is legally waste and the receiver does not accept waste")
WASTE_CODE_NOT_PERMITTED = N_("the stream is waste with EWC {ewc}, which the receiver's permit does not cover")
WASTE_CODE_UNKNOWN = N_("the stream is waste without an EWC code; the receiver's permit covers only listed codes")
WASTE_PERMITTED = N_("waste with EWC {ewc}, covered by the receiver's permit")
WASTE_ACCEPTED = N_("the stream is legally waste; the receiver states it may take waste")
STATUS_UNCONFIRMED = N_("legal status unconfirmed: {who} has not stated it")
WHO_RECEIVER = N_("the receiver")
WHO_HOLDER = N_("the holder of the stream")
STATUS_CLAIMED = N_("legal status {status} claimed without evidence: unconfirmed")
NO_PERMIT_NEEDED = N_("legal status {status}: no waste permit needed")
HAZARDOUS_REFUSED = N_("EWC {ewc} is a hazardous entry, not allowed for {application}")
HAZARDOUS_NOT_PERMITTED = N_("EWC {ewc} is a hazardous entry; only a receiver whose permit names this code may take it")
HAZARDOUS_PERMITTED = N_("EWC {ewc} is a hazardous entry named in the receiver's permit")
HAZARDOUS_ABSOLUTE = N_("EWC {ewc} is an absolute hazardous entry: hazardous whatever the analyses")
HAZARDOUS_BY_PROPERTIES = N_("EWC {ewc} is a mirror entry and the stream has hazardous properties {properties}: hazardous")
MIRROR_NOT_ASSESSED = N_("EWC {ewc} is a mirror entry: no assessment of hazardous properties stated")

# Scope of a decree that covers only listed wastes (MARA 843/2017 Annex 1),
# and its structure classes.
SCOPE_LISTED = N_("EWC {ewc} is a waste listed in {act}: its limits apply")
SCOPE_NOT_LISTED = N_("EWC {ewc} is not among the wastes of {act}: not under the decree, an environmental permit naming this code is needed")
SCOPE_PERMITTED = N_("EWC {ewc} is not among the wastes of {act}; the receiver's permit names this code")
SCOPE_UNCONFIRMED = N_("EWC {ewc} is not among the wastes of {act}: if the stream is waste, an environmental permit is needed")
SCOPE_CODE_UNKNOWN = N_("the stream is waste without an EWC code: whether {act} covers it cannot be checked")
SCOPE_NOT_WASTE = N_("legal status {status}: {act} applies to wastes only, its limits are not applied")

# Fit.
PROFILE_SIMILAR = N_("composition resembles {reference} (similarity {similarity})")
CATEGORY_TYPICAL = N_("{category} is a typical material for {application}")
UNVERIFIED = N_("unverified: {count} analyses missing ({keys})")

# One-line summaries (Match.summary).
SUMMARY = N_("{material}: {use}{binding}{missing}; {road_km} km")
SUMMARY_BINDING = N_("; closest limit {property} at {share}")
SUMMARY_MISSING = N_("; missing {keys}")
SUMMARY_PROVEN = N_("proven for {application}")
SUMMARY_POSSIBLE = N_("possible for {application} with treatment")
SUMMARY_UNDOCUMENTED = N_("fits the limits of {application}")
SUMMARY_REFUSED = N_("not for {application}: {why}")

# Pairing ideas.
IDEA_FEASIBLE = N_("could serve {application}: no rule of this use is broken by the values given")
IDEA_INFEASIBLE = N_("not suitable for {application} as analysed")
IDEA_NEEDS_NEARBY = N_("{count} posted needs for {application} within their distance limit")

# Blends (matching/blends.py): two or three streams mixed for one need.
BLEND_PART = N_("{share} {material} ({stream}): {price} €/t + haulage {haul} €/t over {road_km} km = {cost} €/t delivered")
BLEND_PART_NO_PRICE = N_("{share} {material} ({stream}): price not stated + haulage {haul} €/t over {road_km} km")
BLEND_ADDITIVE = N_("{share} {material} is an additive (under {threshold} of the blend), not a blend partner")
BLEND_ADDS = N_("adds {property}: {value} {unit} vs {other} {unit}")
BLEND_DILUTES = N_("lowers {property}: {value} {unit} vs {other} {unit}")
BLEND_CHEAPER_PART = N_("lowers the delivered cost: {cost} €/t vs {other_cost} €/t")
BLEND_BINDING = N_("binding: {property} of the blend {value} {unit}, limit {limit} {unit}")
BLEND_BINDING_SHARE = N_("binding: the share of {material}, at most {share} ({why})")
BLEND_WHY_MIXTURE = N_("documented mixture")
BLEND_WHY_QUANTITY = N_("quantity offered")
BLEND_WHY_LIMIT = N_("documented limit for this use")
BLEND_DOCUMENTED = N_("documented mixture for {application}: {mixture}")
BLEND_UNDOCUMENTED = N_("no documented mixture of these materials for {application}: each component meets the use's rules on its own")
BLEND_CHEAPER = N_("{saving} €/t cheaper delivered than the best analysed single stream ({single} €/t)")
BLEND_NO_SINGLE = N_("no single stream is known to meet this need: none meets every limit with the analyses given")
BLEND_MIXED_LINEARLY = N_("{property} mixes by mass: {value} {unit} in the blend")
BLEND_MISSING = N_("analyses still missing: {keys}")
BLEND_TRIAL_MIX = N_("next step: a trial mix by a laboratory")
BLEND_SUMMARY = N_("{parts}: {cost} €/t delivered; {binding}")
BLEND_SUMMARY_FREE = N_("{parts}: {cost} €/t delivered")

#: What was not stated, for CONTEXT_STRICTER.
CONTEXT_WHAT = {"structure": N_("structure"), "structure_use": N_("use of the structure"),
                "product_class": N_("land use")}

ALL_TEMPLATES = tuple(v for k, v in dict(globals()).items()
                      if k.isupper() and isinstance(v, str))
ALL_TEMPLATES += tuple(CONTEXT_WHAT.values())

#: Params holding a property key or label: shown as people write them.
PROPERTY_PARAMS = ("property", "keys", "skey")
#: How a numeric param is written: integer, money (2 decimals), compact
#: (tonnages: 1,8 milj.), share (0..1 as a percentage); others get up to 4
#: significant digits.
NUMBER_STYLE = {"road_km": "integer", "co2": "integer", "limit_km": "integer", "count": "integer",
                "cost": "money", "price": "money", "haul": "money", "saving": "money",
                "single": "money", "other_cost": "money", "quantity": "compact", "wanted": "compact",
                "similarity": "share", "confidence": "share", "share": "share", "threshold": "share",
                "ap": "integer", "np": "integer"}


def format_number(value, style: str, locale: str = "en") -> str:
    """A number as the reader's locale writes it (babel.numbers)."""
    if style == "integer":
        return format_decimal(round(value), format="#,##0", locale=locale)
    if style == "money":
        return format_decimal(value, format="#,##0.00", locale=locale)
    if style == "compact":
        if abs(value) >= 1e6:
            return format_compact_decimal(value, format_type="short", locale=locale, fraction_digits=1)
        return format_decimal(round(value), format="#,##0", locale=locale)
    if style == "share":
        return format_percent(value, format="#,##0 %", locale=locale)
    if value and abs(value) < 1e-3:
        # Hydraulic conductivities and the like: 1E-9, not 0.
        return format_scientific(value, format="0.##E0", locale=locale)
    return format_decimal(float(f"{value:.4g}"), format="#,##0.####", locale=locale)


def _has_format_specs(template: str) -> bool:
    """Templates stored by earlier builds format numbers themselves ({value:g})."""
    return any(spec for _, _, spec, _ in string.Formatter().parse(template) if spec)


@dataclass(frozen=True)
class Reason:
    """One human-readable why, translatable.

    template: a constant of this module (English, str.format with named
    fields); params: its values (numbers and strings; a string param ``p``
    may come with ``p_fi``/``p_sv`` variants, a dict {template, params} is a
    part rendered in place); ok: True met, False broken,
    None info or unverified; source: the rule's citation, or None.
    """
    template: str
    params: dict = field(default_factory=dict)
    ok: bool | None = None
    source: str | None = None

    def __str__(self) -> str:
        return self.render()

    def render(self, gettext=None, locale: str | None = None) -> str:
        """Render with an optional gettext function and locale ('fi', 'en')."""
        tr = gettext or (lambda s: s)
        tpl = tr(self.template)
        if _has_format_specs(tpl):
            params = self.params
        else:
            params = render_params(self.params, tr, locale or "en")
        # An empty unit (ratios, pH) leaves a stray space before a comma.
        text = " ".join(tpl.format(**params).split()).replace(" ,", ",")
        return f"{text} ({self.source})" if self.source else text


def render_params(params: dict, gettext, locale: str) -> dict:
    """Params of a template as the reader reads them (see Reason.render)."""
    lang = locale.split("_")[0].split("-")[0]
    out = {}
    for name, value in params.items():
        variant = params.get(f"{name}_{lang}")
        if isinstance(variant, str) and variant:
            value = variant
        if isinstance(value, bool) or value is None:
            out[name] = value
        elif isinstance(value, (int, float)):
            out[name] = format_number(value, NUMBER_STYLE.get(name, "decimal"), locale)
        elif isinstance(value, dict) and "template" in value:
            # A part of a composed line (summary), stored as plain data.
            out[name] = Reason(value["template"], value.get("params") or {}).render(gettext, locale)
        elif name in PROPERTY_PARAMS:
            out[name] = display_name(value, gettext)
        else:
            out[name] = gettext(value) if value else value
    return out
