from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

REFRESH_PHASES = ("needs", "streams", "ideas", "done")


class MatchRefresh(Base):
    """A full ranking of every listing, committed in chunks: the phase it is in and the
    last listing id done, so that an interrupted run goes on from there."""

    __tablename__ = "match_refresh"
    __table_args__ = (enum_check("phase", REFRESH_PHASES),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    phase: orm.Mapped[str] = orm.mapped_column(sa.String(8), default="needs")
    last_id: orm.Mapped[int] = orm.mapped_column(default=0)
    done: orm.Mapped[int] = orm.mapped_column(default=0)
    total: orm.Mapped[int] = orm.mapped_column(default=0)
    started_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    finished_at: orm.Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<MatchRefresh {self.id} {self.phase} after {self.last_id} ({self.done}/{self.total})>"
