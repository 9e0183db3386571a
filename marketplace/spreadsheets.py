"""Every CSV and XLSX file the site writes is written here, so that no cell anybody typed
can run as a formula in the spreadsheet that opens the file (CSV or formula injection).

Excel, LibreOffice Calc and Google Sheets read a cell whose first character is ``=``,
``+``, ``-``, ``@``, a tab or a carriage return as a formula (OWASP, "CSV Injection",
https://owasp.org/www-community/attacks/CSV_Injection); OWASP ASVS 5.0 requirement 1.2.10
adds the NUL character and asks for the same escape in XLSX. Such a text cell is written
with a leading apostrophe, which those programs take as "this is text". Numbers are
written as numbers, negative ones included: only text is escaped.

In CSV every field is quoted (RFC 4180 sections 2.6 and 2.7), so that a separator inside a
cell (a ``;`` for a spreadsheet set to Finnish, whose list separator it is) cannot start a
new cell that would then begin with ``=``.
"""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def safe_cell(value):
    """``value`` as a spreadsheet may read it: text that would start a formula gets a
    leading apostrophe; numbers, dates, booleans and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_row(row) -> list:
    return [safe_cell(value) for value in row]


def csv_text(header: list[str], rows) -> str:
    """A CSV document (comma separated, every field quoted) of ``header`` then ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(_safe_row(header))
    writer.writerows(_safe_row(row) for row in rows)
    return out.getvalue()


def csv_file(header: list[str], rows) -> bytes:
    """``csv_text`` as UTF-8 with a byte-order mark, which Excel needs to read UTF-8."""
    return ("\ufeff" + csv_text(header, rows)).encode("utf-8")


def xlsx_file(sheets: dict[str, tuple[list[str], list]], freeze: str = "A2") -> bytes:
    """A workbook of one sheet per item of ``sheets`` (name -> (header, rows)); the header
    row is bold and stays in view (panes frozen at ``freeze``)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(name[:31])  # Excel's limit on a sheet's name
        sheet.append(_safe_row(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = freeze
        for row in rows:
            sheet.append(_safe_row(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
