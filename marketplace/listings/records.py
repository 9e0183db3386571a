"""Listings in the interchange contract's form (shared/contract): the one shape that the
forms, the importer and the exports all go through.

``*_problems`` are the domain checks shared by the forms and the importer; they return
``Problem(field, message)`` with the contract's field names. ``apply_*`` writes a checked
record to a model; ``*_to_record`` reads a model back for a given viewer, hiding what the
visibility rules hide from that viewer."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from matching import vocabulary as V

from .. import redaction
from ..models import (
    CATEGORIES, MaterialNeed, MeasuredValue, Requirement, SideStream, WasteCode,
)
from ..models.side_stream import AVAILABILITIES
from ..reference import normalise_ewc_code
from .values import GROUPS, Problem, check_values, flatten_groups, group_values

STREAM_SCALARS = (
    "title", "description", "organisation", "category", "ewc_code", "industry", "legal_status",
    "quantity_t_per_year", "lot_t", "availability", "available_from", "available_until",
    "price_eur_per_t", "visibility",
)
NEED_SCALARS = (
    "title", "description", "organisation", "application", "categories", "ewc_codes",
    "accepts_waste", "permitted_ewc_codes", "quantity_t_per_year", "min_quantity_t_per_year",
    "max_distance_km", "max_price_eur_per_t",
)

HAZARDOUS_PROPERTIES = tuple(f"HP{n}" for n in range(1, 16))


def ewc_display(code: str | None, hazardous: bool) -> str | None:
    if not code:
        return None
    return code + ("*" if hazardous else "")


def known_waste_codes(session, codes) -> dict[str, WasteCode]:
    wanted = {normalise_ewc_code(c) for c in codes if c}
    if not wanted:
        return {}
    found = session.scalars(sa.select(WasteCode).where(WasteCode.code.in_(wanted)))
    return {w.code: w for w in found}


def _ewc_problem(field: str, code: str, known: dict[str, WasteCode]) -> Problem | None:
    normal = normalise_ewc_code(code)
    entry = known.get(normal)
    if entry is None:
        return Problem(field, _("%(code)s is not a code of the European List of Waste.", code=code))
    if code.strip().endswith("*") and not entry.hazardous:
        return Problem(field, _("%(code)s is not a hazardous entry: leave out the *.", code=normal))
    return None


def _values_placement(record: dict) -> list[Problem]:
    problems = []
    for group in GROUPS:
        for key in (record.get(group) or {}):
            if not V.is_known(key):
                continue  # check_values names it with a suggestion
            if V.kind_of(key) != group:
                problems.append(Problem(f"{group}.{key}", _(
                    "%(key)s belongs in %(group)s.", key=key, group=V.kind_of(key))))
    return problems


def stream_problems(record: dict, session, known_codes: dict | None = None) -> list[Problem]:
    """The domain checks of a side-stream record (after its JSON Schema passed)."""
    problems = _values_placement(record)
    problems += check_values(flatten_groups(record))
    code = record.get("ewc_code")
    if code:
        known = known_codes if known_codes is not None else known_waste_codes(session, [code])
        problem = _ewc_problem("ewc_code", code, known)
        if problem:
            problems.append(problem)
    start, end = record.get("available_from"), record.get("available_until")
    if start and end and str(start) > str(end):
        problems.append(Problem("available_until", _("The end of availability is before its start.")))
    return problems


def need_problems(record: dict, session, known_codes: dict | None = None) -> list[Problem]:
    """The domain checks of a material-need record (after its JSON Schema passed)."""
    problems = []
    for i, requirement in enumerate(record.get("requirements") or []):
        for name in ("property", "per"):
            expression = requirement.get(name)
            if not expression:
                continue
            try:
                V.parse_expression(expression)
            except ValueError:
                problems.append(Problem(f"requirements[{i}].{name}", expression_message(expression)))
        low, high = requirement.get("min"), requirement.get("max")
        if low is None and high is None:
            problems.append(Problem(f"requirements[{i}].min", _("Give a minimum, a maximum or both.")))
        if low is not None and high is not None and low > high:
            problems.append(Problem(f"requirements[{i}].max", _("The maximum is below the minimum.")))
    low, quantity = record.get("min_quantity_t_per_year"), record.get("quantity_t_per_year")
    if low is not None and quantity is not None and low > quantity:
        problems.append(Problem("min_quantity_t_per_year",
                                _("The smallest useful quantity is more than the quantity wanted.")))
    if record.get("accepts_waste") is False and record.get("permitted_ewc_codes"):
        problems.append(Problem("permitted_ewc_codes",
                                _("Permitted waste codes are given although waste is not accepted.")))
    codes = list(record.get("ewc_codes") or []) + list(record.get("permitted_ewc_codes") or [])
    known = known_codes if known_codes is not None else known_waste_codes(session, codes)
    for name in ("ewc_codes", "permitted_ewc_codes"):
        for i, code in enumerate(record.get(name) or []):
            problem = _ewc_problem(f"{name}[{i}]", code, known)
            if problem:
                problems.append(problem)
    return problems


def expression_message(expression: str) -> str:
    """Why a requirement's property expression is refused, with a suggestion."""
    keys = [k for k in expression.split("+")]
    for key in keys:
        if not key or not V.is_known(key):
            hint = V.suggest(key) if key else None
            if hint:
                return _("Unknown property %(key)s. Did you mean %(hint)s?", key=key, hint=hint)
            return _("Unknown property %(key)s: use a key of the vocabulary, or keys joined by +.",
                     key=key)
    return _("%(expression)s names a property twice.", expression=expression)


# -- writing ---------------------------------------------------------------

def _date(value):
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


def apply_stream_record(stream: SideStream, record: dict, *, replace_values: bool = True) -> None:
    """Write a checked side-stream record to ``stream`` (organisation is set by the caller)."""
    stream.title = record["title"].strip()
    stream.description = record.get("description") or ""
    stream.category = record["category"]
    code = record.get("ewc_code")
    stream.ewc_code = normalise_ewc_code(code) if code else None
    stream.industry = record.get("industry") or None
    stream.legal_status = record.get("legal_status") or None
    stream.quantity_t_per_year = record.get("quantity_t_per_year")
    stream.lot_t = record.get("lot_t")
    stream.availability = record.get("availability") or None
    stream.available_from = _date(record.get("available_from"))
    stream.available_until = _date(record.get("available_until"))
    stream.price_eur_per_t = record.get("price_eur_per_t")
    stream.visibility = record.get("visibility") or "public"
    location = record["location"]
    stream.place = location.get("place") or ""
    stream.set_location(location["lat"], location["lon"])
    if replace_values:
        values = flatten_groups(record)
        current = {v.property: v for v in stream.values}
        for key, row in current.items():
            if key not in values:
                stream.values.remove(row)
        for key, value in values.items():
            if key in current:
                current[key].value = float(value)
            else:
                stream.values.append(MeasuredValue(property=key, value=float(value)))


def apply_need_record(need: MaterialNeed, record: dict) -> None:
    """Write a checked material-need record to ``need`` (organisation is set by the caller)."""
    need.title = record["title"].strip()
    need.description = record.get("description") or ""
    need.application = record["application"]
    need.categories = list(record.get("categories") or [])
    need.ewc_codes = [normalise_ewc_code(c) for c in record.get("ewc_codes") or []]
    need.accepts_waste = record.get("accepts_waste")
    permitted = record.get("permitted_ewc_codes")
    need.permitted_ewc_codes = [normalise_ewc_code(c) for c in permitted] if permitted is not None else None
    need.quantity_t_per_year = record.get("quantity_t_per_year")
    need.min_quantity_t_per_year = record.get("min_quantity_t_per_year")
    need.max_distance_km = record.get("max_distance_km")
    need.max_price_eur_per_t = record.get("max_price_eur_per_t")
    if "visibility" in record:
        need.visibility = record["visibility"] or "public"
    location = record["location"]
    need.place = location.get("place") or ""
    need.set_location(location["lat"], location["lon"])
    need.requirements.clear()
    for position, item in enumerate(record.get("requirements") or []):
        need.requirements.append(Requirement(
            position=position, property=item["property"], per=item.get("per") or None,
            min=item.get("min"), max=item.get("max"), note=item.get("note") or "",
        ))


# -- reading, for one viewer -------------------------------------------------

def listing_ref(listing) -> str:
    """The record id: the external reference, or '#<id>' for listings made on the site
    (re-importing an export of one's own listings updates them by this id)."""
    return listing.external_ref or f"#{listing.id}"


def _location(listing, viewer) -> dict:
    lat, lon = listing.location_for(viewer)
    location = {"lat": lat, "lon": lon}
    if redaction.place_text(listing, viewer):
        location["place"] = redaction.place_text(listing, viewer)
    return location


def _drop_none(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def stream_to_record(stream: SideStream, viewer) -> dict:
    """A side stream as the contract's record, as ``viewer`` may see it (``redaction``): no
    organisation, place text or external reference (an opaque id instead) and an
    approximate location unless revealed; values only to those shown details."""
    record = {
        "id": redaction.reference(stream, viewer),
        "title": stream.title,
        "description": stream.description,
        "organisation": stream.organisation.name if stream.reveals_owner_to(viewer) else None,
        "category": stream.category,
        "ewc_code": ewc_display(stream.ewc_code, stream.is_hazardous),
        "industry": stream.industry,
        "legal_status": stream.legal_status,
        "quantity_t_per_year": stream.quantity_t_per_year,
        "lot_t": stream.lot_t,
        "availability": stream.availability,
        "available_from": stream.available_from.isoformat() if stream.available_from else None,
        "available_until": stream.available_until.isoformat() if stream.available_until else None,
        "price_eur_per_t": stream.price_eur_per_t,
        "location": _location(stream, viewer),
        "visibility": stream.visibility,
    }
    if stream.shows_details_to(viewer):
        for group, values in group_values(stream.values_by_property).items():
            record[group] = values
    return _drop_none(record)


def need_to_record(need: MaterialNeed, viewer) -> dict:
    record = {
        "id": redaction.reference(need, viewer),
        "title": need.title,
        "description": need.description,
        "organisation": need.organisation.name if need.reveals_owner_to(viewer) else None,
        "application": need.application,
        "categories": list(need.categories or []),
        "ewc_codes": list(need.ewc_codes or []),
        "accepts_waste": need.accepts_waste,
        "permitted_ewc_codes": list(need.permitted_ewc_codes) if need.permitted_ewc_codes else None,
        "requirements": [
            _drop_none({"property": r.property, "per": r.per, "min": r.min, "max": r.max, "note": r.note})
            for r in need.requirements
        ],
        "quantity_t_per_year": need.quantity_t_per_year,
        "min_quantity_t_per_year": need.min_quantity_t_per_year,
        "max_distance_km": need.max_distance_km,
        "max_price_eur_per_t": need.max_price_eur_per_t,
        "location": _location(need, viewer),
    }
    record = _drop_none(record)
    if need.accepts_waste is False:
        record["accepts_waste"] = False
    return record


CATEGORY_CHOICES = CATEGORIES
AVAILABILITY_CHOICES = AVAILABILITIES
