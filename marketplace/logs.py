"""Logs an operator can follow: every record carries the request id, which the response
returns in ``X-Request-ID`` and a background job carries on from the request that queued it.

``SIVUVIRTA_LOG_FORMAT=json`` writes one JSON object a line (time, level, logger, message,
request id, exception) for a log collector; the default is plain text for a terminal.
"""
from __future__ import annotations

import json
import logging
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
# A proxy's id is kept only when it looks like one: it lands in every log line.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_job_request_id: ContextVar[str | None] = ContextVar("sivuvirta_job_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request that queued the running job, or of the request being served."""
    job = _job_request_id.get()
    if job is not None:
        return job
    if has_request_context():
        return g.get("request_id")
    return None


@contextmanager
def request_id_for_job(request_id: str | None):
    """Run a job's work under the id of the request that queued it."""
    token = _job_request_id.set(request_id or new_request_id())
    try:
        yield
    finally:
        _job_request_id.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
_FILTER = RequestIdFilter()


def configure(app: Flask) -> None:
    """One handler on the root logger (gunicorn's and the app's records reach it), with the
    request id on every record; the request id into and out of every request."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "sivuvirta", False)), None)
    if handler is None and not app.testing:
        handler = logging.StreamHandler()
        handler.sivuvirta = True
        root.addHandler(handler)
        root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    for each in root.handlers:
        if _FILTER not in each.filters:
            each.addFilter(_FILTER)
        if getattr(each, "sivuvirta", False):
            json_wanted = app.config.get("LOG_FORMAT") == "json"
            each.setFormatter(JsonFormatter() if json_wanted else logging.Formatter(TEXT_FORMAT))
    if handler is not None:
        # Flask's own handler on app.logger would print each record a second time.
        from flask.logging import default_handler

        app.logger.removeHandler(default_handler)

    @app.before_request
    def take_request_id():
        offered = request.headers.get(HEADER, "")
        g.request_id = offered if _ACCEPTABLE.match(offered) else new_request_id()

    @app.after_request
    def give_request_id(response):
        if "request_id" in g:
            response.headers[HEADER] = g.request_id
        return response
