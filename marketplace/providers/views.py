"""Pages of service providers: the search, map and exports of services, the providers'
own pages, and service requests from a missing analysis to a provider's answer."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import redaction
from ..attachments import storage
from ..db import db
from ..errors import Forbidden, InvalidInput, NotFound
from ..i18n import language
from ..listings.search import my_sites
from ..models import ProviderService, SideStream
from ..models.provider_service import PROVIDER_KINDS, THEMES
from . import exports, requests as service_requests, services, vocabulary
from .forms import CloseForm, MessageForm, ProviderForm, RequestForm, ResultsForm, ServiceForm
from .search import parse_filters, providers_for_missing, search

bp = Blueprint("providers", __name__, url_prefix="/providers")


@bp.app_context_processor
def provider_helpers():
    def missing_providers(stream, keys, per_kind=3):
        """For the include in match cards and pairing ideas: only for who may send a request."""
        if stream is None or not service_requests.can_request_for(current_user, stream):
            return []
        return providers_for_missing(stream, keys, per_kind)

    lang = language()
    return {
        "missing_providers": missing_providers,
        "service_kind_name": lambda kind: vocabulary.kind_name(kind, lang),
        "service_standard": vocabulary.standard,
        "provider_kind_name": lambda kind: vocabulary.provider_kind_name(kind, lang),
        "theme_name": lambda theme: vocabulary.theme_name(theme, lang),
    }


def _apply(form, error: InvalidInput) -> None:
    for name, message in (error.errors or {}).items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)


def _filter_context(filters) -> dict:
    lang = language()
    return {"filters": filters, "sites": my_sites(current_user),
            "kind_groups": vocabulary.kinds_by_group(lang),
            "themes": [(t, vocabulary.theme_name(t, lang)) for t in THEMES],
            "provider_kinds": [(k, vocabulary.provider_kind_name(k, lang)) for k in PROVIDER_KINDS],
            "groups": [(g, vocabulary.group_name(g, lang)) for g in vocabulary.GROUP_ORDER]}


# -- search, map, exports -------------------------------------------------------------

@bp.get("/")
def services_list():
    filters = parse_filters(request.args, current_user)
    page = search(filters, current_user) if not filters.errors else None
    return render_template("providers/list.html", page=page, may_become=services.may_become_provider(current_user),
                           own=services.provider_of_organisation(getattr(current_user, "organisation_id", None)),
                           **_filter_context(filters)), (400 if filters.errors else 200)


@bp.get("/map")
def map_page():
    filters = parse_filters(request.args, current_user)
    return render_template("providers/map.html", geojson_url=url_for("providers.geojson", **filters.query_args(page="")),
                           **_filter_context(filters)), (400 if filters.errors else 200)


@bp.get("/map.geojson")
def geojson():
    return exports.geojson_response(request.args, current_user, language())


@bp.get("/export.<fmt>")
def export(fmt: str):
    return exports.export_response(fmt, request.args, current_user)


# -- providers and their services ------------------------------------------------------

@bp.get("/<int:provider_id>")
def detail(provider_id: int):
    provider = services.get_provider(provider_id, current_user)
    return render_template("providers/detail.html", provider=provider, sites=exports.site_records(provider.organisation),
                           can_manage=provider.is_managed_by(current_user))


def _provider_form(form: ProviderForm) -> ProviderForm:
    form.label_choices(vocabulary.provider_kind_name, vocabulary.theme_name, language())
    return form


def _profile_values(form: ProviderForm) -> dict:
    return {"kinds": form.kinds.data or [], "themes": form.themes.data or [],
            "description_fi": form.description_fi.data or "", "description_en": form.description_en.data or ""}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not services.may_become_provider(current_user):
        existing = services.provider_of_organisation(current_user.organisation_id)
        if existing is not None:
            return redirect(url_for("providers.detail", provider_id=existing.id))
        raise Forbidden(_("Members of a verified organisation describe it as a provider."))
    form = _provider_form(ProviderForm())
    if request.method == "POST":
        if form.validate():
            try:
                provider = services.create_provider(current_user, **_profile_values(form))
            except InvalidInput as error:
                _apply(form, error)
            else:
                flash(_("Your organisation is now listed as a provider. Add its services."), "success")
                return redirect(url_for("providers.detail", provider_id=provider.id))
        return render_template("providers/form.html", form=form, provider=None), 400
    return render_template("providers/form.html", form=form, provider=None)


@bp.route("/<int:provider_id>/edit", methods=["GET", "POST"])
@login_required
def edit(provider_id: int):
    provider = services.get_provider_to_manage(provider_id, current_user)
    form = _provider_form(ProviderForm(obj=provider))
    if request.method == "POST":
        if form.validate():
            try:
                services.update_provider(current_user, provider, **_profile_values(form))
            except InvalidInput as error:
                _apply(form, error)
            else:
                flash(_("The provider's description is saved."), "success")
                return redirect(url_for("providers.detail", provider_id=provider.id))
        return render_template("providers/form.html", form=form, provider=provider), 400
    return render_template("providers/form.html", form=form, provider=provider)


@bp.post("/<int:provider_id>/delete")
@login_required
def delete(provider_id: int):
    provider = services.get_provider_to_manage(provider_id, current_user)
    services.delete_provider(current_user, provider)
    flash(_("The organisation is no longer listed as a provider."), "info")
    return redirect(url_for("providers.services_list"))


def _service_form(form: ServiceForm) -> ServiceForm:
    lang = language()
    form.kind.choices = {label: members for label, members in vocabulary.kinds_by_group(lang)}
    return form


def _service_values(form: ServiceForm) -> dict:
    return {name: getattr(form, name).data for name in services.SERVICE_FIELDS}


@bp.route("/<int:provider_id>/services/new", methods=["GET", "POST"])
@login_required
def service_new(provider_id: int):
    provider = services.get_provider_to_manage(provider_id, current_user)
    form = _service_form(ServiceForm())
    if request.method == "POST":
        if form.validate():
            try:
                services.create_service(current_user, provider, _service_values(form))
            except InvalidInput as error:
                _apply(form, error)
            else:
                flash(_("The service is listed."), "success")
                return redirect(url_for("providers.detail", provider_id=provider.id))
        return render_template("providers/service_form.html", form=form, provider=provider, service=None), 400
    return render_template("providers/service_form.html", form=form, provider=provider, service=None)


@bp.route("/<int:provider_id>/services/<int:service_id>/edit", methods=["GET", "POST"])
@login_required
def service_edit(provider_id: int, service_id: int):
    provider = services.get_provider_to_manage(provider_id, current_user)
    service = services.get_service(provider, service_id)
    form = _service_form(ServiceForm(obj=service))
    if request.method == "POST":
        if form.validate():
            try:
                services.update_service(current_user, service, _service_values(form))
            except InvalidInput as error:
                _apply(form, error)
            else:
                flash(_("The service is saved."), "success")
                return redirect(url_for("providers.detail", provider_id=provider.id))
        return render_template("providers/service_form.html", form=form, provider=provider, service=service), 400
    return render_template("providers/service_form.html", form=form, provider=provider, service=service)


@bp.post("/<int:provider_id>/services/<int:service_id>/delete")
@login_required
def service_delete(provider_id: int, service_id: int):
    provider = services.get_provider_to_manage(provider_id, current_user)
    services.delete_service(current_user, services.get_service(provider, service_id))
    flash(_("The service was removed."), "info")
    return redirect(url_for("providers.detail", provider_id=provider.id))


# -- service requests ----------------------------------------------------------------------

def _stream_for_request(stream_id) -> SideStream:
    stream_id = redaction.parse_key(stream_id)
    stream = redaction.find_listing(db.session, SideStream, stream_id, current_user) if stream_id is not None else None
    if stream is None or not stream.is_visible_to(current_user):
        raise NotFound(_("No such listing, or it is not shown to you."))
    if not service_requests.can_request_for(current_user, stream):
        raise Forbidden(_("Only the stream's owner or a broker asks for a service on it."))
    return stream


@bp.route("/services/<int:service_id>/request", methods=["GET", "POST"])
@login_required
def request_new(service_id: int):
    service = db.session.get(ProviderService, service_id)
    if service is None or not service.provider.is_published():
        raise NotFound(_("No such service."))
    form = RequestForm()
    stream = _stream_for_request(request.values.get("stream"))
    if request.method == "GET":
        form.stream.data = stream.id
        form.keys.data = ", ".join(k for k in request.args.get("keys", "").split(",") if k.strip())
    if request.method == "POST":
        if form.validate():
            try:
                made = service_requests.send_request(
                    current_user, service, stream, keys=(form.keys.data or "").split(","),
                    body=form.body.data or "", share_title=form.share_title.data,
                    share_values=form.share_values.data,
                    files=[f for f in request.files.getlist("files") if f and f.filename])
            except InvalidInput as error:
                _apply(form, error)
            else:
                flash(_("The request is sent to %(provider)s.", provider=service.provider.organisation.name), "success")
                return redirect(url_for("providers.request_detail", request_id=made.id))
        return render_template("providers/request_form.html", form=form, service=service, stream=stream), 400
    return render_template("providers/request_form.html", form=form, service=service, stream=stream)


@bp.get("/requests")
@login_required
def requests_index():
    if not (current_user.organisation_id or current_user.is_broker):
        raise Forbidden(_("Service requests are for members of organisations and brokers."))
    rows = [(r, service_requests.request_name(r, current_user)) for r in service_requests.requests_for(current_user)]
    return render_template("providers/requests.html", rows=rows)


def _detail_page(service_request, status: int = 200, message_form=None, results_form=None,
                 result_errors=None, result_rows=None):
    return render_template(
        "providers/request_detail.html", req=service_request,
        seen=service_requests.stream_as_seen_by(service_request, current_user),
        name=service_requests.request_name(service_request, current_user),
        person=lambda person: service_requests.person_label(service_request, person, current_user),
        can_enter_results=service_requests.can_enter_results(current_user, service_request),
        message_form=message_form or MessageForm(), results_form=results_form or ResultsForm(),
        close_form=CloseForm(), result_errors=result_errors or {},
        result_rows=result_rows or [(k, "", "") for k in service_request.property_keys or []] or [("", "", "")],
    ), status


@bp.get("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    return _detail_page(service_requests.get_request(request_id, current_user))


@bp.post("/requests/<int:request_id>/messages")
@login_required
def request_message(request_id: int):
    service_request = service_requests.get_request(request_id, current_user)
    form = MessageForm()
    if form.validate():
        try:
            service_requests.post_message(current_user, service_request, form.body.data or "",
                                          [f for f in request.files.getlist("files") if f and f.filename])
        except InvalidInput as error:
            _apply(form, error)
        else:
            flash(_("The message is sent."), "success")
            return redirect(url_for("providers.request_detail", request_id=service_request.id))
    return _detail_page(service_request, 400, message_form=form)


@bp.post("/requests/<int:request_id>/results")
@login_required
def request_results(request_id: int):
    service_request = service_requests.get_request(request_id, current_user)
    form = ResultsForm()
    rows = list(zip(request.form.getlist("key"), request.form.getlist("value"), request.form.getlist("unit")))
    errors = {}
    if form.validate():
        try:
            service_requests.enter_results(current_user, service_request, rows, form.note.data or "")
        except InvalidInput as error:
            errors = error.errors or {"results": error.message}
        else:
            flash(_("The results are written to the stream and its matches are ranked again."), "success")
            return redirect(url_for("providers.request_detail", request_id=service_request.id))
    return _detail_page(service_request, 400, results_form=form, result_errors=errors, result_rows=rows or None)


@bp.post("/requests/<int:request_id>/close")
@login_required
def request_close(request_id: int):
    service_request = service_requests.get_request(request_id, current_user)
    form = CloseForm()
    form.validate()
    service_requests.close(current_user, service_request, form.note.data or "")
    flash(_("The request is closed."), "info")
    return redirect(url_for("providers.request_detail", request_id=service_request.id))


@bp.get("/requests/<int:request_id>/files/<int:attachment_id>")
@login_required
def request_attachment(request_id: int, attachment_id: int):
    service_request = service_requests.get_request(request_id, current_user)
    attachment = service_requests.get_attachment(current_user, service_request, attachment_id)
    path = storage.path_of(attachment.sha256)
    if not path.exists():
        raise NotFound()
    body, name = redaction.download(path, attachment,
                                    redaction.request_file_revealed(service_request, attachment, current_user))
    response = send_file(body, mimetype=attachment.content_type, as_attachment=True,
                         download_name=name, max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

