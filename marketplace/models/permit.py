"""An environmental permit or registration that entitles an organisation to receive waste.

A waste holder may hand waste only to a receiver entitled to take it (Waste Act 646/2011,
section 29): a treatment operator under an environmental permit, or one registered in the
environmental protection information system, e.g. under Government Decree 843/2017 (MARA)
for earth construction. The List of Waste codes a permit covers are what matching uses
for the organisation's needs while the permit is valid."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

PERMIT_KINDS = (
    "environmental_permit", "mara_registration", "waste_treatment_registration",
    "waste_management_register", "other",
)


class Permit(Base):
    """One decision or registration, with the codes it covers and its document.

    ``valid_until`` is the last day the permit counts (inclusive); empty: until further
    notice. The document's bytes live in the attachments' content-addressed store."""

    __tablename__ = "permit"
    __table_args__ = (
        enum_check("kind", PERMIT_KINDS),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_from IS NULL OR valid_from <= valid_until",
            name="validity_ordered",
        ),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    organisation_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(30))
    authority: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    decision_number: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    decision_date: orm.Mapped[date | None]
    valid_from: orm.Mapped[date | None]
    valid_until: orm.Mapped[date | None]
    ewc_codes: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    document_sha256: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    document_filename: orm.Mapped[str | None] = orm.mapped_column(sa.String(200))
    document_content_type: orm.Mapped[str | None] = orm.mapped_column(sa.String(40))
    document_size_bytes: orm.Mapped[int | None]
    created_by_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    updated_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow, onupdate=utcnow)

    organisation: orm.Mapped["Organisation"] = orm.relationship()  # noqa: F821

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    @classmethod
    def valid_on_clause(cls, day: date):
        return sa.and_(
            sa.or_(cls.valid_from.is_(None), cls.valid_from <= day),
            sa.or_(cls.valid_until.is_(None), cls.valid_until >= day),
        )

    def __repr__(self) -> str:
        return f"<Permit {self.id} {self.kind} {self.decision_number!r} organisation={self.organisation_id}>"
