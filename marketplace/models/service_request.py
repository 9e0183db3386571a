"""A service request: the owner of a side stream (or a broker) asks a provider for a
service, mostly an analysis that a match or a pairing idea says is missing. A thread
like a deal's, between the stream's organisation, the provider and one broker.

What the provider learns of the stream is what the owner chose to share when sending
(``share_title``, ``share_values``) and never more than the listing's visibility allows:
the organisation and the exact place only of a public, published stream."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

REQUEST_STATES = ("open", "answered", "declined", "withdrawn")


class ServiceRequest(Base):
    __tablename__ = "service_request"
    __table_args__ = (
        enum_check("state", REQUEST_STATES),
        sa.CheckConstraint("answered_at IS NULL OR state = 'answered'", name="answered_when_answered"),
        sa.Index("ix_service_request_created_at", "created_at"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    provider_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("service_provider.id", ondelete="CASCADE"), index=True
    )
    service_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("provider_service.id", ondelete="SET NULL"), index=True
    )
    side_stream_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="CASCADE"), index=True
    )
    requester_organisation_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The broker copied on the thread: whoever sent it, if a broker, else the first broker
    # to write in it. Until then every broker hears of the request.
    broker_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    service_kind: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    property_keys: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    share_title: orm.Mapped[bool] = orm.mapped_column(default=True)
    share_values: orm.Mapped[bool] = orm.mapped_column(default=False)
    state: orm.Mapped[str] = orm.mapped_column(sa.String(10), default="open")
    # What the provider answered: [{"property": key, "value": number}], in the key's unit.
    results: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    answered_at: orm.Mapped[datetime | None]
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    last_event_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    provider: orm.Mapped["ServiceProvider"] = orm.relationship()  # noqa: F821
    service: orm.Mapped["ProviderService | None"] = orm.relationship()  # noqa: F821
    side_stream: orm.Mapped["SideStream"] = orm.relationship()  # noqa: F821
    requester_organisation: orm.Mapped["Organisation"] = orm.relationship()  # noqa: F821
    requested_by: orm.Mapped["User | None"] = orm.relationship(foreign_keys=[requested_by_id])  # noqa: F821
    broker: orm.Mapped["User | None"] = orm.relationship(foreign_keys=[broker_id])  # noqa: F821
    messages: orm.Mapped[list[ServiceRequestMessage]] = orm.relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="ServiceRequestMessage.id"
    )

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def is_requester(self, user) -> bool:
        return bool(user and user.is_authenticated and user.is_member_of(self.requester_organisation_id))

    def is_provider(self, user) -> bool:
        return bool(user and user.is_authenticated and user.is_member_of(self.provider.organisation_id))

    def is_visible_to(self, user) -> bool:
        """The stream's organisation, the provider's organisation and the brokers."""
        if not (user and user.is_authenticated):
            return False
        return user.is_broker or self.is_requester(user) or self.is_provider(user)

    def __repr__(self) -> str:
        return f"<ServiceRequest {self.id} {self.service_kind} stream={self.side_stream_id} {self.state}>"


class ServiceRequestMessage(Base):
    """A message in a request's thread. Its files are ``Attachment`` rows pointing here."""

    __tablename__ = "service_request_message"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    request_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    author_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: orm.Mapped[str] = orm.mapped_column(sa.Text)
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow, index=True)

    request: orm.Mapped[ServiceRequest] = orm.relationship(back_populates="messages")
    author: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821
    attachments: orm.Mapped[list["Attachment"]] = orm.relationship(  # noqa: F821
        primaryjoin="Attachment.service_request_message_id == ServiceRequestMessage.id",
        foreign_keys="Attachment.service_request_message_id", order_by="Attachment.id", viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<ServiceRequestMessage {self.id} request={self.request_id} author={self.author_id}>"
