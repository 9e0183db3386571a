from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

IMPORT_STATES = ("queued", "checking", "writing", "done", "failed")


class ImportJob(Base):
    """One upload of listings (CSV, XLSX or JSON), its progress and its report.

    Large files run in a background thread; the page polls this row. ``report`` holds
    the outcome: counts created and updated, or every error by row and field."""

    __tablename__ = "import_job"
    __table_args__ = (enum_check("state", IMPORT_STATES),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    user_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    filename: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    state: orm.Mapped[str] = orm.mapped_column(sa.String(10), default="queued")
    total: orm.Mapped[int] = orm.mapped_column(default=0)
    done: orm.Mapped[int] = orm.mapped_column(default=0)
    report: orm.Mapped[dict | None] = orm.mapped_column(sa.JSON)
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    finished_at: orm.Mapped[datetime | None]

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def __repr__(self) -> str:
        return f"<ImportJob {self.id} {self.state} {self.done}/{self.total}>"
