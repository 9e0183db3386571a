"""Keeping uploaded files: type told by their first bytes, size limited, stored once by
their SHA-256 under UPLOAD_DIR (outside the static folder, never served directly)."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from ..errors import InvalidInput

# Magic numbers: PDF 1.0-2.0 ('%PDF-'), PNG (its 8-byte signature), JPEG (SOI + a marker).
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
CHUNK = 64 * 1024


def sniff(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def path_of(sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256")
    return upload_dir() / sha256[:2] / sha256[2:4] / sha256


def store(stream) -> tuple[str, str, int]:
    """Read an upload (a file-like object), check it and keep it; (sha256, content_type, size).

    Raises InvalidInput for an empty, too large or unaccepted file."""
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    head = stream.read(16)
    content_type = sniff(head)
    if not head:
        raise InvalidInput(_("The file is empty."), {"file": _("The file is empty.")})
    if content_type is None:
        message = _("Only PDF, PNG and JPEG files are accepted.")
        raise InvalidInput(message, {"file": message})
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(head), len(head)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(head)
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    message = _("The file is larger than %(mb)s MB.", mb=f"{limit / 1048576:g}")
                    raise InvalidInput(message, {"file": message})
                digest.update(chunk)
                out.write(chunk)
        sha256 = digest.hexdigest()
        target = path_of(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.unlink(temporary)
        else:
            os.replace(temporary, target)
            os.chmod(target, 0o640)
        return sha256, content_type, size
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def remove_if_unused(sha256: str, still_used: bool) -> None:
    if still_used:
        return
    try:
        path_of(sha256).unlink()
    except FileNotFoundError:
        pass
