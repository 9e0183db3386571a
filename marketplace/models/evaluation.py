"""The cluster's yearly self-evaluation: the date and note a broker saves for a year.
The figures it judges are never stored: they are counted from the data when shown."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


class Evaluation(Base):
    __tablename__ = "evaluation"
    __table_args__ = (sa.CheckConstraint("year >= 2000 AND year <= 2100", name="year_in_range"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    year: orm.Mapped[int] = orm.mapped_column(unique=True)
    evaluated_on: orm.Mapped[date]
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    broker_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow, onupdate=utcnow)

    broker: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Evaluation {self.year} {self.evaluated_on}>"
