"""Quality of the ranking on the two labelled sets (and broker marks).

Sets: ``labelled.json`` (built by build_labelled.py: archetypes graded by
practice, cut by hard rules) and ``practice.json`` (built by
build_practice.py: streams and needs written as sellers and buyers write
them, graded from published cases and the catalogue's sources only, with a
list of dangerous pairings).

Metrics over needs, top 5 of ``rank_streams`` (feasible only):
- nDCG@5 with gains 2**grade - 1, ideal from the labels;
- precision@5: share of the top 5 with grade >= 2, the denominator capped at
  the number of such streams for that need (so a need with two good streams
  can reach 1.0);
- infeasible@5: share of returned suggestions that the labels call
  infeasible (a hard rule broken, or a broker's "not good" mark);
- dangerous@5: number of dangerous pairings in the top 5 (practice.json
  ``dangerous`` by material type and application, ``dangerous_pairs`` by
  need and stream), on both sets; the target is none.
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from ..contract import ContractError
from ..matcher import Matcher
from ..model import validate_batch

LABELLED = Path(__file__).with_name("labelled.json")
PRACTICE = Path(__file__).with_name("practice.json")
K = 5


def load_marks(path) -> tuple[dict, list]:
    """Broker marks: JSON {"batch": path, "marks": [{need_id, stream_id, good,
    reason}]} or CSV with columns need_id,stream_id,good,reason,batch (batch on
    at least one row). Paths are relative to the marks file."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
            batch = next((r["batch"] for r in rows if r.get("batch")), None)
            marks = [{"need_id": r["need_id"], "stream_id": r["stream_id"],
                      "good": r["good"].strip().lower() in ("1", "true", "yes", "y"),
                      "reason": r.get("reason", "")} for r in rows]
        else:
            doc = json.loads(path.read_text("utf-8"))
            batch, marks = doc.get("batch"), doc.get("marks", [])
    except (OSError, ValueError, KeyError) as exc:
        raise ContractError([f"{path}: field '(file)': cannot read marks: {exc}"]) from None
    if not batch:
        raise ContractError([f"{path}: field 'batch': the marks name no batch file"])
    bpath = (path.parent / batch) if not Path(batch).is_absolute() else Path(batch)
    try:
        doc = json.loads(bpath.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ContractError([f"{bpath}: field '(file)': cannot read batch: {exc}"]) from None
    grades = [{"need_id": m["need_id"], "stream_id": m["stream_id"], "grade": 3 if m["good"] else 0,
               "infeasible": not m["good"], "justification": "broker: " + (m.get("reason") or "")}
              for m in marks]
    return doc, grades


def _dcg(gains):
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def danger_check(practice: dict, types: dict):
    """A function (need, stream_id) -> the dangerous pairing it makes, or None.
    ``types``: stream id -> its true material type."""
    pairs = {(d["need_id"], d["stream_id"]): d for d in practice["dangerous_pairs"]}

    def check(need, stream_id):
        hit = pairs.get((need.id, stream_id))
        if hit:
            return {"why": hit["why"], "source": hit["source"]}
        mtype = types.get(stream_id)
        for rule in practice["dangerous"]:
            if mtype in rule["types"] and need.application in rule["applications"]:
                return {"why": rule["why"], "source": rule["source"]}
        return None
    return check


def score_set(batch: dict, grades: list, matcher=None, danger=None) -> list:
    """Per-need metrics dicts for one batch and its grades; ``danger`` (see
    danger_check) lists the dangerous pairings found in each top 5."""
    streams, needs = validate_batch(batch)
    m = matcher or Matcher()
    m.fit(streams, needs)
    by_need = {}
    for g in grades:
        by_need.setdefault(g["need_id"], {})[g["stream_id"]] = g
    rows = []
    for need in needs:
        labels = by_need.get(need.id, {})
        top = m.rank_streams(need.id, top=K)
        got = [labels.get(x.stream_id, {"grade": 0, "infeasible": False}) for x in top]
        gains = [g["grade"] for g in got]
        ideal = sorted((g["grade"] for g in labels.values()), reverse=True)[:K]
        idcg = _dcg(ideal)
        relevant = sum(1 for g in labels.values() if g["grade"] >= 2)
        rows.append({
            "need_id": need.id,
            "ndcg": _dcg(gains) / idcg if idcg > 0 else (1.0 if not top else 0.0),
            "precision": (sum(1 for g in gains if g >= 2) / min(K, relevant)) if relevant else None,
            "infeasible": sum(1 for g in got if g.get("infeasible")),
            "returned": len(top),
            "dangerous": [{"need_id": need.id, "stream_id": x.stream_id, "application": need.application, **hit}
                          for x in top if danger and (hit := danger(need, x.stream_id))],
        })
    return rows


def summarise(rows) -> dict:
    prec = [r["precision"] for r in rows if r["precision"] is not None]
    ret = sum(r["returned"] for r in rows)
    return {"needs": len(rows),
            "ndcg@5": round(sum(r["ndcg"] for r in rows) / max(1, len(rows)), 4),
            "precision@5": round(sum(prec) / max(1, len(prec)), 4),
            "infeasible@5": round(sum(r["infeasible"] for r in rows) / max(1, ret), 4),
            "dangerous@5": sum(len(r.get("dangerous", ())) for r in rows)}


def labelled_types(doc: dict, practice: dict) -> dict:
    """Stream id -> material type for labelled.json ("archetype@Town" ids)."""
    return {s["id"]: practice["labelled_types"][s["id"].split("@")[0]] for s in doc["batch"]["side_streams"]}


def evaluate(marks=None) -> dict:
    """Summaries of both sets (and of broker marks when given) and the list of
    dangerous pairings found in any top 5."""
    doc = json.loads(LABELLED.read_text("utf-8"))
    practice = json.loads(PRACTICE.read_text("utf-8"))
    rows = score_set(doc["batch"], doc["grades"], danger=danger_check(practice, labelled_types(doc, practice)))
    prows = score_set(practice["batch"], practice["grades"], danger=danger_check(practice, practice["types"]))
    out = {"labelled": summarise(rows), "practice": summarise(prows),
           "dangerous": ([dict(d, set="labelled") for r in rows for d in r["dangerous"]]
                         + [dict(d, set="practice") for r in prows for d in r["dangerous"]])}
    if marks:
        batch, grades = load_marks(marks)
        mrows = score_set(batch, grades)
        out["marks"] = summarise(mrows)
        out["combined"] = summarise(rows + mrows)
    return out
