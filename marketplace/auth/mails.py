"""Mail to a person in their own language: the subject and a text template are rendered
under ``force_locale`` and queued in the outbox (sent after the request commits)."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale

from ..mail import queue_mail


def send_mail(recipient: str, language: str, subject, template: str, **context):
    """``subject`` is a lazy string (``_l``), translated here in ``language``."""
    language = language if language in ("fi", "sv", "en") else "fi"
    with force_locale(language):
        rendered_subject = str(subject)
        body = render_template(f"{template}.txt", mail_language=language, **context)
    return queue_mail(recipient, rendered_subject, body)
