"""Listings as the engine's records: what the engine may consider (published, of a
verified organisation, not past their period), read in a few narrow SELECTs."""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy import orm

import matching

from .. import redaction
from ..compliance.permits import valid_codes_by_organisation
from ..db import db
from ..models import (Attachment, LegalEvidenceCheck, MaterialNeed, MeasuredValue, Organisation, SideStream,
                      WasteCode)
from ..models.listing import SEARCHABLE_STATUSES


def _matchable(model, today=None):
    """Listings the engine considers: published or reserved, of a verified organisation,
    not past their publication period, whatever their visibility (brokers may propose
    brokered listings)."""
    return sa.and_(
        model.status.in_(SEARCHABLE_STATUSES),
        model.organisation_id.in_(
            sa.select(Organisation.id).where(Organisation.verification_status == "verified")
        ),
        model.not_expired_clause(today),
    )


def engine_streams(session, ids=None, today=None) -> list[matching.Stream]:
    """Side streams as engine records, with every measured value, in two narrow SELECTs.
    A hidden stream stands at its approximate place (``redaction.matching_place``).
    A value below the laboratory's detection limit goes to ``below_detection`` (key ->
    limit), not among the measured values (contract 1.1)."""
    query = (
        sa.select(
            SideStream.id, SideStream.title, SideStream.description, SideStream.category,
            SideStream.ewc_code, WasteCode.hazardous, SideStream.legal_status,
            SideStream.quantity_t_per_year, SideStream.price_eur_per_t, SideStream.industry,
            SideStream.place, *redaction.matching_place_columns(SideStream), SideStream.material_type,
            SideStream.hazardous_properties, SideStream.legal_status_evidence, SideStream.sources,
        )
        .outerjoin(WasteCode, WasteCode.code == SideStream.ewc_code)
        .where(_matchable(SideStream, today))
    )
    values_query = sa.select(
        MeasuredValue.side_stream_id, MeasuredValue.property, MeasuredValue.value, MeasuredValue.below_detection,
    ).where(MeasuredValue.side_stream_id.in_(sa.select(SideStream.id).where(_matchable(SideStream, today))))
    if ids is not None:
        query = query.where(SideStream.id.in_(ids))
        values_query = values_query.where(MeasuredValue.side_stream_id.in_(ids))
    values: dict[int, dict[str, float]] = defaultdict(dict)
    below: dict[int, dict[str, float]] = defaultdict(dict)
    for stream_id, key, value, below_detection in session.execute(values_query):
        (below if below_detection else values)[stream_id][key] = value
    evidence = _status_evidence(session, ids)
    return [
        matching.Stream(
            id=str(row.id), title=row.title, description=row.description or "",
            category=row.category,
            ewc_code=(row.ewc_code + ("*" if row.hazardous else "")) if row.ewc_code else None,
            legal_status=row.legal_status, values=values.get(row.id, {}),
            quantity_t_per_year=row.quantity_t_per_year, price_eur_per_t=row.price_eur_per_t,
            industry=row.industry, place=row.place, lat=row.lat, lon=row.lon,
            material_type=row.material_type,
            # The site stores no assessment as an empty list: the engine reads that as
            # "not assessed", the conservative reading of a mirror entry.
            hazardous_properties=tuple(row.hazardous_properties) if row.hazardous_properties else None,
            legal_status_evidence=row.legal_status_evidence or evidence.get((row.id, row.legal_status)),
            sources=tuple(row.sources or ()),
            below_detection=below.get(row.id, {}),
        )
        for row in session.execute(query)
    ]


def _status_evidence(session, ids=None) -> dict:
    """{(stream id, legal status): what backs it}: an attached decision or declaration,
    or a broker's check of that status. Without it a by-product or end-of-waste status
    is a claim, and the engine says it is unconfirmed."""
    attached = sa.select(Attachment.side_stream_id, SideStream.legal_status).join(
        SideStream, SideStream.id == Attachment.side_stream_id).where(Attachment.kind == "legal_evidence")
    checked = sa.select(LegalEvidenceCheck.side_stream_id, LegalEvidenceCheck.legal_status)
    if ids is not None:
        attached = attached.where(Attachment.side_stream_id.in_(ids))
        checked = checked.where(LegalEvidenceCheck.side_stream_id.in_(ids))
    out = {(sid, status): "legal_evidence attachment" for sid, status in session.execute(attached)}
    out.update({(sid, status): "checked by a broker" for sid, status in session.execute(checked)})
    return out


def engine_needs(session, ids=None, today=None) -> list[matching.Need]:
    """Needs as engine records. A need that follows its organisation's permits gets the
    codes of the permits valid ``today`` (default: the real today)."""
    query = (
        sa.select(MaterialNeed)
        .options(orm.selectinload(MaterialNeed.requirements))
        .where(_matchable(MaterialNeed, today))
    )
    if ids is not None:
        query = query.where(MaterialNeed.id.in_(ids))
    needs = list(session.scalars(query))
    following = {n.organisation_id for n in needs if n.codes_from_permits}
    codes = valid_codes_by_organisation(session, following, today) if following else {}
    hazardous = hazardous_codes(session)
    return [engine_need(need, permit_codes=codes.get(need.organisation_id, ()) if need.codes_from_permits
                        else None, hazardous=hazardous) for need in needs]


def hazardous_codes(session) -> frozenset[str]:
    return frozenset(session.scalars(sa.select(WasteCode.code).where(WasteCode.hazardous.is_(True))))


def _engine_codes(codes, hazardous) -> tuple:
    """The site keeps codes without the hazard mark ('10 02 07'; the mark lives on the List
    of Waste entry); the engine names a hazardous entry with it ('10 02 07*'), as it names
    the streams' codes (engine_streams)."""
    return tuple(c.rstrip("*") + ("*" if c.rstrip("*") in hazardous else "") for c in codes)


def engine_need(need: MaterialNeed, permit_codes=None, hazardous=None) -> matching.Need:
    """``permit_codes``: for a need that follows its organisation's permits, the codes they
    cover today; the receiver may take waste only if there is one (Waste Act s. 29).
    ``hazardous``: the hazardous List of Waste codes (read from the database if not given)."""
    if hazardous is None:
        hazardous = hazardous_codes(orm.object_session(need) or db.session)
    accepts_waste = need.accepts_waste
    permitted = tuple(need.permitted_ewc_codes) if need.permitted_ewc_codes is not None else None
    if permit_codes is not None:
        accepts_waste, permitted = bool(permit_codes), (tuple(permit_codes) or None)
    if permitted is not None:
        permitted = _engine_codes(permitted, hazardous)
    lat, lon = redaction.matching_place(need)
    return matching.Need(
        id=str(need.id), title=need.title, application=need.application,
        description=need.description or "", lat=lat, lon=lon,
        requirements=tuple(
            matching.Requirement(property=r.property, min=r.min, max=r.max, per=r.per,
                                 note=r.note or None)
            for r in need.requirements
        ),
        categories=tuple(need.categories or ()), ewc_codes=_engine_codes(need.ewc_codes or (), hazardous),
        accepts_waste=accepts_waste,
        permitted_ewc_codes=permitted,
        quantity_t_per_year=need.quantity_t_per_year,
        min_quantity_t_per_year=need.min_quantity_t_per_year,
        max_distance_km=need.max_distance_km, max_price_eur_per_t=need.max_price_eur_per_t,
        place=need.place, visibility=need.visibility, context=dict(need.context or {}),
    )
