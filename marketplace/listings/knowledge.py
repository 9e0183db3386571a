"""What the matching engine knows of each application, as the need form uses it.

Read through this accessor so that a missing or late knowledge file only means that
no limits are pre-filled (the engine applies its rules anyway when it matches)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

KNOWLEDGE_FILE = Path(__file__).resolve().parents[2] / "matching" / "knowledge" / "applications.json"


@lru_cache(maxsize=1)
def _knowledge(mtime: float) -> dict:
    try:
        return json.loads(KNOWLEDGE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"applications": {}}


def knowledge() -> dict:
    try:
        mtime = KNOWLEDGE_FILE.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _knowledge(mtime)


def application(name: str) -> dict:
    return knowledge().get("applications", {}).get(name) or {}


def suited(name: str) -> tuple[list[str], list[str]]:
    """(material types, categories) that suit an application, from the engine's material
    catalogue (matching.materials.Catalogue.suited): the site's "suitable for" filter
    and the engine's documented-use matrix are one definition."""
    from matching.materials import load_catalogue
    return load_catalogue().suited(name)


def prefill_requirements(name: str, category: str | None = None) -> list[dict]:
    """One requirement per property the application's rules limit, at the strictest limit
    among the rules (several laws may limit the same property). Rules restricted to
    stream categories are included, their categories named in the note.

    Each item: property, per, min, max, kind ('legal', 'standard', 'technical'), note, sources."""
    merged: dict[tuple, dict] = {}
    for rule in application(name).get("rules", []):
        if category and rule.get("categories") and category not in rule["categories"]:
            continue
        key = (rule["property"], rule.get("per") or "", tuple(rule.get("categories") or ()))
        item = merged.setdefault(key, {
            "property": rule["property"], "per": rule.get("per") or "", "min": None, "max": None,
            "kind": rule["kind"], "sources": [], "rules": [],
            "categories": list(rule.get("categories") or []),
        })
        item["rules"].append(rule["id"])
        if rule.get("min") is not None:
            item["min"] = rule["min"] if item["min"] is None else max(item["min"], rule["min"])
        if rule.get("max") is not None:
            item["max"] = rule["max"] if item["max"] is None else min(item["max"], rule["max"])
        if rule["kind"] in ("legal", "standard"):
            item["kind"] = rule["kind"] if item["kind"] == "technical" else item["kind"]
        if rule.get("source") and rule["source"] not in item["sources"]:
            item["sources"].append(rule["source"])
    out = []
    for item in merged.values():
        note = f"{item['kind']}: {', '.join(item['rules'])}"
        if item["categories"]:
            note += f" ({', '.join(item['categories'])})"
        item["note"] = note[:500]
        out.append(item)
    return out


def legal_limits(name: str) -> dict[tuple[str, str], dict]:
    """The limits of 'legal' and 'standard' rules of an application, by (property, per)."""
    return {(r["property"], r["per"]): r for r in prefill_requirements(name)
            if r["kind"] in ("legal", "standard") and not r["categories"]}
