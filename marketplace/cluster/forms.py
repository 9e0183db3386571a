from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FileField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional


class ProfileForm(FlaskForm):
    name_fi = StringField(_l("Name in Finnish"), validators=[Optional(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    text_fi = TextAreaField(_l("What the cluster offers, in Finnish"), validators=[Optional(), Length(max=20_000)])
    text_en = TextAreaField(_l("What the cluster offers, in English"), validators=[Optional(), Length(max=20_000)])
    director_name = StringField(_l("Director"), validators=[Optional(), Length(max=200)])
    director_email = StringField(_l("Director's email"), validators=[
        Optional(), Email(_l("Give an email address.")), Length(max=254)])
    strategy_url = StringField(_l("Strategy document: a link"), validators=[Optional(), Length(max=500)])
    strategy_file = FileField(_l("Strategy document: a PDF"))
    remove_document = BooleanField(_l("Remove the uploaded document"))


class EvaluationForm(FlaskForm):
    evaluated_on = DateField(_l("Date of the evaluation"), validators=[InputRequired(_l("Give the date."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=20_000)])
