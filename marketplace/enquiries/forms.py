from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..deals.forms import LocalFloatField


class EnquiryForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[
        DataRequired(_l("Write a message.")), Length(max=4000, message=_l("At most 4 000 characters."))])
    quantity_t = LocalFloatField(_l("Quantity (t), if you know it"), validators=[
        Optional(), NumberRange(min=0.001, max=10_000_000,
                                message=_l("Give the tonnes, more than 0 and at most 10 000 000."))])
    timing = StringField(_l("When, if you know it"), validators=[Optional(), Length(max=200)],
                         render_kw={"placeholder": _l("e.g. from May 2027, a trial batch first")})
    own_listing = SelectField(_l("Your own listing it would go with (optional)"), choices=[],
                              validate_choice=False)


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[
        DataRequired(_l("Write a message.")), Length(max=4000, message=_l("At most 4 000 characters."))])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("accept", _l("Introduce them")), ("decline", _l("Decline"))],
                           validators=[DataRequired(_l("Choose to introduce or to decline."))])
    note = TextAreaField(_l("Note to the enquirer (the reason, when you decline)"),
                         validators=[Optional(), Length(max=4000)])
