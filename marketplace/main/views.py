"""The front page, the language switch and the offline base map."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..db import db
from ..models import MaterialNeed, Organisation, SideStream
from ..security import safe_next_url

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    counts = {
        "streams": db.session.scalar(
            sa.select(sa.func.count()).select_from(SideStream).where(
                SideStream.visible_to_clause(current_user)
            )
        ),
        "needs": db.session.scalar(
            sa.select(sa.func.count()).select_from(MaterialNeed).where(
                MaterialNeed.visible_to_clause(current_user)
            )
        ),
        "organisations": db.session.scalar(
            sa.select(sa.func.count()).select_from(Organisation).where(
                Organisation.verification_status == "verified"
            )
        ),
        "tonnes": db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(SideStream.quantity_t_per_year), 0)).where(
                SideStream.visible_to_clause(current_user)
            )
        ),
    }
    newest_streams = db.session.scalars(
        sa.select(SideStream).where(SideStream.visible_to_clause(current_user))
        .order_by(SideStream.created_at.desc(), SideStream.id.desc()).limit(6)
    ).all()
    newest_needs = db.session.scalars(
        sa.select(MaterialNeed).where(MaterialNeed.visible_to_clause(current_user))
        .order_by(MaterialNeed.created_at.desc(), MaterialNeed.id.desc()).limit(4)
    ).all()
    return render_template("main/index.html", counts=counts, newest_streams=newest_streams,
                           newest_needs=newest_needs)


@bp.post("/language")
def set_language():
    language = request.form.get("language")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            current_user.language = language
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))
