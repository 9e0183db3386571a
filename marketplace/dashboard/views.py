"""The brokers' dashboard, their marks on pairings, and the impact report."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from ..db import db
from ..errors import InvalidInput
from ..i18n import number
from ..matches import services as match_services
from ..models.base import utcnow
from ..paging import sort_order
from ..security import parse_id, parse_page, safe_next_url
from . import impact as impact_service
from . import marks_export as export_format
from . import reports as report_files
from . import services
from .forms import MarkForm, PairingFilterForm, ReportForm

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.before_request
@login_required
def brokers_only():
    services.require_broker(current_user)


def verification_url(organisation) -> str | None:
    """The accounts area's review page of an organisation, where it exists."""
    for endpoint, args in (("organisations.review", {"organisation_id": organisation.id}),
                           ("organisations.verification_queue", {})):
        try:
            return url_for(endpoint, **args)
        except BuildError:
            continue
    return None


def listing_url(listing) -> str | None:
    endpoint = "listings.stream_detail" if listing.__tablename__ == "side_stream" else "listings.need_detail"
    try:
        return url_for(endpoint, listing_id=listing)
    except BuildError:
        return None


def _filters(form: PairingFilterForm) -> services.PairingFilters:
    # The organisation field: part of a name, or an organisation's number (older links).
    organisation = (form.organisation.data or "").strip()
    return services.PairingFilters(
        application=form.application.data or None, category=form.category.data or None,
        municipality=(form.municipality.data or "").strip() or None,
        organisation_id=int(organisation) if organisation.isdigit() else None,
        organisation_name=organisation if organisation and not organisation.isdigit() else None,
        min_score=form.min_score.data / 100 if form.min_score.data is not None else None,
        since=form.since.data,
    )


def _page() -> int:
    return parse_page(request.args.get("page"))


@bp.get("/")
def index():
    from ..deals import services as deal_services
    from ..matches.services import blends_for_dashboard, ideas_for_streams

    form = PairingFilterForm(request.args)
    status = 200
    filters = services.PairingFilters()
    if request.args and not form.validate():
        status = 400
    elif request.args:
        filters = _filters(form)
        if filters.organisation_name and not services.organisations_named(filters.organisation_name, limit=1):
            form.organisation.errors = [*form.organisation.errors, _(
                "No verified organisation's name contains “%(text)s”.", text=filters.organisation_name)]
            filters, status = services.PairingFilters(), 400
    page = _page()
    sort, descending = sort_order(services.PAIRING_SORTS, "score")
    rows, total = services.pairings(filters, offset=(page - 1) * services.PAIRINGS_PER_PAGE,
                                    sort=sort, descending=descending)
    marks = services.latest_marks([(m.side_stream_id, m.need_id) for m in rows])
    deal_services.remember_open_deals([(m.side_stream_id, m.need_id) for m in rows])
    unmatched = services.unmatched_streams()
    analysed = services.has_composition([s.id for s in unmatched])
    ideas = ideas_for_streams(db.session, [s for s in unmatched[:5] if s.id in analysed], current_user,
                              g.get("language", "fi"), top=3)
    activities, target = services.activities_this_year()
    return render_template(
        "dashboard/index.html", form=form, rows=rows, total=total, page=page,
        pages=max(1, -(-min(total, services.PAIRINGS_COUNTED) // services.PAIRINGS_PER_PAGE)), marks=marks,
        more_than=services.PAIRINGS_COUNTED if total > services.PAIRINGS_COUNTED else None,
        unmatched=unmatched, ideas=ideas, analysed=analysed,
        pending=services.pending_organisations(limit=services.WAITING_ROWS), verification_url=verification_url,
        stale=deal_services.stale_deals(services.STALE_DEAL_DAYS, limit=services.WAITING_ROWS),
        stale_days=services.STALE_DEAL_DAYS, stale_cutoff=services.stale_cutoff(),
        activities=activities, activities_target=target, listing_url=listing_url,
        mark_form=MarkForm(formdata=None), year=utcnow().year,
        deal_name=lambda deal: deal_services.deal_name(deal, current_user), sort=sort, descending=descending,
        match_summary=match_services.render_summary,
        blends=blends_for_dashboard(db.session, current_user),
    ), status


@bp.get("/organisations.json")
def organisations():
    """Verified organisations whose name contains ``q``, for the filter's suggestions:
    [{"id", "name"}], at most ORGANISATION_SUGGESTIONS, by name."""
    found = services.organisations_named(request.args.get("q") or "")
    return jsonify([{"id": o.id, "name": o.name} for o in found])


@bp.get("/pairings/<stream:stream_id>/<need:need_id>")
def pairing(stream_id, need_id):
    """Why the engine paired a stream and a need: its score and reasons, for the broker."""
    from .. import redaction
    from ..deals import services as deal_services
    from ..matches.services import present
    from ..models import MaterialNeed, SideStream

    stream = redaction.find_listing(db.session, SideStream, stream_id, current_user)
    need = redaction.find_listing(db.session, MaterialNeed, need_id, current_user)
    if stream is None or need is None:
        abort(404)
    stream_id, need_id = stream.id, need.id
    match = services.pairing(stream_id, need_id)
    if match is None:
        abort(404)
    view = present(match, match.need, current_user)
    deal_services.remember_open_deals([(stream_id, need_id)])
    return render_template("dashboard/pairing.html", match=match, view=view, listing_url=listing_url,
                           mark=services.latest_marks([(stream_id, need_id)]).get((stream_id, need_id)))


# -- marks ----------------------------------------------------------------------

@bp.post("/marks")
def mark():
    form = MarkForm()
    back = safe_next_url(form.next.data) or url_for("dashboard.index")
    stream_id, need_id = parse_id(form.side_stream_id.data), parse_id(form.need_id.data)
    if form.validate():
        try:
            if stream_id is None or need_id is None:
                raise InvalidInput("", {"side_stream_id": _("There is no such pairing.")})
            services.mark_pairing(current_user, stream_id, need_id, form.good.data == "1", form.reason.data)
        except InvalidInput as error:
            for name, message in error.errors.items():
                getattr(form, name).errors = list(getattr(form, name).errors) + [message]
        else:
            flash(_("Your mark is kept: it will teach the matching."), "success")
            return redirect(back)
    return render_template("dashboard/mark_errors.html", form=form, back=back), 400


@bp.get("/marks")
def marks():
    return render_template("dashboard/marks.html", marks=services.marks(limit=500), listing_url=listing_url)


def _download(body, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/marks/<any(json, csv, zip):fmt>")
def marks_export(fmt: str):
    all_marks = services.marks()
    if fmt == "json":
        return _download(export_format.marks_json(all_marks), "application/json", "marks.json")
    if fmt == "csv":
        return _download(export_format.marks_csv(all_marks), "text/csv; charset=utf-8", "marks.csv")
    return _download(export_format.bundle(all_marks), "application/zip", "sivuvirta-marks.zip")


@bp.get("/marks/batch.json")
def marks_batch():
    return _download(export_format.batch_json(services.marks()), "application/json", export_format.BATCH_FILENAME)


# -- impact ---------------------------------------------------------------------

def _year_arg() -> int | None:
    text = request.args.get("year", "")
    if not text:
        return None
    if not text.isdigit() or not (2000 <= int(text) <= 2100):
        raise InvalidInput(_("Choose a year."), {"year": _("Give a year such as %(year)s.", year=utcnow().year)})
    return int(text)


def _chart_data(summary) -> dict:
    """What impact-charts.js draws, handed over in a data- attribute (no inline script)."""
    def series(groups, kind):
        return {"labels": [report_files.label(kind, k) for k in groups],
                "tonnes": [round(t.tonnes, 1) for t in groups.values()],
                "co2": [round(t.co2_t, 1) for t in groups.values()]}

    return {
        "month": series(summary.by_month, "month"),
        "material": series(summary.by_material, "material"),
        "application": series(summary.by_application, "application"),
        "municipality": series(summary.by_municipality, "municipality"),
        "labels": {"tonnes": _("Tonnes kept from landfill"), "co2": _("t CO2e avoided")},
    }


def _years(impacts) -> list[int]:
    years = {int(month[:4]) for i in impacts for month in i.months}
    years.add(utcnow().year)
    return sorted(years, reverse=True)


@bp.get("/impact")
def impact():
    year = _year_arg()
    impacts = impact_service.all_impacts(db.session)
    summary = impact_service.summarise(impacts, year)
    return render_template("dashboard/impact.html", summary=summary, year=year, years=_years(impacts),
                           chart_json=json.dumps(_chart_data(summary)), label=report_files.label,
                           factors=impact_service.factors())


@bp.get("/impact/report/<int:year>")
def impact_report(year: int):
    if not (2000 <= year <= 2100):
        raise InvalidInput(_("Choose a year."), {"year": _("Give a year such as %(year)s.", year=utcnow().year)})
    summary = impact_service.summarise(impact_service.all_impacts(db.session), year)
    activities, target = services.activities_this_year(utcnow().date().replace(year=year, month=6, day=30))
    return render_template("dashboard/report.html", summary=summary, year=year, label=report_files.label,
                           factors=impact_service.factors(), activities=activities,
                           activities_target=target, number=number, generated=utcnow())


# -- report files, built by the queue -------------------------------------------------------

@bp.post("/reports")
def report_request():
    """Ask for a report file (impact or self-evaluation, CSV or XLSX): a job builds it and
    its page follows the job."""
    form = ReportForm()
    if not form.validate():
        raise InvalidInput(_("The form expired: please try again."),
                           {name: "; ".join(map(str, errors)) for name, errors in form.errors.items()})
    report = report_files.request_file(current_user, form.kind.data, form.fmt.data, form.year.data)
    return redirect(url_for("dashboard.report_status", report_id=report.id))


@bp.get("/reports/<int:report_id>")
def report_status(report_id: int):
    report = report_files.find(current_user, report_id)
    return render_template("dashboard/report_file.html", report=report, form=ReportForm(formdata=None),
                           recent=report_files.recent(current_user))


@bp.get("/reports/<int:report_id>/file")
def report_download(report_id: int):
    report = report_files.find(current_user, report_id)
    if report.state != "done":
        return redirect(url_for("dashboard.report_status", report_id=report.id))
    response = _download(report_files.content(report), report.content_type, report.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
