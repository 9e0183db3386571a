"""Pages of side streams and material needs: browse, map, detail, forms, life cycle."""
from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from flask import (
    Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for,
)
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from matching import load_knowledge
from matching import vocabulary as V
from matching.materials import load_catalogue

from ..compliance import permits
from ..matches.engine import MaterialReading, read_context, read_record
from ..matches.records import engine_need
from .. import redaction
from ..db import db
from ..errors import Forbidden, InvalidInput, NotFound
from ..i18n import CATEGORY_LABELS, language
from ..reference import normalise_ewc_code
from ..models import APPLICATIONS, CATEGORIES, Attachment, ImportJob, MaterialNeed, SideStream, WasteCode
from . import gazetteer, jobs, services
from .exports import export_response, geojson_response, template_file
from .forms import (
    HAZARD_LABELS, SOURCE_KIND_LABELS, ImportForm, NeedForm, StreamForm, material_type_groups, set_site_choices,
)
from .importer import parse_upload
from ..paging import page_count, page_number
from .knowledge import legal_limits, prefill_requirements
from .records import (
    CONTEXT_CHOICES, CONTEXT_FIELD_LABELS, CONTEXT_VALUE_LABELS, MATERIAL_TYPE_NAMES, known_waste_codes,
)
from .search import COUNTED, my_sites, parse_filters, search, shown_distance_km, site_coordinates
from .values import known_key, major_components, ordered_keys, parse_lab_report, parse_number

bp = Blueprint("listings", __name__)


@bp.record_once
def _load_gazetteer(state) -> None:
    """Each process reads the gazetteer once, at start, in the background (not in a test)."""
    if not state.app.testing:
        gazetteer.load_in_background()


BLANK_VALUE_ROWS = 4
BLANK_REQUIREMENT_ROWS = 3
KINDS = {"streams": SideStream, "needs": MaterialNeed}
# Own side streams, and own needs, on one page of /listings/mine.
OWN_PER_PAGE = 50


def _kind_of(cls) -> str:
    return "streams" if cls is SideStream else "needs"


def _load(cls, listing_id: int):
    listing = redaction.find_listing(db.session, cls, listing_id, current_user)
    if listing is None or not listing.is_visible_to(current_user):
        raise NotFound(_("No such listing, or it is not shown to you."))
    return listing


def _load_for_edit(cls, listing_id: int):
    listing = _load(cls, listing_id)
    if not listing.can_edit(current_user):
        raise Forbidden(_("Only members of the listing's organisation can change it."))
    return listing


def vocabulary_options() -> list[tuple[str, str]]:
    return [(key, V.unit_of(key)) for key in V.ALL_KEYS]


# -- browse ------------------------------------------------------------------

def _browse(cls, template: str):
    viewer = current_user._get_current_object()
    filters = parse_filters(request.args, viewer)
    page = search(cls, filters, viewer, load_details=True, counted=COUNTED) if not filters.errors else None
    rows = []
    if page is not None:
        for listing in page.items:
            rows.append(_card(listing, page, filters, viewer))
    return render_template(template, filters=filters, page=page, rows=rows, kind=_kind_of(cls),
                           sites=my_sites(current_user), vocabulary=vocabulary_options()), \
        (400 if filters.errors else 200)


def _card(listing, page, filters, viewer) -> dict:
    """What a result card shows: the place (approximate where the owner is hidden), and for
    a stream whose values the reader may see, the values filtered on and the composition."""
    revealed = listing.reveals_owner_to(viewer)
    card = {
        "listing": listing,
        "owner": listing.organisation.name if revealed else None,
        "distance_km": shown_distance_km(listing, page.distances, filters, viewer),
        "place": redaction.place_text(listing, viewer, revealed),
        "approximate_km": None if revealed else redaction.radius_km(listing),
        "values": [], "composition": [],
    }
    if isinstance(listing, SideStream) and listing.shows_details_to(viewer):
        values, below = listing.values_by_property, listing.below_detection_keys
        card["values"] = [(r.key, values[r.key], V.unit_of(r.key), r.key in below)
                          for r in filters.ranges if r.key in values]
        card["composition"] = major_components(values)
    return card


@bp.get("/streams")
def stream_list():
    return _browse(SideStream, "listings/list.html")


@bp.get("/needs")
def need_list():
    return _browse(MaterialNeed, "listings/list.html")


def _map_page(cls):
    filters = parse_filters(request.args, current_user)
    return render_template("listings/map.html", filters=filters, kind=_kind_of(cls),
                           sites=my_sites(current_user), vocabulary=vocabulary_options(),
                           geojson_url=url_for(f"listings.{_kind_of(cls)[:-1]}_geojson",
                                               **filters.query_args(page=""))), \
        (400 if filters.errors else 200)


@bp.get("/streams/map")
def stream_map():
    return _map_page(SideStream)


@bp.get("/needs/map")
def need_map():
    return _map_page(MaterialNeed)


@bp.get("/streams/map.geojson")
def stream_geojson():
    return geojson_response(SideStream, request.args, current_user)


@bp.get("/needs/map.geojson")
def need_geojson():
    return geojson_response(MaterialNeed, request.args, current_user)


@bp.get("/streams/export.<fmt>")
def stream_export(fmt):
    return export_response(SideStream, fmt, request.args, current_user)


@bp.get("/needs/export.<fmt>")
def need_export(fmt):
    return export_response(MaterialNeed, fmt, request.args, current_user)


@bp.get("/listings/mine")
@login_required
def mine():
    organisation_id = current_user.organisation_id
    streams = needs = []
    page, pages = page_number(), 1
    if organisation_id is not None:
        lists = []
        for model in (SideStream, MaterialNeed):
            own = sa.select(model).where(model.organisation_id == organisation_id)
            total = db.session.scalar(sa.select(sa.func.count()).select_from(own.subquery()))
            pages = max(pages, page_count(total, OWN_PER_PAGE))
            lists.append(db.session.scalars(own.order_by(model.updated_at.desc(), model.id.desc())
                                            .limit(OWN_PER_PAGE).offset((page - 1) * OWN_PER_PAGE)).all())
        streams, needs = lists
    return render_template("listings/mine.html", streams=streams, needs=needs, page=page, pages=pages,
                           may_create=services.may_create(current_user),
                           may_publish=services.may_publish(current_user))


# -- detail ------------------------------------------------------------------

def context_lines(need: MaterialNeed) -> dict:
    """Where the need's material is used, for its page: what the record states, field by
    field, and what the engine read from the title and description where a field is not
    stated (matching: Matcher.context), in the reader's language."""
    stated = [(str(CONTEXT_FIELD_LABELS[name]), str(CONTEXT_VALUE_LABELS[name][value]))
              for name, value in (need.context or {}).items()
              if name in CONTEXT_VALUE_LABELS and value in CONTEXT_VALUE_LABELS[name]]
    reading = read_context(engine_need(need, hazardous=frozenset()))  # codes play no part in the reading
    labels = load_knowledge().get("reading", {}).get("labels", {})
    lang = language()
    read = [labels.get(key, {}).get(lang) or labels.get(key, {}).get("en") or key for key in reading.read]
    stricter = [labels.get(key, {}).get(lang) or labels.get(key, {}).get("en") or key for key in reading.stricter]
    return {"stated": stated, "read": read, "stricter": stricter}


def _detail(cls, listing_id: int):
    listing = _load(cls, listing_id)
    details = listing.shows_details_to(current_user)
    owner = listing.reveals_owner_to(current_user)
    lat, lon = listing.location_for(current_user)
    context = {"listing": listing, "kind": _kind_of(cls), "details": details, "owner": owner,
               "lat": lat, "lon": lon, "can_edit": listing.can_edit(current_user),
               "may_publish": services.may_publish(current_user),
               "ref": redaction.reference(listing, current_user), "radius_km": redaction.radius_km(listing)}
    if details:
        context["attachments"] = db.session.scalars(
            sa.select(Attachment).where(
                (Attachment.side_stream_id if cls is SideStream else Attachment.need_id) == listing.id)
            .order_by(Attachment.id)).all()
    if cls is SideStream:
        values = listing.values_by_property if details else {}
        below = listing.below_detection_keys if details else frozenset()
        context["value_rows"] = [(k, values[k], V.unit_of(k), V.kind_of(k), k in below) for k in ordered_keys(values)]
        majors = major_components({k: v for k, v in values.items() if k not in below})
        context["chart"] = json.dumps({"labels": [k for k, _v in majors], "values": [v for _k, v in majors],
                                       "label": _("wt%, dry basis")}) if majors else ""
        context["waste_title"] = listing.waste_code.title(language()) if listing.waste_code else ""
        context["material_type_name"] = material_type_name(listing.material_type)
        context["reading"] = material_reading(listing)
    else:
        context["legal"] = legal_limits(listing.application)
        context["context_lines"] = context_lines(listing)
    return render_template(f"listings/{_kind_of(cls)[:-1]}_detail.html", **context)


@bp.get("/streams/<stream:listing_id>")
def stream_detail(listing_id):
    return _detail(SideStream, listing_id)


@bp.get("/needs/<need:listing_id>")
def need_detail(listing_id):
    return _detail(MaterialNeed, listing_id)


# -- forms -------------------------------------------------------------------

def _resolve_location(form, user) -> dict | None:
    """The listing's place from the form: coordinates (typed or clicked on the map), else one
    of the organisation's sites, else a place name looked up in the gazetteer."""
    lat, lon = form.lat.number, form.lon.number
    if form.lat.errors or form.lon.errors:
        return None
    place = (form.place.data or "").strip()
    site = None
    if form.site_id.data:
        site = next((s for s in (user.organisation.sites if user.organisation else [])
                     if str(s.id) == form.site_id.data), None)
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            (form.lat if lat is None else form.lon).errors.append(_("Give both latitude and longitude."))
            return None
        if not -90 <= lat <= 90:
            form.lat.errors.append(_("Latitude is between -90 and 90."))
            return None
        if not -180 <= lon <= 180:
            form.lon.errors.append(_("Longitude is between -180 and 180."))
            return None
        return {"lat": lat, "lon": lon, "place": place or (site.place or site.name if site else "")}
    if site is not None:
        site_lat, site_lon = site_coordinates(site)
        return {"lat": site_lat, "lon": site_lon, "place": place or site.place or site.name}
    if place:
        found = gazetteer.resolve(place)
        if found is None:
            form.place.errors.append(_("No place called %(name)s was found: click the map or give "
                                       "coordinates.", name=place))
            return None
        return {"lat": found.lat, "lon": found.lon, "place": place}
    form.place.errors.append(_("Click the map, type a place name, choose a site or give coordinates."))
    return None


def _pad(field_list, blanks: int) -> None:
    filled = sum(1 for entry in field_list if not entry.form.is_blank())
    while len(field_list.entries) < filled + blanks:
        field_list.append_entry()


def _apply_problems(form, problems: dict, row_fields: dict) -> None:
    """Put the services' problems (contract field names) on the form's fields."""
    for name, message in problems.items():
        target = row_fields.get(name)
        if target is None:
            head = name.split(".")[0].split("[")[0]
            target = getattr(form, head, None) if head in form._fields else None
        if target is None:
            form.form_errors.append(message)
        else:
            target.errors = list(target.errors) + [message]


def _paste_into(form: StreamForm) -> list[str]:
    pasted, problems = parse_lab_report(form.paste.data or "")
    rows = [(e.form.property.data, e.form.value.data, e.form.unit.data)
            for e in form.values if not e.form.is_blank()]
    keys = {known_key_or_raw(r[0]): i for i, r in enumerate(rows)}
    for key, value, below in pasted:
        row = (key, f"< {value:g}" if below else f"{value:g}", V.unit_of(key))
        if key in keys:
            rows[keys[key]] = row
        else:
            keys[key] = len(rows)
            rows.append(row)
    while form.values.entries:
        form.values.pop_entry()
    for prop, value, unit in rows:
        form.values.append_entry({"property": prop, "value": _row_value(value), "unit": unit})
    form.paste.data = ""
    return problems


def _row_value(text):
    """A value row's content again: a number, or '< limit' for a result below detection."""
    text = str(text or "").strip()
    if text.startswith("<"):
        limit = parse_or_none(text[1:])
        return f"< {limit:g}" if limit is not None else None
    return parse_or_none(text)


def known_key_or_raw(raw):
    return known_key(raw or "") or raw


def parse_or_none(text):
    try:
        return parse_number(text)
    except ValueError:
        return None


BLANK_SOURCE_ROWS = 1


def _stream_extra(form, record: dict) -> dict:
    """The form's fields beyond the contract: the site and the hazard assessment's note.

    The page shows the hazard fields for a hazardous entry only; for any other code, what
    stayed ticked or written there (from a code typed before) is dropped, as the user no
    longer sees it."""
    extra = {"site_id": int(form.site_id.data) if form.site_id.data else None,
             "hazard_note": (form.hazard_note.data or "").strip()}
    code = record.get("ewc_code")
    entry = known_waste_codes(db.session, [code]).get(normalise_ewc_code(code)) if code else None
    if entry is None or not entry.hazardous:
        record.pop("hazardous_properties", None)
        extra["hazard_note"] = ""
    return extra


def _stream_form_data(stream: SideStream) -> dict:
    below = stream.below_detection_keys
    return {
        "title": stream.title, "description": stream.description, "category": stream.category,
        "ewc_code": (stream.ewc_code + ("*" if stream.is_hazardous else "")) if stream.ewc_code else "",
        "hazardous_properties": list(stream.hazardous_properties or []), "hazard_note": stream.hazard_note,
        "industry": stream.industry or "", "legal_status": stream.legal_status or "",
        "legal_status_evidence": stream.legal_status_evidence or "",
        "quantity_t_per_year": stream.quantity_t_per_year, "lot_t": stream.lot_t,
        "availability": stream.availability or "", "available_from": stream.available_from,
        "available_until": stream.available_until, "price_eur_per_t": stream.price_eur_per_t,
        "visibility": stream.visibility, "site_id": str(stream.site_id) if stream.site_id else "",
        "place": stream.place, "lat": stream.lat, "lon": stream.lon,
        "values": [{"property": k, "value": f"< {v:g}" if k in below else v, "unit": V.unit_of(k)}
                   for k, v in ((k, stream.values_by_property[k]) for k in ordered_keys(stream.values_by_property))],
        "material_type": stream.material_type or "",
        "sources": [{"kind": item.get("kind", ""), "properties": ", ".join(item.get("properties") or []),
                     "reference": item.get("reference", ""), "method": item.get("method", ""),
                     "date": _iso_date(item.get("date"))} for item in stream.sources or []],
    }


def _iso_date(text):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def material_reading(stream: SideStream | None) -> dict | None:
    """What the stream was read as at its last save, for its pages: the type's name in the
    reader's language, the confidence, and whether the engine trusts it (a low
    confidence, or a type of another category than the stream's, ranks as unverified)."""
    if stream is None or not stream.material_type_read:
        return None
    reading = MaterialReading(stream.material_type_read, stream.material_type_confidence or 0.0, stream.category)
    return {"key": reading.key, "name": reading_name(reading), "confidence": reading.confidence,
            "percent": format_percent(reading.confidence, format="#,##0 %"), "sure": reading.sure,
            "category_disagrees": reading.category_disagrees, "category_only": reading.category_only}


def reading_name(reading: MaterialReading) -> str:
    """The type read, or where only the category is known, "Slag, type not known"."""
    if reading.category_only:
        label = CATEGORY_LABELS.get(reading.category, reading.category)
        return _("%(category)s, type not known", category=label)
    return material_type_name(reading.key)


def material_type_name(key: str | None) -> str:
    """A catalogue type's name in the reader's language (the key itself if unknown)."""
    if not key:
        return ""
    material = load_catalogue().types.get(key)
    return material.name(language()) if material is not None else MATERIAL_TYPE_NAMES.get(key, key)


def _stream_form(stream: SideStream | None):
    if stream is None:
        services.require_creator(current_user)
    data = _stream_form_data(stream) if stream is not None and request.method == "GET" else None
    form = StreamForm(data=data) if data else StreamForm()
    set_site_choices(form, current_user.organisation)
    status = 200
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "paste":
            for problem in _paste_into(form):
                form.paste.errors = list(form.paste.errors) + [problem]
            flash(_("The pasted values are in the table: check them and save."), "info")
        elif action == "add_row":
            pass
        else:
            # Every check in one round: the fields, the values and the place alike.
            valid = form.validate()
            values = form.value_pairs()
            location = _resolve_location(form, current_user)
            if valid and values is not None and location is not None:
                record = form.to_record(values, location)
                evidence = {"evidence": request.files.get("legal_evidence"),
                            "evidence_title": form.legal_evidence_title.data or ""}
                try:
                    if stream is None:
                        publish = action == "publish"
                        stream = services.create_stream(current_user, record, publish=publish,
                                                        extra=_stream_extra(form, record), **evidence)
                        flash(_("The side stream is published.") if publish else
                              _("The side stream is saved as a draft."), "success")
                    else:
                        services.update_stream(current_user, stream, record,
                                               extra=_stream_extra(form, record), **evidence)
                        flash(_("The changes are saved."), "success")
                    return redirect(url_for("listings.stream_detail", listing_id=stream))
                except InvalidInput as error:
                    rows = {}
                    for entry in form.values:
                        key = known_key_or_raw(entry.form.property.data or "")
                        if V.is_known(key):
                            rows[f"{V.kind_of(key)}.{key}"] = entry.form.value
                    for index, entry in enumerate(e for e in form.sources if not e.form.is_blank()):
                        for name in ("kind", "properties", "reference", "method", "date"):
                            rows[f"sources[{index}].{name}"] = getattr(entry.form, name)
                    _apply_problems(form, error.errors, rows)
            status = 400
    _pad(form.values, BLANK_VALUE_ROWS)
    _pad(form.sources, BLANK_SOURCE_ROWS)
    return render_template("listings/stream_form.html", form=form, stream=stream,
                           material_groups=material_type_groups(language()), reading=material_reading(stream),
                           vocabulary=vocabulary_options(), tile_url=current_app.config.get("TILE_URL") or "",
                           sites=_site_points(), may_publish=services.may_publish(current_user)), status


def _site_points() -> str:
    organisation = current_user.organisation if current_user.is_authenticated else None
    points = []
    for site in (organisation.sites if organisation else []):
        lat, lon = site_coordinates(site)
        points.append({"id": site.id, "name": site.name, "place": site.place, "lat": lat, "lon": lon})
    return json.dumps(points)


@bp.route("/streams/new", methods=["GET", "POST"])
@login_required
def stream_new():
    return _stream_form(None)


@bp.route("/streams/<stream:listing_id>/edit", methods=["GET", "POST"])
@login_required
def stream_edit(listing_id):
    return _stream_form(_load_for_edit(SideStream, listing_id))


def _need_form_data(need: MaterialNeed) -> dict:
    return {
        "title": need.title, "description": need.description, "application": need.application,
        "categories": list(need.categories or []), "ewc_codes": ", ".join(need.ewc_codes or []),
        "accepts_waste": "" if need.accepts_waste is None else ("yes" if need.accepts_waste else "no"),
        "permitted_ewc_codes": ", ".join(need.permitted_ewc_codes or []),
        "codes_from_permits": need.codes_from_permits,
        "quantity_t_per_year": need.quantity_t_per_year,
        "min_quantity_t_per_year": need.min_quantity_t_per_year,
        "max_distance_km": need.max_distance_km, "max_price_eur_per_t": need.max_price_eur_per_t,
        "visibility": need.visibility, "site_id": str(need.site_id) if need.site_id else "",
        "place": need.place, "lat": need.lat, "lon": need.lon,
        "requirements": [{"property": r.property, "per": r.per or "", "min": r.min, "max": r.max,
                          "note": r.note} for r in need.requirements],
        **_context_form_data(need.context or {}),
    }


def _context_form_data(context: dict) -> dict:
    data = {name: context.get(name) or "" for name in CONTEXT_CHOICES}
    area = context.get("groundwater_area")
    data["groundwater_area"] = "" if area is None else ("yes" if area else "no")
    return data


def _permit_prefill(organisation_id) -> dict | None:
    """A new need of an organisation with permits: it may take waste, the codes its permits
    valid today cover, and matching follows the permits (marketplace.compliance)."""
    if not permits.has_permits(organisation_id):
        return None
    codes = permits.valid_codes(organisation_id)
    return {"accepts_waste": "yes" if codes else "", "permitted_ewc_codes": ", ".join(codes),
            "codes_from_permits": True}


def _prefill(form: NeedForm) -> int:
    present = {(e.form.property.data or "").strip() for e in form.requirements if not e.form.is_blank()}
    kept = [e.form.data for e in form.requirements if not e.form.is_blank()]
    added = 0
    for rule in prefill_requirements(form.application.data):
        if rule["property"] in present:
            continue
        kept.append({"property": rule["property"], "per": rule["per"], "min": rule["min"],
                     "max": rule["max"], "note": rule["note"]})
        added += 1
    while form.requirements.entries:
        form.requirements.pop_entry()
    for item in kept:
        form.requirements.append_entry(item)
    return added


def _need_form(need: MaterialNeed | None):
    if need is None:
        services.require_creator(current_user)
    data = _need_form_data(need) if need is not None and request.method == "GET" else None
    if need is None and request.method == "GET":
        data = _permit_prefill(current_user.organisation_id)
    form = NeedForm(data=data) if data else NeedForm()
    set_site_choices(form, current_user.organisation)
    status = 200
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "prefill":
            added = _prefill(form)
            flash(_("%(n)d limits of the application were added: tighten them if you need to.", n=added), "info")
        elif action == "add_row":
            pass
        else:
            # Every check in one round: the fields and the place alike.
            valid = form.validate()
            location = _resolve_location(form, current_user)
            if valid and location is not None:
                record = form.to_record(location)
                extra = {"site_id": int(form.site_id.data) if form.site_id.data else None,
                         "codes_from_permits": bool(form.codes_from_permits.data)}
                try:
                    if need is None:
                        publish = action == "publish"
                        need = services.create_need(current_user, record, publish=publish, extra=extra)
                        flash(_("The need is published.") if publish else _("The need is saved as a draft."),
                              "success")
                    else:
                        services.update_need(current_user, need, record, extra=extra)
                        flash(_("The changes are saved."), "success")
                    return redirect(url_for("listings.need_detail", listing_id=need))
                except InvalidInput as error:
                    rows, index = {}, 0
                    for entry in form.requirements:
                        if entry.form.is_blank():
                            continue
                        for name in ("property", "per", "min", "max"):
                            rows[f"requirements[{index}].{name}"] = getattr(entry.form, name)
                        index += 1
                    for name in (*CONTEXT_CHOICES, "groundwater_area"):
                        rows[f"context.{name}"] = getattr(form, name)
                    _apply_problems(form, error.errors, rows)
            status = 400
    _pad(form.requirements, BLANK_REQUIREMENT_ROWS)
    return render_template("listings/need_form.html", form=form, need=need, vocabulary=vocabulary_options(),
                           tile_url=current_app.config.get("TILE_URL") or "", sites=_site_points(),
                           legal=legal_limits(form.application.data) if form.application.data else {},
                           may_publish=services.may_publish(current_user)), status


@bp.route("/needs/new", methods=["GET", "POST"])
@login_required
def need_new():
    return _need_form(None)


@bp.route("/needs/<need:listing_id>/edit", methods=["GET", "POST"])
@login_required
def need_edit(listing_id):
    return _need_form(_load_for_edit(MaterialNeed, listing_id))


# -- life cycle ----------------------------------------------------------------

ACTIONS = "<any(publish,close,reopen,duplicate,delete):action>"


def _life_cycle(cls, listing_id: int, action: str):
    listing = _load_for_edit(cls, listing_id)
    singular = _kind_of(cls)[:-1]
    if action == "duplicate":
        copy = services.duplicate(current_user, listing)
        flash(_("A draft copy was made: edit it and publish it when ready."), "success")
        return redirect(url_for(f"listings.{singular}_edit", listing_id=copy))
    if action == "delete":
        services.delete_draft(current_user, listing)
        flash(_("The draft was deleted."), "success")
        return redirect(url_for("listings.mine"))
    getattr(services, action)(current_user, listing)
    flash({"publish": _("The listing is published."), "close": _("The listing is closed."),
           "reopen": _("The listing is open again.")}[action], "success")
    return redirect(url_for(f"listings.{singular}_detail", listing_id=listing))


@bp.post(f"/streams/<stream:listing_id>/{ACTIONS}")
@login_required
def stream_action(listing_id, action):
    return _life_cycle(SideStream, listing_id, action)


@bp.post(f"/needs/<need:listing_id>/{ACTIONS}")
@login_required
def need_action(listing_id, action):
    return _life_cycle(MaterialNeed, listing_id, action)


# -- JSON helpers for the forms' scripts -------------------------------------------

@bp.get("/listings/waste-codes.json")
def waste_codes():
    """List of Waste entries whose code or title (Finnish or English) contains the query."""
    q = (request.args.get("q") or "").strip()
    try:
        limit = max(1, min(int(request.args.get("limit", 20)), 100))
    except ValueError:
        limit = 20
    query = sa.select(WasteCode).order_by(WasteCode.code)
    digits = q.replace(" ", "").rstrip("*")
    if q:
        if digits.isdigit():
            spaced = " ".join(digits[i:i + 2] for i in range(0, len(digits), 2))
            query = query.where(WasteCode.code.like(f"{spaced}%"))
        else:
            conditions = []
            for term in q.split()[:5]:
                pattern = f"%{term}%"
                conditions.append(sa.or_(WasteCode.title_en.ilike(pattern), WasteCode.title_fi.ilike(pattern),
                                              WasteCode.title_sv.ilike(pattern)))
            query = query.where(*conditions)
    lang = language()
    entries = db.session.scalars(query.limit(limit)).all()
    return jsonify([{"code": e.code, "display": e.display_code, "hazardous": e.hazardous,
                     "title": e.title(lang), "mirror": e.mirror} for e in entries])


@bp.get("/listings/places.json")
def places():
    """The user's sites that match first, then places of the gazetteer."""
    q = (request.args.get("q") or "").strip()
    out = []
    if current_user.is_authenticated and current_user.organisation is not None:
        for site in current_user.organisation.sites:
            if not q or gazetteer.fold(q) in gazetteer.fold(f"{site.name} {site.place}"):
                lat, lon = site_coordinates(site)
                out.append({"name": site.name, "place": site.place, "lat": lat, "lon": lon,
                            "kind": "site", "site_id": site.id, "source": _("our site")})
    for place in gazetteer.search(q, limit=12):
        out.append({"name": place.name, "place": place.name, "country": place.country, "lat": place.lat,
                    "lon": place.lon, "kind": place.kind, "population": place.population,
                    "source": place.source})
    return jsonify(out)


# Bounds of what the live reading takes from the form (it is a GET of every keystroke pause).
READING_TEXT_CHARS = 2000
READING_VALUES = 60


def _reading_values(text: str) -> dict[str, float]:
    """'CaO:42,1;SiO2:30' as {key: value}; unknown keys and numbers that do not parse are
    left out (the form names them when it is saved)."""
    values = {}
    for part in text.split(";")[:READING_VALUES]:
        raw_key, _sep, raw_value = part.partition(":")
        key = known_key(raw_key.strip())
        try:
            value = parse_number(raw_value.strip())
        except ValueError:
            continue
        if key and value is not None and value >= 0:
            values[key] = value
    return values


@bp.get("/listings/material-reading.json")
def material_reading_json():
    """What the form's stream would be read as, before it is saved: the process's recogniser
    (fitted once per process, never per request) on the title, description, category, List
    of Waste code and values typed so far."""
    args = request.args
    category = args.get("category") or ""
    record = {
        "title": (args.get("title") or "")[:200], "description": (args.get("description") or "")[:READING_TEXT_CHARS],
        "category": category if category in CATEGORIES else "other",
        "ewc_code": (args.get("ewc_code") or "").strip()[:12] or None,
        "industry": (args.get("industry") or "")[:200],
        "composition": _reading_values(args.get("values") or ""),
    }
    if not (record["title"].strip() or record["description"].strip()):
        return jsonify({"reading": None})
    found = read_record(record)
    reading = {"key": found.key, "name": reading_name(found), "confidence": round(found.confidence, 3),
               "percent": format_percent(found.confidence, format="#,##0 %"), "sure": found.sure,
               "category_only": found.category_only}
    if found.category_only:
        reading["text"] = _("Read as: %(name)s", name=reading["name"])
    else:
        reading["text"] = _("Read as: %(name)s, %(percent)s", name=reading["name"], percent=reading["percent"])
    if found.category_only:
        reading["warning"] = _("Only the category can be read from what is written: name the material or choose "
                               "its type, until then its matches rank as unverified.")
    elif found.category_disagrees:
        reading["warning"] = _("The type does not belong to the category chosen: until the seller confirms a type, "
                               "its matches rank as unverified.")
    elif not found.sure:
        reading["warning"] = _("Low confidence: until the seller confirms a type, its matches rank as unverified.")
    return jsonify({"reading": reading})


@bp.get("/listings/applications/<name>.json")
def application_requirements(name):
    if name not in APPLICATIONS:
        abort(404)
    return jsonify({"application": name, "requirements": [
        {k: rule[k] for k in ("property", "per", "min", "max", "kind", "note", "categories")}
        for rule in prefill_requirements(name)]})


@bp.context_processor
def listing_helpers():
    def number_arg(value):
        return "" if value is None else f"{value:g}"

    return {"number_arg": number_arg, "HAZARD_LABELS": HAZARD_LABELS, "SOURCE_KIND_LABELS": SOURCE_KIND_LABELS}


# -- import ------------------------------------------------------------------------

@bp.route("/listings/import", methods=["GET", "POST"])
@login_required
def import_upload():
    if not (current_user.is_broker or services.may_create(current_user)):
        raise Forbidden(_("Only members of an organisation can import listings."))
    form = ImportForm()
    error = ""
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = _("Choose a file.")
        else:
            parsed = parse_upload(upload.filename, upload.read())
            if parsed.error:
                error = parsed.error
            else:
                job = jobs.start(current_user, upload.filename, parsed)
                return redirect(url_for("listings.import_status", job_id=job.id))
    elif request.method == "POST":
        error = _("The form expired: please try again.")
    return render_template("listings/import.html", form=form, error=error), 400 if error else 200


def _load_job(job_id: int):
    job = db.session.get(ImportJob, job_id)
    if job is None or (job.user_id != current_user.id and not current_user.is_admin):
        raise NotFound()
    return job


@bp.get("/listings/import/<int:job_id>")
@login_required
def import_status(job_id):
    job = _load_job(job_id)
    return render_template("listings/import_status.html", job=job, progress=jobs.progress_of(job),
                           report=job.report or {})


@bp.get("/listings/import/<int:job_id>.json")
@login_required
def import_progress(job_id):
    return jsonify(jobs.progress_of(_load_job(job_id)))


@bp.get("/listings/import/template-<any(side_streams,needs):kind>.<any(csv,xlsx,json):fmt>")
def import_template(kind, fmt):
    return template_file(kind, fmt)


@bp.app_context_processor
def attachment_labels():
    return {"ATTACHMENT_KIND_LABELS": {"lab_certificate": _l("Lab certificate"),
                                       "safety_data_sheet": _l("Safety data sheet"),
                                       "legal_evidence": _l("Evidence of the legal status"),
                                       "other": _l("Other document")}}
