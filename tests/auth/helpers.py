"""Helpers for account tests: the outbox, links in mail, row counts."""
from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.db import db
from marketplace.models import AuditEvent, OutboxMessage

LINK = re.compile(r"https?://\S+")


def mails(app, recipient: str | None = None) -> list[OutboxMessage]:
    with app.app_context():
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient:
            query = query.where(OutboxMessage.recipient == recipient)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def link_in(message: OutboxMessage, path_part: str) -> str:
    """The path of the first link in the mail that contains ``path_part``."""
    for url in LINK.findall(message.body):
        if path_part in url:
            return url.split("sivuvirta.test", 1)[-1]
    raise AssertionError(f"no {path_part} link in {message.body!r}")


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def get(app, model, ident):
    with app.app_context():
        row = db.session.get(model, ident)
        if row is not None:
            db.session.expunge(row)
        return row


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def english(client):
    """Show the site in English for this client (its text is what the tests read)."""
    client.post("/language", data={"language": "en", "next": "/"})
    return client


def comparable(text: str, *emails: str) -> str:
    """A page with its CSRF tokens and the given addresses blanked, to compare answers."""
    text = re.sub(r'name="csrf_token"( type="hidden")? value="[^"]*"', 'name="csrf_token"', text)
    for email in emails:
        text = text.replace(email, "X")
    return text
