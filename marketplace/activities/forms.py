from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError, DataRequired, InputRequired, Length, NumberRange, Optional

_REQUIRED = _l("This field is required.")


class ActivityForm(FlaskForm):
    title_fi = StringField(_l("Title in Finnish"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[("event", _l("Event")), ("service", _l("Service")),
                                            ("information", _l("Information"))])
    starts_on = DateField(_l("Date (first day)"), validators=[InputRequired(_l("Give the date."))])
    ends_on = DateField(_l("Last day (if more than one)"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10_000)])
    capacity = IntegerField(_l("Places (empty: no limit)"), validators=[
        Optional(), NumberRange(1, 100_000, _l("Give a number of places from 1 up."))])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot come before the first."))
