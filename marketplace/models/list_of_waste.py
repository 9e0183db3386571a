from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base


class WasteHeading(Base):
    """A chapter ('10') or sub-chapter ('10 02') heading of the European List of Waste."""

    __tablename__ = "waste_heading"

    code: orm.Mapped[str] = orm.mapped_column(sa.String(5), primary_key=True)
    title_en: orm.Mapped[str] = orm.mapped_column(sa.Text)
    title_fi: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    title_sv: orm.Mapped[str | None] = orm.mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"<WasteHeading {self.code}>"


class WasteCode(Base):
    """An entry of the European List of Waste (Commission Decision 2000/532/EC)."""

    __tablename__ = "waste_code"

    code: orm.Mapped[str] = orm.mapped_column(sa.String(8), primary_key=True)
    chapter: orm.Mapped[str] = orm.mapped_column(sa.String(2), index=True)
    subchapter: orm.Mapped[str] = orm.mapped_column(sa.String(5))
    title_en: orm.Mapped[str] = orm.mapped_column(sa.Text)
    title_fi: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    title_sv: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    hazardous: orm.Mapped[bool] = orm.mapped_column(default=False)
    mirror: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)

    @property
    def display_code(self) -> str:
        return self.code + ("*" if self.hazardous else "")

    def title(self, language: str) -> str:
        own = {"fi": self.title_fi, "sv": self.title_sv}.get(language)
        return own or self.title_en

    def __repr__(self) -> str:
        return f"<WasteCode {self.display_code}>"
