"""What an operator's load balancer and monitor ask: is the process alive (/healthz), and
can it serve, its database and its task queue answering (/readyz). Plain JSON, no
session, no rate limit."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from .db import db
from .extensions import limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@limiter.exempt
def readyz():
    from .jobs.queue import reachable

    answer, ready = {"status": "ok", "database": "ok", "queue": "ok"}, True
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("readiness: the database does not answer")
        answer["database"], ready = "unavailable", False
    queue_ok, detail = reachable()
    if not queue_ok:
        # The storage's address (not its password) and error: an operator's first question.
        current_app.logger.error("readiness: the task queue does not answer: %s", detail)
        answer["queue"], ready = "unavailable", False
    if not ready:
        answer["status"] = "unavailable"
        return jsonify(answer), 503
    return jsonify(answer)
