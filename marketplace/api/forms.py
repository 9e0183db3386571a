from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional

SCOPE_CHOICES = [
    ("read", _l("Read: search and read listings, matches and waste codes")),
    ("read-write", _l("Read and write: also create, change, close and import listings")),
]


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("This field is required.")), Length(max=100)])
    scope = RadioField(_l("Scope"), choices=SCOPE_CHOICES, default="read")
    expires_on = DateField(_l("Valid until (optional)"), validators=[Optional()])
