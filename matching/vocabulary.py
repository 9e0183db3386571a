"""Property vocabulary of the interchange contract (shared/contract/README.md).

One flat namespace of keys, used both in a stream's measured values and in a
need's requirements. Keys are case-sensitive; an unknown key is an error.
"""
from __future__ import annotations

import difflib
import re

#: Major components, wt% of dry mass.
COMPOSITION_KEYS = (
    "SiO2", "Al2O3", "Fe2O3", "FeO", "CaO", "CaO_free", "MgO", "SO3", "S",
    "S_sulphide", "Na2O", "K2O", "P2O5", "TiO2", "MnO", "Cr2O3", "ZnO", "CuO",
    "NiO", "BaO", "C", "TOC", "Cl", "F", "LOI",
)
#: Trace elements, total content, mg/kg dry.
TRACE_KEYS = (
    "As", "Ba", "Be", "Cd", "Co", "Cr", "CrVI", "Cu", "Hg", "Mo", "Ni", "Pb",
    "Sb", "Se", "Sn", "Tl", "V", "Zn",
)
#: Leaching, EN 12457-2 at L/S 10, mg/kg dry.
LEACHING_KEYS = tuple("leach:" + k for k in TRACE_KEYS) + (
    "leach:Cl", "leach:SO4", "leach:F", "leach:DOC",
)
#: Physical and other properties; units in PHYSICAL_UNITS.
PHYSICAL_UNITS = {
    "d50_mm": "mm", "d90_mm": "mm", "max_particle_mm": "mm",
    "passing_0063_pct": "%", "moisture_pct": "%", "ph": "",
    "bulk_density_t_m3": "t/m3", "amorphous_pct": "%",
    "specific_surface_m2_kg": "m2/kg", "neutralising_value_pct": "% CaO eq.",
    "organic_matter_pct": "%", "calorific_value_mj_kg": "MJ/kg",
    "compressive_strength_mpa": "MPa", "hydraulic_conductivity_m_s": "m/s",
    "los_angeles": "LA", "nordic_abrasion": "AN",
}
PHYSICAL_KEYS = tuple(PHYSICAL_UNITS)

ALL_KEYS = COMPOSITION_KEYS + TRACE_KEYS + LEACHING_KEYS + PHYSICAL_KEYS
_KIND = {**{k: "composition" for k in COMPOSITION_KEYS},
         **{k: "trace" for k in TRACE_KEYS},
         **{k: "leaching" for k in LEACHING_KEYS},
         **{k: "properties" for k in PHYSICAL_KEYS}}

#: Components that add up to the dry mass. FeO is left out because Fe2O3 is
#: total iron; S, S_sulphide, C and TOC are left out because SO3 and LOI
#: already account for them; CaO_free is part of CaO.
MAJOR_SUM_KEYS = ("SiO2", "Al2O3", "Fe2O3", "CaO", "MgO", "SO3", "Na2O", "K2O",
                  "P2O5", "TiO2", "MnO", "Cr2O3", "ZnO", "CuO", "NiO", "BaO",
                  "Cl", "F", "LOI")
#: Allowed excess of the major-component sum over 100 wt%, in wt% points:
#: XRF analyses of oxidised slags routinely close at 100-102 % (FeO reported
#: as Fe2O3 gains mass on ignition).
MAJOR_SUM_TOLERANCE = 2.0

_EXPR = re.compile(r"^(leach:)?[A-Za-z][A-Za-z0-9_]*(\+(leach:)?[A-Za-z][A-Za-z0-9_]*)*$")


def is_known(key: str) -> bool:
    """True if ``key`` is one vocabulary key (case-sensitive)."""
    return key in _KIND


def kind_of(key: str) -> str:
    """Group of a key: 'composition', 'trace', 'leaching' or 'properties'."""
    try:
        return _KIND[key]
    except KeyError:
        raise KeyError(f"unknown property key {key!r}") from None


def unit_of(key: str) -> str:
    """Unit of a key: 'wt%', 'mg/kg' or the physical unit."""
    kind = kind_of(key)
    if kind == "composition":
        return "wt%"
    if kind in ("trace", "leaching"):
        return "mg/kg"
    return PHYSICAL_UNITS[key]


def suggest(key: str) -> str | None:
    """Closest known key (difflib), e.g. 'sio2' -> 'SiO2', or None."""
    lowered = {k.lower(): k for k in ALL_KEYS}
    if key.lower() in lowered:
        return lowered[key.lower()]
    hits = difflib.get_close_matches(key, ALL_KEYS, n=1, cutoff=0.6)
    return hits[0] if hits else None


def parse_expression(expr: str) -> tuple[str, ...]:
    """Split 'SiO2+Al2O3' into ('SiO2', 'Al2O3'); raise ValueError if unknown."""
    if not isinstance(expr, str) or not _EXPR.match(expr):
        raise ValueError(f"{expr!r} is not a key or a sum of keys joined by '+'")
    keys = tuple(expr.split("+"))
    for k in keys:
        if not is_known(k):
            hint = suggest(k)
            raise ValueError(f"unknown property key {k!r}"
                             + (f"; did you mean {hint!r}?" if hint else ""))
    if len(set(keys)) != len(keys):
        raise ValueError(f"{expr!r} names a key twice")
    return keys


def unit_of_expression(keys: tuple[str, ...]) -> str:
    """Unit of a sum: the common unit, or '' when the keys differ in unit."""
    units = {unit_of(k) for k in keys}
    return units.pop() if len(units) == 1 else ""


def N_(message: str) -> str:
    """No-op marker: the string is a translatable name (``pybabel extract -k N_``)."""
    return message


#: Names of keys as people write them, where the key itself is not how they
#: write it. Translatable; keys not listed here are shown as they are (SiO2, Cd).
DISPLAY_NAMES = {
    "CrVI": "Cr(VI)", "CaO_free": N_("free CaO"), "S": N_("total S"),
    "S_sulphide": N_("sulphide S"), "LOI": N_("loss on ignition"),
    "d50_mm": "d50", "d90_mm": "d90", "max_particle_mm": N_("largest particle size"),
    "passing_0063_pct": N_("passing 0.063 mm"), "moisture_pct": N_("moisture"), "ph": "pH",
    "bulk_density_t_m3": N_("bulk density"), "amorphous_pct": N_("glass (amorphous) content"),
    "specific_surface_m2_kg": N_("specific surface"),
    "neutralising_value_pct": N_("neutralising value"),
    "organic_matter_pct": N_("organic matter"), "calorific_value_mj_kg": N_("calorific value"),
    "compressive_strength_mpa": N_("compressive strength"),
    "hydraulic_conductivity_m_s": N_("hydraulic conductivity"),
    "los_angeles": N_("Los Angeles value"), "nordic_abrasion": N_("Nordic abrasion value"),
    "leach:DOC": N_("leaching of DOC"),
}
LEACHING_NAME = N_("leaching of {element}")
#: Fields of a record that a match may say are missing, as people name them.
FIELD_NAMES = {"material_type": N_("material type"), "ewc_code": N_("EWC code"),
               "quantity_t_per_year": N_("quantity")}
_TOKEN = re.compile(r"(leach:)?[A-Za-z][A-Za-z0-9_]*")


def display_name(expr: str, gettext=None) -> str:
    """A key, sum ('SiO2+Al2O3') or ratio label ('(CaO+MgO)/SiO2') as people
    write it ('Cr(VI)', 'leaching of As'), translated with ``gettext``.
    Text that is not a vocabulary key is returned unchanged."""
    tr = gettext or (lambda s: s)

    def one(match):
        key = match.group(0)
        if key in FIELD_NAMES:
            return tr(FIELD_NAMES[key])
        if not is_known(key):
            return key
        if key in DISPLAY_NAMES:
            return tr(DISPLAY_NAMES[key])
        if key.startswith("leach:"):
            element = key[len("leach:"):]
            return tr(LEACHING_NAME).format(element=DISPLAY_NAMES.get(element, element))
        return key

    return _TOKEN.sub(one, expr)
