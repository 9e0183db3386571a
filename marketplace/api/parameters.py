"""The query string of every API request, checked against the parameters the OpenAPI
document (``openapi.py``) declares for its operation, before the view reads it.

So the document and the validation cannot drift apart: a value the document calls
invalid (a ``q`` over its ``maxLength``, a ``page`` that is not a whole number from 1 to
10 000, an unknown ``sort``) answers 400 naming the parameter; the views read only what
passed. Query strings are text: ``integer`` and ``number`` parameters are read as decimal
numbers (``12``, ``-0.5``, ``1e3``), arrays from the repeated parameter
(``prop=CaO:30:&prop=MgO::5``). Booleans are left to the view, which knows their
spellings. Parameters the operation does not declare are ignored, as before."""
from __future__ import annotations

import math
import re
from functools import lru_cache

from flask import request
from flask_babel import gettext as _

from ..errors import InvalidInput
from . import openapi

INTEGER = re.compile(r"-?[0-9]+")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")


@lru_cache(maxsize=1)
def declared() -> dict[str, list[dict]]:
    """The query parameters of each operation, by operationId (the view's endpoint name)."""
    out = {}
    for item in openapi.paths().values():
        for method in openapi.METHODS:
            operation = item.get(method)
            if operation is not None:
                out[operation["operationId"]] = [p for p in operation.get("parameters", []) if p["in"] == "query"]
    return out


def _number_problem(text: str, schema: dict, whole: bool) -> str | None:
    if not (INTEGER if whole else NUMBER).fullmatch(text):
        return _("A whole number.") if whole else _("A number, such as 12 or 12.5.")
    value = int(text) if whole else float(text)
    if not math.isfinite(value):
        return _("A number, such as 12 or 12.5.")
    low, high = schema.get("minimum"), schema.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        return _("From %(low)s to %(high)s.", low=low if low is not None else "", high=high if high is not None else "")
    above = schema.get("exclusiveMinimum")
    if above is not None and value <= above:
        return _("More than %(low)s.", low=above)
    return None


def _form_message(name: str) -> str:
    """What a parameter whose value breaks its pattern should look like."""
    forms = {
        "near": _("A place name, lat,lon, or site:<id> of one of your organisation's sites."),
        "prop": _("Write KEY:MIN:MAX, such as CaO:30: (either bound may be empty)."),
        "chapter": _("Two digits, such as 10."),
    }
    return forms.get(name, _("Not in the form the API reference gives for it."))


def value_problem(text: str, schema: dict, name: str = "") -> str | None:
    """What is wrong with one value of the query parameter ``name``, or None."""
    if "enum" in schema:
        if text not in [str(choice) for choice in schema["enum"]]:
            return _("One of: %(values)s", values=", ".join(str(choice) for choice in schema["enum"]))
        return None
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return _number_problem(text, schema, whole=kind == "integer")
    if kind == "string":
        if len(text) > schema.get("maxLength", math.inf):
            return _("At most %(count)d characters.", count=schema["maxLength"])
        if "pattern" in schema and not re.search(schema["pattern"], text):
            return _form_message(name)
    return None


def problems(operation_id: str, args) -> dict[str, str]:
    """Each declared query parameter of the operation whose value breaks its schema."""
    found = {}
    for parameter in declared().get(operation_id, []):
        name, schema = parameter["name"], parameter["schema"]
        values = args.getlist(name)
        if schema.get("type") == "array":
            for index, text in enumerate(values):
                problem = value_problem(text, schema.get("items", {}), name)
                if problem:
                    found[f"{name}[{index}]"] = problem
            continue
        if len(values) > 1:
            found[name] = _("Give it once.")
        elif values:
            problem = value_problem(values[0], schema, name)
            if problem:
                found[name] = problem
    return found


def check_query() -> None:
    """Before every API view: raise InvalidInput for a query string the document refuses."""
    if request.blueprint != "api" or not request.endpoint:
        return
    found = problems(request.endpoint.split(".", 1)[1], request.args)
    if found:
        raise InvalidInput(_("The request has errors."), found)
