"""A report file (the impact of deals, the cluster's self-evaluation) built by a job of the
queue: what was asked, by whom, in which language, and the file once it is built."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

REPORT_KINDS = ("impact", "evaluation")
REPORT_FORMATS = ("csv", "xlsx")
REPORT_STATES = ("queued", "done", "failed")


class ReportFile(Base):
    """Written with the request that asks for the file, with the job that builds it; the
    job writes ``content`` and ``state='done'`` in the commit that ends it, so a retried
    job writes the file once. The page follows ``state`` (and the job's, while it runs)."""

    __tablename__ = "report_file"
    __table_args__ = (enum_check("kind", REPORT_KINDS), enum_check("fmt", REPORT_FORMATS),
                      enum_check("state", REPORT_STATES),
                      sa.CheckConstraint("year IS NULL OR (year >= 2000 AND year <= 2100)", name="year_in_range"))

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(12))
    fmt: orm.Mapped[str] = orm.mapped_column(sa.String(4))
    year: orm.Mapped[int | None]
    language: orm.Mapped[str] = orm.mapped_column(sa.String(5), default="fi")
    user_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    job_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("job.id", ondelete="SET NULL"))
    state: orm.Mapped[str] = orm.mapped_column(sa.String(8), default="queued")
    filename: orm.Mapped[str] = orm.mapped_column(sa.String(120), default="")
    content_type: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    content: orm.Mapped[bytes | None] = orm.mapped_column(sa.LargeBinary, deferred=True)
    size_bytes: orm.Mapped[int] = orm.mapped_column(default=0)
    error: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    finished_at: orm.Mapped[datetime | None]

    job: orm.Mapped["Job | None"] = orm.relationship()  # noqa: F821

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def __repr__(self) -> str:
        return f"<ReportFile {self.id} {self.kind} {self.year} {self.fmt} {self.state}>"
