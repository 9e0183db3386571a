"""Saved searches and their alerts.

The filters are the search page's own: a saved search keeps the page's query arguments
and runs them through the same parsing and query building (``listings.search``,
``providers.search``), as its owner (``visible_to_clause(owner)``), so an alert finds
exactly what the page would show that user. A result is mailed once a search
(``SavedSearchHit``); results of the owner's own organisation are not mailed."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import MultiDict

from .. import signals
from ..db import db
from ..errors import InvalidInput, NotFound
from ..listings import search as listing_search
from ..mail import queue_mail
from ..models import FREQUENCIES, SEARCH_KINDS, MaterialNeed, SavedSearch, SavedSearchHit, SideStream, User
from ..models.base import utcnow
from ..providers import search as provider_search

STOP_SALT = "alerts-stop"
LISTING_MODELS = {"streams": SideStream, "needs": MaterialNeed}
LIST_ENDPOINTS = {"streams": "listings.stream_list", "needs": "listings.need_list",
                  "services": "providers.services_list"}
MAX_SEARCHES_PER_USER = 50


def kind_of_listing(listing) -> str | None:
    return {SideStream: "streams", MaterialNeed: "needs"}.get(type(listing))


# -- the filters ------------------------------------------------------------------------

def parse(kind: str, args, user):
    """The search page's filters from query arguments (a dict of strings or lists)."""
    if not isinstance(args, MultiDict):
        args = MultiDict([(k, v) for k, values in (args or {}).items()
                          for v in (values if isinstance(values, list) else [values])])
    search = provider_search if kind == "services" else listing_search
    return search.parse_filters(args, user)


def stored_query(filters) -> dict:
    """What is kept: the filters as the page writes them, without paging and sorting."""
    args = filters.query_args(page="", sort="")
    return {k: v for k, v in args.items() if v not in ("", None, [])}


def describe(saved: SavedSearch) -> str:
    """The filters in one line, for the list of saved searches."""
    parts = []
    for key, value in (saved.query or {}).items():
        parts.append(f"{key}={','.join(value) if isinstance(value, list) else value}")
    return "; ".join(parts) or _("everything")


def results_url(saved: SavedSearch, external: bool = False) -> str:
    return url_for(LIST_ENDPOINTS[saved.kind], _external=external, **(saved.query or {}))


# -- managing -------------------------------------------------------------------------------

def _check(name: str, frequency: str) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Name the search.")
    elif len(name.strip()) > 200:
        errors["name"] = _("At most %(n)d characters.", n=200)
    if frequency not in FREQUENCIES:
        errors["frequency"] = _("Choose how often to be told.")
    return errors


def save(user, kind: str, args, name: str, frequency: str) -> SavedSearch:
    if not (user and user.is_authenticated):
        raise NotFound()
    if kind not in SEARCH_KINDS:
        raise InvalidInput(_("Choose what to search."), {"kind": _("Choose what to search.")})
    errors = _check(name, frequency)
    filters = parse(kind, args, user)
    for field, message in filters.errors.items():
        errors.setdefault("filters", f"{field}: {message}")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user.id))
    if count >= MAX_SEARCHES_PER_USER:
        errors["name"] = _("You have %(n)d saved searches: delete one first.", n=count)
    if errors:
        raise InvalidInput(_("The search was not saved."), errors)
    saved = SavedSearch(user_id=user.id, kind=kind, name=name.strip(), frequency=frequency,
                        query=stored_query(filters))
    db.session.add(saved)
    db.session.flush()
    return saved


def get_own(user, saved_id: int) -> SavedSearch:
    saved = db.session.get(SavedSearch, saved_id)
    if saved is None or not (user and user.is_authenticated) or saved.user_id != user.id:
        raise NotFound(_("No such saved search."))
    return saved


def update(user, saved: SavedSearch, name: str, frequency: str) -> SavedSearch:
    if saved.user_id != user.id:
        raise NotFound()
    errors = _check(name, frequency)
    if errors:
        raise InvalidInput(_("The search was not saved."), errors)
    saved.name, saved.frequency = name.strip(), frequency
    db.session.flush()
    return saved


def delete(user, saved: SavedSearch) -> None:
    if saved.user_id != user.id:
        raise NotFound()
    db.session.delete(saved)
    db.session.flush()


def searches_of(user) -> list[SavedSearch]:
    return list(db.session.scalars(sa.select(SavedSearch).where(SavedSearch.user_id == user.id)
                                   .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())))


# -- the one-click stop link ---------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STOP_SALT)


def stop_token(saved: SavedSearch) -> str:
    return _serializer().dumps([saved.id, saved.user_id])


def search_for_token(token: str) -> SavedSearch | None:
    try:
        saved_id, user_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    saved = db.session.get(SavedSearch, saved_id) if isinstance(saved_id, int) else None
    return saved if saved is not None and saved.user_id == user_id else None


def stop(token: str) -> SavedSearch:
    saved = search_for_token(token)
    if saved is None:
        raise NotFound(_("This link does not stop any alert: it may have been deleted."))
    saved.frequency = "off"
    db.session.flush()
    return saved


# -- finding what is new ------------------------------------------------------------------------

def _not_hit(saved: SavedSearch, id_column):
    return ~sa.exists(sa.select(SavedSearchHit.id).where(
        SavedSearchHit.saved_search_id == saved.id, SavedSearchHit.listing_id == id_column))


def new_results(saved: SavedSearch, only_ids=None) -> list:
    """Results of the search, as its owner sees them, new or changed since the search was
    saved, not mailed yet, not of the owner's own organisation."""
    owner = saved.user
    if owner is None or not owner.active:
        return []
    filters = parse(saved.kind, saved.query, owner)
    if filters.errors:
        return []
    if saved.kind == "services":
        return _new_services(saved, filters, owner, only_ids)
    cls = LISTING_MODELS[saved.kind]
    conditions = listing_search.base_conditions(cls, filters, owner) + [cls.updated_at >= saved.created_at,
                                                          _not_hit(saved, cls.id)]
    if owner.organisation_id is not None:
        conditions.append(cls.organisation_id != owner.organisation_id)
    if only_ids is not None:
        conditions.append(cls.id.in_(list(only_ids)))
    return list(db.session.scalars(sa.select(cls).where(*conditions).order_by(cls.id)))


def _new_services(saved, filters, owner, only_ids) -> list:
    hit = set(db.session.scalars(sa.select(SavedSearchHit.listing_id)
                                 .where(SavedSearchHit.saved_search_id == saved.id)))
    out = []
    for service, _distance in provider_search.search(filters, owner, paged=False).items:
        if service.id in hit or service.updated_at < saved.created_at:
            continue
        if only_ids is not None and service.id not in only_ids:
            continue
        if owner.organisation_id is not None and service.provider.organisation_id == owner.organisation_id:
            continue
        out.append(service)
    return out


def _title(result, language: str) -> str:
    if hasattr(result, "name") and callable(result.name):
        return result.name(language) or result.kind
    return result.title


def _result_url(kind: str, result) -> str:
    if kind == "services":
        return url_for("providers.detail", provider_id=result.provider_id, _external=True)
    endpoint = "listings.stream_detail" if kind == "streams" else "listings.need_detail"
    return url_for(endpoint, listing_id=result, _external=True)


def _record(saved: SavedSearch, results: list, now: datetime) -> None:
    for result in results:
        db.session.add(SavedSearchHit(saved_search_id=saved.id, listing_id=result.id, sent_at=now))
    saved.last_sent_at = now
    db.session.flush()


def _section(saved: SavedSearch, results: list, language: str) -> str:
    lines = [f"{saved.name}:"]
    for result in results:
        lines.append(f"- {_title(result, language)}\n  {_result_url(saved.kind, result)}")
    lines.append(_("All results: %(url)s", url=results_url(saved, external=True)))
    lines.append(_("Stop this alert: %(url)s",
                   url=url_for("alerts.stop", token=stop_token(saved), _external=True)))
    return "\n".join(lines)


def listings_saved(listings, now: datetime | None = None) -> int:
    """After listings were created or changed (and flushed): mail the owners of immediate
    alerts they now match, one mail a saved search. Returns the number of mails queued."""
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for listing in listings:
        kind = kind_of_listing(listing)
        if kind is not None:
            ids_by_kind[kind].append(listing.id)
    now = now or utcnow()
    sent = 0
    for kind, ids in ids_by_kind.items():
        searches = db.session.scalars(sa.select(SavedSearch).join(User, User.id == SavedSearch.user_id).where(
            SavedSearch.kind == kind, SavedSearch.frequency == "immediate", User.active.is_(True))
            .order_by(SavedSearch.id))
        for saved in searches:
            results = new_results(saved, only_ids=ids)
            if not results:
                continue
            _record(saved, results, now)
            user = saved.user
            signals.alert_matched.send(None, user=user, saved=saved, listings=results)
            with force_locale(user.language):
                queue_mail(user.email, _("New for your search %(name)s: %(title)s", name=saved.name,
                                         title=results[0].title),
                           _("A listing now matches your saved search.") + "\n\n"
                           + _section(saved, results, user.language))
            sent += 1
    return sent


def send_digests(now: datetime | None = None) -> dict:
    """The daily digest: for each user, what their daily searches found since they were
    saved and not yet mailed; immediate searches catch up what became visible without a
    change (an organisation verified, say). One mail a user."""
    now = now or utcnow()
    searches = db.session.scalars(sa.select(SavedSearch).join(User, User.id == SavedSearch.user_id).where(
        SavedSearch.frequency.in_(("daily", "immediate")), User.active.is_(True))
        .order_by(SavedSearch.user_id, SavedSearch.id))
    by_user: dict[int, list] = defaultdict(list)
    results_count = 0
    for saved in searches:
        results = new_results(saved)
        if results:
            _record(saved, results, now)
            signals.alert_matched.send(None, user=saved.user, saved=saved, listings=results)
            by_user[saved.user_id].append((saved, results))
            results_count += len(results)
    for user_id, sections in by_user.items():
        user = db.session.get(User, user_id)
        with force_locale(user.language):
            body = "\n\n".join(_section(saved, results, user.language) for saved, results in sections)
            queue_mail(user.email, _("Sivuvirta: new results for your saved searches"),
                       _("New results for your saved searches:") + "\n\n" + body)
    return {"mails": len(by_user), "results": results_count}
