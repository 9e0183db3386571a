from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

DOCUMENT_TYPES = ("application/pdf", "image/png", "image/jpeg")


class VerificationDocument(Base):
    """Evidence a broker weighed when verifying an organisation, such as a signed
    partnership agreement. The bytes live in UPLOAD_DIR/verification/ under a random
    name, never in the static folder; only brokers and the organisation's admins read them."""

    __tablename__ = "verification_document"
    __table_args__ = (
        enum_check("content_type", DOCUMENT_TYPES),
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    organisation_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    review_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("review.id", ondelete="SET NULL"), index=True
    )
    stored_name: orm.Mapped[str] = orm.mapped_column(sa.String(80), unique=True)
    filename: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    content_type: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    size_bytes: orm.Mapped[int]
    uploaded_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    review: orm.Mapped["Review | None"] = orm.relationship()  # noqa: F821
    uploaded_by: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<VerificationDocument {self.id} {self.filename!r} organisation={self.organisation_id}>"
