"""The matches' part of the after-save work: read what a written side stream is, and
rank a written listing's matches again."""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from .. import signals
from ..db import db
from ..models import MeasuredValue, SideStream
from .engine import read_materials
from .services import refresh_many

# Streams read per batch of the recogniser (bounds its feature matrix and the IN lists).
READ_CHUNK = 500


def _measured_values(ids) -> dict[int, dict[str, float]]:
    """{stream id: values measured above the detection limit}, in one SELECT (an import
    writes its values in bulk, so the streams' own collections are not loaded)."""
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for stream_id, key, value in db.session.execute(
        sa.select(MeasuredValue.side_stream_id, MeasuredValue.property, MeasuredValue.value)
        .where(MeasuredValue.side_stream_id.in_(ids), MeasuredValue.below_detection.is_(False))
    ):
        out[stream_id][key] = value
    return out


def read_material_types(streams) -> None:
    """Keep on each stream what the recogniser reads it as (``material_type_read``) and
    how sure it is; the type the seller stated stays in ``material_type``."""
    streams = [s for s in streams if isinstance(s, SideStream)]
    for start in range(0, len(streams), READ_CHUNK):
        chunk = streams[start:start + READ_CHUNK]
        values = _measured_values([s.id for s in chunk])
        for stream, reading in zip(chunk, read_materials(chunk, values)):
            stream.material_type_read = reading.key
            stream.material_type_confidence = round(reading.confidence, 4)


def read_all_material_types() -> tuple[int, int]:
    """Read every side stream again, committed a chunk at a time: after an upgrade whose
    recogniser reads differently, the stored readings (shown on pages and forms) follow.
    (streams read, readings changed)."""
    read = changed = 0
    last_id = 0
    while True:
        streams = db.session.scalars(sa.select(SideStream).where(SideStream.id > last_id)
                                     .order_by(SideStream.id).limit(READ_CHUNK)).all()
        if not streams:
            return read, changed
        before = {s.id: (s.material_type_read, s.material_type_confidence) for s in streams}
        read_material_types(streams)
        changed += sum((s.material_type_read, s.material_type_confidence) != before[s.id] for s in streams)
        read += len(streams)
        last_id = streams[-1].id
        db.session.commit()


def _read_and_rank(sender, listings, **extra) -> None:
    db.session.flush()  # the recogniser and the engine read the values from the database
    read_material_types(listings)
    db.session.flush()
    refresh_many(db.session, listings)


def _rank_again(sender, listings, **extra) -> None:
    db.session.flush()  # the engine reads the listings from the database
    refresh_many(db.session, listings)


def connect_signals() -> None:
    signals.listings_saved.connect(_read_and_rank)
    for signal in (signals.listings_closed, signals.listings_renewed):
        signal.connect(_rank_again)
