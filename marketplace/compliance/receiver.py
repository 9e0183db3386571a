"""What a receiver needs to take a stream, by the law the engine knows: a waste stream may
be handed only to a receiver entitled to take it (Waste Act 646/2011, section 29)."""
from __future__ import annotations

import json
from functools import lru_cache

from flask_babel import gettext as _

from ..listings.knowledge import KNOWLEDGE_FILE

MARA = "Government Decree 843/2017 (MARA)"


@lru_cache(maxsize=1)
def mara_codes() -> frozenset[str]:
    """The wastes of Annex 1 of 843/2017, as the engine's knowledge file lists them."""
    apps = json.loads(KNOWLEDGE_FILE.read_text(encoding="utf-8"))["applications"]
    scope = apps.get("earth_construction", {}).get("scope") or {}
    return frozenset(c.replace("*", "").strip() for c in scope.get("ewc_codes", []))


def is_waste_stream(legal_status: str | None, ewc_code: str | None) -> bool:
    """Waste, or not stated with a List of Waste code (then it is treated as waste)."""
    return legal_status == "waste" or (legal_status is None and bool(ewc_code))


def receiver_requirements(stream, application: str | None = None) -> list[str]:
    """Sentences saying what the receiver would need; empty for a stream that is not waste."""
    if not is_waste_stream(stream.legal_status, stream.ewc_code):
        return []
    code = stream.ewc_code
    if not code:
        return [_("The stream is waste without a List of Waste code: give the code, the receiver's "
                  "permit or registration must cover it (Waste Act 646/2011, section 29).")]
    display = code + ("*" if stream.is_hazardous else "")
    out = [_("The receiver needs an environmental permit or a registration covering EWC %(code)s "
             "(Waste Act 646/2011, section 29).", code=display)]
    if stream.is_hazardous:
        out.append(_("EWC %(code)s is a hazardous entry: the permit must name this code, and each "
                     "transport needs a transfer document (Waste Act 646/2011, section 121).", code=display))
    if application in (None, "earth_construction"):
        if code in mara_codes():
            out.append(_("For earth construction, a registration under %(act)s is enough: EWC %(code)s "
                         "is in its Annex 1 (within the decree's limits).", act=MARA, code=display))
        elif application == "earth_construction":
            out.append(_("EWC %(code)s is not in Annex 1 of %(act)s: earth construction needs an "
                         "environmental permit naming this code.", code=display, act=MARA))
    if stream.legal_status is None:
        out.append(_("The holder has not stated the legal status: it is treated as waste until a "
                     "by-product or end-of-waste decision says otherwise."))
    return out
