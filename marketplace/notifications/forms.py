from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class SettingsForm(FlaskForm):
    on_message = BooleanField(_l("A new message in a deal's thread"))
    on_state_change = BooleanField(_l("A deal proposed to my organisation, or moved to another state"))
    on_introduction = BooleanField(_l("The broker introduced my organisation to the other party"))
    digest = BooleanField(_l("A daily digest of new good pairings for my organisation's listings"))
