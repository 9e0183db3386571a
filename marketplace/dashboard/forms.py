from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..i18n import APPLICATION_LABELS, CATEGORY_LABELS
from ..models.material_need import APPLICATIONS
from ..models.side_stream import CATEGORIES
from ..deals.forms import LocalFloatField


class PairingFilterForm(FlaskForm):
    """Filters of the pairings list, read from the query string."""

    class Meta:
        csrf = False

    application = SelectField(_l("Use"), validators=[Optional()])
    category = SelectField(_l("Material"), validators=[Optional()])
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=200)])
    # A search field, not a list of every organisation (500 at the benchmark's size): part
    # of a verified organisation's name, suggested as it is typed (organisations.json).
    organisation = StringField(_l("Organisation"), validators=[
        Optional(), Length(max=200, message=_l("At most 200 characters."))])
    min_score = LocalFloatField(_l("Score at least (%)"), validators=[
        Optional(), NumberRange(0, 100, _l("Give a score between 0 and 100 %%."))])
    since = DateField(_l("New since"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.application.choices = [("", _l("Any use"))] + [(a, APPLICATION_LABELS[a]) for a in APPLICATIONS]
        self.category.choices = [("", _l("Any material"))] + [(c, CATEGORY_LABELS[c]) for c in CATEGORIES]


class MarkForm(FlaskForm):
    side_stream_id = HiddenField(validators=[DataRequired()])
    need_id = HiddenField(validators=[DataRequired()])
    good = RadioField(_l("The pairing is"), choices=[("1", _l("good")), ("0", _l("bad"))],
                      validators=[DataRequired(_l("Say whether the pairing is good or bad."))])
    reason = TextAreaField(_l("Why"), validators=[
        DataRequired(_l("Give the reason, in a few words.")),
        Length(min=3, max=2000, message=_l("Between 3 and 2000 characters."))])
    next = HiddenField()


class ImpactYearForm(FlaskForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Year"), validators=[Optional()])


class ReportForm(FlaskForm):
    """Asks for a report file; the values are checked by the service (reports.request_file)."""

    kind = HiddenField()
    fmt = HiddenField()
    year = HiddenField()
