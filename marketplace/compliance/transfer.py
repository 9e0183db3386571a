"""The transfer document (siirtoasiakirja) of a delivery of waste.

Waste Act 646/2011, section 121: the holder of hazardous waste (and of some other wastes)
draws up a transfer document for its transfer to a receiver of section 29, with the data
needed for supervision on the waste's kind, quality, quantity, origin, place and date of
delivery, and its carrier; it travels with the load, the receiver confirms the receipt and
quantity by signing, and holder and receiver keep it three years. The Government Decree on
Waste 978/2021, section 40, lists the data in detail (and has them reported to the SIIRTO
register). The site pre-fills what the deal knows; the carrier and the dates are typed in."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit
from ..db import db
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..models import Deal, Delivery, Permit, TransferDocument, WasteCode
from .receiver import is_waste_stream

LEGAL_BASIS = "Waste Act 646/2011, section 121; Government Decree on Waste 978/2021, section 40"


def deal_moves_waste(deal: Deal) -> bool:
    """The stream is waste, or its status is not stated and it has a List of Waste code;
    for a deal whose stream is gone, what was copied at opening."""
    stream = deal.side_stream
    if stream is None:
        return bool(deal.was_waste or deal.hazardous)
    return is_waste_stream(stream.legal_status, stream.ewc_code)


def can_view(user, deal: Deal) -> bool:
    return deal.is_visible_to(user)


def can_make(user, deal: Deal) -> bool:
    """The holder (the supplier's members) draws it up; the brokers may do it for them."""
    return bool(user and user.is_authenticated and (user.is_broker or user.organisation_id == deal.supplier_id))


def documents_of(deal: Deal) -> list[TransferDocument]:
    return list(db.session.scalars(sa.select(TransferDocument).where(TransferDocument.deal_id == deal.id)
                                   .order_by(TransferDocument.id)))


def _party(organisation) -> dict:
    if organisation is None:
        return {}
    return {"name": organisation.name, "business_id": organisation.business_id or "",
            "email": organisation.email or "", "phone": organisation.phone or ""}


def _receiver_permits(deal: Deal, code: str | None, day: date) -> list[dict]:
    if not code:
        return []
    permits = db.session.scalars(sa.select(Permit).where(
        Permit.organisation_id == deal.buyer_id, Permit.valid_on_clause(day)).order_by(Permit.id))
    return [{"kind": p.kind, "authority": p.authority, "decision_number": p.decision_number,
             "valid_until": p.valid_until.isoformat() if p.valid_until else None}
            for p in permits if code in (p.ewc_codes or [])]


def prefill(deal: Deal, delivery: Delivery | None, today: date) -> dict:
    """What the deal knows, as the form's starting values."""
    return {
        "transport_date": delivery.delivered_on if delivery else today,
        "delivery_date": delivery.delivered_on if delivery else None,
        "quantity_t": delivery.tonnes if delivery else None,
        "carrier_name": "", "carrier_business_id": "", "carrier_register_entry": "", "note": "",
    }


def content_for(deal: Deal, delivery: Delivery | None, entered: dict, language: str) -> dict:
    """The document's content: the deal's data, frozen, and what was entered."""
    stream, need = deal.side_stream, deal.need
    code = stream.ewc_code if stream is not None else None
    entry = db.session.get(WasteCode, code) if code else None
    site = stream.site if stream is not None else None
    transport = entered["transport_date"]
    return {
        "legal_basis": LEGAL_BASIS,
        "holder": {**_party(deal.supplier), "site": site.name if site else "",
                   "place_of_origin": (stream.place if stream is not None else deal.place) or "",
                   "activity": (stream.industry if stream is not None else "") or ""},
        "receiver": {**_party(deal.buyer),
                     "destination": (need.place if need is not None else "") or "",
                     "intended_use": deal.application,
                     "permits": _receiver_permits(deal, code, transport)},
        "carrier": {"name": entered["carrier_name"], "business_id": entered.get("carrier_business_id", ""),
                    "register_entry": entered.get("carrier_register_entry", "")},
        "waste": {
            "description": stream.title if stream is not None else deal.title,
            "category": deal.category,
            "ewc_code": (entry.display_code if entry else code) or "",
            "ewc_title": entry.title(language) if entry else "",
            "hazardous": bool(entry.hazardous) if entry else bool(deal.hazardous),
            "hazardous_properties": list(stream.hazardous_properties or []) if stream is not None else [],
            "hazard_note": (stream.hazard_note if stream is not None else "") or "",
            "legal_status": (stream.legal_status if stream is not None else None),
        },
        "quantity_t": entered["quantity_t"],
        "transport_date": transport.isoformat(),
        "delivery_date": entered["delivery_date"].isoformat() if entered.get("delivery_date") else None,
        "delivery_id": delivery.id if delivery else None,
        "note": entered.get("note", ""),
    }


def _check(entered: dict) -> None:
    errors = {}
    if not (entered.get("carrier_name") or "").strip():
        errors["carrier_name"] = _("Name the carrier.")
    if entered.get("transport_date") is None:
        errors["transport_date"] = _("Give the day the transport starts.")
    quantity = entered.get("quantity_t")
    if quantity is None or quantity <= 0:
        errors["quantity_t"] = _("Give the quantity in tonnes, more than zero.")
    delivered = entered.get("delivery_date")
    if delivered and entered.get("transport_date") and delivered < entered["transport_date"]:
        errors["delivery_date"] = _("The delivery cannot come before the transport starts.")
    if errors:
        raise InvalidInput(_("The transfer document has errors."), errors)


def _next_number(deal: Deal, year: int) -> str:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(TransferDocument)
                              .where(TransferDocument.deal_id == deal.id))
    return f"SV-{year}-{deal.id:05d}-{count + 1:02d}"


def make_document(user, deal: Deal, delivery: Delivery | None, entered: dict, language: str,
                  today: date | None = None) -> TransferDocument:
    if not can_view(user, deal):
        raise NotFound()
    if not can_make(user, deal):
        raise Forbidden(_("The holder of the waste or a broker draws up the transfer document."))
    if not deal_moves_waste(deal):
        raise NotFound(_("This deal does not move waste: no transfer document is needed."))
    if delivery is not None:
        if delivery.deal_id != deal.id:
            raise NotFound()
        taken = db.session.scalar(sa.select(TransferDocument).where(TransferDocument.delivery_id == delivery.id))
        if taken is not None:
            raise Conflict(_("This delivery already has transfer document %(number)s.", number=taken.number))
    _check(entered)
    entered = {**entered, "carrier_name": entered["carrier_name"].strip()[:200],
               "carrier_business_id": (entered.get("carrier_business_id") or "").strip()[:40],
               "carrier_register_entry": (entered.get("carrier_register_entry") or "").strip()[:200],
               "note": (entered.get("note") or "").strip()[:2000]}
    today = today or date.today()
    document = TransferDocument(deal_id=deal.id, delivery_id=delivery.id if delivery else None,
                                number=_next_number(deal, today.year),
                                content=content_for(deal, delivery, entered, language),
                                created_by_id=user.id)
    db.session.add(document)
    db.session.flush()
    audit.record("deal.transfer_document", actor=user, target=deal, organisation=deal.supplier_id,
           number=document.number)
    return document
