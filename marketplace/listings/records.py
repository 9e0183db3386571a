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
from flask_babel import lazy_gettext as _l

from matching import contract
from matching import vocabulary as V

from ..compliance.guide import NEEDS_EVIDENCE_IF_HAZARDOUS
from .. import redaction
from ..models import (
    CATEGORIES, MaterialNeed, MeasuredValue, Requirement, SideStream, WasteCode,
)
from ..models.side_stream import AVAILABILITIES
from ..reference import normalise_ewc_code
from .values import (
    GROUPS, Problem, check_value, check_values, flatten_groups, group_values, unknown_key_message,
)

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

# The material types of the interchange contract (shared/contract/material-types.json,
# copied into the engine's package): a record's ``material_type`` must be one of them.
MATERIAL_TYPE_NAMES = {t["key"]: t["name"] for t in contract.load_schema("material-types.json")["types"]}
MATERIAL_TYPES = tuple(MATERIAL_TYPE_NAMES)

# Contract 1.1: the kinds of a stream's ``sources`` and the values of a need's ``context``
# (land use, product regime, MARA structure and its use), from the contract's schemas.
SOURCE_KINDS = tuple(contract.load_schema("side-stream.schema.json")
                     ["properties"]["sources"]["items"]["properties"]["kind"]["enum"])
CONTEXT_CHOICES = {
    name: tuple(spec["enum"])
    for name, spec in contract.load_schema("material-need.schema.json")["properties"]["context"]["properties"].items()
    if "enum" in spec
}
CONTEXT_FIELD_LABELS = {
    "land_use": _l("Land use"), "regime": _l("Product regime"), "structure": _l("Earth structure"),
    "structure_use": _l("Use of the structure"), "groundwater_area": _l("Important groundwater area"),
}
CONTEXT_VALUE_LABELS = {
    "land_use": {"agriculture": _l("field use"), "forestry": _l("forest use"), "horticulture": _l("garden use"),
                 "landscaping": _l("landscaping"), "mine_site": _l("mine site"),
                 "industrial_site": _l("industrial site")},
    "regime": {"eu_fertilising_product": _l("EU fertilising product (Regulation (EU) 2019/1009)"),
               "national_fertiliser_product": _l("national fertiliser product (MMM decree 964/2023)"),
               "environmental_permit": _l("the receiver's environmental permit"),
               "mara_notification": _l("notification under Decree 843/2017 (MARA)")},
    "structure": {"covered": _l("covered structure"), "paved": _l("paved structure")},
    "structure_use": {"road": _l("road"), "field": _l("field"), "embankment": _l("embankment"),
                      "other": _l("other structure")},
    "groundwater_area": {True: _l("in an important groundwater area"),
                         False: _l("not in an important groundwater area")},
}


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


def _ewc_problem(field: str, code: str, known: dict[str, WasteCode], *,
                 star_required: bool = False) -> Problem | None:
    """An unknown code, a * on an entry the List of Waste does not mark hazardous, and with
    ``star_required`` (a stream's own code, contract 1.1) a hazardous entry without its *."""
    normal = normalise_ewc_code(code)
    entry = known.get(normal)
    if entry is None:
        return Problem(field, _("%(code)s is not a code of the European List of Waste.", code=code))
    starred = code.strip().endswith("*")
    if starred and not entry.hazardous:
        return Problem(field, _("%(code)s is not a hazardous entry: leave out the *.", code=normal))
    if star_required and entry.hazardous and not starred:
        return Problem(field, _("%(code)s is a hazardous entry: write it %(code)s*.", code=normal))
    return None


def _hazard_problems(record: dict, entry: WasteCode | None, hazard_note: str,
                     has_document: bool) -> list[Problem]:
    """The rules of a hazardous List of Waste entry (a code marked *, Annex to Commission
    Decision 2000/532/EC): the holder states which hazardous properties of Annex III to
    Directive 2008/98/EC it has, or describes the assessment; and it is waste unless a
    document proves otherwise (the authority's by-product or end-of-waste decision under
    the Waste Act 646/2011 section 5, which defines both, or a declaration of performance;
    the section is checked against secondary sources, not the Finlex text itself)."""
    if entry is None or not entry.hazardous:
        return []
    problems = []
    if not (record.get("hazardous_properties") or (hazard_note or "").strip()):
        problems.append(Problem("hazardous_properties", _(
            "%(code)s* is a hazardous entry: give its hazardous properties (HP1 to HP15) or "
            "describe the assessment.", code=entry.code)))
    problem = evidence_problem(entry, record.get("legal_status"), record.get("legal_status_evidence"),
                               has_document)
    if problem:
        problems.append(problem)
    return problems


def evidence_problem(entry: WasteCode | None, legal_status: str | None, reference: str | None,
                     has_document: bool) -> Problem | None:
    """A hazardous entry is waste unless proven otherwise: declared a by-product,
    end-of-waste or a product it needs the reference of the authority's decision or the
    declaration of performance, or the document attached."""
    if entry is None or not entry.hazardous or legal_status not in NEEDS_EVIDENCE_IF_HAZARDOUS:
        return None
    if (reference or "").strip() or has_document:
        return None
    return Problem("legal_status", _(
        "%(code)s* is a hazardous entry: to declare it a by-product, end-of-waste or a product, "
        "give the reference of the authority's decision or the declaration of performance, "
        "or attach the document.", code=entry.code))


def _below_detection_problems(record: dict) -> list[Problem]:
    """Values below the laboratory's detection limit: known keys, a limit that would be a
    valid value, and not also given as a measured value (the contract's rule)."""
    problems = []
    measured = flatten_groups(record)
    for key, limit in (record.get("below_detection") or {}).items():
        field = f"below_detection.{key}"
        message = check_value(key, limit)
        if message:
            problems.append(Problem(field, message))
        elif key in measured:
            problems.append(Problem(field, _(
                "%(key)s has a measured value and is also reported below the detection limit: "
                "give one of them.", key=key)))
    return problems


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


def stream_problems(record: dict, session, known_codes: dict | None = None, *,
                    hazard_note: str = "", has_document: bool = False) -> list[Problem]:
    """The domain checks of a side-stream record (after its JSON Schema passed).

    ``hazard_note``: the site's free-text hazard assessment, which the contract does not
    carry; ``has_document``: a legal-status document is attached or comes with the record."""
    problems = _values_placement(record)
    problems += check_values(flatten_groups(record))
    problems += _below_detection_problems(record)
    material_type = record.get("material_type")
    if material_type and material_type not in MATERIAL_TYPES:
        problems.append(Problem("material_type", _(
            "%(key)s is not a material type of the contract's list (material-types.json).",
            key=material_type)))
    problems += _source_problems(record.get("sources"))
    code = record.get("ewc_code")
    if code:
        known = known_codes if known_codes is not None else known_waste_codes(session, [code])
        problem = _ewc_problem("ewc_code", code, known, star_required=True)
        if problem:
            problems.append(problem)
        problems += _hazard_problems(record, known.get(normalise_ewc_code(code)), hazard_note, has_document)
    start, end = record.get("available_from"), record.get("available_until")
    if start and end and str(start) > str(end):
        problems.append(Problem("available_until", _("The end of availability is before its start.")))
    return problems


def _source_problems(sources) -> list[Problem]:
    """A stream's ``sources``: a known kind, and the property keys each one covers known
    to the vocabulary (the JSON Schema checks only their spelling)."""
    problems = []
    for i, source in enumerate(sources or []):
        kind = source.get("kind")
        if kind not in SOURCE_KINDS:
            problems.append(Problem(f"sources[{i}].kind", _(
                "%(kind)s is not a kind of source: choose a laboratory analysis, a publication, "
                "typical values of the material or an estimate.", kind=kind or "–")))
        for key in source.get("properties") or []:
            if not V.is_known(key):
                problems.append(Problem(f"sources[{i}].properties", unknown_key_message(key)))
    return problems


def _context_problems(context) -> list[Problem]:
    """A need's ``context``: each field one of the contract's values."""
    problems = []
    for name, value in (context or {}).items():
        if name == "groundwater_area":
            if not isinstance(value, bool):
                problems.append(Problem(f"context.{name}", _(
                    "Say yes or no: is the site in an important groundwater area?")))
        elif name not in CONTEXT_CHOICES:
            problems.append(Problem(f"context.{name}", _(
                "%(name)s is not a field of the context of a need: use land use, product regime, "
                "earth structure, use of the structure or groundwater area.", name=name)))
        elif value not in CONTEXT_CHOICES[name]:
            problems.append(Problem(f"context.{name}", _(
                "%(value)s is not a choice for %(field)s: choose one of %(choices)s.", value=value,
                field=CONTEXT_FIELD_LABELS[name],
                choices=", ".join(str(label) for label in CONTEXT_VALUE_LABELS[name].values()))))
    return problems


def need_problems(record: dict, session, known_codes: dict | None = None) -> list[Problem]:
    """The domain checks of a material-need record (after its JSON Schema passed)."""
    problems = _context_problems(record.get("context"))
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


def value_rows(record: dict) -> dict[str, tuple[float, bool]]:
    """The record's values as key -> (value, below the detection limit?): a value below the
    laboratory's detection limit is kept as that limit with the flag set."""
    rows = {key: (float(value), False) for key, value in flatten_groups(record).items()}
    for key, limit in (record.get("below_detection") or {}).items():
        rows[key] = (float(limit), True)
    return rows


def apply_stream_record(stream: SideStream, record: dict, *, replace_values: bool = True) -> None:
    """Write a checked side-stream record to ``stream`` (organisation is set by the caller)."""
    stream.title = record["title"].strip()
    stream.description = record.get("description") or ""
    stream.category = record["category"]
    code = record.get("ewc_code")
    stream.ewc_code = normalise_ewc_code(code) if code else None
    stream.industry = record.get("industry") or None
    stream.legal_status = record.get("legal_status") or None
    stream.legal_status_evidence = (record.get("legal_status_evidence") or "").strip() or None
    stream.material_type = record.get("material_type") or None
    stream.hazardous_properties = list(record.get("hazardous_properties") or [])
    stream.sources = list(record["sources"]) if record.get("sources") else None
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
        rows = value_rows(record)
        current = {v.property: v for v in stream.values}
        for key, row in current.items():
            if key not in rows:
                stream.values.remove(row)
        for key, (value, below) in rows.items():
            if key in current:
                current[key].value, current[key].below_detection = value, below
            else:
                stream.values.append(MeasuredValue(property=key, value=value, below_detection=below))


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
    need.context = dict(record["context"]) if record.get("context") else None
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
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


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
        "material_type": stream.material_type,
        "hazardous_properties": list(stream.hazardous_properties or []),
    }
    if stream.reveals_owner_to(viewer):
        # A decision's reference and a lab report's number name their holder.
        record["legal_status_evidence"] = stream.legal_status_evidence
        record["sources"] = list(stream.sources or [])
    if stream.shows_details_to(viewer):
        below = stream.below_detection_keys
        measured = {v.property: v.value for v in stream.values if v.property not in below}
        for group, values in group_values(measured).items():
            record[group] = values
        if below:
            record["below_detection"] = {v.property: v.value for v in stream.values if v.property in below}
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
        "visibility": need.visibility,
        "context": dict(need.context) if need.context else None,
    }
    record = _drop_none(record)
    if need.accepts_waste is False:
        record["accepts_waste"] = False
    return record


CATEGORY_CHOICES = CATEGORIES
AVAILABILITY_CHOICES = AVAILABILITIES
