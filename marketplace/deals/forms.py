from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, Field, HiddenField, MultipleFileField, TextAreaField
from wtforms.validators import ValidationError, DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from ..listings.values import parse_number
from ..security import parse_id

_REQUIRED = _l("This field is required.")


class LocalFloatField(Field):
    """A number as people type it in Finland or elsewhere: '1 200,5' or '1200.5'."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:g}"

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = parse_number(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(_l("Give a number, such as 1200 or 12,5.")) from None


class TermsForm(FlaskForm):
    tonnes_per_year = LocalFloatField(_l("Agreed tonnes a year"), validators=[
        Optional(), NumberRange(0, 10_000_000, _l("Give the tonnes a year between 0 and 10 000 000."))])
    price_eur_per_t = LocalFloatField(_l("Price (EUR/t)"), validators=[
        Optional(), NumberRange(-100_000, 100_000, _l("Give a price between -100 000 and 100 000 EUR/t."))])
    start_date = DateField(_l("Start date"), validators=[Optional()],
                           render_kw={"placeholder": "YYYY-MM-DD"})
    note = TextAreaField(_l("Notes on the terms"), validators=[Optional(), Length(max=4000)])
    version = HiddenField()

    def validate_version(self, field):
        if parse_id(field.data) is None:
            raise ValidationError(_l("Reload the page and try again."))


class OpenDealForm(TermsForm):
    side_stream_id = HiddenField(validators=[DataRequired(_REQUIRED)])
    need_id = HiddenField(validators=[DataRequired(_REQUIRED)])
    version = None


class TransitionForm(FlaskForm):
    """One next step: each button on the deal page posts its own state. A step back or a
    closing step comes back once to be confirmed (``confirmed``), with the reason asked."""

    to_state = HiddenField(_l("Next state"), validators=[DataRequired(_l("Choose the next state."))])
    note = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=4000)])
    confirmed = HiddenField()
    version = HiddenField()

    def validate_version(self, field):
        if parse_id(field.data) is None:
            raise ValidationError(_l("Reload the page and try again."))


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[
        DataRequired(_l("Write a message.")), Length(max=10_000, message=_l("At most 10 000 characters."))])
    files = MultipleFileField(_l("Attach files (PDF, PNG, JPEG)"))


class DeliveryForm(FlaskForm):
    delivered_on = DateField(_l("Delivered on"), validators=[
        InputRequired(_l("Give the day of the delivery."))])
    tonnes = LocalFloatField(_l("Tonnes delivered"), validators=[
        InputRequired(_l("Give the tonnes delivered.")),
        NumberRange(min=0.001, max=1_000_000, message=_l("Give the tonnes delivered, more than 0 and at most 1 000 000."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])
    confirm_duplicate = BooleanField(_l("Yes, this is another delivery of the same day and tonnes"))


class DeliveryCorrectionForm(FlaskForm):
    delivered_on = DateField(_l("Delivered on"), validators=[
        InputRequired(_l("Give the day of the delivery."))])
    tonnes = LocalFloatField(_l("Tonnes delivered"), validators=[
        InputRequired(_l("Give the tonnes delivered.")),
        NumberRange(min=0.001, max=1_000_000, message=_l("Give the tonnes delivered, more than 0 and at most 1 000 000."))])
    note = TextAreaField(_l("What was wrong"), validators=[Optional(), Length(max=500)])


class DeliveryRemovalForm(FlaskForm):
    note = TextAreaField(_l("Why remove it"), validators=[Optional(), Length(max=500)])
