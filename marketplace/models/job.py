from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

JOB_STATES = ("queued", "running", "done", "failed")


class Job(Base):
    """One piece of background work (mail, import, refresh, digest...): what to run, and
    how it went. Written in the transaction of the request that asks for it; the queue
    (Huey) only carries its id, so this row is what the admin sees and what a consumer
    claims (``queued`` -> ``running``), which makes a second delivery of one message a
    no-op. ``worker`` is host:pid of the consumer running it, so that a dead one's jobs
    are found; ``heartbeat_at`` is renewed by long jobs for consumers on other hosts."""

    __tablename__ = "job"
    __table_args__ = (enum_check("state", JOB_STATES),
                      sa.Index("ix_job_state_run_after", "state", "run_after"))

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    args: orm.Mapped[dict] = orm.mapped_column(sa.JSON, default=dict)
    state: orm.Mapped[str] = orm.mapped_column(sa.String(8), default="queued")
    attempts: orm.Mapped[int] = orm.mapped_column(default=0)
    max_attempts: orm.Mapped[int] = orm.mapped_column(default=3)
    error: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    worker: orm.Mapped[str] = orm.mapped_column(sa.String(120), default="")
    # The request that queued the job: its log lines carry the same id (marketplace.logs).
    request_id: orm.Mapped[str] = orm.mapped_column(sa.String(64), default="", server_default="")
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow, index=True)
    run_after: orm.Mapped[datetime | None]
    started_at: orm.Mapped[datetime | None]
    heartbeat_at: orm.Mapped[datetime | None]
    finished_at: orm.Mapped[datetime | None]

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state}>"
