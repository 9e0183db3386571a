"""Brokers' marks in the format the engine's evaluation reads
(``python -m matching evaluate --marks FILE``, matching/eval/evaluate.py ``load_marks``):

- JSON: ``{"batch": "batch.json", "marks": [{"need_id", "stream_id", "good", "reason"}]}``
- CSV: columns ``need_id,stream_id,good,reason,batch`` (``batch`` on every row)

``batch`` is a path relative to the marks file, naming a contract batch
(matching/schemas/batch.schema.json) of the marked streams and needs; the ZIP bundle holds
the three files side by side, ready for the command. Organisation names are left out."""
from __future__ import annotations

import io
import json
import zipfile

from matching import vocabulary

from ..spreadsheets import csv_text

BATCH_FILENAME = "batch.json"
GROUP_OF_KIND = {"composition": "composition", "trace": "trace", "leaching": "leaching",
                 "properties": "properties"}


def _drop_empty(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def stream_record(stream) -> dict:
    groups: dict[str, dict[str, float]] = {}
    for value in stream.values:
        try:
            group = GROUP_OF_KIND[vocabulary.kind_of(value.property)]
        except KeyError:
            continue
        groups.setdefault(group, {})[value.property] = float(value.value)
    ewc = None
    if stream.ewc_code:
        ewc = stream.ewc_code + ("*" if stream.is_hazardous and not stream.ewc_code.endswith("*") else "")
    return _drop_empty({
        "id": str(stream.id), "title": stream.title, "description": stream.description or "",
        "category": stream.category, "ewc_code": ewc, "industry": stream.industry,
        "legal_status": stream.legal_status, **groups,
        "quantity_t_per_year": stream.quantity_t_per_year, "price_eur_per_t": stream.price_eur_per_t,
        "location": _drop_empty({"lat": stream.lat, "lon": stream.lon, "place": stream.place}),
    })


def need_record(need) -> dict:
    requirements = [
        _drop_empty({"property": r.property, "per": r.per, "min": r.min, "max": r.max, "note": r.note})
        for r in need.requirements
    ]
    record = _drop_empty({
        "id": str(need.id), "title": need.title, "description": need.description or "",
        "application": need.application, "categories": list(need.categories or []),
        "ewc_codes": list(need.ewc_codes or []), "requirements": requirements,
        "quantity_t_per_year": need.quantity_t_per_year,
        "min_quantity_t_per_year": need.min_quantity_t_per_year,
        "max_distance_km": need.max_distance_km, "max_price_eur_per_t": need.max_price_eur_per_t,
        "location": _drop_empty({"lat": need.lat, "lon": need.lon, "place": need.place}),
    })
    if need.accepts_waste is not None:
        record["accepts_waste"] = need.accepts_waste
    if need.permitted_ewc_codes is not None:
        record["permitted_ewc_codes"] = list(need.permitted_ewc_codes)
    return record


def batch_document(marks) -> dict:
    streams = {m.side_stream.id: m.side_stream for m in marks}
    needs = {m.need.id: m.need for m in marks}
    return {"side_streams": [stream_record(s) for _, s in sorted(streams.items())],
            "needs": [need_record(n) for _, n in sorted(needs.items())]}


def mark_rows(marks) -> list[dict]:
    return [{"need_id": str(m.need_id), "stream_id": str(m.side_stream_id), "good": bool(m.good),
             "reason": m.reason} for m in sorted(marks, key=lambda m: m.id)]


def marks_json(marks) -> str:
    return json.dumps({"batch": BATCH_FILENAME, "marks": mark_rows(marks)}, ensure_ascii=False, indent=1)


def marks_csv(marks) -> str:
    rows = [[row["need_id"], row["stream_id"], "true" if row["good"] else "false", row["reason"], BATCH_FILENAME]
            for row in mark_rows(marks)]
    return csv_text(["need_id", "stream_id", "good", "reason", "batch"], rows)


def batch_json(marks) -> str:
    return json.dumps(batch_document(marks), ensure_ascii=False, indent=1)


def bundle(marks) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("marks.json", marks_json(marks))
        archive.writestr("marks.csv", marks_csv(marks))
        archive.writestr(BATCH_FILENAME, batch_json(marks))
    return buffer.getvalue()
