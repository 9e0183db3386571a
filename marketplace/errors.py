"""Domain errors, raised by services and mapped here, once, to HTTP answers.

The site answers with a page in the user's language; the API (and any client that
prefers JSON) with RFC 9457 problem details that name the field in error.
"""
from __future__ import annotations

from flask import Flask, flash, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status = 400

    def __init__(self, message: str = "", errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class InvalidInput(DomainError):
    """Input that breaks a rule; ``errors`` maps each field to what is wrong with it."""

    status = 400


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The thing changed under the user (optimistic locking) or would break uniqueness."""

    status = 409


def show_on_form(form, error: DomainError) -> None:
    """A service's refusal on the form that asked: each named field gets its message, and
    a refusal that names no field is flashed."""
    for name, message in (error.errors or {}).items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors or []) + [message]
    if not error.errors and error.message:
        flash(error.message, "error")


def wants_json_response() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and (
        request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def problem(status: int, title: str, detail: str = "", errors: dict | None = None):
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = [{"field": field, "message": msg} for field, msg in errors.items()]
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _titles() -> dict[int, str]:
    return {
        400: _("The request has errors"),
        401: _("Please sign in"),
        403: _("You may not do that"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("The upload is too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
        503: _("The service is briefly unavailable"),
    }


def _answer(status: int, detail: str = "", errors: dict | None = None):
    title = _titles().get(status, _("Error"))
    if wants_json_response():
        return problem(status, title, detail, errors)
    template = f"errors/{status}.html" if status in (403, 404, 500, 503) else "errors/error.html"
    return render_template(template, status=status, title=title, detail=detail, errors=errors), status


DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError)


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        return _answer(error.status, error.message, error.errors)

    @app.errorhandler(sa_exc.OperationalError)
    @app.errorhandler(sa_exc.InterfaceError)
    @app.errorhandler(sa_exc.DisconnectionError)
    def handle_database_unavailable(error: Exception):
        # The database restarting or out of reach: the request is lost, the site is not.
        # A clean 503 asks the client to come back; the pool checks connections before use,
        # so the first request after the database returns is served.
        from flask import g

        from .db import db

        from .extensions import login_manager

        # Nothing that renders the answer reads the database: the account of a signed-in
        # user (which the templates' context and the language would load) counts as
        # anonymous for this answer.
        g.database_unavailable = True
        login_manager._update_request_context_with_user()
        app.logger.warning("database unavailable: %s", str(error).splitlines()[0] if str(error) else error)
        try:
            db.session.rollback()
        except sa_exc.SQLAlchemyError:
            pass
        response = make_response(_answer(503))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        original = getattr(error, "original_exception", None)
        if isinstance(original, DATABASE_UNAVAILABLE):  # raised at commit, after the view
            return handle_database_unavailable(original)
        detail = error.description if error.code not in (404, 500) else ""
        response = make_response(_answer(error.code or 500, detail))
        # The exception's own headers belong to the answer whatever its body: Allow on a
        # 405 (RFC 9110 section 15.5.6), WWW-Authenticate on a 401, Retry-After on a 429.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
