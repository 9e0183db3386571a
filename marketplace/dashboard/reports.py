"""Report files through the queue: the impact of deals and the cluster's self-evaluation as
CSV or XLSX. The request writes a ``ReportFile`` row and its ``report`` job; a consumer
builds the file in the language of the broker who asked and stores it in the row, in the
commit that ends the job (a retried job writes the file once). The broker follows the row
on its page and downloads the file from there.

The on-screen reports (``/dashboard/impact``, ``/cluster/evaluation/<year>``) are still
built in their requests: only the files moved."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from ..db import db
from ..errors import Forbidden, InvalidInput, NotFound
from ..i18n import APPLICATION_LABELS, CATEGORY_LABELS
from ..models import REPORT_FORMATS, REPORT_KINDS, ReportFile, User
from ..models.base import utcnow
from ..spreadsheets import csv_file, xlsx_file

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FIRST_YEAR, LAST_YEAR = 2000, 2100
KEPT_DAYS = 14  # a file is kept this long after it was made (or failed), then pruned by the sweep
LANGUAGES = ("fi", "sv", "en")


def may_request(user) -> bool:
    return bool(user and user.is_authenticated and user.is_broker)


def label(kind: str, key: str) -> str:
    if kind == "material":
        return str(CATEGORY_LABELS.get(key, key))
    if kind == "application":
        return str(APPLICATION_LABELS.get(key, key))
    return key


# -- asking ---------------------------------------------------------------------------------

def _year(kind: str, text) -> int | None:
    text = "" if text is None else str(text).strip()
    if not text and kind == "impact":
        return None  # every year
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        message = _("Choose a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
        raise InvalidInput(message, {"year": message})
    return int(text)


def request_file(user, kind: str, fmt: str, year) -> ReportFile:
    """A report file asked for by ``user``, built by a job after the request commits.
    ``year``: the year's text (none for the impact of every year)."""
    from ..jobs import enqueue

    if not may_request(user):
        raise Forbidden(_("Reports are for the Circular Economy Center's brokers."))
    errors = {}
    if kind not in REPORT_KINDS:
        errors["kind"] = _("Choose the impact report or the self-evaluation.")
    if fmt not in REPORT_FORMATS:
        errors["fmt"] = _("Choose CSV or XLSX.")
    if errors:
        raise InvalidInput(_("The report file cannot be made."), errors)
    year = _year(kind, year)
    language = str(get_locale() or "fi")
    report = ReportFile(kind=kind, fmt=fmt, year=year, language=language if language in LANGUAGES else "fi",
                        user_id=user.id, state="queued", filename=filename(kind, fmt, year),
                        content_type=CONTENT_TYPES[fmt], size_bytes=0, error="")
    db.session.add(report)
    db.session.flush()
    report.job_id = enqueue("report", report_file_id=report.id).id
    db.session.flush()
    return report


def filename(kind: str, fmt: str, year: int | None) -> str:
    if kind == "evaluation":
        return f"sivuvirta-cluster-evaluation-{year}.{fmt}"
    return f"sivuvirta-impact{f'-{year}' if year else ''}.{fmt}"


def find(user, report_id: int) -> ReportFile:
    """The file asked for by ``user`` (any one for an admin); NotFound for the others."""
    report = db.session.get(ReportFile, report_id)
    if report is None or not may_request(user) or (report.user_id != user.id and not user.is_admin):
        raise NotFound(_("There is no such report file."))
    return report


def recent(user, limit: int = 10) -> list[ReportFile]:
    return list(db.session.scalars(
        sa.select(ReportFile).where(ReportFile.user_id == user.id)
        .order_by(ReportFile.created_at.desc(), ReportFile.id.desc()).limit(limit)))


def content(report: ReportFile) -> bytes:
    return db.session.scalar(sa.select(ReportFile.content).where(ReportFile.id == report.id)) or b""


# -- building -------------------------------------------------------------------------------

def impact_rows(summary) -> tuple[list[str], list[list]]:
    header = [_("Deal"), _("Title"), _("State"), _("Material"), _("Use"), _("Municipality"), _("Supplier"), _("Buyer"),
              _("Tonnes"), _("t CO2e avoided"), _("Trade value (EUR)"), _("Landfill tax avoided (EUR)"),
              _("Value in all (EUR)"), _("Counted from")]
    rows = []
    for item in summary.impacts:
        deal = item.deal
        rows.append([
            deal.id, deal.title, deal.state, label("material", deal.category), label("application", deal.application),
            deal.place, deal.supplier.name, deal.buyer.name,
            round(item.tonnes_in(summary.year), 3), round(item.co2_t(summary.year), 3),
            round(item.trade_eur(summary.year), 2), round(item.landfill_tax_eur(summary.year), 2),
            round(item.value_eur(summary.year), 2),
            _("deliveries") if item.from_deliveries else _("agreed tonnes a year, pro rata"),
        ])
    return header, rows


def impact_file(year: int | None, fmt: str) -> bytes:
    from . import impact as impact_service

    summary = impact_service.summarise(impact_service.all_impacts(db.session), year)
    if fmt == "csv":
        return csv_file(*impact_rows(summary))
    sheets = {_("Deals"): impact_rows(summary)}
    for title, groups, kind in ((_("By month"), summary.by_month, "month"),
                                (_("By material"), summary.by_material, "material"),
                                (_("By use"), summary.by_application, "application"),
                                (_("By municipality"), summary.by_municipality, "municipality")):
        sheets[title] = ([title, _("Tonnes"), _("t CO2e avoided"), _("Value in all (EUR)")],
                         [[label(kind, key), round(totals.tonnes, 3), round(totals.co2_t, 3),
                           round(totals.value_eur, 2)] for key, totals in groups.items()])
    return xlsx_file(sheets)


def evaluation_file(user, year: int, fmt: str) -> bytes:
    from ..cluster import evaluation as evaluations

    report = evaluations.report(user, year)
    header, rows = evaluations.table(report)
    if fmt == "csv":
        lines = [header] + rows
        for criterion in report.criteria:
            lines += [[], [criterion.title] + [""] * (len(header) - 1), criterion.headers] + criterion.rows
        return csv_file(lines[0], lines[1:])
    sheets = {_("Summary")[:31]: (header, rows)}
    for criterion in report.criteria:
        sheets[criterion.key] = (criterion.headers, criterion.rows)
    return xlsx_file(sheets)


def build(report: ReportFile, user) -> bytes:
    with force_locale(report.language or "fi"):
        if report.kind == "evaluation":
            return evaluation_file(user, report.year, report.fmt)
        return impact_file(report.year, report.fmt)


def run_job(args: dict) -> None:
    """The ``report`` job: build the file and keep it in its row. The row becomes 'done'
    in the commit that marks the job done, so a job run again writes nothing twice."""
    from ..jobs import JobError

    report_id = args.get("report_file_id")
    if not isinstance(report_id, int):
        raise JobError(f"A report job needs report_file_id, an integer, not {report_id!r}.")
    report = db.session.get(ReportFile, report_id)
    if report is None:
        raise JobError(f"No report file {report_id}.")
    if report.state == "done":
        return  # built already: a repeated delivery
    user = db.session.get(User, report.user_id) if report.user_id is not None else None
    if not may_request(user):
        raise JobError("The account that asked for the report is no longer a broker's; nothing was built.")
    body = build(report, user)
    report.content, report.size_bytes = body, len(body)
    report.state, report.error, report.finished_at = "done", "", utcnow()
    db.session.flush()


def job_failed(args: dict, reason: str) -> None:
    """The job failed for good: its page says why (the job's error, as the admin reads it).
    Flushes; the caller commits."""
    report_id = args.get("report_file_id")
    report = db.session.get(ReportFile, report_id) if isinstance(report_id, int) else None
    if report is not None and report.state != "done":
        report.state, report.error, report.finished_at = "failed", reason, utcnow()
        db.session.flush()


def prune(session) -> int:
    """Delete the files finished more than KEPT_DAYS ago (each minute's sweep). Flushes."""
    cutoff = utcnow() - timedelta(days=KEPT_DAYS)
    return session.execute(sa.delete(ReportFile).where(ReportFile.finished_at < cutoff)).rowcount
