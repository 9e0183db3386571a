"""Mail about deals and the daily digest of new pairings, by each user's settings and in
each recipient's language. A mail says no more than its recipient may see on the site:
an anonymous listing's organisation stays unnamed until the introduction."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import orm

from ..db import db
from ..deals.labels import STATE_LABELS
from ..deals.services import deal_name, parties_for, person_label
from ..mail import queue_mail
from ..matches.services import present
from ..models import (
    DigestEntry, Match, MaterialNeed, NotificationSetting, Organisation, SideStream, User,
)
from ..models.base import utcnow
from ..models.listing import SEARCHABLE_STATUSES

# A pairing enters the digest from this score up (the engine's 0..1 score).
DEFAULT_DIGEST_MIN_SCORE = 0.7
# At most this many pairings in one digest mail; the rest wait for the next one.
DIGEST_MAX_ITEMS = 25


def setting_for(user: User) -> NotificationSetting:
    """The user's settings; a user who never saved any gets every mail."""
    setting = db.session.get(NotificationSetting, user.id)
    if setting is None:
        setting = NotificationSetting(user_id=user.id, on_message=True, on_state_change=True,
                                      on_introduction=True, digest=True)
    return setting


def save_settings(user: User, *, on_message: bool, on_state_change: bool, on_introduction: bool,
                  digest: bool) -> NotificationSetting:
    setting = db.session.get(NotificationSetting, user.id)
    if setting is None:
        setting = NotificationSetting(user_id=user.id)
        db.session.add(setting)
    setting.on_message = bool(on_message)
    setting.on_state_change = bool(on_state_change)
    setting.on_introduction = bool(on_introduction)
    setting.digest = bool(digest)
    db.session.flush()
    return setting


def _deal_url(deal) -> str:
    return url_for("deals.detail", deal_id=deal.id, _external=True)


def participants(deal) -> list[User]:
    """The active members of both parties (with a confirmed address) and the deal's broker."""
    users = list(db.session.scalars(
        sa.select(User).where(User.organisation_id.in_([deal.supplier_id, deal.buyer_id]),
                              User.active.is_(True), User.email_confirmed_at.is_not(None))
        .order_by(User.id)
    ))
    if deal.broker is not None and deal.broker.active and deal.broker not in users:
        users.append(deal.broker)
    return users


def _recipients(deal, actor, kind: str) -> list[User]:
    return [u for u in participants(deal)
            if u.id != getattr(actor, "id", None) and setting_for(u).wants(kind)]


def _send(user: User, subject, template: str, **context) -> None:
    """Render and queue one mail in the user's language. ``subject`` is a callable, so
    that it too is translated under the recipient's locale."""
    with force_locale(user.language or "fi"):
        body = render_template(template, recipient=user, **context)
        queue_mail(user.email, subject(), body)


def _deal_context(deal, user) -> dict:
    supplier, buyer = parties_for(deal, user)
    return {"deal": deal, "deal_name": deal_name(deal, user), "supplier": supplier, "buyer": buyer,
            "deal_url": _deal_url(deal)}


def _notify_parties(deal, actor, kind: str, subject, template: str, person: str = "actor", **extra) -> int:
    """Mail every participant who wants ``kind``, the acting one excepted. The context is
    built under the recipient's locale, so names and labels come in their language."""
    sent = 0
    for user in _recipients(deal, actor, kind):
        with force_locale(user.language or "fi"):
            context = {**_deal_context(deal, user), person: person_label(deal, actor, user), **extra}
            _send(user, subject, template, **context)
        sent += 1
    return sent


def notify_deal_opened(deal, actor) -> int:
    return _notify_parties(deal, actor, "state_change", lambda: _("Sivuvirta: a deal is proposed to you"),
                           "notifications/mail/deal_opened.txt")


def notify_state_change(deal, event, actor) -> int:
    return _notify_parties(
        deal, actor, "state_change",
        lambda: _("Sivuvirta: the deal is now %(state)s", state=str(STATE_LABELS[event.to_state]).lower()),
        "notifications/mail/state_change.txt", event=event, state_labels=STATE_LABELS)


def notify_introduction(deal, actor) -> int:
    """Tell the parties who the other one is. Brokers learn nothing new, but the deal's
    broker hears of it when another broker introduced the parties."""
    return _notify_parties(deal, actor, "introduction", lambda: _("Sivuvirta: you have been introduced"),
                           "notifications/mail/introduction.txt")


def notify_message(deal, message, actor) -> int:
    return _notify_parties(deal, actor, "message", lambda: _("Sivuvirta: a new message on a deal"),
                           "notifications/mail/message.txt", person="author", message=message)


def notify_enquiry(enquiry, actor, users) -> int:
    """Mail an enquiry to the listing owner's members who want messages. The mail names the
    enquirer (who chose to write) and the listing, never an address."""
    from ..enquiries.services import enquiry_title, sender_label

    sent = 0
    for user in users:
        if not setting_for(user).wants("message"):
            continue
        with force_locale(user.language or "fi"):
            _send(user, lambda: _("Sivuvirta: a new enquiry about your listing"),
                  "notifications/mail/enquiry.txt", enquiry=enquiry,
                  title=enquiry_title(enquiry, user), sender=sender_label(enquiry, user),
                  enquiry_url=url_for("enquiries.detail", enquiry_id=enquiry.id, _external=True))
        sent += 1
    return sent


# -- the daily digest ------------------------------------------------------

def digest_min_score() -> float:
    return float(current_app.config.get("DIGEST_MIN_SCORE", DEFAULT_DIGEST_MIN_SCORE))


def _digest_matches(user: User, since: datetime, min_score: float) -> list[Match]:
    """New pairings of the user's organisation's listings not yet mailed to the user."""
    org = user.organisation_id
    already = sa.select(DigestEntry.id).where(
        DigestEntry.user_id == user.id,
        DigestEntry.side_stream_id == Match.side_stream_id,
        DigestEntry.need_id == Match.need_id,
    )
    return list(db.session.scalars(
        sa.select(Match)
        .join(SideStream, SideStream.id == Match.side_stream_id)
        .join(MaterialNeed, MaterialNeed.id == Match.need_id)
        .where(Match.first_seen_at > since, Match.score >= min_score,
               sa.or_(SideStream.organisation_id == org, MaterialNeed.organisation_id == org),
               ~sa.exists(already))
        .order_by(Match.score.desc())
        .options(orm.selectinload(Match.side_stream).selectinload(SideStream.organisation),
                 orm.selectinload(Match.need).selectinload(MaterialNeed.organisation))
    ))


def digest_for(user: User, now: datetime, min_score: float) -> int:
    """Queue one digest mail to the user (if there is anything new); returns the pairings
    mailed. Each pairing is recorded, so it is mailed to this user once."""
    setting = db.session.get(NotificationSetting, user.id)
    if setting is None:
        setting = NotificationSetting(user_id=user.id, on_message=True, on_state_change=True,
                                      on_introduction=True, digest=True)
        db.session.add(setting)
    if not setting.digest:
        return 0
    since = setting.last_digest_at or (now - timedelta(days=1))
    items = []
    with force_locale(user.language or "fi"):
        for match in _digest_matches(user, since, min_score):
            own_stream = match.side_stream.organisation_id == user.organisation_id
            own, counterpart = (match.side_stream, match.need) if own_stream else (match.need, match.side_stream)
            if counterpart.status not in SEARCHABLE_STATUSES or not counterpart.is_visible_to(user):
                continue
            items.append((own, present(match, counterpart, user), own_stream))
            if len(items) >= DIGEST_MAX_ITEMS:
                break
    setting.last_digest_at = now
    if not items:
        return 0
    from .centre import notify

    for own, view, own_stream in items:
        notify([user], "match", **({"stream": own} if own_stream else {"need": own}),
               detail=str(round(view.match.score * 100)))
    for own, view, _own_stream in items:
        db.session.add(DigestEntry(user_id=user.id, side_stream_id=view.match.side_stream_id,
                                   need_id=view.match.need_id, sent_at=now))
    _send(user, lambda: _("Sivuvirta: %(count)d new pairings for your listings", count=len(items)),
          "notifications/mail/digest.txt", items=items, min_score_pct=round(min_score * 100))
    db.session.flush()
    return len(items)


def send_digests(now: datetime | None = None, min_score: float | None = None) -> dict:
    """The daily digest for every active member of a verified organisation who wants it."""
    now = now or utcnow()
    min_score = digest_min_score() if min_score is None else min_score
    users = db.session.scalars(
        sa.select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.active.is_(True), User.email_confirmed_at.is_not(None),
               Organisation.verification_status == "verified")
        .order_by(User.id)
    )
    report = {"users": 0, "mails": 0, "pairings": 0}
    for user in users:
        report["users"] += 1
        count = digest_for(user, now, min_score)
        if count:
            report["mails"] += 1
            report["pairings"] += count
    return report
