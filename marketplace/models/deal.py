"""A deal: a broker (or the two parties) taking a pairing of a side stream and a material
need towards deliveries, with its history of states and the deliveries recorded.

The allowed state changes live here, in ``TRANSITIONS``, once for the site and the API.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

STATES = (
    "proposed", "introduced", "negotiating", "trial", "agreed", "delivering", "completed",
    "declined", "cancelled",
)
# The happy path, in order: a state "has passed" another when it comes later here.
PROGRESS = ("proposed", "introduced", "negotiating", "trial", "agreed", "delivering", "completed")
CLOSED_STATES = ("completed", "declined", "cancelled")
# Leaving the happy path needs a reason, said to both parties.
NEEDS_REASON = ("declined", "cancelled")

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "proposed": ("introduced", "declined", "cancelled"),
    "introduced": ("negotiating", "declined", "cancelled"),
    "negotiating": ("trial", "agreed", "declined", "cancelled"),
    "trial": ("negotiating", "agreed", "declined", "cancelled"),
    "agreed": ("delivering", "cancelled"),
    "delivering": ("completed", "cancelled"),
    "completed": (),
    "declined": (),
    "cancelled": (),
}


def transition_allowed(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, ())


def is_step_back(from_state: str, to_state: str) -> bool:
    """A move to an earlier stage of the happy path (trial back to negotiating)."""
    return (from_state in PROGRESS and to_state in PROGRESS
            and PROGRESS.index(to_state) < PROGRESS.index(from_state))


def needs_confirmation(from_state: str, to_state: str) -> bool:
    """A step back or a closing step is asked twice: each hop stays in the history."""
    return is_step_back(from_state, to_state) or to_state in CLOSED_STATES


# Deliveries are recorded while material moves: from the trial until the deal closes.
DELIVERY_STATES = ("trial", "agreed", "delivering")


class Deal(Base):
    """One side stream going to one material need.

    ``version`` is SQLAlchemy's version counter: an UPDATE names the version it read, so
    the second of two people saving the same deal changes no row and gets a conflict.
    The listing's category, application, place and legal status are copied at opening:
    impact reports keep counting a deal by what it was, whatever the listings become."""

    __tablename__ = "deal"
    __table_args__ = (
        enum_check("state", STATES),
        sa.CheckConstraint("tonnes_per_year IS NULL OR tonnes_per_year >= 0", name="tonnes_not_negative"),
        sa.CheckConstraint("supplier_id <> buyer_id", name="two_parties"),
        sa.Index("ix_deal_state_last_event", "state", "last_event_at"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    side_stream_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="SET NULL"), index=True
    )
    need_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("material_need.id", ondelete="SET NULL"), index=True
    )
    supplier_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    buyer_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    broker_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    opened_by_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    state: orm.Mapped[str] = orm.mapped_column(sa.String(12), default="proposed")
    reason: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    tonnes_per_year: orm.Mapped[float | None]
    price_eur_per_t: orm.Mapped[float | None]
    start_date: orm.Mapped[date | None]
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")

    # Copied from the listings and the match when the deal is opened.
    title: orm.Mapped[str] = orm.mapped_column(sa.String(420))
    category: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    application: orm.Mapped[str] = orm.mapped_column(sa.String(24))
    place: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    was_waste: orm.Mapped[bool] = orm.mapped_column(default=False)
    hazardous: orm.Mapped[bool] = orm.mapped_column(default=False)
    match_score: orm.Mapped[float | None]
    road_km: orm.Mapped[float | None]
    transport_co2_kg_per_t: orm.Mapped[float | None]

    introduced_at: orm.Mapped[datetime | None]
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    last_event_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    version: orm.Mapped[int] = orm.mapped_column(nullable=False)

    __mapper_args__ = {"version_id_col": version}

    side_stream: orm.Mapped["SideStream | None"] = orm.relationship()  # noqa: F821
    need: orm.Mapped["MaterialNeed | None"] = orm.relationship()  # noqa: F821
    supplier: orm.Mapped["Organisation"] = orm.relationship(foreign_keys=[supplier_id])  # noqa: F821
    buyer: orm.Mapped["Organisation"] = orm.relationship(foreign_keys=[buyer_id])  # noqa: F821
    broker: orm.Mapped["User | None"] = orm.relationship(foreign_keys=[broker_id])  # noqa: F821
    opened_by: orm.Mapped["User | None"] = orm.relationship(foreign_keys=[opened_by_id])  # noqa: F821
    events: orm.Mapped[list[DealEvent]] = orm.relationship(
        back_populates="deal", cascade="all, delete-orphan", order_by="DealEvent.id"
    )
    deliveries: orm.Mapped[list[Delivery]] = orm.relationship(
        back_populates="deal", cascade="all, delete-orphan", order_by="Delivery.delivered_on"
    )
    delivery_changes: orm.Mapped[list[DeliveryChange]] = orm.relationship(
        cascade="all, delete-orphan", order_by="DeliveryChange.id"
    )

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES

    @property
    def is_introduced(self) -> bool:
        return self.introduced_at is not None

    def next_states(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.state, ())

    def is_party(self, user) -> bool:
        return bool(
            user and user.is_authenticated and user.organisation_id is not None
            and user.organisation_id in (self.supplier_id, self.buyer_id)
        )

    def is_visible_to(self, user) -> bool:
        """Both parties' members and the brokers; everyone else is told there is no deal."""
        return bool(user and user.is_authenticated and (user.is_broker or self.is_party(user)))

    def side_of(self, user) -> str | None:
        if not self.is_party(user):
            return None
        return "supplier" if user.organisation_id == self.supplier_id else "buyer"

    def __repr__(self) -> str:
        return f"<Deal {self.id} {self.state} stream={self.side_stream_id} need={self.need_id}>"


class DealEvent(Base):
    """One state change (or the opening, from_state None): who, when, from, to, why."""

    __tablename__ = "deal_event"
    __table_args__ = (enum_check("to_state", STATES),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    deal_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    actor_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    from_state: orm.Mapped[str | None] = orm.mapped_column(sa.String(12))
    to_state: orm.Mapped[str] = orm.mapped_column(sa.String(12))
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    deal: orm.Mapped[Deal] = orm.relationship(back_populates="events")
    actor: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<DealEvent {self.id} deal={self.deal_id} {self.from_state}->{self.to_state}>"


DELIVERY_CHANGES = ("recorded", "corrected", "removed")


class DeliveryChange(Base):
    """A delivery recorded, corrected or removed: who, when, the figures before and after.
    The deal's history shows these beside its state changes."""

    __tablename__ = "delivery_change"
    __table_args__ = (enum_check("action", DELIVERY_CHANGES),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    deal_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    delivery_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("delivery.id", ondelete="SET NULL"))
    actor_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    action: orm.Mapped[str] = orm.mapped_column(sa.String(10))
    old_delivered_on: orm.Mapped[date | None]
    old_tonnes: orm.Mapped[float | None]
    new_delivered_on: orm.Mapped[date | None]
    new_tonnes: orm.Mapped[float | None]
    note: orm.Mapped[str] = orm.mapped_column(sa.String(500), default="")
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    actor: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821


class Delivery(Base):
    """Tonnes delivered under a deal on a day, as the broker recorded them."""

    __tablename__ = "delivery"
    __table_args__ = (sa.CheckConstraint("tonnes > 0", name="tonnes_positive"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    deal_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    delivered_on: orm.Mapped[date]
    tonnes: orm.Mapped[float]
    note: orm.Mapped[str] = orm.mapped_column(sa.String(500), default="")
    recorded_by_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    deal: orm.Mapped[Deal] = orm.relationship(back_populates="deliveries")
    recorded_by: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Delivery {self.id} deal={self.deal_id} {self.delivered_on} {self.tonnes} t>"
