from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

ACTIVITY_KINDS = ("event", "service", "information")
# The cluster's commitment: at least this many activities offered to members a year.
ACTIVITIES_PER_YEAR_TARGET = 2


class Activity(Base):
    """An event, a service or an information session the cluster offers its members."""

    __tablename__ = "activity"
    __table_args__ = (
        enum_check("kind", ACTIVITY_KINDS),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    title_fi: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    title_en: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(12), default="event")
    starts_on: orm.Mapped[date] = orm.mapped_column(index=True)
    ends_on: orm.Mapped[date | None]
    place: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    description: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    capacity: orm.Mapped[int | None]
    created_by_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    signups: orm.Mapped[list[ActivitySignup]] = orm.relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="ActivitySignup.id"
    )

    def title(self, language: str) -> str:
        return (self.title_fi if language == "fi" else self.title_en) or self.title_en or self.title_fi

    @property
    def last_day(self) -> date:
        return self.ends_on or self.starts_on

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.kind} {self.starts_on} {self.title_en!r}>"


class ActivitySignup(Base):
    __tablename__ = "activity_signup"
    __table_args__ = (sa.UniqueConstraint("activity_id", "user_id", name="uq_activity_signup_user"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    activity_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    activity: orm.Mapped[Activity] = orm.relationship(back_populates="signups")
    user: orm.Mapped["User"] = orm.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<ActivitySignup activity={self.activity_id} user={self.user_id}>"
