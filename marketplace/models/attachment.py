from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

# legal_evidence: a by-product or end-of-waste decision, or a product's declaration of
# performance, behind a stream's legal status (marketplace.compliance).
ATTACHMENT_KINDS = ("lab_certificate", "safety_data_sheet", "legal_evidence", "other")
ATTACHMENT_TYPES = ("application/pdf", "image/png", "image/jpeg")


class Attachment(Base):
    """A file attached to something on the site: a lab certificate or a safety data sheet
    of a listing today; deal messages and service requests add their own nullable keys.

    The bytes live outside the static folder, named by their SHA-256 (content-addressed:
    the same file uploaded twice is stored once). ``content_type`` is what the bytes are
    (sniffed from their magic numbers), never what the browser claimed."""

    __tablename__ = "attachment"
    __table_args__ = (
        enum_check("kind", ATTACHMENT_KINDS),
        enum_check("content_type", ATTACHMENT_TYPES),
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
        sa.CheckConstraint("side_stream_id IS NULL OR need_id IS NULL", name="one_owner"),
        sa.CheckConstraint(
            "deal_message_id IS NULL OR (side_stream_id IS NULL AND need_id IS NULL)",
            name="message_owns_alone",
        ),
        sa.CheckConstraint(
            "service_request_message_id IS NULL OR "
            "(side_stream_id IS NULL AND need_id IS NULL AND deal_message_id IS NULL)",
            name="request_message_owns_alone",
        ),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    sha256: orm.Mapped[str] = orm.mapped_column(sa.String(64), index=True)
    filename: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    content_type: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    size_bytes: orm.Mapped[int]
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="other")
    title: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    side_stream_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="CASCADE"), index=True
    )
    need_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("material_need.id", ondelete="CASCADE"), index=True
    )
    # A file sent in a deal's thread (marketplace.deals): only the deal's participants fetch it.
    deal_message_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("deal_message.id", ondelete="CASCADE"), index=True
    )
    # A file sent in a service request's thread (marketplace.providers): only its
    # participants fetch it.
    service_request_message_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("service_request_message.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    side_stream: orm.Mapped["SideStream | None"] = orm.relationship()  # noqa: F821
    need: orm.Mapped["MaterialNeed | None"] = orm.relationship()  # noqa: F821
    uploaded_by: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821

    @property
    def listing(self):
        return self.side_stream or self.need

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename!r} {self.sha256[:12]}>"
