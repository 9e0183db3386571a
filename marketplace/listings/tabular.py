"""The CSV and XLSX layout of the contract: one row a record.

Side streams: the scalar fields as fixed columns (``id``, ``title``, ... ``lat``, ``lon``,
``place``, ``visibility``), then one column per vocabulary key named by its group:
``composition.SiO2``, ``trace.Cd``, ``leaching.leach:Cr``, ``properties.d50_mm``; a value
below the laboratory's detection limit is written with ``<`` before the limit (``<0,5``,
the contract's ``below_detection``); ``hazardous_properties`` is a list separated by ``;``.
The contract's ``sources`` have no column: they travel in JSON only.
Needs: the scalar fields; ``categories``, ``ewc_codes`` and ``permitted_ewc_codes`` as
lists separated by ``;``; ``accepts_waste`` as ``true``/``false``/empty; the ``context``
as ``context.land_use``, ``context.regime``, ``context.structure``,
``context.structure_use`` and ``context.groundwater_area`` (``true``/``false``); then the
requirements as ``req1.property``, ``req1.per``, ``req1.min``, ``req1.max``, ``req1.note``,
``req2.property``... (as many as needed). Empty cells are absent fields. Numbers may
use a decimal comma. A CSV file holds one kind, told by its columns (``category`` for
side streams, ``application`` for needs); an XLSX workbook may hold a sheet of each,
named ``side_streams`` and ``needs``. docs/import-format.md describes the same."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from matching import vocabulary as V

from .values import GROUPS, parse_number

STREAM_COLUMNS = (
    "id", "title", "description", "organisation", "category", "ewc_code", "industry", "legal_status",
    "quantity_t_per_year", "lot_t", "availability", "available_from", "available_until",
    "price_eur_per_t", "lat", "lon", "place", "visibility", "material_type", "hazardous_properties",
    "legal_status_evidence",
)
CONTEXT_FIELDS = ("land_use", "regime", "structure", "structure_use", "groundwater_area")
NEED_COLUMNS = (
    "id", "title", "description", "organisation", "application", "categories", "ewc_codes",
    "accepts_waste", "permitted_ewc_codes", "quantity_t_per_year", "min_quantity_t_per_year",
    "max_distance_km", "max_price_eur_per_t", "lat", "lon", "place", "visibility",
) + tuple(f"context.{name}" for name in CONTEXT_FIELDS)
STREAM_NUMBERS = {"quantity_t_per_year", "lot_t", "price_eur_per_t", "lat", "lon"}
NEED_NUMBERS = {"quantity_t_per_year", "min_quantity_t_per_year", "max_distance_km",
                "max_price_eur_per_t", "lat", "lon"}
NEED_LISTS = {"categories", "ewc_codes", "permitted_ewc_codes"}
STREAM_LISTS = {"hazardous_properties"}
BOOLEANS = {"accepts_waste", "context.groundwater_area"}
REQUIREMENT_FIELDS = ("property", "per", "min", "max", "note")


def value_columns() -> list[str]:
    return [f"{V.kind_of(k)}.{k}" for k in V.ALL_KEYS]


def stream_header() -> list[str]:
    return list(STREAM_COLUMNS) + value_columns()


def need_header(requirements: int = 5) -> list[str]:
    return list(NEED_COLUMNS) + [f"req{i}.{f}" for i in range(1, requirements + 1) for f in REQUIREMENT_FIELDS]


# -- records to rows ---------------------------------------------------------

def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _below(limit: float) -> str:
    return f"<{_cell(float(limit))}"


def stream_row(record: dict) -> list:
    location = record.get("location") or {}
    below = record.get("below_detection") or {}
    row = []
    for column in STREAM_COLUMNS:
        if column in ("lat", "lon", "place"):
            row.append(_cell(location.get(column)))
        elif column in STREAM_LISTS:
            row.append(";".join(record.get(column) or []))
        else:
            row.append(_cell(record.get(column)))
    for column in value_columns():
        group, key = column.split(".", 1)
        row.append(_below(below[key]) if key in below else _cell((record.get(group) or {}).get(key)))
    return row


def need_row(record: dict, requirements: int) -> list:
    location = record.get("location") or {}
    row = []
    for column in NEED_COLUMNS:
        if column in ("lat", "lon", "place"):
            row.append(_cell(location.get(column)))
        elif column in NEED_LISTS:
            row.append(";".join(record.get(column) or []))
        elif column.startswith("context."):
            row.append(_cell((record.get("context") or {}).get(column.split(".", 1)[1])))
        else:
            row.append(_cell(record.get(column)))
    items = record.get("requirements") or []
    for i in range(requirements):
        item = items[i] if i < len(items) else {}
        row.extend(_cell(item.get(f)) for f in REQUIREMENT_FIELDS)
    return row


# -- rows to records -----------------------------------------------------------

class CellError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _number(value, field: str):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return parse_number(_text(value))
    except ValueError:
        raise CellError(field, _("%(value)s is not a number.", value=_text(value))) from None


def _list(raw) -> list[str]:
    return [p.strip() for p in _text(raw).replace(",", ";").split(";") if p.strip()]


def _boolean(raw, field: str) -> bool:
    text = _text(raw).lower()
    if text in ("true", "yes", "kyllä", "1", "x"):
        return True
    if text in ("false", "no", "ei", "0"):
        return False
    raise CellError(field, _("Write true or false."))


def stream_record(cells: dict) -> tuple[dict, list[CellError]]:
    """A contract record from one row (column name -> cell), and the cells not understood."""
    record, location, errors = {}, {}, []
    for column, raw in cells.items():
        if column is None or _text(raw) == "":
            continue
        column = column.strip()
        try:
            if column in ("lat", "lon"):
                location[column] = _number(raw, f"location.{column}")
            elif column == "place":
                location["place"] = _text(raw)
            elif column in STREAM_NUMBERS:
                record[column] = _number(raw, column)
            elif column in STREAM_LISTS:
                record[column] = _list(raw)
            elif column in STREAM_COLUMNS:
                record[column] = _text(raw)
            elif "." in column and column.split(".", 1)[0] in GROUPS:
                group, key = column.split(".", 1)
                text = _text(raw)
                if text.startswith("<"):
                    record.setdefault("below_detection", {})[key] = _number(text[1:], column)
                else:
                    record.setdefault(group, {})[key] = _number(raw, column)
            else:
                errors.append(CellError(column, _("Unknown column %(column)s.", column=column)))
        except CellError as error:
            errors.append(error)
    if location:
        record["location"] = location
    return record, errors


def need_record(cells: dict) -> tuple[dict, list[CellError]]:
    record, location, errors, requirements = {}, {}, [], {}
    for column, raw in cells.items():
        if column is None or _text(raw) == "":
            continue
        column = column.strip()
        try:
            if column in ("lat", "lon"):
                location[column] = _number(raw, f"location.{column}")
            elif column == "place":
                location["place"] = _text(raw)
            elif column in NEED_NUMBERS:
                record[column] = _number(raw, column)
            elif column in NEED_LISTS:
                record[column] = _list(raw)
            elif column == "accepts_waste":
                record[column] = _boolean(raw, column)
            elif column.startswith("context.") and column in NEED_COLUMNS:
                name = column.split(".", 1)[1]
                context = record.setdefault("context", {})
                context[name] = _boolean(raw, column) if column in BOOLEANS else _text(raw)
            elif column in NEED_COLUMNS:
                record[column] = _text(raw)
            elif column.startswith("req") and "." in column:
                head, name = column.split(".", 1)
                number = head[3:]
                if not number.isdigit() or name not in REQUIREMENT_FIELDS:
                    raise CellError(column, _("Unknown column %(column)s.", column=column))
                item = requirements.setdefault(int(number), {})
                item[name] = _number(raw, column) if name in ("min", "max") else _text(raw)
            else:
                errors.append(CellError(column, _("Unknown column %(column)s.", column=column)))
        except CellError as error:
            errors.append(error)
    if location:
        record["location"] = location
    if requirements:
        record["requirements"] = [requirements[n] for n in sorted(requirements)]
    return record, errors


# -- files -------------------------------------------------------------------------

def read_csv(data: bytes) -> list[dict]:
    """Rows of a CSV file (UTF-8, with or without BOM; ``,``, ``;`` or tab separated)."""
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def read_xlsx(data: bytes) -> dict[str, list[dict]]:
    """Rows of each sheet of a workbook, by sheet name."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = {}
    for sheet in workbook.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            continue
        names = [(_text(h) or None) for h in header]
        sheets[sheet.title] = [
            {name: value for name, value in zip(names, row) if name}
            for row in rows if any(v not in (None, "") for v in row)
        ]
    workbook.close()
    return sheets


def kind_of_rows(rows: list[dict]) -> str | None:
    columns = set(rows[0]) if rows else set()
    if "category" in columns or any(c and c.startswith("composition.") for c in columns):
        return "side_streams"
    if "application" in columns:
        return "needs"
    return None
