from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..i18n import ROLE_LABELS


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=list(ROLE_LABELS.items()))


class UserFilterForm(FlaskForm):
    q = StringField(_l("Name or email"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[("", _l("All roles"))] + list(ROLE_LABELS.items()),
                       validators=[Optional()])


class AuditFilterForm(FlaskForm):
    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=True)
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))


class JobFilterForm(FlaskForm):
    state = SelectField(_l("State"), validators=[Optional()], validate_choice=True)
    kind = SelectField(_l("Kind"), validators=[Optional()], validate_choice=True)


class JobRetryForm(FlaskForm):
    """Only the CSRF token: the job is in the address."""
