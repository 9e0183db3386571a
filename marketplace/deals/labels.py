"""Words of deals in both languages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATE_LABELS = {
    "proposed": _l("Proposed"),
    "introduced": _l("Introduced"),
    "negotiating": _l("Negotiating"),
    "trial": _l("Trial"),
    "agreed": _l("Agreed"),
    "delivering": _l("Delivering"),
    "completed": _l("Completed"),
    "declined": _l("Declined"),
    "cancelled": _l("Cancelled"),
}

# What moving to a state means, said on the button that does it.
TRANSITION_LABELS = {
    "introduced": _l("Introduce the parties"),
    "negotiating": _l("Start negotiating"),
    "trial": _l("Start a trial"),
    "agreed": _l("Mark as agreed"),
    "delivering": _l("Deliveries have started"),
    "completed": _l("Mark as completed"),
    "declined": _l("Decline"),
    "cancelled": _l("Cancel the deal"),
}

# What a step back says on its button: it undoes progress, so it reads differently.
STEP_BACK_LABELS = {
    "negotiating": _l("Back to negotiating"),
}

STATE_CSS = {
    "proposed": "warn", "introduced": "", "negotiating": "", "trial": "", "agreed": "ok",
    "delivering": "ok", "completed": "ok", "declined": "bad", "cancelled": "bad",
}
