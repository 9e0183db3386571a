from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from ..listings.forms import NumberField
from ..models import CLOSING_REASONS
from ..models.listing import DEFAULT_PUBLICATION_MONTHS
from .services import PERIOD_CHOICES

CLOSING_REASON_LABELS = {
    "sold": _l("Sold or handed over"),
    "used_in_house": _l("Used in house"),
    "landfilled": _l("Landfilled"),
    "other": _l("Other"),
}


def period_choices():
    # ngettext at the request (the form is made in one), so that extraction finds it
    return [(str(m), ngettext("%(num)d month", "%(num)d months", m)) for m in PERIOD_CHOICES]


class RenewForm(FlaskForm):
    months = SelectField(_l("Keep it published for"), default=str(DEFAULT_PUBLICATION_MONTHS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.months.choices = period_choices()


class CloseForm(FlaskForm):
    reason = SelectField(_l("Why is it closed?"), validate_choice=False, choices=[("", _l("– choose –"))] + [
        (r, CLOSING_REASON_LABELS[r]) for r in CLOSING_REASONS])
    tonnes = NumberField(_l("Tonnes concerned (empty: the listing's quantity)"), minimum=0)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
