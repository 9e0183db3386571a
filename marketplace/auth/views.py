"""Signing up, in and out; confirming addresses; passwords; the account's own page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from .. import audit
from ..db import db
from ..errors import InvalidInput
from ..extensions import limiter
from ..security import safe_next_url
from . import services, throttle
from .forms import (
    ChangeEmailForm, ChangePasswordForm, ConfirmForm, EmailForm, JoinForm, LoginForm, NewPasswordForm,
    ProfileForm, SignUpForm, show_errors,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.after_request
def private_pages(response):
    # Account pages and links carrying tokens: not kept in shared caches or the browser's
    # back-forward cache, and their URLs not sent on as a Referer, even to this site.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _failed(response) -> bool:
    return response.status_code >= 400


def _too_many() -> str:
    return _("Too many attempts from your address. Wait a moment and try again.")


def _account_key() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else request.remote_addr or ""


def _render(template: str, form, **context):
    return render_template(template, form=form, **context), 400 if form.errors or form.form_errors else 200


def _keep_signed_in(user) -> None:
    """After the user's own password change: this session goes on under the new token."""
    remember = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    login_user(user, remember=bool(remember))


def _sign_in(user, remember: bool = False) -> None:
    """A new server-side session (``services.start_session``), then its cookie."""
    services.start_session(user)
    login_user(user, remember=remember)


# -- sign in and out -----------------------------------------------------------------

# Per client address: 10 a minute and 50 an hour. Only failures count (deduct_when), so
# that many people signing in behind one office NAT are not locked out by each other.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"], deduct_when=_failed,
               error_message=_too_many)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _render("auth/login.html", form)
    email = services.normalise_email(form.email.data)
    if throttle.sign_in_locked(email):
        audit.record("auth.sign_in_locked", email=email)
        db.session.commit()  # kept although the answer is an error (see below)
        form.email.errors.append(_locked_message())
        return render_template("auth/login.html", form=form), 429
    user = services.authenticate(email, form.password.data)
    if user is not None:
        throttle.clear_sign_in_failures(email)
        _sign_in(user, remember=form.remember.data)
        flash(_("Welcome, %(name)s.", name=user.name or user.email), "success")
        return redirect(safe_next_url(form.next.data) or url_for("main.index"))
    locked = throttle.note_sign_in_failure(email)
    audit.record("auth.sign_in_failed", target=services.user_by_email(email), email=email,
                 locked=locked)
    # A failed sign-in answers 400, which rolls the request back; the failure must be
    # kept in the audit log all the same, so it is committed here, on its own.
    db.session.commit()
    if locked:
        form.email.errors.append(_locked_message())
        return render_template("auth/login.html", form=form), 429
    form.password.errors.append(_("The email address or the password is wrong."))
    return render_template("auth/login.html", form=form), 400


def _locked_message() -> str:
    return _("Too many failed sign-ins for this address. Sign-in is locked for %(minutes)d "
             "minutes. If you forgot your password, reset it.", minutes=throttle.LOCK_MINUTES)


@bp.post("/logout")
@login_required
def logout():
    services.sign_out(current_user)
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("main.index"))


# -- sign up -------------------------------------------------------------------------

@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], error_message=_too_many)
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignUpForm()
    if request.method == "GET":
        form.language.data = str(request.accept_languages.best_match(("fi", "sv", "en")) or "fi")
    if form.validate_on_submit():
        try:
            services.sign_up(
                email=form.email.data, password=form.password.data, name=form.name.data,
                language=form.language.data, organisation_name=form.organisation_name.data,
                business_id=form.business_id.data or "", country=form.country.data,
                kind=form.kind.data, site_name=form.site_name.data or "", place=form.place.data,
                lat=float(form.lat.data), lon=float(form.lon.data),
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            # The same answer whether the address was new or already had an account.
            session["signup_email"] = services.normalise_email(form.email.data)
            return redirect(url_for("auth.check_email"))
    return _render("auth/signup.html", form)


@bp.get("/signup/check-email")
def check_email():
    return render_template("auth/check_email.html", email=session.get("signup_email"))


# -- confirming the address ----------------------------------------------------------

@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token):
    form = ConfirmForm()
    user = services.user_for_confirmation(token)
    if form.validate_on_submit():
        services.confirm_email(token)
        flash(_("Thank you: your email address is confirmed."), "success")
        return redirect(url_for("main.index") if current_user.is_authenticated else url_for("auth.login"))
    return render_template("auth/confirm_email.html", form=form, user=user)


@bp.post("/confirm/resend")
@login_required
@limiter.limit("5 per hour", key_func=_account_key, error_message=_too_many)
def resend_confirmation():
    if current_user.email_confirmed_at is None:
        services.send_confirmation(current_user)
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "info")
    return redirect(safe_next_url(request.form.get("next")) or url_for("auth.account"))


# -- a forgotten password ------------------------------------------------------------

@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per minute;30 per hour", methods=["POST"], error_message=_too_many)
def reset_request():
    form = EmailForm()
    if form.validate_on_submit():
        email = services.normalise_email(form.email.data)
        if not throttle.take_reset_request(email):
            form.email.errors.append(_("Too many reset requests for this address. Try again in an hour."))
            return render_template("auth/reset_request.html", form=form), 429
        services.request_password_reset(email)
        flash(_("If an account has the address %(email)s, we sent it a link to set a new password. "
                "The link works for an hour.", email=email), "info")
        return redirect(url_for("auth.login"))
    return _render("auth/reset_request.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], error_message=_too_many)
def reset_password(token):
    user = services.user_for_reset(token)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your password is changed. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return _render("auth/reset_password.html", form, user=user)


# -- the account ---------------------------------------------------------------------

@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, name=form.name.data, language=form.language.data)
        session["language"] = form.language.data
        flash(_("Your details are saved."), "success")
        return redirect(url_for("auth.account"))
    return _render("auth/account.html", form, sessions_form=ConfirmForm(),
                   other_sessions=services.other_session_count(current_user))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    """Sign out of every other browser and device; this session goes on."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ended = services.end_other_sessions(current_user)
    audit.record("auth.other_sessions_ended", actor=current_user, target=current_user, sessions=ended)
    flash(ngettext("%(num)d other session was signed out.", "%(num)d other sessions were signed out.", ended)
          if ended else _("You had no other sessions."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"], key_func=_account_key, deduct_when=_failed,
               error_message=_too_many)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current_password=form.current_password.data,
                                     new_password=form.new_password.data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            _keep_signed_in(current_user)
            flash(_("Your password is changed. Your other sessions were signed out."), "success")
            return redirect(url_for("auth.account"))
    return _render("auth/change_password.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"], key_func=_account_key, error_message=_too_many)
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, password=form.password.data,
                                          new_email=form.new_email.data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("We sent a link to %(email)s. Your address changes when you open it.",
                    email=services.normalise_email(form.new_email.data)), "info")
            return redirect(url_for("auth.account"))
    return _render("auth/change_email.html", form)


@bp.route("/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token):
    user, new_email = services.email_change_for(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.confirm_email_change(token)
        flash(_("Your email address is now %(email)s.", email=new_email), "success")
        return redirect(url_for("auth.account") if current_user.is_authenticated else url_for("auth.login"))
    return render_template("auth/confirm_email_change.html", form=form, user=user, new_email=new_email)


# -- joining an organisation by invitation -------------------------------------------

@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], error_message=_too_many)
def join(token):
    from ..organisations import services as organisations

    invitation = organisations.invitation_for(token)
    organisation = invitation.organisation
    if current_user.is_authenticated:
        form = ConfirmForm()
        if form.validate_on_submit():
            organisations.accept_invitation(token, current_user)
            flash(_("You are now a member of %(organisation)s.", organisation=organisation.name), "success")
            return redirect(url_for("organisations.profile", organisation_id=organisation.id))
        return render_template("auth/join.html", invitation=invitation, form=form, mode="accept")
    if services.user_by_email(invitation.email) is not None:
        return render_template("auth/join.html", invitation=invitation, form=None, mode="sign-in")
    form = JoinForm()
    if request.method == "GET":
        form.language.data = str(request.accept_languages.best_match(("fi", "sv", "en")) or "fi")
    if form.validate_on_submit():
        try:
            user = organisations.accept_invitation_as_new_user(
                token, name=form.name.data, password=form.password.data, language=form.language.data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            _sign_in(user)
            flash(_("Welcome to Sivuvirta. You are now a member of %(organisation)s.",
                    organisation=organisation.name), "success")
            return redirect(url_for("organisations.profile", organisation_id=organisation.id))
    return render_template("auth/join.html", invitation=invitation, form=form, mode="new"), \
        400 if form.errors else 200
