"""Forms of the compliance area: a permit, the transfer document, the evidence check."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields import DateField
from wtforms.validators import Length, Optional

from ..listings.forms import NumberField, split_codes
from ..models import PERMIT_KINDS

PERMIT_KIND_LABELS = {
    "environmental_permit": _l("Environmental permit"),
    "mara_registration": _l("Registration under Government Decree 843/2017 (MARA), earth construction"),
    "waste_treatment_registration": _l("Registration of waste treatment"),
    "waste_management_register": _l("Entry in the waste management register"),
    "other": _l("Other decision"),
}


class PermitForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[("", _l("– choose –"))] + [(k, PERMIT_KIND_LABELS[k]) for k in PERMIT_KINDS])
    authority = StringField(_l("Authority"), validators=[Optional(), Length(max=200)],
                            render_kw={"placeholder": _l("e.g. Lapland ELY Centre")})
    decision_number = StringField(_l("Decision or registration number"), validators=[Optional(), Length(max=100)])
    decision_date = DateField(_l("Date of the decision"), validators=[Optional()])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(_l("Valid until (last day; empty: until further notice)"), validators=[Optional()])
    ewc_codes = StringField(_l("List of Waste codes covered (comma-separated)"),
                            validators=[Optional(), Length(max=4000)], render_kw={"placeholder": "10 01 02, 19 01 12"})
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    document = FileField(_l("The decision (PDF or image)"))

    def data_dict(self) -> dict:
        return {"kind": self.kind.data, "authority": self.authority.data, "decision_number": self.decision_number.data,
                "decision_date": self.decision_date.data, "valid_from": self.valid_from.data,
                "valid_until": self.valid_until.data, "ewc_codes": split_codes(self.ewc_codes.data),
                "note": self.note.data}


class TransferDocumentForm(FlaskForm):
    carrier_name = StringField(_l("Carrier"), validators=[Optional(), Length(max=200)])
    carrier_business_id = StringField(_l("Carrier's business ID"), validators=[Optional(), Length(max=40)])
    carrier_register_entry = StringField(_l("Carrier's entry in the waste management register"),
                                         validators=[Optional(), Length(max=200)])
    transport_date = DateField(_l("Transport starts on"), validators=[Optional()])
    delivery_date = DateField(_l("Delivered on"), validators=[Optional()])
    quantity_t = NumberField(_l("Quantity (t)"), minimum=0)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def entered(self) -> dict:
        return {"carrier_name": self.carrier_name.data or "", "carrier_business_id": self.carrier_business_id.data or "",
                "carrier_register_entry": self.carrier_register_entry.data or "",
                "transport_date": self.transport_date.data, "delivery_date": self.delivery_date.data,
                "quantity_t": self.quantity_t.number, "note": self.note.data or ""}


class EvidenceCheckForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ConfirmForm(FlaskForm):
    """A POST with nothing but its CSRF token."""


