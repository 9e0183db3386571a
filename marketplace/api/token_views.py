"""Personal API tokens in the user's account: list, create (shown once), revoke.

A site blueprint of its own (CSRF-protected, session-authenticated), apart from the
API's blueprint which is exempt from CSRF."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import InvalidInput
from . import tokens
from .forms import TokenForm

bp = Blueprint("api_tokens", __name__, url_prefix="/auth/account/api-tokens")


def _page(form, secret=None, new_token=None, status=200):
    response = render_template("api/tokens.html", form=form, tokens=tokens.tokens_of(current_user),
                               secret=secret, new_token=new_token)
    # the page may show a secret: no cache may keep it
    return response, status, {"Cache-Control": "no-store"}


@bp.get("")
@login_required
def index():
    return _page(TokenForm())


@bp.post("")
@login_required
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        token, secret = tokens.create_token(current_user, form.name.data, form.scope.data, form.expires_on.data)
    except InvalidInput as error:
        for name, message in error.errors.items():
            getattr(form, name).errors = list(getattr(form, name).errors) + [message]
        return _page(form, status=400)
    # shown on this answer only: never flashed (the flash lives in the session cookie)
    return _page(TokenForm(formdata=None), secret=secret, new_token=token, status=201)


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = tokens.revoke_token(current_user, token_id)
    flash(_("The token %(name)s is revoked: programs using it can no longer call the API.", name=token.name),
          "success")
    return redirect(url_for("api_tokens.index"))
