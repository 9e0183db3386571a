"""Service providers (innovation platforms, laboratories, pilot plants, hauliers, treatment
plants, consultancies) and the typed services they offer: the third kind of listing.

The kinds of service, provider and theme are the vocabulary shipped in
``marketplace/data/service_kinds.json``; the database checks them too.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

_VOCABULARY = json.loads(
    (Path(__file__).resolve().parent.parent / "data" / "service_kinds.json").read_text("utf-8")
)
SERVICE_KINDS = tuple(_VOCABULARY["kinds"])
PROVIDER_KINDS = tuple(_VOCABULARY["provider_kinds"])
THEMES = tuple(k for k in _VOCABULARY["themes"] if not k.startswith("_"))
# A lead time longer than a year is a typing error, not a service.
MAX_LEAD_TIME_DAYS = 365


def _is_broker(user) -> bool:
    return bool(user and user.is_authenticated and user.is_broker)


class ServiceProvider(Base):
    """An organisation describing itself as a provider of services: one profile an
    organisation. Its places are the organisation's sites."""

    __tablename__ = "service_provider"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    organisation_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), unique=True
    )
    kinds: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    themes: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    description_fi: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    description_en: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    updated_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow, onupdate=utcnow)

    organisation: orm.Mapped["Organisation"] = orm.relationship()  # noqa: F821
    services: orm.Mapped[list[ProviderService]] = orm.relationship(
        back_populates="provider", cascade="all, delete-orphan", order_by="ProviderService.id"
    )

    def description(self, language: str) -> str:
        return (self.description_fi if language == "fi" else self.description_en) or (
            self.description_en or self.description_fi or self.organisation.description(language)
        )

    # -- who may do what -------------------------------------------------
    def is_managed_by(self, user) -> bool:
        """Members of the provider's organisation, and the site admins."""
        if not (user and user.is_authenticated):
            return False
        return user.is_member_of(self.organisation_id) or user.is_admin

    def is_published(self) -> bool:
        return self.organisation.is_verified

    def is_visible_to(self, user) -> bool:
        """A provider of an unverified organisation is seen only by its members and brokers."""
        if self.is_published() or _is_broker(user):
            return True
        return bool(user and user.is_authenticated and user.is_member_of(self.organisation_id))

    @classmethod
    def visible_to_clause(cls, user):
        from .organisation import Organisation

        if _is_broker(user):
            return sa.true()
        published = cls.organisation_id.in_(
            sa.select(Organisation.id).where(Organisation.verification_status == "verified")
        )
        if user is not None and user.is_authenticated and user.organisation_id is not None:
            return sa.or_(published, cls.organisation_id == user.organisation_id)
        return published

    def __repr__(self) -> str:
        return f"<ServiceProvider {self.id} organisation={self.organisation_id}>"


class ProviderService(Base):
    """One service of a provider: its kind (the vocabulary), names in both languages, the
    lead time in days, how it is priced, and whom to contact."""

    __tablename__ = "provider_service"
    __table_args__ = (
        enum_check("kind", SERVICE_KINDS),
        sa.CheckConstraint(
            f"lead_time_days IS NULL OR (lead_time_days >= 0 AND lead_time_days <= {MAX_LEAD_TIME_DAYS})",
            name="lead_time_in_range",
        ),
        sa.Index("ix_provider_service_kind", "kind"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    provider_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("service_provider.id", ondelete="CASCADE"), index=True
    )
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    name_fi: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    name_en: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    description_fi: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    description_en: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    lead_time_days: orm.Mapped[int | None]
    price_basis: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    contact: orm.Mapped[str] = orm.mapped_column(sa.String(254), default="")
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    updated_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow, onupdate=utcnow)

    provider: orm.Mapped[ServiceProvider] = orm.relationship(back_populates="services")

    def name(self, language: str) -> str:
        return (self.name_fi if language == "fi" else self.name_en) or self.name_en or self.name_fi

    def description(self, language: str) -> str:
        return (self.description_fi if language == "fi" else self.description_en) or (
            self.description_en or self.description_fi
        )

    def is_visible_to(self, user) -> bool:
        return self.provider.is_visible_to(user)

    def __repr__(self) -> str:
        return f"<ProviderService {self.id} {self.kind} provider={self.provider_id}>"
