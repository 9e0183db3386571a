"""Words of the domain in both languages, and number formats for templates."""
from __future__ import annotations

from flask import g
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {
    "slag": _l("Slag"),
    "ash": _l("Ash"),
    "dust": _l("Dust"),
    "sludge": _l("Sludge"),
    "tailings": _l("Tailings"),
    "waste_rock": _l("Waste rock"),
    "gypsum": _l("Gypsum"),
    "lime_residue": _l("Lime residue"),
    "dregs": _l("Dregs"),
    "biomass_residue": _l("Biomass residue"),
    "metal_scrap": _l("Metal scrap"),
    "mineral_fines": _l("Mineral fines"),
    "other": _l("Other"),
}

APPLICATION_LABELS = {
    "geopolymer_binder": _l("Geopolymer binder"),
    "dust_binder": _l("Dust binder"),
    "cover_layer": _l("Cover layer"),
    "fertiliser": _l("Fertiliser"),
    "liming_agent": _l("Liming agent"),
    "soil_improver": _l("Soil improver"),
    "cement_scm": _l("Supplementary cementitious material"),
    "concrete_aggregate": _l("Concrete aggregate"),
    "earth_construction": _l("Earth construction"),
    "neutralisation": _l("Neutralisation"),
    "filler": _l("Filler"),
    "fuel": _l("Fuel"),
    "metal_recovery": _l("Metal recovery"),
    "mass_stabilisation": _l("Mass stabilisation"),
    "mine_backfill": _l("Mine backfill"),
    "phosphorus_filter": _l("Phosphorus filter"),
    "cement_raw_material": _l("Cement raw material"),
    "co2_mineralisation": _l("CO2 mineralisation"),
    "other": _l("Other use"),
}

LEGAL_STATUS_LABELS = {
    "waste": _l("Waste"),
    "by_product": _l("By-product"),
    "end_of_waste": _l("End-of-waste"),
    "product": _l("Product"),
}

VISIBILITY_LABELS = {
    "public": _l("Public"),
    "anonymous": _l("Anonymous"),
    "brokered": _l("Brokered only"),
}

STATUS_LABELS = {
    "draft": _l("Draft"),
    "active": _l("Active"),
    "reserved": _l("Reserved"),
    "closed": _l("Closed"),
}

AVAILABILITY_LABELS = {
    "continuous": _l("Continuous"),
    "seasonal": _l("Seasonal"),
    "batch": _l("Batch"),
    "stockpile": _l("Stockpile"),
}

ROLE_LABELS = {
    "member": _l("Member"),
    "org_admin": _l("Organisation admin"),
    "broker": _l("Broker"),
    "admin": _l("Site admin"),
}


def number(value, digits: int = 2) -> str:
    """A number in the reader's language (decimal comma in Finnish); '–' for none."""
    if value is None:
        return "–"
    return format_decimal(value, format=f"#,##0.{'#' * digits}" if digits else "#,##0")


def language() -> str:
    return g.get("language", "fi")


def property_names(keys) -> str:
    """Analysed properties as people write them, in the reader's language ("leaching of As",
    "Cr(VI)"), never the engine's keys."""
    from flask_babel import gettext

    from matching.vocabulary import display_name

    return ", ".join(display_name(key, gettext) for key in keys)


def template_helpers() -> dict:
    return {
        "property_names": property_names,
        "CATEGORY_LABELS": CATEGORY_LABELS,
        "APPLICATION_LABELS": APPLICATION_LABELS,
        "LEGAL_STATUS_LABELS": LEGAL_STATUS_LABELS,
        "VISIBILITY_LABELS": VISIBILITY_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "AVAILABILITY_LABELS": AVAILABILITY_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "number": number,
        "language": language(),
    }
