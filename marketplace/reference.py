"""Reference data shipped with the site: the European List of Waste."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from .models import WasteCode, WasteHeading

LIST_OF_WASTE = Path(__file__).parent / "data" / "list_of_waste.json"


@lru_cache(maxsize=1)
def list_of_waste() -> dict:
    return json.loads(LIST_OF_WASTE.read_text(encoding="utf-8"))


def sync_reference_data(session) -> dict:
    """Insert or update every List of Waste entry and heading; safe to run again."""
    data = list_of_waste()
    headings = {h.code: h for h in session.scalars(sa.select(WasteHeading))}
    for row in data["chapters"] + data["subchapters"]:
        heading = headings.get(row["code"]) or WasteHeading(code=row["code"])
        heading.title_en, heading.title_fi, heading.title_sv = row["title_en"], row.get("title_fi"), row.get("title_sv")
        session.add(heading)
    codes = {c.code: c for c in session.scalars(sa.select(WasteCode))}
    for row in data["entries"]:
        entry = codes.get(row["code"]) or WasteCode(code=row["code"])
        entry.chapter, entry.subchapter = row["code"][:2], row["code"][:5]
        entry.title_en, entry.title_fi, entry.title_sv = row["title_en"], row.get("title_fi"), row.get("title_sv")
        entry.hazardous, entry.mirror = bool(row["hazardous"]), list(row.get("mirror") or [])
        session.add(entry)
    session.flush()
    return {"codes": len(data["entries"]), "headings": len(data["chapters"]) + len(data["subchapters"])}


def normalise_ewc_code(code: str) -> str:
    """'100202', '10 02 02' or '10 02 02*' -> '10 02 02' (the hazard mark lives on the entry)."""
    from matching.contract import normalise_ewc

    return normalise_ewc(code).rstrip("*")
