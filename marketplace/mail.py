"""Mail: written to the outbox in the request's transaction with a job that sends it; the
job is handed to the queue after the commit, and a consumer talks to SMTP (a slow mail
server never slows a page). A mail server that is down delays mail (the job is retried
with backoff) and loses none; the outbox row's state makes the sending idempotent."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from .db import db
from .models import OutboxMessage
from .models.base import utcnow

log = logging.getLogger(__name__)


def queue_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    from .jobs import enqueue

    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    enqueue("mail", outbox_id=message.id)
    return message


def send_queued() -> None:
    """Hand what this context queued (mail and other jobs) to the queue; only after its commit."""
    from .jobs import dispatch

    dispatch()


def send_outbox_message(outbox_id: int, resend: bool = False) -> None:
    """The mail job: send one outbox row once. Commits its steps itself."""
    from .jobs import JobError, TemporaryFailure

    message = db.session.get(OutboxMessage, outbox_id)
    if message is None:
        raise JobError(f"No outbox message {outbox_id}.")
    if message.sent_at is not None:
        return  # sent already: this is a repeated delivery of the job
    if message.sending_at is not None and not resend:
        raise JobError(
            f"A consumer stopped while handing this mail to the mail server ({message.sending_at:%Y-%m-%d %H:%M} UTC); "
            "it may have been delivered, so it is not sent again. Retry the job to send it anyway.")
    message.sending_at = utcnow()
    db.session.commit()
    try:
        deliver(message)
    except TemporaryFailure as error:
        message.sending_at = None
        message.error = str(error)
        db.session.commit()
        raise
    except JobError as error:
        message.error = str(error)
        db.session.commit()
        raise
    message.sent_at = utcnow()
    message.error = ""
    db.session.commit()


def deliver(message: OutboxMessage) -> None:
    """Hand one message to SMTP (without a server: to the log). Raises TemporaryFailure
    when it may work later, JobError when the server refused it for good (5xx)."""
    from .jobs import JobError, TemporaryFailure

    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("Mail to %s: %s\n%s", message.recipient, message.subject, message.body)
        return
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    # One Message-ID per outbox row: a receiving server can drop a copy it has seen.
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="sivuvirta.fi")
    email.set_content(message.body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as error:
        raise JobError(f"The mail server refused the recipient {message.recipient}: {error.recipients}") from error
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500:
            raise JobError(f"The mail server refused the mail: {error.smtp_code} {error.smtp_error!r}") from error
        raise TemporaryFailure(f"The mail server answered {error.smtp_code}: {error.smtp_error!r}") from error
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryFailure(f"The mail server could not be reached: {error}") from error
