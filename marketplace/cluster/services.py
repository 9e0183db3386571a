"""The cluster: its public profile (edited by the brokers) and what it shows, the
members, activities and providers, counted from the data."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from ..activities.services import coming
from ..attachments import storage
from ..attachments.services import safe_filename
from ..db import db
from ..errors import Forbidden, InvalidInput
from ..models import ClusterProfile, Organisation, ServiceProvider
from ..models.base import utcnow


def can_edit(user) -> bool:
    return bool(user and user.is_authenticated and user.is_broker)


def profile() -> ClusterProfile | None:
    return db.session.scalar(sa.select(ClusterProfile).order_by(ClusterProfile.id).limit(1))


PROFILE_FIELDS = ("name_fi", "name_en", "text_fi", "text_en", "director_name", "director_email", "strategy_url")


def update_profile(user, values: dict, upload=None, remove_document: bool = False) -> ClusterProfile:
    """Save the cluster's text, director and strategy (a link, an uploaded PDF, or both)."""
    if not can_edit(user):
        raise Forbidden(_("Brokers edit the cluster's page."))
    url = (values.get("strategy_url") or "").strip()
    if url and not url.startswith(("https://", "http://")):
        raise InvalidInput(_("The page has errors."), {"strategy_url": _("Give a web address starting with https://.")})
    record = profile()
    if record is None:
        record = ClusterProfile()
        db.session.add(record)
    for name in PROFILE_FIELDS:
        setattr(record, name, (values.get(name) or "").strip())
    if remove_document:
        record.strategy_sha256, record.strategy_filename, record.strategy_content_type = None, "", ""
    if upload is not None and upload.filename:
        try:
            sha256, content_type, _size = storage.store(upload.stream)
        except InvalidInput as error:
            raise InvalidInput(error.message, {"strategy_file": (error.errors or {}).get("file") or error.message}) from None
        record.strategy_sha256, record.strategy_content_type = sha256, content_type
        record.strategy_filename = safe_filename(upload.filename)
    record.updated_by_id = user.id
    record.updated_at = utcnow()
    db.session.flush()
    return record


def members() -> list[Organisation]:
    """Verified organisations that agreed to be shown as members of the cluster."""
    return list(db.session.scalars(
        sa.select(Organisation).where(Organisation.verification_status == "verified",
                                      Organisation.show_as_member.is_(True))
        .order_by(Organisation.name)))


def coming_activities(limit: int = 6) -> list:
    """The activities to come."""
    return coming()[:limit]


def providers() -> list[ServiceProvider]:
    """Published providers, with their services."""
    return list(db.session.scalars(
        sa.select(ServiceProvider).join(Organisation, Organisation.id == ServiceProvider.organisation_id)
        .where(ServiceProvider.visible_to_clause(None)).order_by(Organisation.name)
        .options(orm.selectinload(ServiceProvider.services), orm.contains_eager(ServiceProvider.organisation))))
