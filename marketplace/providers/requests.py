"""Service requests: from a missing analysis to a provider's answer.

A request is a thread between the stream's organisation, the provider's organisation and
one broker. The broker copied: the broker who sent the request, else the first broker
who writes in the thread; until one is assigned every active broker hears of it (as
deals do). A request never reveals what the stream's visibility hides: the provider sees
the title and the measured values only when the owner shared them, and the organisation
and the exact place only of a public, published stream (``stream_as_seen_by``)."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from matching import vocabulary as V

from .. import audit
from ..attachments import storage
from ..attachments.services import safe_filename
from ..db import db
from ..errors import Forbidden, InvalidInput, NotFound
from ..i18n import CATEGORY_LABELS
from ..listings import services as listing_services
from ..listings.values import check_value, check_values, convert, known_key, parse_number, unknown_key_message
from ..mail import queue_mail
from ..notifications.services import setting_for
from ..models import (
    Attachment, ProviderService, ServiceRequest, ServiceRequestMessage, SideStream, User,
)
from ..models.base import utcnow
from . import vocabulary

MAX_FILES = 5
MAX_RESULT_ROWS = 60


# -- who may do what ----------------------------------------------------------------

def can_request_for(user, stream: SideStream) -> bool:
    """The stream's owner, or a broker."""
    if not (user and user.is_authenticated):
        return False
    return stream.is_owned_by(user) or user.is_broker


def can_enter_results(user, request: ServiceRequest) -> bool:
    """The provider's members, or a broker entering them on the provider's behalf."""
    return request.is_provider(user) or bool(user and user.is_authenticated and user.is_broker)


def get_request(request_id: int, user) -> ServiceRequest:
    request = db.session.get(ServiceRequest, request_id)
    if request is None or not request.is_visible_to(user):
        raise NotFound(_("There is no such service request."))
    return request


def requests_for(user, limit: int = 200) -> list[ServiceRequest]:
    query = sa.select(ServiceRequest).order_by(ServiceRequest.last_event_at.desc(), ServiceRequest.id.desc())
    if not user.is_broker:
        from ..models import ServiceProvider

        mine = sa.select(ServiceProvider.id).where(ServiceProvider.organisation_id == user.organisation_id)
        query = query.where(sa.or_(ServiceRequest.requester_organisation_id == user.organisation_id,
                                   ServiceRequest.provider_id.in_(mine)))
    return list(db.session.scalars(query.limit(limit)))


# -- what each reader sees of the stream ----------------------------------------------

@dataclass
class StreamSeen:
    title: str | None
    category: str
    organisation: str | None
    lat: float
    lon: float
    approximate: bool
    place: str | None
    values: list[tuple[str, float, str]] = field(default_factory=list)
    link: bool = False


def stream_as_seen_by(request: ServiceRequest, viewer) -> StreamSeen:
    stream = request.side_stream
    if request.is_requester(viewer) or (viewer and viewer.is_authenticated and viewer.is_broker):
        shown_title, shown_values = True, True
    else:
        shown_title, shown_values = request.share_title, request.share_values
    reveals = stream.reveals_owner_to(viewer)
    lat, lon = stream.location_for(viewer)
    values = []
    if shown_values:
        values = [(v.property, v.value, V.unit_of(v.property)) for v in stream.values if V.is_known(v.property)]
    return StreamSeen(
        title=stream.title if shown_title else None,
        category=stream.category,
        organisation=stream.organisation.name if reveals else None,
        lat=lat, lon=lon, approximate=not reveals,
        place=stream.place if reveals else None,
        values=values,
        link=stream.is_visible_to(viewer),
    )


def request_name(request: ServiceRequest, viewer) -> str:
    seen = stream_as_seen_by(request, viewer)
    subject = seen.title or str(CATEGORY_LABELS.get(seen.category, seen.category))
    return f"{vocabulary.kind_name(request.service_kind, _language_of(viewer))}: {subject}"


def _language_of(user) -> str:
    from ..i18n import language

    return getattr(user, "language", None) or language()


def person_label(request: ServiceRequest, person: User | None, viewer) -> str:
    """Who wrote: a broker by name; a member of the stream's organisation as 'the stream's
    owner' to a provider who may not learn the organisation."""
    if person is None:
        return _("a former user")
    if person.is_broker:
        return _("%(name)s (broker)", name=person.name or person.email)
    if request.is_provider(person):
        return _("%(name)s (%(organisation)s)", name=person.name or person.email,
                 organisation=request.provider.organisation.name)
    if request.is_requester(viewer) or viewer.is_broker:
        return _("%(name)s (%(organisation)s)", name=person.name or person.email,
                 organisation=request.requester_organisation.name)
    seen = stream_as_seen_by(request, viewer)
    if seen.organisation:
        return _("%(name)s (%(organisation)s)", name=person.name or person.email, organisation=seen.organisation)
    return _("The stream's owner")


# -- sending and writing -------------------------------------------------------------------

def _clean_keys(service: ProviderService, keys) -> list[str]:
    cleaned, errors = [], []
    measured = set(vocabulary.measures(service.kind))
    for key in keys or ():
        key = (key or "").strip()
        if not key:
            continue
        if not V.is_known(key):
            errors.append(unknown_key_message(key))
        elif measured and key not in measured:
            errors.append(_("%(service)s does not measure %(key)s.",
                            service=vocabulary.kind_name(service.kind, "en"), key=key))
        elif key not in cleaned:
            cleaned.append(key)
    if errors:
        raise InvalidInput(_("The service request has errors."), {"keys": " ".join(errors)})
    return cleaned


def send_request(user, service: ProviderService, stream: SideStream, *, keys=(), body: str = "",
                 share_title: bool = True, share_values: bool = False, files=()) -> ServiceRequest:
    if not service.provider.is_published():
        raise NotFound(_("No such provider, or it is not shown to you."))
    if not (stream.is_visible_to(user) and can_request_for(user, stream)):
        raise Forbidden(_("Only the stream's owner or a broker asks for a service on it."))
    if len(files) > MAX_FILES:
        raise InvalidInput(_("The service request has errors."),
                           {"files": _("At most %(count)d files at a time.", count=MAX_FILES)})
    now = utcnow()
    request = ServiceRequest(
        provider_id=service.provider_id, service_id=service.id, side_stream_id=stream.id,
        requester_organisation_id=stream.organisation_id, requested_by_id=user.id,
        broker_id=user.id if user.is_broker else None, service_kind=service.kind,
        property_keys=_clean_keys(service, keys), share_title=bool(share_title),
        share_values=bool(share_values), state="open", created_at=now, last_event_at=now,
    )
    db.session.add(request)
    db.session.flush()
    body = (body or "").strip()
    if body or files:
        _add_message(user, request, body or _("(files attached)"), files)
    notify(request, user, "new")
    return request


def _add_message(user, request: ServiceRequest, body: str, files) -> ServiceRequestMessage:
    message = ServiceRequestMessage(request=request, author_id=user.id, body=body, created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    for upload in files:
        _attach(message, upload, user)
    request.last_event_at = utcnow()
    if user.is_broker and request.broker_id is None:
        request.broker_id = user.id
    db.session.flush()
    return message


def _attach(message: ServiceRequestMessage, upload, user) -> Attachment:
    """One file under the listings' rules: PDF, PNG or JPEG by its first bytes, size-limited,
    kept once by its SHA-256 outside the static folder."""
    try:
        sha256, content_type, size = storage.store(upload.stream)
    except InvalidInput as error:
        detail = (error.errors or {}).get("file") or error.message
        raise InvalidInput(error.message, {"files": f"{safe_filename(upload.filename)}: {detail}"}) from None
    attachment = Attachment(sha256=sha256, filename=safe_filename(upload.filename), content_type=content_type,
                            size_bytes=size, kind="other", title="", service_request_message_id=message.id,
                            uploaded_by_id=user.id)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def post_message(user, request: ServiceRequest, body: str, files=()) -> ServiceRequestMessage:
    if not request.is_visible_to(user):
        raise NotFound(_("There is no such service request."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("The message is empty."), {"body": _("Write a message.")})
    if len(files) > MAX_FILES:
        raise InvalidInput(_("The message has errors."),
                           {"files": _("At most %(count)d files at a time.", count=MAX_FILES)})
    message = _add_message(user, request, body, files)
    notify(request, user, "message", message=message)
    return message


def close(user, request: ServiceRequest, note: str = "") -> ServiceRequest:
    """The provider declines an open request; the stream's owner (or a broker) withdraws it."""
    if not request.is_visible_to(user):
        raise NotFound(_("There is no such service request."))
    if not request.is_open:
        raise InvalidInput(_("The request is no longer open."), {"state": _("The request is no longer open.")})
    if request.is_provider(user):
        request.state = "declined"
    elif request.is_requester(user) or user.is_broker:
        request.state = "withdrawn"
    else:  # pragma: no cover - is_visible_to leaves no one else
        raise Forbidden()
    if note.strip():
        _add_message(user, request, note.strip(), ())
    request.last_event_at = utcnow()
    db.session.flush()
    notify(request, user, "state")
    return request


# -- the provider's answer -------------------------------------------------------------------

def parse_result_rows(rows) -> tuple[dict[str, float], dict[str, str]]:
    """[(key, value, unit), ...] as typed in the form -> ({key: value in its unit}, errors by
    row), with the listing form's checks (the vocabulary, numbers, units, ranges)."""
    values, errors = {}, {}
    for index, row in enumerate(rows):
        raw_key, raw_value, unit = (list(row) + ["", "", ""])[:3]
        raw_key, raw_value = (raw_key or "").strip(), (raw_value or "").strip()
        if not raw_key and not raw_value:
            continue
        name = f"results-{index}"
        key = known_key(raw_key) if raw_key else None
        if key is None:
            errors[name] = unknown_key_message(raw_key) if raw_key else _("Choose a property.")
            continue
        try:
            value = parse_number(raw_value)
        except ValueError:
            errors[name] = _("Enter numbers, e.g. 30 or 30,5.")
            continue
        if value is None:
            errors[name] = _("Give the value measured for %(key)s.", key=key)
            continue
        try:
            value = convert(key, value, unit)
        except ValueError:
            errors[name] = _("The unit %(unit)s does not fit %(key)s (%(canonical)s).", unit=unit, key=key,
                             canonical=V.unit_of(key))
            continue
        problem = check_value(key, value)
        if problem:
            errors[name] = problem
            continue
        if key in values:
            errors[name] = _("%(key)s is given twice.", key=key)
            continue
        values[key] = value
    if len(values) > MAX_RESULT_ROWS:
        errors["results"] = _("At most %(count)d values at a time.", count=MAX_RESULT_ROWS)
    return values, errors


def enter_results(user, request: ServiceRequest, rows, note: str = "") -> dict[str, float]:
    """Write the measured values to the stream (MeasuredValue rows that name this request as
    their source), mark the request answered and rank the stream's matches again."""
    if not request.is_visible_to(user):
        raise NotFound(_("There is no such service request."))
    if not can_enter_results(user, request):
        raise Forbidden(_("The provider enters the results."))
    if request.state in ("declined", "withdrawn"):
        raise InvalidInput(_("The request is closed."), {"results": _("The request is closed.")})
    values, errors = parse_result_rows(rows)
    if not values and not errors:
        errors["results"] = _("Give at least one measured value.")
    stream = request.side_stream
    merged = dict(stream.values_by_property)
    merged.update(values)
    if not errors:
        for problem in check_values(merged):
            key = problem.field.split(".", 1)[-1]
            if key in values or problem.field == "composition":
                errors["results"] = problem.message
                break
    if errors:
        raise InvalidInput(_("The results have errors."), errors)
    listing_services.record_lab_values(user, stream, values, service_request_id=request.id)
    answered = {r["property"]: r for r in (request.results or [])}
    for key, value in values.items():
        answered[key] = {"property": key, "value": value}
    request.results = list(answered.values())
    now = utcnow()
    request.state = "answered"
    request.answered_at = request.answered_at or now
    request.last_event_at = now
    db.session.flush()
    if note.strip():
        _add_message(user, request, note.strip(), ())
    audit.record("service_request.answered", actor=user, target=stream, request=request.id,
                 keys=sorted(values))
    notify(request, user, "answered", values=values)
    return values


def get_attachment(user, request: ServiceRequest, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.service_request_message_id is None or not request.is_visible_to(user):
        raise NotFound(_("There is no such file."))
    message = db.session.get(ServiceRequestMessage, attachment.service_request_message_id)
    if message is None or message.request_id != request.id:
        raise NotFound(_("There is no such file."))
    return attachment


# -- mail ---------------------------------------------------------------------------------------

def participants(request: ServiceRequest) -> list[User]:
    """Active members of both organisations, and the assigned broker (every active broker
    while none is assigned)."""
    organisations = [request.requester_organisation_id, request.provider.organisation_id]
    users = list(db.session.scalars(
        sa.select(User).where(User.organisation_id.in_(organisations), User.active.is_(True)).order_by(User.id)))
    if request.broker is not None:
        brokers = [request.broker] if request.broker.active else []
    else:
        brokers = list(db.session.scalars(
            sa.select(User).where(User.role.in_(("broker", "admin")), User.active.is_(True)).order_by(User.id)))
    return users + [b for b in brokers if b not in users]


def _wants_mail(user: User) -> bool:
    return setting_for(user).wants("message")


SUBJECTS = {
    "new": lambda: _("Sivuvirta: a service request"),
    "message": lambda: _("Sivuvirta: a new message on a service request"),
    "answered": lambda: _("Sivuvirta: a service request was answered"),
    "state": lambda: _("Sivuvirta: a service request was closed"),
}


def notify(request: ServiceRequest, actor, event: str, **context) -> int:
    """Mail every participant but the actor, in their language, saying no more than each
    may see on the site."""
    sent = 0
    for user in participants(request):
        if user.id == getattr(actor, "id", None) or not _wants_mail(user):
            continue
        with force_locale(user.language or "fi"):
            body = render_template(
                "providers/mail/request.txt", recipient=user, request=request, event=event,
                name=request_name(request, user), actor=person_label(request, actor, user),
                url=url_for("providers.request_detail", request_id=request.id, _external=True), **context)
            queue_mail(user.email, SUBJECTS[event](), body)
        sent += 1
    return sent
