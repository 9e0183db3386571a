"""Measured values in the contract's vocabulary: reading a pasted lab report, converting
units, and the checks every value of a side stream must pass (forms and imports alike).

Units: major components in wt% of dry mass, trace elements and leaching in mg/kg dry,
physical properties in the unit the vocabulary names (matching.vocabulary.unit_of).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from matching import vocabulary as V

GROUPS = ("composition", "trace", "leaching", "properties")

# How many of the canonical unit one of the given unit is, for the mass-fraction kinds.
# 1 wt% = 10 000 mg/kg; ppm and g/t are mg/kg; Finnish lab reports write "p-%" for wt%.
_MASS_UNITS = {
    "%": 1e4, "wt%": 1e4, "wt-%": 1e4, "p-%": 1e4, "m-%": 1e4, "paino-%": 1e4,
    "mg/kg": 1.0, "ppm": 1.0, "g/t": 1.0, "g/kg": 1e3, "µg/g": 1.0, "ug/g": 1.0,
}
_CANONICAL_MG_PER_KG = {"composition": 1e4, "trace": 1.0, "leaching": 1.0}


@dataclass
class Problem:
    """One thing wrong with an input: the field it concerns (in the contract's dotted form,
    e.g. ``composition.SiO2`` or ``requirements[1].min``) and a message for people."""

    field: str
    message: str


def parse_number(text) -> float | None:
    """'30,5', '30.5', ' 1 200,5 ' or 30.5 -> float; '' or None -> None; raise ValueError."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if cleaned == "":
        return None
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")  # 1,200.5
    cleaned = cleaned.replace(",", ".")
    if cleaned.startswith("<"):
        # "below the detection limit" is not a value
        raise ValueError(cleaned)
    value = float(cleaned)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(cleaned)
    return value


def canonical_unit(key: str) -> str:
    return V.unit_of(key)


def convert(key: str, value: float, unit: str | None) -> float:
    """The value in the key's canonical unit; raise ValueError for a unit that does not fit."""
    unit = (unit or "").strip()
    if not unit or unit == V.unit_of(key):
        return value
    kind = V.kind_of(key)
    if kind in _CANONICAL_MG_PER_KG:
        factor = _MASS_UNITS.get(unit.lower().replace(" ", ""))
        if factor is None:
            raise ValueError(unit)
        return value * factor / _CANONICAL_MG_PER_KG[kind]
    if unit in ("%",) and V.unit_of(key).startswith("%"):
        return value
    raise ValueError(unit)


def known_key(text: str) -> str | None:
    """The vocabulary key for a spelling found in lab reports ('sio2', 'Cr(VI)'), or None."""
    key = text.strip()
    if V.is_known(key):
        return key
    aliases = {"cr(vi)": "CrVI", "cr6+": "CrVI", "ph": "ph", "loi": "LOI", "hehkutushäviö": "LOI",
               "kosteus": "moisture_pct", "moisture": "moisture_pct"}
    if key.lower() in aliases:
        return aliases[key.lower()]
    lowered = {k.lower(): k for k in V.ALL_KEYS}
    return lowered.get(key.lower())


_LINE = re.compile(
    r"^\s*(?P<key>(?:leach:)?[A-Za-z][A-Za-z0-9_()+:]*)\s*[:=]?\s+"
    r"(?P<value>[<>]?\s*-?[0-9][0-9\s\u00a0]*(?:[.,][0-9]+)?)\s*(?P<unit>[^\s].*?)?\s*$"
)


def parse_lab_report(text: str) -> tuple[list[tuple[str, float, bool]], list[str]]:
    """Read lines of 'key value [unit]' (tab or spaces; decimal comma or point) as
    (key, value in the canonical unit, below detection) rows, plus a message for each
    line not understood. 'Cr(VI) < 0,5 mg/kg' is kept: below the detection limit of 0.5
    (the contract's ``below_detection``), what a receiver wants to see.

    'SiO2\\t30,5', 'CaO 42.1 %', 'Cd 0,8 mg/kg', 'Cr 4 %' (= 40 000 mg/kg) all read.
    Blank lines and lines without a number (headings) are skipped silently."""
    rows, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c for c in re.split(r"\t|;", line) if c.strip()]
        if len(cells) >= 2:
            line = " ".join(c.strip() for c in cells)
        match = _LINE.match(line)
        if match is None:
            if re.search(r"[0-9]", line):
                problems.append(_("Line %(n)d not understood: %(line)s", n=number, line=line.strip()))
            continue
        raw_key, raw_value, unit = match["key"], match["value"], match["unit"]
        key = known_key(raw_key)
        if key is None:
            hint = V.suggest(raw_key)
            problems.append(
                _("Line %(n)d: unknown property %(key)s; did you mean %(hint)s?", n=number,
                  key=raw_key, hint=hint) if hint else
                _("Line %(n)d: unknown property %(key)s", n=number, key=raw_key)
            )
            continue
        raw_value = raw_value.replace(" ", "")
        below = raw_value.startswith("<")
        try:
            value = parse_number(raw_value[1:] if below else raw_value)
            if raw_value.startswith(">"):
                raise ValueError(raw_value)
        except ValueError:
            problems.append(_("Line %(n)d: %(value)s is not a number", n=number, value=raw_value.strip()))
            continue
        try:
            value = convert(key, value, unit)
        except ValueError:
            problems.append(_("Line %(n)d: the unit %(unit)s does not fit %(key)s (%(canonical)s)",
                              n=number, unit=unit, key=key, canonical=V.unit_of(key)))
            continue
        rows.append((key, round(value, 10), below))
    return rows, problems


def unknown_key_message(key: str) -> str:
    hint = V.suggest(key)
    if hint:
        return _("Unknown property %(key)s. Did you mean %(hint)s?", key=key, hint=hint)
    return _("Unknown property %(key)s: use a key of the vocabulary.", key=key)


def check_value(key: str, value: float) -> str | None:
    """What is wrong with one value in its canonical unit, or None."""
    if not V.is_known(key):
        return unknown_key_message(key)
    kind = V.kind_of(key)
    if value < 0:
        if kind == "composition":
            return _("%(key)s must be between 0 and 100 wt%%.", key=key)
        if kind in ("trace", "leaching"):
            return _("%(key)s cannot be negative (mg/kg).", key=key)
        return _("%(key)s cannot be negative.", key=key)
    if kind == "composition" and value > 100:
        return _("%(key)s must be between 0 and 100 wt%%.", key=key)
    if kind in ("trace", "leaching") and value > 1e6:
        return _("%(key)s is more than the whole mass (1 000 000 mg/kg).", key=key)
    if key == "ph" and value > 14:
        return _("pH must be between 0 and 14.")
    if key.endswith("_pct") and value > 100:
        return _("%(key)s must be between 0 and 100 %%.", key=key)
    return None


def check_values(values: dict[str, float]) -> list[Problem]:
    """Every problem of a stream's values, keyed by the contract's field names."""
    problems = []
    for key, value in values.items():
        message = check_value(key, value)
        if message:
            group = V.kind_of(key) if V.is_known(key) else "composition"
            problems.append(Problem(f"{group}.{key}", message))
    total = sum(v for k, v in values.items() if k in V.MAJOR_SUM_KEYS and v is not None)
    if total > 100 + V.MAJOR_SUM_TOLERANCE:
        problems.append(Problem("composition", _(
            "The major components (with LOI) add up to %(total)s wt%%, more than 100 %% plus "
            "the tolerance of %(tolerance)s points.",
            total=f"{total:.1f}", tolerance=f"{V.MAJOR_SUM_TOLERANCE:g}")))
    if values.get("CaO_free") is not None and values.get("CaO") is not None \
            and values["CaO_free"] > values["CaO"]:
        problems.append(Problem("composition.CaO_free", _("Free CaO cannot exceed total CaO.")))
    return problems


def group_values(values: dict[str, float]) -> dict[str, dict[str, float]]:
    """{'SiO2': 30, 'Cd': 1} -> {'composition': {'SiO2': 30}, 'trace': {'Cd': 1}} (contract form)."""
    groups: dict[str, dict[str, float]] = {}
    for key, value in values.items():
        groups.setdefault(V.kind_of(key), {})[key] = value
    return groups


def flatten_groups(record: dict) -> dict[str, float]:
    """The contract's four value groups of a record as one dict of key -> value."""
    flat = {}
    for group in GROUPS:
        flat.update(record.get(group) or {})
    return flat


def ordered_keys(keys) -> list[str]:
    """Keys in the vocabulary's order (composition, trace, leaching, physical)."""
    order = {k: i for i, k in enumerate(V.ALL_KEYS)}
    return sorted(keys, key=lambda k: (order.get(k, len(order)), k))


def major_components(values: dict[str, float]) -> list[tuple[str, float]]:
    """The major components present, largest first (for the chart)."""
    return sorted(((k, v) for k, v in values.items() if k in V.MAJOR_SUM_KEYS),
                  key=lambda kv: -kv[1])
