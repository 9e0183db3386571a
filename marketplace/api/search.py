"""The site's listing search (``marketplace.listings.search``) behind the API's query string.

The API keeps the site's filters and their rules, with two spellings made for programs:
``prop=KEY:MIN:MAX`` (repeatable; either bound may be empty: ``prop=CaO:30:``) for the
site's parallel ``prop``/``min``/``max`` lists, and ``radius_km`` for the site's ``km``.
Values the site would silently drop (an unknown category, sort or page size) are refused
here with the parameter named, since a program should learn of its mistake.

The services of providers are searched the same way through ``marketplace.providers.search``
(``run_services``): the site's filters and visibility, ``radius_km`` for ``km``.
"""
from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..errors import InvalidInput, NotFound
from ..listings import search as site_search
from ..models import APPLICATIONS, CATEGORIES
from ..providers import api as provider_api, search as provider_search

SORTS = site_search.SORTS
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = site_search.PAGE_SIZE
PASSED_ON = ("q", "category", "chapter", "application", "qmin", "qmax", "near", "sort", "page", "bbox")


def _whole(text: str | None, name: str, default: int, low: int, high: int, errors: dict) -> int:
    if text in (None, ""):
        return default
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        errors[name] = _("A whole number from %(low)d to %(high)d.", low=low, high=high)
        return default
    return int(text)


def _split_range(text: str) -> tuple[str, str, str] | None:
    """'CaO:30:' -> ('CaO', '30', ''); 'leach:Cd::0.5' -> ('leach:Cd', '', '0.5')."""
    parts = text.split(":")
    if len(parts) == 4 and parts[0] == "leach":
        parts = ["leach:" + parts[1], parts[2], parts[3]]
    if len(parts) != 3:
        return None
    return parts[0], parts[1], parts[2]


def site_arguments(args) -> tuple[MultiDict, int]:
    """The API's query string as the site's, and the page size; raise InvalidInput."""
    errors: dict[str, str] = {}
    out = MultiDict()
    for name in PASSED_ON:
        value = args.get(name)
        if value not in (None, ""):
            out[name] = value
    if out.get("category") and out["category"] not in CATEGORIES:
        errors["category"] = _("Unknown category: %(value)s", value=out["category"])
    if out.get("application") and out["application"] not in APPLICATIONS:
        errors["application"] = _("Unknown application: %(value)s", value=out["application"])
    if out.get("sort") and out["sort"] not in SORTS:
        errors["sort"] = _("One of: %(values)s", values=", ".join(SORTS))
    _whole(args.get("page"), "page", 1, 1, 10000, errors)
    per_page = _whole(args.get("per_page"), "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, errors)
    if args.get("radius_km") not in (None, "") and out.get("near"):
        out["km"] = args["radius_km"]
    for i, text in enumerate(args.getlist("prop")):
        parts = _split_range(text)
        if parts is None:
            errors[f"prop[{i}]"] = _("Write KEY:MIN:MAX, such as CaO:30: (either bound may be empty).")
            continue
        out.add("prop", parts[0])
        out.add("min", parts[1])
        out.add("max", parts[2])
    if errors:
        raise InvalidInput(_("The search has errors."), errors)
    return out, per_page


_SITE_NAMES = {"km": "radius_km"}


def _refuse(errors: dict[str, str]):
    """400 for a search with errors; 404 where the only one is a well-formed ``near`` (the
    OpenAPI document's pattern has passed it) that names no place or no site of the
    reader's: the thing named is not found, the request itself is right."""
    if set(errors) == {"near"}:
        raise NotFound(_("The place to search around is not found."), errors)
    raise InvalidInput(_("The search has errors."), errors)


def run(model, args, viewer):
    """One page of ``model`` listings that ``viewer`` may find, as the site's search finds them."""
    arguments, per_page = site_arguments(args)
    filters = site_search.parse_filters(arguments, viewer)
    if filters.errors:
        errors = {}
        for name, message in filters.errors.items():
            if name.startswith("prop-"):
                name = f"prop[{name[5:]}]"
            errors[_SITE_NAMES.get(name, name)] = message
        _refuse(errors)
    page = site_search.search(model, filters, viewer, page_size=per_page, load_details=True)
    distances = {
        listing.id: site_search.shown_distance_km(listing, page.distances, filters, viewer)
        for listing in page.items
    } if filters.point else {}
    return page, per_page, distances


# -- services of providers -------------------------------------------------------------

SERVICE_SORTS = provider_search.SORTS
SERVICE_FILTERS = ("q", "kind", "group", "theme", "provider_kind", "key", "near")
DEFAULT_SERVICES_PER_PAGE = provider_search.PAGE_SIZE
MAX_SERVICES_PER_PAGE = provider_api.MAX_PER_PAGE


def run_services(args, viewer):
    """One page of the services ``viewer`` may find, as the site's services search finds
    them (``providers.search``): (ServicePage, per_page); raise InvalidInput naming the
    parameter. ``radius_km`` is the site's ``km``; an unknown sort or page is refused."""
    errors: dict[str, str] = {}
    arguments = MultiDict()
    for name in SERVICE_FILTERS:
        value = args.get(name)
        if value not in (None, ""):
            arguments[name] = value
    if args.get("radius_km") not in (None, "") and arguments.get("near"):
        arguments["km"] = args["radius_km"]
    sort = args.get("sort") or ""
    if sort and sort not in SERVICE_SORTS:
        errors["sort"] = _("One of: %(values)s", values=", ".join(SERVICE_SORTS))
    elif sort:
        arguments["sort"] = sort
    arguments["page"] = str(_whole(args.get("page"), "page", 1, 1, 10000, errors))
    per_page = _whole(args.get("per_page"), "per_page", DEFAULT_SERVICES_PER_PAGE, 1, MAX_SERVICES_PER_PAGE, errors)
    filters = provider_search.parse_filters(arguments, viewer)
    for name, message in filters.errors.items():
        errors.setdefault(_SITE_NAMES.get(name, name), message)
    if errors:
        _refuse(errors)
    return provider_search.search(filters, viewer, page_size=per_page), per_page
