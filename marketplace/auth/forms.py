from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DecimalField, EmailField, HiddenField, PasswordField, SelectField, StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange, Optional

from ..organisations.labels import KIND_CHOICES, LANGUAGE_CHOICES

_REQUIRED = _l("This field is required.")


def _email_field(label=_l("Email")):
    return EmailField(label, validators=[DataRequired(_REQUIRED),
                                         Email(_l("Enter a valid email address.")),
                                         Length(max=254)],
                      filters=[_strip])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _new_password(label=_l("Password")):
    return PasswordField(label, validators=[DataRequired(_REQUIRED), Length(max=200)])


def _repeat(field: str):
    return PasswordField(_l("Password again"), validators=[
        DataRequired(_REQUIRED), EqualTo(field, _l("The passwords do not match."))])


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    remember = BooleanField(_l("Remember me"))
    next = HiddenField()


class SignUpForm(FlaskForm):
    organisation_name = StringField(_l("Organisation"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    country = SelectField(_l("Country"), default="FI")
    business_id = StringField(_l("Business ID"), validators=[Optional(), Length(max=40)],
                              filters=[lambda v: v.strip() if v else v])
    kind = SelectField(_l("The organisation"), choices=KIND_CHOICES, default="both")
    site_name = StringField(_l("Name of the first site"), validators=[Optional(), Length(max=200)])
    place = StringField(_l("Place"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    lat = DecimalField(_l("Latitude"), places=None, validators=[
        DataRequired(_l("Enter the latitude in decimal degrees.")),
        NumberRange(-90, 90, _l("The latitude is between -90 and 90."))])
    lon = DecimalField(_l("Longitude"), places=None, validators=[
        DataRequired(_l("Enter the longitude in decimal degrees.")),
        NumberRange(-180, 180, _l("The longitude is between -180 and 180."))])
    name = StringField(_l("Your name"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    email = _email_field(_l("Your email"))
    password = _new_password()
    password_again = _repeat("password")
    language = SelectField(_l("Language of the site and mail"), choices=LANGUAGE_CHOICES, default="fi")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ..organisations.labels import country_choices

        self.country.choices = country_choices()


class EmailForm(FlaskForm):
    email = _email_field()


class NewPasswordForm(FlaskForm):
    password = _new_password(_l("New password"))
    password_again = _repeat("password")


class JoinForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    password = _new_password()
    password_again = _repeat("password")
    language = SelectField(_l("Language of the site and mail"), choices=LANGUAGE_CHOICES, default="fi")


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    language = SelectField(_l("Language of the site and mail"), choices=LANGUAGE_CHOICES)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    new_password = _new_password(_l("New password"))
    new_password_again = _repeat("new_password")


class ChangeEmailForm(FlaskForm):
    new_email = _email_field(_l("New email address"))
    password = PasswordField(_l("Your password"), validators=[DataRequired(_REQUIRED), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A button: links in mail lead to a page whose POST does the change (no change on GET)."""


def show_errors(form: FlaskForm, error) -> None:
    """Put a service's ``InvalidInput`` next to the fields it names (else above the form)."""
    errors = error.errors or {"": error.message}
    for name, message in errors.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)
