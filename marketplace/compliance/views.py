"""Pages of waste law: the legal-status guide, the evidence check, the receivers' permits and
the transfer documents of deals."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..attachments import storage
from ..db import db
from ..errors import DomainError, Forbidden, NotFound
from ..i18n import language
from ..models import Deal, Delivery, Organisation, Permit, SideStream, TransferDocument
from ..security import parse_id
from .. import redaction
from . import evidence, permits, transfer
from .forms import PERMIT_KIND_LABELS, ConfirmForm, EvidenceCheckForm, PermitForm, TransferDocumentForm
from .guide import GUIDE
from .refusals import refused_by_law as refusals
from .receiver import receiver_requirements

bp = Blueprint("compliance", __name__)


@bp.app_context_processor
def compliance_helpers():
    def legal_evidence(stream):
        return evidence.evidence_of(stream.id)

    def legal_evidence_check(stream):
        return evidence.check_of(stream)

    def transfer_documents(deal):
        return transfer.documents_of(deal) if transfer.can_view(current_user, deal) else []

    def refused_by_law(need):
        return refusals(db.session, need, current_user)

    return {"refused_by_law": refused_by_law, "LEGAL_GUIDE": GUIDE, "PERMIT_KIND_LABELS": PERMIT_KIND_LABELS, "legal_evidence": legal_evidence,
            "legal_evidence_check": legal_evidence_check, "receiver_requirements": receiver_requirements,
            "deal_moves_waste": transfer.deal_moves_waste, "transfer_documents": transfer_documents,
            "can_make_transfer_document": lambda deal: transfer.can_make(current_user, deal),
            "can_view_permits": lambda organisation: permits.can_view(current_user, organisation)}


def _apply_errors(form, error: DomainError) -> None:
    for name, message in (error.errors or {}).items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors or []) + [message]
        else:
            form.form_errors.append(message)
    if not error.errors and error.message:
        form.form_errors.append(error.message)


# -- the guide and the evidence ----------------------------------------------------

@bp.get("/legal-status")
def guide():
    return render_template("compliance/guide.html")


@bp.post("/streams/<stream:stream_id>/legal-evidence/check")
@login_required
def check_evidence(stream_id: int):
    stream = redaction.find_listing(db.session, SideStream, stream_id, current_user)
    if stream is None or not stream.is_visible_to(current_user):
        raise NotFound()
    if not current_user.is_broker:
        raise Forbidden(_("Only brokers can mark the evidence checked."))
    form = EvidenceCheckForm()
    if not form.validate():
        raise DomainError(_("The note is too long."), {"note": _("The note is too long.")})
    evidence.mark_checked(current_user, stream, form.note.data or "")
    flash(_("The evidence of the legal status is marked checked."), "success")
    return redirect(url_for("listings.stream_detail", listing_id=stream))


# -- permits -----------------------------------------------------------------------

def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not permits.can_view(current_user, organisation):
        raise NotFound()
    return organisation


def _permit(organisation: Organisation, permit_id: int) -> Permit:
    permit = db.session.get(Permit, permit_id)
    if permit is None or permit.organisation_id != organisation.id:
        raise NotFound()
    return permit


@bp.get("/organisations/<int:organisation_id>/permits")
@login_required
def permit_list(organisation_id: int):
    organisation = _organisation(organisation_id)
    today = date.today()
    return render_template("compliance/permits.html", organisation=organisation,
                           permits=permits.permits_of(organisation.id), today=today,
                           codes_today=permits.valid_codes(organisation.id, today),
                           can_manage=permits.can_manage(current_user, organisation), delete_form=ConfirmForm())


def _permit_form(organisation: Organisation, permit: Permit | None):
    if not permits.can_manage(current_user, organisation):
        raise Forbidden(_("Only the organisation's admins can record its permits."))
    if permit is not None and request.method == "GET":
        form = PermitForm(obj=permit)
        form.ewc_codes.data = ", ".join(permit.ewc_codes or [])
    else:
        form = PermitForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                upload = request.files.get("document")
                if permit is None:
                    permits.create(current_user, organisation, form.data_dict(), upload)
                    flash(_("The permit is recorded."), "success")
                else:
                    permits.update(current_user, permit, form.data_dict(), upload)
                    flash(_("The permit is saved."), "success")
                return redirect(url_for("compliance.permit_list", organisation_id=organisation.id))
            except DomainError as error:
                _apply_errors(form, error)
        status = 400
    return render_template("compliance/permit_form.html", form=form, organisation=organisation,
                           permit=permit), status


@bp.route("/organisations/<int:organisation_id>/permits/new", methods=["GET", "POST"])
@login_required
def permit_new(organisation_id: int):
    return _permit_form(_organisation(organisation_id), None)


@bp.route("/organisations/<int:organisation_id>/permits/<int:permit_id>/edit", methods=["GET", "POST"])
@login_required
def permit_edit(organisation_id: int, permit_id: int):
    organisation = _organisation(organisation_id)
    return _permit_form(organisation, _permit(organisation, permit_id))


@bp.post("/organisations/<int:organisation_id>/permits/<int:permit_id>/delete")
@login_required
def permit_delete(organisation_id: int, permit_id: int):
    organisation = _organisation(organisation_id)
    permits.delete(current_user, _permit(organisation, permit_id))
    flash(_("The permit was removed."), "success")
    return redirect(url_for("compliance.permit_list", organisation_id=organisation.id))


@bp.get("/organisations/<int:organisation_id>/permits/<int:permit_id>/document")
@login_required
def permit_document(organisation_id: int, permit_id: int):
    permit = _permit(_organisation(organisation_id), permit_id)
    if not permit.document_sha256:
        raise NotFound()
    path = storage.path_of(permit.document_sha256)
    if not path.exists():
        raise NotFound()
    response = send_file(path, mimetype=permit.document_content_type, as_attachment=True,
                         download_name=permit.document_filename or "permit", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# -- transfer documents ---------------------------------------------------------------

def _deal(deal_id: int) -> Deal:
    deal = db.session.get(Deal, deal_id)
    if deal is None or not transfer.can_view(current_user, deal):
        raise NotFound()
    return deal


@bp.route("/deals/<int:deal_id>/transfer-documents/new", methods=["GET", "POST"])
@login_required
def transfer_new(deal_id: int):
    deal = _deal(deal_id)
    if not transfer.deal_moves_waste(deal):
        raise NotFound(_("This deal does not move waste: no transfer document is needed."))
    if not transfer.can_make(current_user, deal):
        raise Forbidden(_("The holder of the waste or a broker draws up the transfer document."))
    delivery = None
    raw = request.values.get("delivery_id", "")
    if raw:
        delivery_id = parse_id(raw)
        delivery = db.session.get(Delivery, delivery_id) if delivery_id is not None else None
        if delivery is None or delivery.deal_id != deal.id:
            raise NotFound()
    today = date.today()
    form = TransferDocumentForm(data=transfer.prefill(deal, delivery, today)) if request.method == "GET" \
        else TransferDocumentForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                document = transfer.make_document(current_user, deal, delivery, form.entered(), language(), today)
                flash(_("Transfer document %(number)s is made: print it for the load.", number=document.number),
                      "success")
                return redirect(url_for("compliance.transfer_show", deal_id=deal.id, document_id=document.id))
            except DomainError as error:
                if error.status != 400:
                    raise
                _apply_errors(form, error)
        status = 400
    preview = transfer.content_for(deal, delivery, {**form.entered(), "transport_date": form.transport_date.data or today},
                                   language())
    return render_template("compliance/transfer_form.html", deal=deal, delivery=delivery, form=form,
                           preview=preview), status


@bp.get("/deals/<int:deal_id>/transfer-documents/<int:document_id>")
@login_required
def transfer_show(deal_id: int, document_id: int):
    deal = _deal(deal_id)
    document = db.session.get(TransferDocument, document_id)
    if document is None or document.deal_id != deal.id:
        raise NotFound()
    return render_template("compliance/transfer_document.html", deal=deal, document=document, doc=document.content)
