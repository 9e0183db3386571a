"""Accounts: signing up, in and out, confirming addresses, passwords and roles.

Services take the acting user as an argument, change objects and flush; the request
commits. Rules broken by input raise ``InvalidInput`` with the field in error.
Nothing a service answers differs by whether an address has an account: where it would
(sign-up, reset, change of address), the owner of the address gets a mail instead.
"""
from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..db import db
from ..errors import Conflict, InvalidInput
from ..models import Organisation, Site, User, UserSession, business_id_is_valid
from ..models.base import utcnow
from ..models.user import ROLES, new_session_token
from . import tokens
from .mails import send_mail
from .passwords import DUMMY_HASH, check_password, hash_password, password_problem


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def email_problem(email: str) -> str | None:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return _("Enter a valid email address.")
    return None


# -- signing in ---------------------------------------------------------------------

def authenticate(email: str, password: str) -> User | None:
    user = user_by_email(email)
    if user is None:
        check_password(DUMMY_HASH, password)
        return None
    if not check_password(user.password_hash, password) or not user.active:
        return None
    return user


def set_password(user: User, password: str) -> None:
    """A new hash and a new session token: every other session of the user ends (the one
    that changes the password, if any, goes on: see ``end_other_sessions``)."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    if user.id is not None:
        end_other_sessions(user)


# -- sessions -----------------------------------------------------------------------
# A session cookie carries '<user id>:<session token>:<nonce>' (``User.get_id``); the
# nonce names a row of ``user_session``, which signing in makes and signing out deletes.

def start_session(user: User) -> None:
    """A new server-side session for a sign-in; its nonce goes into the cookie."""
    record = UserSession(user_id=user.id)
    db.session.add(record)
    db.session.flush()
    user.session_nonce = record.nonce


def session_exists(user: User, nonce: str) -> bool:
    return bool(nonce) and db.session.scalar(sa.select(sa.exists().where(
        UserSession.user_id == user.id, UserSession.nonce == nonce)))


def sign_out(user: User) -> None:
    """End this session on the server, not only in this browser: its row goes, so a copy
    of its cookie (or remember-me cookie) signs nobody in afterwards. The user's sessions
    in other browsers go on."""
    db.session.execute(sa.delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.nonce == (user.session_nonce or "")))
    user.session_nonce = None
    db.session.flush()


def other_session_count(user: User) -> int:
    query = sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    if user.session_nonce:
        query = query.where(UserSession.nonce != user.session_nonce)
    return db.session.scalar(query)


def end_other_sessions(user: User) -> int:
    """End every session of the user but this one (none, outside a signed-in request);
    how many ended."""
    others = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if user.session_nonce:
        others = others.where(UserSession.nonce != user.session_nonce)
    ended = db.session.execute(others).rowcount or 0
    db.session.flush()
    return ended


# -- signing up ---------------------------------------------------------------------

def organisation_problems(name: str, business_id: str, country: str, exclude_id: int | None = None) -> dict:
    """Field errors for an organisation's name and business ID (Y-tunnus for Finland)."""
    errors = {}
    taken = sa.select(Organisation.id).where(sa.func.lower(Organisation.name) == name.strip().lower())
    if exclude_id is not None:
        taken = taken.where(Organisation.id != exclude_id)
    if db.session.scalar(taken) is not None:
        errors["organisation_name"] = _(
            "An organisation of this name is already registered. Ask its admin for an invitation."
        )
    if country == "FI":
        if not business_id_is_valid(business_id):
            errors["business_id"] = _(
                "Enter a valid Finnish business ID (Y-tunnus), such as 1234567-1."
            )
        else:
            query = sa.select(Organisation.id).where(Organisation.business_id == business_id,
                                                     Organisation.country == "FI")
            if exclude_id is not None:
                query = query.where(Organisation.id != exclude_id)
            if db.session.scalar(query) is not None:
                errors["business_id"] = _(
                    "An organisation with this business ID is already registered. "
                    "Ask its admin for an invitation."
                )
    elif not business_id:
        errors["business_id"] = _("Enter the organisation's registration number in its country.")
    return errors


def sign_up(*, email: str, password: str, name: str, language: str, organisation_name: str,
            business_id: str, country: str, kind: str, site_name: str, place: str,
            lat: float, lon: float) -> User | None:
    """A new organisation (waiting for verification) with its first user, its admin.

    Returns the new user, or None when the address already has an account: then its
    owner is mailed and nothing is created, and the caller answers as for a new account.
    """
    email = normalise_email(email)
    country = (country or "FI").strip().upper()
    business_id = (business_id or "").strip().upper() if country != "FI" else (business_id or "").strip()
    errors = organisation_problems(organisation_name, business_id, country)
    problem = password_problem(password, email, organisation_name)
    if problem:
        errors["password"] = problem
    if errors:
        raise InvalidInput(_("Please correct the fields marked."), errors)

    existing = user_by_email(email)
    if existing is not None:
        # Hashed all the same and thrown away: the answer for a taken address must cost
        # the time of a new account's (Argon2id is most of it), or the time tells.
        hash_password(password)
        send_mail(existing.email, existing.language, _l("Someone tried to sign up with your address"),
                  "auth/mail/signup_existing", user=existing,
                  login_url=url_for("auth.login", _external=True),
                  reset_url=url_for("auth.reset_request", _external=True))
        return None

    organisation = Organisation(
        name=organisation_name.strip(), business_id=business_id or None, country=country,
        kind=kind, email=email, verification_status="pending",
    )
    site = Site(name=site_name.strip() or organisation_name.strip(), place=place.strip())
    site.location = f"SRID=4326;POINT({float(lon)} {float(lat)})"
    organisation.sites.append(site)
    user = User(email=email, name=name.strip(), role="org_admin", language=language,
                organisation=organisation, password_hash="")
    set_password(user, password)
    db.session.add_all([organisation, user])
    db.session.flush()
    audit.record("auth.signed_up", actor=user, target=organisation)
    send_confirmation(user)
    return user


# -- confirming an address -----------------------------------------------------------

def send_confirmation(user: User) -> None:
    token = tokens.make_token("confirm-email", {"u": user.id, "e": user.email})
    send_mail(user.email, user.language, _l("Confirm your email address for Sivuvirta"),
              "auth/mail/confirm", user=user,
              url=url_for("auth.confirm_email", token=token, _external=True),
              hours=tokens.MAX_AGE["confirm-email"] // 3600)


def _token_error(error: tokens.TokenInvalid) -> InvalidInput:
    if isinstance(error, tokens.TokenExpired):
        return InvalidInput(_("The link has expired. Ask for a new one."))
    return InvalidInput(_("The link is not valid. Check that you copied all of it."))


def user_for_confirmation(token: str) -> User:
    try:
        payload = tokens.read_token("confirm-email", token)
    except tokens.TokenInvalid as error:
        raise _token_error(error) from None
    user = db.session.get(User, payload.get("u") or 0)
    if user is None or user.email != payload.get("e"):
        raise InvalidInput(_("The link is not valid. Check that you copied all of it."))
    return user


def confirm_email(token: str) -> User:
    user = user_for_confirmation(token)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record("auth.email_confirmed", actor=user, target=user)
        db.session.flush()
    return user


# -- resetting a forgotten password --------------------------------------------------

def request_password_reset(email: str) -> None:
    """Mail a reset link if the address has an active account; silent otherwise."""
    user = user_by_email(email)
    if user is None or not user.active:
        return
    token = tokens.make_token("reset-password", {"u": user.id, "f": tokens.fingerprint(user.password_hash)})
    send_mail(user.email, user.language, _l("Reset your Sivuvirta password"), "auth/mail/reset",
              user=user, url=url_for("auth.reset_password", token=token, _external=True),
              minutes=tokens.MAX_AGE["reset-password"] // 60)
    audit.record("auth.password_reset_requested", target=user)


def user_for_reset(token: str) -> User:
    """The user a reset link is for; a used link fails, as the password it names changed."""
    try:
        payload = tokens.read_token("reset-password", token)
    except tokens.TokenInvalid as error:
        raise _token_error(error) from None
    user = db.session.get(User, payload.get("u") or 0)
    if user is None or not user.active or tokens.fingerprint(user.password_hash) != payload.get("f"):
        raise InvalidInput(_("The link has already been used or is no longer valid. Ask for a new one."))
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset(token)
    organisation_name = user.organisation.name if user.organisation else None
    problem = password_problem(password, user.email, organisation_name)
    if problem:
        raise InvalidInput(problem, {"password": problem})
    set_password(user, password)
    # A reset is for a password that may be known to others: every session ends, this
    # browser's too (the page signs it out).
    user.session_nonce = None
    end_other_sessions(user)
    if user.email_confirmed_at is None:
        # The link reached the mailbox: that confirms the address too.
        user.email_confirmed_at = utcnow()
    audit.record("auth.password_reset", actor=user, target=user)
    _mail_password_changed(user)
    db.session.flush()
    return user


# -- the account's own settings ------------------------------------------------------

def update_profile(user: User, *, name: str, language: str) -> None:
    user.name = name.strip()
    user.language = language
    db.session.flush()


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    if not check_password(user.password_hash, current_password):
        raise InvalidInput(_("The current password is wrong."),
                           {"current_password": _("The current password is wrong.")})
    organisation_name = user.organisation.name if user.organisation else None
    problem = password_problem(new_password, user.email, organisation_name)
    if problem:
        raise InvalidInput(problem, {"new_password": problem})
    set_password(user, new_password)
    audit.record("auth.password_changed", actor=user, target=user)
    _mail_password_changed(user)
    db.session.flush()


def _mail_password_changed(user: User) -> None:
    send_mail(user.email, user.language, _l("Your Sivuvirta password was changed"),
              "auth/mail/password_changed", user=user,
              reset_url=url_for("auth.reset_request", _external=True))


def request_email_change(user: User, *, password: str, new_email: str) -> None:
    """Mail a link to the new address; the change takes effect when it is opened.

    If the new address already has an account, its owner is told instead, and the
    answer to the user is the same."""
    new_email = normalise_email(new_email)
    if not check_password(user.password_hash, password):
        raise InvalidInput(_("The password is wrong."), {"password": _("The password is wrong.")})
    if new_email == user.email:
        raise InvalidInput(_("This is your current address."),
                           {"new_email": _("This is your current address.")})
    owner = user_by_email(new_email)
    if owner is not None:
        send_mail(owner.email, owner.language, _l("Someone tried to use your address on Sivuvirta"),
                  "auth/mail/email_taken", user=owner,
                  reset_url=url_for("auth.reset_request", _external=True))
        return
    token = tokens.make_token("change-email", {"u": user.id, "e": new_email,
                                               "f": tokens.fingerprint(user.email)})
    send_mail(new_email, user.language, _l("Confirm your new email address for Sivuvirta"),
              "auth/mail/change_email", user=user, new_email=new_email,
              url=url_for("auth.confirm_email_change", token=token, _external=True),
              hours=tokens.MAX_AGE["change-email"] // 3600)


def email_change_for(token: str) -> tuple[User, str]:
    try:
        payload = tokens.read_token("change-email", token)
    except tokens.TokenInvalid as error:
        raise _token_error(error) from None
    user = db.session.get(User, payload.get("u") or 0)
    if user is None or tokens.fingerprint(user.email) != payload.get("f"):
        raise InvalidInput(_("The link has already been used or is no longer valid."))
    return user, payload["e"]


def confirm_email_change(token: str) -> User:
    user, new_email = email_change_for(token)
    if user_by_email(new_email) is not None:
        raise Conflict(_("The address is already in use by another account."))
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    audit.record("auth.email_changed", actor=user, target=user, before=old_email, after=new_email)
    send_mail(old_email, user.language, _l("Your Sivuvirta email address was changed"),
              "auth/mail/email_changed", user=user, new_email=new_email,
              reset_url=url_for("auth.reset_request", _external=True))
    db.session.flush()
    return user


# -- roles ---------------------------------------------------------------------------

def create_site_admin(email: str, name: str, password: str) -> User:
    """The first site admin of a fresh install (``sivuvirta users create-admin``)."""
    email = normalise_email(email)
    errors = {}
    problem = email_problem(email)
    if problem:
        errors["email"] = problem
    elif user_by_email(email) is not None:
        errors["email"] = _("An account with this address exists already.")
    problem = password_problem(password or "", email)
    if problem:
        errors["password"] = problem
    if len(name or "") > 200:
        errors["name"] = _("Use at most %(count)d characters.", count=200)
    if errors:
        raise InvalidInput(_("Please correct the fields marked."), errors)
    user = User(email=email, name=(name or "").strip(), role="admin", language="fi",
                email_confirmed_at=utcnow(), password_hash="")
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created_site_admin", target=user)
    return user


def change_role(actor: User, user: User, role: str) -> None:
    """A site admin appoints brokers and admins (and takes the roles away)."""
    if role not in ROLES:
        raise InvalidInput(_("Choose a role."), {"role": _("Choose a role.")})
    if role == "org_admin" and user.organisation_id is None:
        raise InvalidInput(_("An organisation admin must belong to an organisation."),
                           {"role": _("An organisation admin must belong to an organisation.")})
    if user.role == "admin" and role != "admin":
        admins = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.role == "admin", User.active.is_(True)))
        if admins <= 1:
            raise InvalidInput(_("The site must keep at least one admin."),
                               {"role": _("The site must keep at least one admin.")})
    if user.role == role:
        return
    before = user.role
    user.role = role
    audit.record("user.role_changed", actor=actor, target=user, before=before, after=role)
    db.session.flush()
