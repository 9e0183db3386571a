"""The rules of cluster activities: brokers offer them, members sign up and cancel."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from ..db import db
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..models import Activity, ActivitySignup
from ..models.base import utcnow

FIELDS = ("title_fi", "title_en", "kind", "starts_on", "ends_on", "place", "description", "capacity")


def can_manage(user) -> bool:
    return bool(user and user.is_authenticated and user.is_broker)


def can_sign_up(user) -> bool:
    """Members of verified organisations take part; brokers run the activities."""
    return bool(user and user.is_authenticated and not user.is_broker and user.in_verified_organisation)


def get_activity(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise NotFound(_("There is no such activity."))
    return activity


def coming(today: date | None = None) -> list[Activity]:
    today = today or utcnow().date()
    return list(db.session.scalars(
        sa.select(Activity)
        .where(sa.func.coalesce(Activity.ends_on, Activity.starts_on) >= today)
        .order_by(Activity.starts_on, Activity.id)
        .options(orm.selectinload(Activity.signups))
    ))


def past(today: date | None = None, limit: int = 20) -> list[Activity]:
    today = today or utcnow().date()
    return list(db.session.scalars(
        sa.select(Activity)
        .where(sa.func.coalesce(Activity.ends_on, Activity.starts_on) < today)
        .order_by(Activity.starts_on.desc()).limit(limit)
        .options(orm.selectinload(Activity.signups))
    ))


def _check(values: dict) -> None:
    errors = {}
    if values.get("ends_on") and values["ends_on"] < values["starts_on"]:
        errors["ends_on"] = _("The last day cannot come before the first.")
    if values.get("capacity") is not None and values["capacity"] < 1:
        errors["capacity"] = _("Give a number of places from 1 up.")
    if errors:
        raise InvalidInput(_("The activity has errors."), errors)


def create_activity(user, **values) -> Activity:
    if not can_manage(user):
        raise Forbidden(_("Brokers offer the cluster's activities."))
    _check(values)
    activity = Activity(created_by_id=user.id, **{k: values.get(k) for k in FIELDS})
    activity.place = activity.place or ""
    activity.description = activity.description or ""
    db.session.add(activity)
    db.session.flush()
    return activity


def update_activity(user, activity: Activity, **values) -> Activity:
    if not can_manage(user):
        raise Forbidden(_("Brokers offer the cluster's activities."))
    _check(values)
    if values.get("capacity") is not None and values["capacity"] < len(activity.signups):
        raise InvalidInput(_("The activity has errors."), {
            "capacity": _("%(count)d people have signed up already.", count=len(activity.signups))})
    for key in FIELDS:
        setattr(activity, key, values.get(key))
    activity.place = activity.place or ""
    activity.description = activity.description or ""
    db.session.flush()
    return activity


def signup_of(activity: Activity, user) -> ActivitySignup | None:
    return next((s for s in activity.signups if s.user_id == user.id), None)


def sign_up(user, activity: Activity) -> ActivitySignup:
    if not can_sign_up(user):
        raise Forbidden(_("Members of verified organisations sign up for the cluster's activities."))
    if activity.last_day < utcnow().date():
        raise Conflict(_("The activity is over."))
    existing = signup_of(activity, user)
    if existing is not None:
        return existing
    if activity.capacity is not None and len(activity.signups) >= activity.capacity:
        raise Conflict(_("The activity is full."))
    signup = ActivitySignup(activity=activity, user_id=user.id, created_at=utcnow())
    db.session.add(signup)
    db.session.flush()
    return signup


def cancel_signup(user, activity: Activity) -> bool:
    if not can_sign_up(user):
        raise Forbidden(_("Members of verified organisations sign up for the cluster's activities."))
    signup = signup_of(activity, user)
    if signup is None:
        return False
    activity.signups.remove(signup)
    db.session.delete(signup)
    db.session.flush()
    return True
