"""Interest in a listing before any deal: an enquiry to its owner, or a request that the
Center's broker introduce two organisations (for an anonymous or brokered listing, whose
owner the enquirer may not learn before the introduction)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

ENQUIRY_KINDS = ("enquiry", "introduction")
# open: a conversation, or a request waiting for the broker; declined: the broker declined
# the introduction; deal: a broker introduced the parties, or either side opened a deal.
ENQUIRY_STATES = ("open", "declined", "deal")


class Enquiry(Base):
    """One organisation's interest in one listing (a side stream or a need), with its thread."""

    __tablename__ = "enquiry"
    __table_args__ = (
        enum_check("kind", ENQUIRY_KINDS),
        enum_check("state", ENQUIRY_STATES),
        sa.CheckConstraint("(side_stream_id IS NULL) <> (need_id IS NULL)", name="one_listing"),
        sa.CheckConstraint("quantity_t IS NULL OR quantity_t > 0", name="quantity_positive"),
        sa.Index("ix_enquiry_sender_created", "sender_id", "created_at"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(12))
    state: orm.Mapped[str] = orm.mapped_column(sa.String(8), default="open")
    side_stream_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="CASCADE"), index=True)
    need_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("material_need.id", ondelete="CASCADE"), index=True)
    # The enquirer's own listing of the other kind, when they named one: the pairing the
    # broker judges (with the match's explanation) and the deal is opened on.
    own_stream_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="SET NULL"))
    own_need_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("material_need.id", ondelete="SET NULL"))
    sender_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    sender_org_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    owner_org_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    body: orm.Mapped[str] = orm.mapped_column(sa.Text)
    quantity_t: orm.Mapped[float | None]
    timing: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    decision_note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    decided_by_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    deal_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("deal.id", ondelete="SET NULL"))
    reported_at: orm.Mapped[datetime | None]
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    last_message_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    side_stream: orm.Mapped["SideStream | None"] = orm.relationship(foreign_keys=[side_stream_id])  # noqa: F821
    need: orm.Mapped["MaterialNeed | None"] = orm.relationship(foreign_keys=[need_id])  # noqa: F821
    own_stream: orm.Mapped["SideStream | None"] = orm.relationship(foreign_keys=[own_stream_id])  # noqa: F821
    own_need: orm.Mapped["MaterialNeed | None"] = orm.relationship(foreign_keys=[own_need_id])  # noqa: F821
    sender: orm.Mapped["User | None"] = orm.relationship(foreign_keys=[sender_id])  # noqa: F821
    sender_org: orm.Mapped["Organisation"] = orm.relationship(foreign_keys=[sender_org_id])  # noqa: F821
    owner_org: orm.Mapped["Organisation"] = orm.relationship(foreign_keys=[owner_org_id])  # noqa: F821
    deal: orm.Mapped["Deal | None"] = orm.relationship()  # noqa: F821
    messages: orm.Mapped[list[EnquiryMessage]] = orm.relationship(
        back_populates="enquiry", cascade="all, delete-orphan", order_by="EnquiryMessage.id")

    @property
    def listing(self):
        return self.side_stream if self.side_stream_id is not None else self.need

    def __repr__(self) -> str:
        return f"<Enquiry {self.id} {self.kind} {self.state}>"


class EnquiryMessage(Base):
    """A message in an enquiry's thread (the first one is the enquiry itself)."""

    __tablename__ = "enquiry_message"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    enquiry_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("enquiry.id", ondelete="CASCADE"), index=True)
    author_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: orm.Mapped[str] = orm.mapped_column(sa.Text)
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    enquiry: orm.Mapped[Enquiry] = orm.relationship(back_populates="messages")
    author: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821
