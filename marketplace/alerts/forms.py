from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

FREQUENCY_LABELS = {
    "immediate": _l("At once, by mail"),
    "daily": _l("In a daily digest"),
    "off": _l("Off (kept, no mail)"),
}


class SavedSearchForm(FlaskForm):
    # Lengths and choices are checked by the service, which names the field in error.
    name = StringField(_l("Name of the search"), render_kw={"maxlength": 200})
    frequency = SelectField(_l("Tell me"), default="immediate", validate_choice=False,
                            choices=[(k, v) for k, v in FREQUENCY_LABELS.items()])
