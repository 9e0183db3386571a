from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, HiddenField, IntegerField, MultipleFileField, SelectField, SelectMultipleField,
    StringField, TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..models.provider_service import MAX_LEAD_TIME_DAYS, PROVIDER_KINDS, THEMES


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProviderForm(FlaskForm):
    kinds = CheckboxesField(_l("We are"), choices=[(k, k) for k in PROVIDER_KINDS])
    themes = CheckboxesField(_l("Themes of the smart-specialisation strategy we serve"),
                             choices=[(t, t) for t in THEMES])
    description_fi = TextAreaField(_l("Description in Finnish"), validators=[Optional(), Length(max=10_000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=10_000)])

    def label_choices(self, provider_kind_name, theme_name, language: str) -> None:
        self.kinds.choices = [(k, provider_kind_name(k, language)) for k in PROVIDER_KINDS]
        self.themes.choices = [(t, theme_name(t, language)) for t in THEMES]


class ServiceForm(FlaskForm):
    kind = SelectField(_l("Kind of service"), choices=[])
    name_fi = StringField(_l("Name in Finnish"), validators=[Optional(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    description_fi = TextAreaField(_l("Description in Finnish"), validators=[Optional(), Length(max=10_000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=10_000)])
    lead_time_days = IntegerField(_l("Lead time (days)"), validators=[
        Optional(), NumberRange(0, MAX_LEAD_TIME_DAYS, _l("Give a lead time from 0 to 365 days."))])
    price_basis = StringField(_l("Price basis"), validators=[Optional(), Length(max=200)])
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=254)])


class RequestForm(FlaskForm):
    stream = HiddenField()
    keys = StringField(_l("Properties to measure"), validators=[Optional(), Length(max=2000)])
    body = TextAreaField(_l("Message to the provider"), validators=[Optional(), Length(max=10_000)])
    share_title = BooleanField(_l("Show the provider the stream's title"), default=True)
    share_values = BooleanField(_l("Show the provider the stream's measured values"), default=False)
    files = MultipleFileField(_l("Files (PDF, PNG or JPEG)"))


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[Optional(), Length(max=10_000)])
    files = MultipleFileField(_l("Files (PDF, PNG or JPEG)"))


class ResultsForm(FlaskForm):
    """The rows themselves are read as lists (key, value, unit) in the view."""

    note = TextAreaField(_l("Note on the results"), validators=[Optional(), Length(max=4000)])


class CloseForm(FlaskForm):
    note = TextAreaField(_l("Why"), validators=[Optional(), Length(max=4000)])
