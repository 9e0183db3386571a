from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, point_column, utcnow

ORGANISATION_KINDS = ("producer", "buyer", "both", "center", "provider")
VERIFICATION_STATES = ("pending", "verified", "rejected")


def business_id_is_valid(business_id: str) -> bool:
    """Check a Finnish business ID (Y-tunnus, 'NNNNNNN-C').

    The check digit: weights 7, 9, 10, 5, 8, 4, 2 on the seven digits, remainder of
    the sum by 11; remainder 0 gives 0, remainder 1 is never issued, otherwise
    11 - remainder (Finnish Tax Administration / PRH, 'Y-tunnuksen tarkistusmerkki').
    """
    if len(business_id) != 9 or business_id[7] != "-":
        return False
    digits, check = business_id[:7], business_id[8]
    if not (digits.isdigit() and check.isdigit()):
        return False
    remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2))) % 11
    if remainder == 1:
        return False
    return int(check) == (0 if remainder == 0 else 11 - remainder)


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (
        enum_check("kind", ORGANISATION_KINDS),
        enum_check("verification_status", VERIFICATION_STATES),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200), unique=True)
    business_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(40))
    country: orm.Mapped[str] = orm.mapped_column(sa.String(2), default="FI")
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="both")
    description_en: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    description_fi: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    email: orm.Mapped[str | None] = orm.mapped_column(sa.String(254))
    phone: orm.Mapped[str | None] = orm.mapped_column(sa.String(40))
    website: orm.Mapped[str | None] = orm.mapped_column(sa.String(300))
    verification_status: orm.Mapped[str] = orm.mapped_column(sa.String(10), default="pending")
    verification_note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    verified_at: orm.Mapped[datetime | None]
    show_as_member: orm.Mapped[bool] = orm.mapped_column(default=False)
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    sites: orm.Mapped[list[Site]] = orm.relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="Site.id"
    )
    members: orm.Mapped[list["User"]] = orm.relationship(
        back_populates="organisation", foreign_keys="User.organisation_id"
    )
    reviews: orm.Mapped[list[Review]] = orm.relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="Review.id"
    )

    @property
    def verified_by(self) -> "User | None":
        decided = [r for r in self.reviews if r.decision == "verified"]
        return decided[-1].broker if decided else None

    @property
    def is_verified(self) -> bool:
        return self.verification_status == "verified"

    def description(self, language: str) -> str:
        return (self.description_fi if language == "fi" else self.description_en) or (
            self.description_en or self.description_fi
        )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class Site(Base):
    """A place where an organisation produces or receives material."""

    __tablename__ = "site"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    organisation_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    place: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    location = point_column()

    organisation: orm.Mapped[Organisation] = orm.relationship(back_populates="sites")

    def __repr__(self) -> str:
        return f"<Site {self.id} {self.name!r}>"


class Review(Base):
    """A broker's verification decision on an organisation, kept as its history."""

    __tablename__ = "review"
    __table_args__ = (enum_check("decision", ("verified", "rejected")),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    organisation_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    broker_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decision: orm.Mapped[str] = orm.mapped_column(sa.String(10))
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    evidence: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    organisation: orm.Mapped[Organisation] = orm.relationship(back_populates="reviews")
    broker: orm.Mapped["User | None"] = orm.relationship()

    def __repr__(self) -> str:
        return f"<Review {self.id} {self.decision} organisation={self.organisation_id}>"
