"""Importing listings in the contract's format, all or nothing.

``import_batch`` is the one way listings enter in bulk: the import page (CSV, XLSX, JSON
or GeoJSON files), the API's batch import and the demo loader call it. Every record is
checked first: the contract's JSON Schemas (matching.contract), then the same domain
checks as the forms and the API (records.stream_problems / need_problems), that every List
of Waste code exists, and that the named organisation may be imported for. If any record
fails, nothing is written and every problem is reported by row and field. Then the
listings' service writes them all (services.save_imported) and runs the after-save hooks
once for the lot. Records are matched to listings by (organisation, external_ref = the
record's id), so importing the same file again updates instead of duplicating."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from matching import contract

from ..compliance.evidence import streams_with_evidence
from ..db import db
from ..models import MaterialNeed, Organisation, SideStream
from . import services, tabular
from .records import known_waste_codes, need_problems, stream_problems

KINDS = ("side_streams", "needs")
SCHEMAS = {"side_streams": "side-stream.schema.json", "needs": "material-need.schema.json"}
CHECK_PROGRESS_EVERY = 500


@dataclass
class ImportProblem:
    """One problem of an import: which record (row label and id), which field, why."""

    kind: str
    row: str
    record_id: str | None
    field: str
    message: str


@dataclass
class ImportReport:
    created: dict = field(default_factory=lambda: {"side_streams": 0, "needs": 0})
    updated: dict = field(default_factory=lambda: {"side_streams": 0, "needs": 0})
    problems: list[ImportProblem] = field(default_factory=list)
    records: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "records": self.records,
                "written": self.written, "problems": [asdict(p) for p in self.problems]}

    def summary(self) -> str:
        if not self.ok:
            return f"{len(self.problems)} problems; nothing written"
        return (f"side streams: {self.created['side_streams']} created, {self.updated['side_streams']} updated; "
                f"needs: {self.created['needs']} created, {self.updated['needs']} updated")


Resolver = Callable[[str | None], "Organisation | None"]
Progress = Callable[[str, int, int], None]

_CONTRACT_MESSAGE = re.compile(r"^(?P<where>[a-z_]+)(?:\[(?P<index>\d+)\])?(?: \(id .*?\))?: field '(?P<field>.*?)': (?P<reason>.*)$", re.S)


def schema_problems(record, kind: str, index: int) -> list[tuple[str, str]]:
    """The contract's JSON Schema errors of one record as (field, reason) pairs."""
    out = []
    for message in contract.schema_errors(record, SCHEMAS[kind], kind, index):
        match = _CONTRACT_MESSAGE.match(message)
        if match:
            out.append((match["field"], match["reason"]))
        else:
            out.append(("(record)", message))
    return out


def user_resolver(user) -> Resolver:
    """Members import for their own organisation; brokers for any existing one named."""
    def resolve(name: str | None):
        if user is None or not user.is_authenticated:
            raise LookupError(_("Sign in to import."))
        if user.is_broker:
            if not name:
                if user.organisation is not None:
                    return user.organisation
                raise LookupError(_("Name the organisation the listing belongs to."))
            found = db.session.scalar(sa.select(Organisation).where(
                sa.func.lower(Organisation.name) == name.strip().lower()))
            if found is None:
                raise LookupError(_("No organisation called %(name)s.", name=name))
            return found
        if user.organisation is None:
            raise LookupError(_("Only members of an organisation can import listings."))
        if name and name.strip().casefold() != user.organisation.name.casefold():
            raise LookupError(_("You can import listings only for your own organisation (%(name)s).",
                                name=user.organisation.name))
        return user.organisation
    return resolve


def import_batch(doc: dict, user_or_none, organisation_resolver: Resolver, *,
                 progress: Progress | None = None, row_labels: dict | None = None,
                 cell_problems: list | None = None, dry_run: bool = False) -> ImportReport:
    """Check every record of ``doc`` ({"side_streams": [...], "needs": [...]}); when all pass,
    create or update the listings (flushing, never committing) and count them.

    ``organisation_resolver(name)`` returns the Organisation a record's ``organisation``
    (possibly None) belongs to, or raises LookupError with the reason. ``row_labels`` maps
    (kind, index) to how the user knows the record ('row 7'); ``cell_problems`` are
    (kind, index, field, message) found while reading a spreadsheet."""
    report = ImportReport()
    progress = progress or (lambda phase, done, total: None)
    labels = row_labels or {}

    def problem(kind, index, record, field_name, message):
        record_id = record.get("id") if isinstance(record, dict) else None
        report.problems.append(ImportProblem(kind, labels.get((kind, index), f"{kind}[{index}]"),
                                             str(record_id) if record_id is not None else None,
                                             field_name, message))

    if not isinstance(doc, dict):
        report.problems.append(ImportProblem("batch", _("file"), None, "(document)",
                                             _("The file must hold side_streams and/or needs.")))
        return report
    for key in doc:
        if key not in KINDS:
            report.problems.append(ImportProblem("batch", _("file"), None, key, _("Unknown section %(name)s.", name=key)))
    records = {kind: doc.get(kind) or [] for kind in KINDS}
    for kind in KINDS:
        if not isinstance(records[kind], list):
            report.problems.append(ImportProblem("batch", _("file"), None, kind, _("Must be a list of records.")))
            records[kind] = []
    total = sum(len(records[k]) for k in KINDS)
    report.records = total
    for kind, index, field_name, message in cell_problems or []:
        problem(kind, index, records[kind][index] if index < len(records[kind]) else {}, field_name, message)

    # 1. check everything, writing nothing
    codes = []
    for record in records["side_streams"]:
        if isinstance(record, dict) and isinstance(record.get("ewc_code"), str):
            codes.append(record["ewc_code"])
    for record in records["needs"]:
        if isinstance(record, dict):
            for name in ("ewc_codes", "permitted_ewc_codes"):
                if isinstance(record.get(name), list):
                    codes += [c for c in record[name] if isinstance(c, str)]
    known = known_waste_codes(db.session, [c for c in codes if len(c.replace(" ", "").rstrip("*")) == 6])
    owners: dict[tuple[str, int], Organisation] = {}
    seen: dict[tuple[str, int | None, str], int] = {}
    valid: list[tuple[str, int]] = []
    done = 0
    for kind in KINDS:
        for index, record in enumerate(records[kind]):
            done += 1
            if done % CHECK_PROGRESS_EVERY == 0:
                progress("checking", done, total)
            schema = schema_problems(record, kind, index)
            for field_name, reason in schema:
                problem(kind, index, record, field_name, reason)
            if schema:
                continue
            valid.append((kind, index))
            try:
                organisation = organisation_resolver(record.get("organisation"))
            except LookupError as error:
                problem(kind, index, record, "organisation", str(error))
                continue
            if organisation is None:
                problem(kind, index, record, "organisation",
                        _("No organisation called %(name)s.", name=record.get("organisation") or "–"))
                continue
            owners[(kind, index)] = organisation
            key = (kind, organisation.id, record["id"])
            if key in seen:
                problem(kind, index, record, "id", _("The id %(id)s is used twice in this file (also %(other)s).",
                                                     id=record["id"],
                                                     other=labels.get((kind, seen[key]), f"{kind}[{seen[key]}]")))
            else:
                seen[key] = index
    existing = _existing(records, owners)
    documented = streams_with_evidence([listing.id for (kind, _o, _r), listing in existing.items()
                                        if kind == "side_streams"])
    for kind, index in valid:
        record, organisation = records[kind][index], owners.get((kind, index))
        listing = existing.get((kind, organisation.id, record["id"])) if organisation is not None else None
        if kind == "side_streams":
            found = stream_problems(record, db.session, known,
                                    hazard_note=listing.hazard_note if listing is not None else "",
                                    has_document=listing is not None and listing.id in documented)
        else:
            found = need_problems(record, db.session, known)
        for p in found:
            problem(kind, index, record, p.field, p.message)
        if organisation is not None and record["id"].startswith("#") and listing is None:
            problem(kind, index, record, "id",
                    _("%(ref)s is not a listing of %(organisation)s.", ref=record["id"],
                      organisation=organisation.name))
    progress("checking", total, total)
    if report.problems or dry_run:
        return report

    # 2. write everything, through the one writer of listings
    rows = [services.ImportRow(kind, owners[(kind, index)],
                               existing.get((kind, owners[(kind, index)].id, record["id"])), record)
            for kind in KINDS for index, record in enumerate(records[kind])]
    counts = services.save_imported(user_or_none, rows, progress)
    report.created, report.updated = counts.created, counts.updated
    progress("writing", total, total)
    report.written = True
    return report


def _existing(records: dict, owners: dict) -> dict:
    """Listings the records update, by (kind, organisation id, record id)."""
    found = {}
    for kind, cls in (("side_streams", SideStream), ("needs", MaterialNeed)):
        by_org: dict[int, set[str]] = {}
        for (k, index), organisation in owners.items():
            if k == kind:
                by_org.setdefault(organisation.id, set()).add(records[kind][index]["id"])
        for organisation_id, refs in by_org.items():
            refs = list(refs)
            for start in range(0, len(refs), 900):
                chunk = refs[start:start + 900]
                for listing in db.session.scalars(sa.select(cls).where(
                        cls.organisation_id == organisation_id, cls.external_ref.in_(chunk))):
                    found[(kind, organisation_id, listing.external_ref)] = listing
            ids = [int(r[1:]) for r in refs if r.startswith("#") and r[1:].isdigit()]
            for start in range(0, len(ids), 900):
                for listing in db.session.scalars(sa.select(cls).where(
                        cls.organisation_id == organisation_id, cls.id.in_(ids[start:start + 900]))):
                    found.setdefault((kind, organisation_id, f"#{listing.id}"), listing)
    return found


# -- reading files -------------------------------------------------------------

@dataclass
class ParsedFile:
    doc: dict
    labels: dict
    cell_problems: list
    error: str = ""


def parse_upload(filename: str, data: bytes) -> ParsedFile:
    """A batch document from an uploaded JSON, GeoJSON, CSV or XLSX file (told by its content)."""
    head = data[:4]
    if head.startswith(b"PK\x03\x04"):
        try:
            sheets = tabular.read_xlsx(data)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
            return ParsedFile({}, {}, [], _("The workbook could not be read."))
        doc, labels, cells = {}, {}, []
        for name, rows in sheets.items():
            kind = name if name in KINDS else tabular.kind_of_rows(rows)
            if kind is None:
                continue
            _rows_to_records(doc, labels, cells, kind, rows, lambda n, s=name: _("sheet %(sheet)s row %(row)d", sheet=s, row=n))
        if not doc:
            return ParsedFile({}, {}, [], _("No sheet has the columns of side streams or needs."))
        return ParsedFile(doc, labels, cells)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") or stripped.startswith(b"["):
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as error:
            return ParsedFile({}, {}, [], _("The JSON could not be read: %(error)s", error=str(error)))
        if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
            return _from_geojson(doc)
        labels = {}
        if isinstance(doc, dict):
            for kind in KINDS:
                for index, record in enumerate(doc.get(kind) or [] if isinstance(doc.get(kind), list) else []):
                    rid = record.get("id") if isinstance(record, dict) else None
                    labels[(kind, index)] = f"{kind}[{index}]" + (f" ({rid})" if rid else "")
        return ParsedFile(doc, labels, [])
    try:
        rows = tabular.read_csv(data)
    except (UnicodeDecodeError, ValueError):
        return ParsedFile({}, {}, [], _("The file is not a UTF-8 CSV, an XLSX workbook or JSON."))
    kind = tabular.kind_of_rows(rows)
    if kind is None:
        return ParsedFile({}, {}, [], _("The CSV has neither a category column (side streams) nor an "
                                        "application column (needs)."))
    doc, labels, cells = {}, {}, []
    _rows_to_records(doc, labels, cells, kind, rows, lambda n: _("row %(row)d", row=n))
    return ParsedFile(doc, labels, cells)


def _point(geometry) -> tuple[float, float] | None:
    """(lon, lat) of a GeoJSON Point (RFC 7946: longitude first), or None."""
    if not (isinstance(geometry, dict) and geometry.get("type") == "Point"):
        return None
    coordinates = geometry.get("coordinates")
    if not (isinstance(coordinates, list) and len(coordinates) in (2, 3) and all(
            isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates)):
        return None
    return float(coordinates[0]), float(coordinates[1])


def _from_geojson(collection: dict) -> ParsedFile:
    """A batch document from a GeoJSON FeatureCollection: each Feature's properties are a
    contract record (a side stream, or a need when it has an ``application``), its Point
    geometry the location; a ``place`` property becomes the location's place name. What is
    wrong with a feature is reported by its index and field, and nothing is written."""
    features = collection.get("features")
    if not isinstance(features, list):
        return ParsedFile({}, {}, [], _("A GeoJSON FeatureCollection needs a list of features."))
    doc: dict[str, list] = {kind: [] for kind in KINDS}
    labels, cells = {}, []
    for number, feature in enumerate(features):
        problems = []
        if not (isinstance(feature, dict) and feature.get("type") == "Feature"):
            problems.append(("type", _("Must be a GeoJSON Feature.")))
            feature = feature if isinstance(feature, dict) else {}
        properties = feature.get("properties")
        if not isinstance(properties, dict):
            problems.append(("properties", _("Must be an object: the listing's record.")))
            properties = {}
        record = {k: v for k, v in properties.items() if k not in ("place", "location")}
        given = properties.get("location") if isinstance(properties.get("location"), dict) else {}
        place = properties.get("place") or given.get("place")
        point = _point(feature.get("geometry"))
        if point is None:
            problems.append(("geometry", _("Must be a Point with longitude and latitude.")))
        else:
            record["location"] = {"lat": point[1], "lon": point[0]}
            if place:
                record["location"]["place"] = place
        kind = "needs" if "application" in record else "side_streams"
        index = len(doc[kind])
        doc[kind].append(record)
        rid = record.get("id")
        labels[(kind, index)] = _("feature %(index)d", index=number) + (f" ({rid})" if rid else "")
        cells += [(kind, index, field_name, message) for field_name, message in problems]
    return ParsedFile({kind: records for kind, records in doc.items() if records}, labels, cells)


def _rows_to_records(doc, labels, cells, kind, rows, label) -> None:
    convert = tabular.stream_record if kind == "side_streams" else tabular.need_record
    records = doc.setdefault(kind, [])
    for row_number, row in enumerate(rows, start=2):
        record, errors = convert(row)
        index = len(records)
        records.append(record)
        labels[(kind, index)] = label(row_number)
        for error in errors:
            cells.append((kind, index, error.field, error.message))


def _example() -> dict:
    """Example records of the import templates: one side stream and one need."""
    return {
        "side_streams": [{
            "id": "S1", "title": "Ferrochrome slag, air-cooled, crushed 0-16 mm", "category": "slag",
            "ewc_code": "10 02 02", "industry": "24.10", "legal_status": "by_product",
            "composition": {"SiO2": 30.0, "Al2O3": 25.0, "MgO": 23.0, "CaO": 2.0, "Cr2O3": 7.0, "Fe2O3": 3.0},
            "trace": {"Cr": 40000, "Ni": 150, "V": 200}, "leaching": {"leach:Cr": 0.05},
            "properties": {"d50_mm": 6, "moisture_pct": 4, "bulk_density_t_m3": 1.7},
            "quantity_t_per_year": 400000, "availability": "continuous", "price_eur_per_t": 2,
            "location": {"lat": 65.78, "lon": 24.17, "place": "Tornio"}, "visibility": "public",
        }],
        "needs": [{
            "id": "N1", "title": "Aluminosilicate precursor for a geopolymer cover", "application": "geopolymer_binder",
            "categories": ["ash", "slag"], "accepts_waste": True, "permitted_ewc_codes": ["10 01 02"],
            "requirements": [{"property": "SiO2+Al2O3", "min": 50}, {"property": "LOI", "max": 7}],
            "quantity_t_per_year": 5000, "max_distance_km": 300,
            "location": {"lat": 67.9, "lon": 25.0, "place": "Kittilä"},
        }],
    }


EXAMPLE = _example()
