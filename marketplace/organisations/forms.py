from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DecimalField, EmailField, RadioField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import URL, DataRequired, Email, Length, NumberRange, Optional

from .labels import KIND_CHOICES, LANGUAGE_CHOICES, country_choices

_REQUIRED = _l("This field is required.")


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    country = SelectField(_l("Country"))
    business_id = StringField(_l("Business ID"), validators=[Optional(), Length(max=40)],
                              filters=[lambda v: v.strip() if v else v])
    kind = SelectField(_l("The organisation"), choices=KIND_CHOICES)
    description_fi = TextAreaField(_l("Description in Finnish"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Length(max=5000)])
    email = EmailField(_l("Contact email"), validators=[Optional(), Email(_l("Enter a valid email address.")),
                                                        Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    website = StringField(_l("Website"), validators=[
        Optional(), URL(require_tld=True, message=_l("Enter a web address starting with https://")),
        Length(max=300)])
    show_as_member = BooleanField(_l("Show us in the list of members"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        if kwargs.get("obj") is not None and kwargs["obj"].kind == "center":
            self.kind.choices = list(KIND_CHOICES) + [("center", _l("Circular Economy Center"))]


class SiteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    place = StringField(_l("Place"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    lat = DecimalField(_l("Latitude"), places=None, validators=[
        DataRequired(_l("Enter the latitude in decimal degrees.")),
        NumberRange(-90, 90, _l("The latitude is between -90 and 90."))])
    lon = DecimalField(_l("Longitude"), places=None, validators=[
        DataRequired(_l("Enter the longitude in decimal degrees.")),
        NumberRange(-180, 180, _l("The longitude is between -180 and 180."))])


class InvitationForm(FlaskForm):
    email = EmailField(_l("Email of the person"), validators=[
        DataRequired(_REQUIRED), Email(_l("Enter a valid email address.")), Length(max=254)])
    role = SelectField(_l("Role"), choices=[("member", _l("Member")), ("org_admin", _l("Organisation admin"))],
                       default="member")
    language = SelectField(_l("Language of the invitation"), choices=LANGUAGE_CHOICES)


class MemberRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[("member", _l("Member")), ("org_admin", _l("Organisation admin"))])


class ReviewForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[("verified", _l("Verify")), ("rejected", _l("Reject"))],
                          validators=[DataRequired(_l("Choose verify or reject."))])
    note = TextAreaField(_l("Note to the organisation"), validators=[Length(max=5000)])
    evidence = TextAreaField(_l("Evidence checked (kept for brokers)"), validators=[Length(max=5000)])
    document = FileField(_l("Document, such as a signed partnership agreement (PDF, PNG or JPEG)"))


class ActionForm(FlaskForm):
    """A button that POSTs (remove, revoke, delete): CSRF only."""
