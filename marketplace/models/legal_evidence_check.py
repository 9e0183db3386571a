from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


class LegalEvidenceCheck(Base):
    """A broker's word that the documents behind a stream's legal status were read.

    It names the status it was given for: once the owner declares another status, the
    check no longer applies (``applies_to``)."""

    __tablename__ = "legal_evidence_check"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    side_stream_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="CASCADE"), unique=True
    )
    legal_status: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    checked_by_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    checked_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")

    checked_by: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821

    def applies_to(self, stream) -> bool:
        return stream is not None and stream.legal_status == self.legal_status

    def __repr__(self) -> str:
        return f"<LegalEvidenceCheck stream={self.side_stream_id} {self.legal_status}>"
