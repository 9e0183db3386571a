"""What the cluster says of itself on its public page, edited by the brokers: one row."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


class ClusterProfile(Base):
    """The cluster's offer in both languages, its director and its strategy document
    (an uploaded file, kept by the attachments storage under its SHA-256, or a link)."""

    __tablename__ = "cluster_profile"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    name_fi: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    name_en: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    text_fi: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    text_en: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    director_name: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    director_email: orm.Mapped[str] = orm.mapped_column(sa.String(254), default="")
    strategy_url: orm.Mapped[str] = orm.mapped_column(sa.String(500), default="")
    strategy_sha256: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    strategy_filename: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    strategy_content_type: orm.Mapped[str] = orm.mapped_column(sa.String(40), default="")
    updated_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    def name(self, language: str) -> str:
        return (self.name_fi if language == "fi" else self.name_en) or self.name_en or self.name_fi

    def text(self, language: str) -> str:
        return (self.text_fi if language == "fi" else self.text_en) or self.text_en or self.text_fi

    def __repr__(self) -> str:
        return f"<ClusterProfile {self.id} {self.name_en!r}>"
