"""Mail: written to the outbox in the request's transaction, handed to SMTP after the commit."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, g

from .db import db
from .models import OutboxMessage
from .models.base import utcnow

log = logging.getLogger(__name__)


def queue_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    g.setdefault("mail_queue", []).append(message.id)
    return message


def send_queued() -> None:
    """Deliver what this request queued; called only after its commit."""
    ids = g.pop("mail_queue", [])
    if not ids:
        return
    for message in db.session.query(OutboxMessage).filter(OutboxMessage.id.in_(ids)):
        deliver(message)
    db.session.commit()


def deliver(message: OutboxMessage) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("Mail to %s: %s\n%s", message.recipient, message.subject, message.body)
        message.sent_at = utcnow()
        return
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(email)
        message.sent_at = utcnow()
    except (OSError, smtplib.SMTPException) as error:
        log.error("Mail to %s failed: %s", message.recipient, error)
        message.error = str(error)
