"""Uploading, downloading and removing the documents of listings."""
from __future__ import annotations

from flask import Blueprint, after_this_request, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import redaction
from ..db import db
from ..errors import Forbidden, InvalidInput, NotFound
from ..models import Attachment, MaterialNeed, SideStream
from . import services, storage

bp = Blueprint("attachments", __name__)

LISTINGS = {"streams": (SideStream, "listings.stream_detail"), "needs": (MaterialNeed, "listings.need_detail")}


@bp.post("/<any(streams,needs):kind>/<listing:listing_id>/attachments")
@login_required
def upload(kind, listing_id):
    cls, detail = LISTINGS[kind]
    listing = redaction.find_listing(db.session, cls, listing_id, current_user)
    if listing is None or not listing.is_visible_to(current_user):
        raise NotFound()
    if not listing.can_edit(current_user):
        raise Forbidden(_("Only members of the listing's organisation can attach documents."))
    file = request.files.get("file")
    if file is None or not file.filename:
        raise InvalidInput(_("Choose a file."), {"file": _("Choose a file.")})
    services.attach(current_user, listing, file, request.form.get("kind", "other"), request.form.get("title", ""))
    flash(_("The document is attached."), "success")
    return redirect(url_for(detail, listing_id=listing))


@bp.get("/attachments/<int:attachment_id>")
def download(attachment_id):
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not services.may_read(current_user, attachment):
        raise NotFound()
    path = storage.path_of(attachment.sha256)
    if not path.exists():
        raise NotFound()
    body, name = redaction.download(path, attachment, redaction.owner_shown(attachment.listing, current_user))
    response = send_file(body, mimetype=attachment.content_type, as_attachment=True,
                         download_name=name, max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/attachments/<int:attachment_id>/delete")
@login_required
def delete(attachment_id):
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not services.may_read(current_user, attachment):
        raise NotFound()
    listing = attachment.listing
    detail = LISTINGS["streams" if isinstance(listing, SideStream) else "needs"][1]
    unused = services.remove(current_user, attachment)

    if unused:
        @after_this_request
        def delete_file(response):
            if response.status_code < 400:
                storage.remove_if_unused(unused, still_used=False)
            return response

    flash(_("The document was removed."), "success")
    return redirect(url_for(detail, listing_id=listing))
