"""The notification centre: the one writer of notices, and how a notice reads.

Notices are written by the hooks (marketplace/notifications/hooks.py) when the signals of
deals, enquiries, reminders and alerts fire, whatever mail the user chose: the mail
settings decide what is mailed, not what the bell shows. A notice's sentence is written
when it is shown, in the reader's language and with no more than they may see then (an
anonymous listing's owner stays 'the supplier' until the introduction)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import orm

from .. import formatting
from ..db import db
from ..errors import NotFound
from ..models import Notice, User
from ..models.base import utcnow

# Notices on one page of the centre.
NOTICES_PER_PAGE = 30


def notify(users, kind: str, *, actor=None, deal=None, enquiry=None, stream=None, need=None,
           detail: str = "") -> int:
    """One notice for each user (once each, the acting user excepted). Returns how many."""
    actor_id = getattr(actor, "id", None)
    seen = set()
    now = utcnow()
    for user in users:
        if user is None or user.id == actor_id or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        db.session.add(Notice(
            user_id=user.id, kind=kind, deal_id=getattr(deal, "id", None),
            enquiry_id=getattr(enquiry, "id", None), side_stream_id=getattr(stream, "id", None),
            need_id=getattr(need, "id", None), detail=str(detail)[:40], created_at=now))
    db.session.flush()
    return len(seen)


def unread_count(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notice.id)).where(
        Notice.user_id == user.id, Notice.read_at.is_(None))) or 0


def count_for(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notice.id)).where(Notice.user_id == user.id)) or 0


def notices_for(user, limit: int = NOTICES_PER_PAGE, offset: int = 0) -> list[Notice]:
    return list(db.session.scalars(
        sa.select(Notice).where(Notice.user_id == user.id)
        .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit).offset(offset)
        .options(orm.selectinload(Notice.deal), orm.selectinload(Notice.enquiry),
                 orm.selectinload(Notice.side_stream), orm.selectinload(Notice.need))))


def open_notice(user, notice_id: int) -> Notice:
    """The user's own notice, now marked read; anyone else's does not exist for them."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.user_id != user.id:
        raise NotFound(_("There is no such notice."))
    if notice.read_at is None:
        notice.read_at = utcnow()
        db.session.flush()
    return notice


def mark_all_read(user) -> int:
    result = db.session.execute(sa.update(Notice).where(
        Notice.user_id == user.id, Notice.read_at.is_(None)).values(read_at=utcnow()))
    db.session.flush()
    return result.rowcount or 0


@dataclass
class NoticeView:
    notice: Notice
    text: str
    url: str | None

    @property
    def unread(self) -> bool:
        return self.notice.read_at is None

    @property
    def created_at(self) -> datetime:
        return self.notice.created_at


def _listing_of(notice: Notice):
    return notice.side_stream if notice.side_stream_id is not None else notice.need


def _listing_url(listing) -> str:
    endpoint = "listings.stream_detail" if listing.__tablename__ == "side_stream" else "listings.need_detail"
    return url_for(endpoint, listing_id=listing.id)


def describe(notice: Notice, viewer: User) -> NoticeView:
    """The notice's sentence and link for its reader, by what they may see now."""
    from ..deals.labels import STATE_LABELS
    from ..deals.permissions import can_view
    from ..deals.services import deal_name
    from ..enquiries.services import can_view as can_view_enquiry, enquiry_title

    kind, deal, enquiry = notice.kind, notice.deal, notice.enquiry
    if deal is not None:
        if not can_view(viewer, deal):
            return NoticeView(notice, _("A deal you no longer take part in."), None)
        name = deal_name(deal, viewer)
        url = url_for("deals.detail", deal_id=deal.id)
        state = str(STATE_LABELS.get(notice.detail, notice.detail)).lower()
        text = {
            "message": _("New message on the deal %(name)s", name=name),
            "introduction": _("You have been introduced: %(name)s", name=name),
            "deal_opened": _("A deal is proposed to you: %(name)s", name=name),
            "state_change": _("The deal %(name)s is now %(state)s", name=name, state=state),
        }.get(kind, name)
        return NoticeView(notice, text, url)
    if enquiry is not None:
        if not can_view_enquiry(viewer, enquiry):
            return NoticeView(notice, _("An enquiry you no longer take part in."), None)
        title = enquiry_title(enquiry, viewer)
        url = url_for("enquiries.detail", enquiry_id=enquiry.id)
        text = {
            "enquiry": _("New enquiry about %(title)s", title=title),
            "enquiry_reply": _("New reply on the enquiry about %(title)s", title=title),
            "introduction_request": _("An introduction is requested: %(title)s", title=title),
            "introduction_decided": (
                _("The Center agreed to introduce you: %(title)s", title=title) if enquiry.state == "deal"
                else _("The Center declined the introduction: %(title)s", title=title)),
            "enquiry_report": _("An enquiry was reported as abuse: %(title)s", title=title),
        }.get(kind, title)
        return NoticeView(notice, text, url)
    listing = _listing_of(notice)
    if listing is not None:
        if not listing.is_visible_to(viewer):
            return NoticeView(notice, _("A listing you can no longer see."), None)
        url = _listing_url(listing)
        if kind == "expiring":
            until = formatting.day(listing.published_until)
            return NoticeView(notice, _("Your listing %(title)s ends on %(date)s", title=listing.title,
                                        date=until), url)
        if kind == "match":
            return NoticeView(notice, _("A new pairing of %(score)s %% for your listing: %(title)s",
                                        score=notice.detail, title=listing.title), url)
        if kind == "alert":
            return NoticeView(notice, _("New for your saved search: %(title)s", title=listing.title), url)
    return NoticeView(notice, _("Something that is no longer on the site."), None)
