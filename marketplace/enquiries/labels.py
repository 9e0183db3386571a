"""Words of enquiries in both languages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {"enquiry": _l("Enquiry"), "introduction": _l("Introduction request")}
STATE_LABELS = {
    "open": _l("Open"), "declined": _l("Declined"), "deal": _l("Became a deal"),
}
