"""What a read-only API endpoint of services answers (``GET /api/v1/services`` once the
API area routes it): the same filters, visibility and records as the site's exports."""
from __future__ import annotations

from flask_babel import gettext as _

from ..errors import InvalidInput
from .exports import service_record
from .search import parse_filters, search

MAX_PER_PAGE = 100


def services_payload(args, viewer) -> dict:
    """{"services": [...], "total", "page", "pages"} for a query string; InvalidInput (400,
    problem JSON naming each filter) for bad filters."""
    filters = parse_filters(args, viewer)
    if filters.errors:
        raise InvalidInput(_("Please correct the filters."), filters.errors)
    page = search(filters, viewer, page_size=MAX_PER_PAGE)
    return {"services": [service_record(service, km) for service, km in page.items],
            "total": page.total, "page": page.page, "pages": page.pages}
