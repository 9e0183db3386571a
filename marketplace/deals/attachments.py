"""Files in a deal's thread: ``Attachment`` rows with ``deal_message_id``, kept by the shared
storage of ``marketplace.attachments`` under the rules of listing attachments (PDF, PNG or
JPEG by their first bytes, size limit, content-addressed outside the static folder).
Only the deal's participants fetch them: the deals view asks ``permissions.can_view``."""
from __future__ import annotations

from pathlib import Path

from ..attachments import storage
from ..attachments.services import safe_filename
from ..db import db
from ..errors import InvalidInput
from ..models import Attachment


def path_of(attachment: Attachment) -> Path:
    return storage.path_of(attachment.sha256)


def attach_to_message(message, upload, user) -> Attachment:
    """Check and keep one uploaded file (a werkzeug FileStorage) for a message."""
    try:
        sha256, content_type, size = storage.store(upload.stream)
    except InvalidInput as error:
        detail = (error.errors or {}).get("file") or error.message
        raise InvalidInput(error.message, {"files": f"{safe_filename(upload.filename)}: {detail}"}) from None
    attachment = Attachment(
        sha256=sha256, filename=safe_filename(upload.filename), content_type=content_type,
        size_bytes=size, kind="other", title="", deal_message_id=message.id, uploaded_by_id=user.id,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment
