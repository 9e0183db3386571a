"""Problem answers of the API (RFC 9457), built on ``marketplace.errors.problem``.

The API adds to the site's problem body: ``errors`` items may name a batch record
(``record``, ``kind``, ``index``) besides the field, and 401 answers carry the
``WWW-Authenticate`` challenge of RFC 6750."""
from __future__ import annotations

import json
import re

from flask_babel import gettext as _

from ..errors import problem

# A message of matching.contract: "side_streams[0] (id 'S1'): field 'composition.SiO2': reason"
_CONTRACT_MESSAGE = re.compile(
    r"^(?P<kind>[a-z_]+)(?:\[(?P<index>\d+)\])?(?: \(id (?P<id>.+?)\))?: field '(?P<field>[^']*)': (?P<message>.*)$",
    re.S,
)


def api_problem(status: int, title: str, detail: str = "", errors: list[dict] | None = None,
                headers: dict | None = None):
    response = problem(status, title, detail)
    if errors:
        body = json.loads(response.get_data())
        body["errors"] = errors
        response.set_data(json.dumps(body))
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def unauthorized(detail: str, error: str = "invalid_token"):
    """401 with the Bearer challenge. ``error`` as RFC 6750: invalid_request, invalid_token."""
    challenge = 'Bearer realm="Sivuvirta API"'
    if error:
        challenge += f', error="{error}"'
    return api_problem(401, _("Authentication needed"), detail, headers={"WWW-Authenticate": challenge})


def insufficient_scope(detail: str):
    return api_problem(403, _("The token's scope does not allow this"), detail, headers={
        "WWW-Authenticate": 'Bearer realm="Sivuvirta API", error="insufficient_scope", scope="read-write"'})


def contract_errors(messages: list[str]) -> list[dict]:
    """matching.contract messages as problem ``errors`` items: field, message and, where the
    message names one, the record's id, kind and index."""
    out = []
    for text in messages:
        match = _CONTRACT_MESSAGE.match(text)
        if match is None:
            out.append({"field": "", "message": text})
            continue
        item = {"field": "" if match["field"] == "(record)" else match["field"],
                "message": match["message"]}
        if match["kind"] in ("side_streams", "needs"):
            item["kind"] = match["kind"]
            if match["index"] is not None:
                item["index"] = int(match["index"])
            if match["id"] is not None:
                item["record"] = _unquote(match["id"])
        out.append(item)
    return out


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
