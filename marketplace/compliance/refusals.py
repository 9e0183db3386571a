"""The side streams the law keeps from a need: infeasible because the stream is waste and
the receiver is not entitled to take it (Waste Act 646/2011, section 29), a hazardous
entry its permit does not name, or a waste outside the decree the use relies on. Shown to
the need's owner and the brokers, so that a receiver sees what a permit would open."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext

import matching
from matching import reasons as R

from ..matches import engine
from ..matches.services import can_see_matches, engine_needs, engine_streams
from ..models import SideStream

LEGAL_TEMPLATES = (R.WASTE_NOT_ACCEPTED, R.WASTE_CODE_NOT_PERMITTED, R.WASTE_CODE_UNKNOWN,
                   R.HAZARDOUS_NOT_PERMITTED, R.SCOPE_NOT_LISTED)
# The checks (matching/checks.py) whose refusals give those reasons: only the streams one
# of them refuses have their reasons built, not every stream the need cannot take.
LEGAL_CHECKS = frozenset({"legal_status", "hazardous", "scope"})


@dataclass
class Refusal:
    stream: SideStream
    reasons: list[str]


def refused_by_law(session, need, viewer, today: date | None = None, limit: int = 20) -> list[Refusal]:
    """The best streams the law keeps from the need, ranked by the process's fitted engine
    (a fit of its own only when asked as on another day than today)."""
    if not can_see_matches(need, viewer):
        return []
    needs = engine_needs(session, ids=[need.id], today=today)
    if not needs:
        return []
    if today is None or today == date.today():
        try:
            live = engine.current(session)
        except engine.EngineWarming:
            return []  # a worker just started: the page is shown without them rather than not at all
        ranked = live.refused_streams(needs[0], LEGAL_CHECKS)
    else:
        streams = engine_streams(session, today=today)
        ranked = matching.Matcher().fit(streams, needs).rank_refused_for(needs[0], LEGAL_CHECKS) if streams else []
    refused = []
    for match in ranked:
        legal = [r for r in match.reasons if r.template in LEGAL_TEMPLATES and r.ok is False]
        if legal:
            refused.append((int(match.stream_id), [r.render(gettext) for r in legal]))
        # Reasons are built per stream: stop once there are enough to show, with room for
        # the ones the reader may not see.
        if len(refused) >= 2 * limit:
            break
    rows = {s.id: s for s in session.scalars(sa.select(SideStream).where(
        SideStream.id.in_([stream_id for stream_id, _r in refused])))}
    out = []
    for stream_id, texts in refused:
        stream = rows.get(stream_id)
        if stream is not None and stream.is_visible_to(viewer):
            out.append(Refusal(stream, texts))
        if len(out) >= limit:
            break
    return out
