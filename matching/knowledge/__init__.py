"""Loading the knowledge files: applications.json (uses, their rules and
sources) and list_of_waste.json (hazardous and mirror entries)."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .. import vocabulary as V

APPLICATIONS = ("geopolymer_binder", "dust_binder", "cover_layer", "fertiliser",
                "liming_agent", "soil_improver", "cement_scm", "concrete_aggregate",
                "earth_construction", "neutralisation", "filler", "fuel",
                "metal_recovery", "mass_stabilisation", "mine_backfill", "phosphorus_filter",
                "cement_raw_material", "co2_mineralisation", "other")


def load_knowledge(path: str | Path | None = None) -> dict:
    """The knowledge document; checks every rule and profile key against the
    vocabulary so that a typo in the data fails loudly."""
    if path is None:
        text = resources.files("matching.knowledge").joinpath("applications.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    doc = json.loads(text)
    apps = doc["applications"]
    missing = set(APPLICATIONS) - set(apps)
    if missing:
        raise ValueError(f"knowledge file lacks applications {sorted(missing)}")
    for name, app in apps.items():
        for r in app["rules"]:
            V.parse_expression(r["property"])
            if r.get("per"):
                V.parse_expression(r["per"])
            if r["kind"] not in ("legal", "standard", "technical"):
                raise ValueError(f"{name}/{r['id']}: bad kind {r['kind']!r}")
            if not r.get("source"):
                raise ValueError(f"{name}/{r['id']}: rule without source")
        for p in app["profiles"]:
            for k in p["values"]:
                V.kind_of(k)
        for k in app["analyses"]:
            V.kind_of(k)
    return doc


@lru_cache(maxsize=1)
def load_list_of_waste() -> dict:
    """{code 'NN NN NN': {'hazardous': bool, 'mirror': [codes]}} of the List
    of Waste (Commission Decision 2000/532/EC as replaced by 2014/955/EU).
    A hazardous entry without a mirror is absolute; with one, a mirror entry
    judged by the waste's hazardous properties."""
    text = resources.files("matching.knowledge").joinpath("list_of_waste.json").read_text("utf-8")
    return json.loads(text)["entries"]
