"""Validation of contract records: JSON Schema first, then domain checks.

The schemas in ``matching/schemas`` are identical copies of
``shared/contract``; the runtime never reads ``shared``.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import json
import re
from functools import lru_cache
from importlib import resources

import jsonschema
from referencing import Registry, Resource

from . import vocabulary as V
from .knowledge import load_list_of_waste

SCHEMA_FILES = ("side-stream.schema.json", "material-need.schema.json",
                "batch.schema.json", "matches.schema.json")


class ContractError(ValueError):
    """Bad input. ``messages``: one string per problem, each naming the record
    id, the field and the reason."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def load_schema(name: str) -> dict:
    """One schema of the contract, from the package copy."""
    return json.loads(resources.files("matching.schemas").joinpath(name).read_text("utf-8"))


@lru_cache(maxsize=None)
def _validator(name: str):
    registry = Registry().with_resources(
        (n, Resource.from_contents(load_schema(n))) for n in SCHEMA_FILES)
    return jsonschema.Draft202012Validator(
        load_schema(name), registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def normalise_ewc(code: str) -> str:
    """'100202' or '10 02 02' -> '10 02 02'; a trailing '*' is kept."""
    star = code.endswith("*")
    digits = code.rstrip("*").replace(" ", "")
    return f"{digits[0:2]} {digits[2:4]} {digits[4:6]}" + ("*" if star else "")


def _path(error) -> str:
    parts = [p for p in error.absolute_path]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (("." if out else "") + str(p))
    return out or "(record)"


def _label(kind: str, index, record) -> str:
    rid = record.get("id") if isinstance(record, dict) else None
    where = f"{kind}[{index}]" if index is not None else kind
    return f"{where} (id {rid!r})" if rid is not None else where


def schema_errors(record, schema: str, kind: str, index=None) -> list[str]:
    """Schema violations of one record as messages."""
    out = []
    for err in sorted(_validator(schema).iter_errors(record), key=lambda e: list(e.absolute_path)):
        field = _path(err)
        reason = err.message
        if err.validator == "additionalProperties" and err.validator_value is False:
            reason = "unknown field: " + reason.split("(")[-1].rstrip(")")
        out.append(f"{_label(kind, index, record)}: field '{field}': {reason}")
    return out


def _range_check(key: str, value: float) -> str | None:
    kind = V.kind_of(key)
    if kind == "composition" and not 0 <= value <= 100:
        return f"{value:g} wt% is outside 0..100"
    if kind in ("trace", "leaching") and value > 1e6:
        return f"{value:g} mg/kg is more than the whole mass (1e6 mg/kg)"
    if key == "ph" and not 0 <= value <= 14:
        return f"pH {value:g} is outside 0..14"
    if key.endswith("_pct") and value > 100:
        return f"{value:g} % is above 100"
    return None


@lru_cache(maxsize=1)
def material_type_keys() -> frozenset:
    """Material types the engine knows: the contract's (schemas/material-types.json)
    and any its catalogue (knowledge/materials.json) adds."""
    doc = json.loads(resources.files("matching.schemas").joinpath("material-types.json").read_text("utf-8"))
    keys = {t["key"] for t in doc["types"]}
    catalogue = resources.files("matching.knowledge").joinpath("materials.json")
    if catalogue.is_file():
        keys |= set(json.loads(catalogue.read_text("utf-8"))["types"])
    return frozenset(keys)


def ewc_star_error(code: str) -> str | None:
    """A '*' that disagrees with the List of Waste, as a message naming the
    right form; None when it agrees or the code is not on the list."""
    plain = normalise_ewc(code).rstrip("*")
    entry = load_list_of_waste().get(plain)
    if entry is None:
        return None
    starred = code.strip().endswith("*")
    if entry["hazardous"] and not starred:
        return f"{plain} is a hazardous entry of the List of Waste: write it '{plain}*'"
    if starred and not entry["hazardous"]:
        return f"{plain} is not a hazardous entry of the List of Waste: write it '{plain}' without '*'"
    return None


def stream_domain_errors(rec: dict, index=None) -> list[str]:
    """Checks the schema can't express, for one side-stream record."""
    out, label = [], _label("side_streams", index, rec)
    expected = {"composition": "composition", "trace": "trace",
                "leaching": "leaching", "properties": "properties"}
    for group, want in expected.items():
        for key, value in (rec.get(group) or {}).items():
            field = f"{group}.{key}"
            if key.startswith("leach:") and group != "leaching":
                out.append(f"{label}: field '{field}': 'leach:' keys belong in 'leaching' only")
                continue
            if group == "leaching" and not key.startswith("leach:"):
                out.append(f"{label}: field '{field}': leaching keys must start with 'leach:'")
                continue
            if not V.is_known(key):
                hint = V.suggest(key)
                out.append(f"{label}: field '{field}': unknown property key {key!r}"
                           + (f"; did you mean {hint!r}?" if hint else ""))
                continue
            if V.kind_of(key) != want:
                out.append(f"{label}: field '{field}': {key!r} belongs in '{V.kind_of(key)}'")
                continue
            problem = _range_check(key, value)
            if problem:
                out.append(f"{label}: field '{field}': {problem}")
    comp = rec.get("composition") or {}
    total = sum(v for k, v in comp.items() if k in V.MAJOR_SUM_KEYS)
    if total > 100 + V.MAJOR_SUM_TOLERANCE:
        out.append(f"{label}: field 'composition': major components incl. LOI add up to "
                   f"{total:g} wt%, more than 100 + {V.MAJOR_SUM_TOLERANCE:g}")
    if "CaO_free" in comp and "CaO" in comp and comp["CaO_free"] > comp["CaO"]:
        out.append(f"{label}: field 'composition.CaO_free': free CaO exceeds total CaO")
    mtype = rec.get("material_type")
    if mtype and mtype not in material_type_keys():
        hint = difflib.get_close_matches(mtype, sorted(material_type_keys()), n=1)
        out.append(f"{label}: field 'material_type': unknown material type {mtype!r}"
                   + (f"; did you mean {hint[0]!r}?" if hint else ""))
    if rec.get("ewc_code"):
        problem = ewc_star_error(rec["ewc_code"])
        if problem:
            out.append(f"{label}: field 'ewc_code': {problem}")
    measured = {k for g in expected for k in (rec.get(g) or {})}
    for key, limit in (rec.get("below_detection") or {}).items():
        field = f"below_detection.{key}"
        if not V.is_known(key):
            hint = V.suggest(key)
            out.append(f"{label}: field '{field}': unknown property key {key!r}"
                       + (f"; did you mean {hint!r}?" if hint else ""))
        elif key in measured:
            out.append(f"{label}: field '{field}': {key!r} also has a measured value")
        else:
            problem = _range_check(key, limit)
            if problem:
                out.append(f"{label}: field '{field}': {problem}")
    for i, src in enumerate(rec.get("sources") or []):
        for key in src.get("properties") or []:
            if not V.is_known(key):
                out.append(f"{label}: field 'sources[{i}].properties': unknown property key {key!r}")
    a, b = rec.get("available_from"), rec.get("available_until")
    if a and b:
        try:
            if _dt.date.fromisoformat(a) > _dt.date.fromisoformat(b):
                out.append(f"{label}: field 'available_until': {b} is before available_from {a}")
        except ValueError:
            pass  # the schema's date format check reports it
    return out


def need_domain_errors(rec: dict, index=None) -> list[str]:
    """Checks the schema can't express, for one material-need record."""
    out, label = [], _label("needs", index, rec)
    for i, req in enumerate(rec.get("requirements") or []):
        for fld in ("property", "per"):
            if fld in req:
                try:
                    V.parse_expression(req[fld])
                except ValueError as exc:
                    out.append(f"{label}: field 'requirements[{i}].{fld}': {exc}")
        lo, hi = req.get("min"), req.get("max")
        if lo is not None and hi is not None and lo > hi:
            out.append(f"{label}: field 'requirements[{i}]': min {lo:g} is greater than max {hi:g}")
    lo, q = rec.get("min_quantity_t_per_year"), rec.get("quantity_t_per_year")
    if lo is not None and q is not None and lo > q:
        out.append(f"{label}: field 'min_quantity_t_per_year': {lo:g} is greater than "
                   f"quantity_t_per_year {q:g}")
    if rec.get("accepts_waste") is False and rec.get("permitted_ewc_codes"):
        out.append(f"{label}: field 'permitted_ewc_codes': given although accepts_waste is false")
    return out


def check_stream(rec, index=None) -> list[str]:
    errs = schema_errors(rec, "side-stream.schema.json", "side_streams", index)
    return errs or stream_domain_errors(rec, index)


def check_need(rec, index=None) -> list[str]:
    errs = schema_errors(rec, "material-need.schema.json", "needs", index)
    return errs or need_domain_errors(rec, index)


def check_batch(doc) -> list[str]:
    """All problems of a batch document (empty list if valid)."""
    if not isinstance(doc, dict):
        return ["batch: field '(document)': must be an object with 'side_streams' and/or 'needs'"]
    errs = [m for m in schema_errors({k: v for k, v in doc.items()
                                      if k not in ("side_streams", "needs")},
                                     "batch.schema.json", "batch")]
    for kind, check in (("side_streams", check_stream), ("needs", check_need)):
        items = doc.get(kind, [])
        if not isinstance(items, list):
            errs.append(f"batch: field '{kind}': must be an array")
            continue
        seen = {}
        for i, rec in enumerate(items):
            errs.extend(check(rec, i))
            rid = rec.get("id") if isinstance(rec, dict) else None
            if rid is not None:
                if rid in seen:
                    errs.append(f"{kind}[{i}] (id {rid!r}): field 'id': duplicate of {kind}[{seen[rid]}]")
                else:
                    seen[rid] = i
    return errs


_WS = re.compile(r"\s+")


def clean_text(s: str | None) -> str:
    return _WS.sub(" ", s or "").strip()
