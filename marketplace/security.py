"""Web security shared by every blueprint: headers and safe redirects."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BaseConverter, IntegerConverter

# The largest id both databases can hold (a signed 64-bit integer); a larger number in
# a URL is no listing of ours and must answer 404, not overflow the driver.
MAX_ID = 2**63 - 1


class BoundedIntegerConverter(IntegerConverter):
    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            # Not a ValidationError: that would make the router try the other methods'
            # rules and answer 405 where the truth is 404.
            raise NotFound()
        return number


class ListingKeyConverter(BaseConverter):
    """A listing in a path: its id (digits, bounded as above) or its opaque reference
    (``redaction.public_ref``). Which one names a listing to whom is
    ``redaction.find_listing``'s; URLs are built with the reference of a hidden listing
    (``redaction.install``). ``listing_kind``: the table named, or None where a ``kind``
    argument of the rule (streams, needs) tells it."""

    regex = r"(?:\d+|L-[a-z2-7]{16})"
    listing_kind: str | None = None
    part_isolating = True

    def to_python(self, value: str) -> int | str:
        if value.startswith("L-"):
            return value
        number = int(value)
        if number > MAX_ID:
            raise NotFound()
        return number

    def to_url(self, value) -> str:
        return str(value)


class StreamKeyConverter(ListingKeyConverter):
    listing_kind = "stream"


class NeedKeyConverter(ListingKeyConverter):
    listing_kind = "need"


# Every table's primary key is an INTEGER: PostgreSQL refuses a larger number where a
# query casts a parameter to the column's type ("integer out of range").
MAX_ROW_ID = 2**31 - 1


def parse_id(text) -> int | None:
    """An id given in a parameter (``near=site:12``, ``stream=12``): ASCII digits naming a
    number up to ``MAX_ROW_ID``, else None. Not ``str.isdigit`` alone, which takes '²' and
    other digits ``int`` refuses, and not unbounded, which overflows the column."""
    text = str(text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ROW_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ROW_ID else None


def parse_page(text, last: int = 10000) -> int:
    """A page number from 1 to ``last`` (a larger one is the last); anything else is 1."""
    text = str(text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > len(str(last)):
        return last
    return max(1, min(int(text), last))


def safe_next_url(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative '//evil'."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def tile_origin() -> str:
    url = current_app.config.get("TILE_URL") or ""
    parts = urlsplit(url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return ""
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in url else parts.netloc
    return f"{parts.scheme}://{host}"


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.url_map.converters["listing"] = ListingKeyConverter
    app.url_map.converters["stream"] = StreamKeyConverter
    app.url_map.converters["need"] = NeedKeyConverter
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind that many proxies, the client's address, scheme and host are the ones they
        # pass on (rate limits per client, https links); never believed without them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    @app.before_request
    def refuse_nul_characters():
        # PostgreSQL cannot store U+0000 in text; no honest form or query contains it.
        for name, value in list(request.args.items(multi=True)) + list(request.form.items(multi=True)):
            if "\x00" in value:
                abort(400, description=_("The field %(field)s contains a NUL character.", field=name))
    @app.after_request
    def security_headers(response):
        img = " ".join(filter(None, ["'self'", "data:", tile_origin()]))
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src {img}; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if app.config.get("ENV") == "production":
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
