"""Organisation pages: the public profile, its admins' settings, members and
invitations, and the brokers' verification queue and review."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from ..db import db
from ..errors import Forbidden, InvalidInput, NotFound
from ..models import Invitation, Organisation, Site, User, VerificationDocument
from ..paging import page_count, page_number, sort_order
from ..auth.forms import show_errors
from . import permissions, services
from .forms import ActionForm, InvitationForm, MemberRoleForm, OrganisationForm, ReviewForm, SiteForm
from .labels import KIND_LABELS, VERIFICATION_LABELS, country_name

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

# Organisations on one page of the verification queue.
QUEUE_PER_PAGE = 50


@bp.context_processor
def labels():
    return {"KIND_LABELS": KIND_LABELS, "VERIFICATION_LABELS": VERIFICATION_LABELS,
            "country_name": country_name, "listing_url": listing_url}


def listing_url(listing) -> str | None:
    """The listing's page, when the listings area provides one."""
    endpoint = "listings.stream_detail" if listing.__tablename__ == "side_stream" else "listings.need_detail"
    try:
        return url_for(endpoint, **{("stream_id" if listing.__tablename__ == "side_stream" else "need_id"): listing.id})
    except BuildError:
        try:
            return url_for(endpoint, id=listing.id)
        except BuildError:
            return None


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not permissions.can_view_profile(current_user, organisation):
        raise NotFound()
    return organisation


def _managed(organisation_id: int) -> Organisation:
    organisation = _organisation(organisation_id)
    if not permissions.can_manage(current_user, organisation):
        raise Forbidden()
    return organisation


def _status(form) -> int:
    return 400 if form.errors or form.form_errors else 200


# -- public pages --------------------------------------------------------------------

@bp.get("/")
def directory():
    organisations = db.session.scalars(
        sa.select(Organisation).where(Organisation.verification_status == "verified")
        .order_by(Organisation.name))
    return render_template("organisations/directory.html", organisations=list(organisations))


@bp.get("/<int:organisation_id>")
def profile(organisation_id):
    organisation = _organisation(organisation_id)
    return render_template(
        "organisations/profile.html", organisation=organisation,
        listings=services.listings_shown(organisation, current_user),
        can_manage=permissions.can_manage(current_user, organisation),
        can_review=permissions.can_review(current_user, organisation),
        can_view_members=permissions.can_view_members(current_user, organisation),
    )


# -- the organisation's own settings -------------------------------------------------

@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id):
    organisation = _managed(organisation_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            services.update_organisation(current_user, organisation, **{
                name: form[name].data for name in services.PROFILE_FIELDS})
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("The organisation's details are saved."), "success")
            return redirect(url_for("organisations.profile", organisation_id=organisation.id))
    return render_template("organisations/edit.html", form=form, organisation=organisation), _status(form)


def _site(organisation: Organisation, site_id: int) -> Site:
    site = db.session.get(Site, site_id)
    if site is None or site.organisation_id != organisation.id:
        raise NotFound()
    return site


@bp.route("/<int:organisation_id>/sites/new", methods=["GET", "POST"])
@login_required
def new_site(organisation_id):
    organisation = _managed(organisation_id)
    form = SiteForm()
    if form.validate_on_submit():
        services.add_site(current_user, organisation, name=form.name.data, place=form.place.data,
                          lat=float(form.lat.data), lon=float(form.lon.data))
        flash(_("The site is added."), "success")
        return redirect(url_for("organisations.profile", organisation_id=organisation.id))
    return render_template("organisations/site.html", form=form, organisation=organisation,
                           site=None), _status(form)


@bp.route("/<int:organisation_id>/sites/<int:site_id>/edit", methods=["GET", "POST"])
@login_required
def edit_site(organisation_id, site_id):
    organisation = _managed(organisation_id)
    site = _site(organisation, site_id)
    form = SiteForm(obj=site)
    if request.method == "GET":
        form.lat.data, form.lon.data = services.site_coordinates(site)
    if form.validate_on_submit():
        services.update_site(current_user, site, name=form.name.data, place=form.place.data,
                             lat=float(form.lat.data), lon=float(form.lon.data))
        flash(_("The site is saved."), "success")
        return redirect(url_for("organisations.profile", organisation_id=organisation.id))
    return render_template("organisations/site.html", form=form, organisation=organisation,
                           site=site, delete_form=ActionForm()), _status(form)


@bp.post("/<int:organisation_id>/sites/<int:site_id>/delete")
@login_required
def delete_site(organisation_id, site_id):
    organisation = _managed(organisation_id)
    site = _site(organisation, site_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_site(current_user, site)
    flash(_("The site is removed."), "success")
    return redirect(url_for("organisations.profile", organisation_id=organisation.id))


# -- members and invitations ---------------------------------------------------------

def _members_page(organisation, invite_form=None, status=200):
    if not permissions.can_view_members(current_user, organisation):
        raise Forbidden()
    members = db.session.scalars(sa.select(User).where(User.organisation_id == organisation.id)
                                 .order_by(User.role.desc(), User.name, User.id))
    invitations = db.session.scalars(sa.select(Invitation).where(
        Invitation.organisation_id == organisation.id).order_by(Invitation.created_at.desc()).limit(50))
    if invite_form is None:
        invite_form = InvitationForm(language=str(request.accept_languages.best_match(("fi", "sv", "en")) or "fi"))
    return render_template(
        "organisations/members.html", organisation=organisation, members=list(members),
        invitations=list(invitations), invite_form=invite_form, action_form=ActionForm(),
        role_form=MemberRoleForm(), can_manage=permissions.can_manage(current_user, organisation),
    ), status


@bp.get("/<int:organisation_id>/members")
@login_required
def members(organisation_id):
    return _members_page(_organisation(organisation_id))


@bp.post("/<int:organisation_id>/invitations")
@login_required
def invite(organisation_id):
    organisation = _managed(organisation_id)
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            services.invite(current_user, organisation, email=form.email.data, role=form.role.data,
                            language=form.language.data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("We sent an invitation to %(email)s.", email=form.email.data.strip().lower()), "success")
            return redirect(url_for("organisations.members", organisation_id=organisation.id))
    return _members_page(organisation, form, status=400)


def _invitation(organisation, invitation_id) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        raise NotFound()
    return invitation


@bp.post("/<int:organisation_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(organisation_id, invitation_id):
    organisation = _managed(organisation_id)
    invitation = _invitation(organisation, invitation_id)
    services.revoke_invitation(current_user, organisation, invitation)
    flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email), "success")
    return redirect(url_for("organisations.members", organisation_id=organisation.id))


def _member(organisation, user_id) -> User:
    member = db.session.get(User, user_id)
    if member is None or member.organisation_id != organisation.id:
        raise NotFound()
    return member


@bp.post("/<int:organisation_id>/members/<int:user_id>/remove")
@login_required
def remove_member(organisation_id, user_id):
    organisation = _managed(organisation_id)
    member = _member(organisation, user_id)
    services.remove_member(current_user, organisation, member)
    flash(_("%(name)s is no longer a member.", name=member.name or member.email), "success")
    if member.id == current_user.id:
        return redirect(url_for("main.index"))
    return redirect(url_for("organisations.members", organisation_id=organisation.id))


@bp.post("/<int:organisation_id>/members/<int:user_id>/role")
@login_required
def member_role(organisation_id, user_id):
    organisation = _managed(organisation_id)
    member = _member(organisation, user_id)
    form = MemberRoleForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("Choose a role."), {"role": _("Choose a role.")})
    services.set_member_role(current_user, organisation, member, form.role.data)
    flash(_("The role of %(name)s is saved.", name=member.name or member.email), "success")
    return redirect(url_for("organisations.members", organisation_id=organisation.id))


# -- verification --------------------------------------------------------------------

@bp.get("/verification")
@login_required
def verification_queue():
    if not permissions.can_review(current_user):
        raise Forbidden()
    sort, descending = sort_order(services.QUEUE_SORTS, "signed_up", default_descending=False)
    page = page_number()
    total = services.verification_queue_count()
    organisations = services.verification_queue(limit=QUEUE_PER_PAGE, offset=(page - 1) * QUEUE_PER_PAGE,
                                                sort=sort, descending=descending)
    return render_template("organisations/queue.html", organisations=organisations, sort=sort,
                           descending=descending, page=page, pages=page_count(total, QUEUE_PER_PAGE))


@bp.route("/<int:organisation_id>/review", methods=["GET", "POST"])
@login_required
def review(organisation_id):
    organisation = _organisation(organisation_id)
    if not permissions.can_review(current_user, organisation):
        raise Forbidden()
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review(current_user, organisation, decision=form.decision.data,
                            note=form.note.data or "", evidence=form.evidence.data or "",
                            upload=form.document.data or None)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("%(organisation)s: decision saved and its admins told.",
                    organisation=organisation.name), "success")
            return redirect(url_for("organisations.verification_queue"))
    documents = db.session.scalars(sa.select(VerificationDocument).where(
        VerificationDocument.organisation_id == organisation.id).order_by(VerificationDocument.id))
    admins = services.organisation_admins(organisation)
    return render_template("organisations/review.html", form=form, organisation=organisation,
                           documents=list(documents), admins=admins), _status(form)


@bp.get("/<int:organisation_id>/documents/<int:document_id>")
@login_required
def document(organisation_id, document_id):
    organisation = _organisation(organisation_id)
    if not permissions.can_read_documents(current_user, organisation):
        raise Forbidden()
    document = db.session.get(VerificationDocument, document_id)
    if document is None or document.organisation_id != organisation.id:
        raise NotFound()
    path = services.document_path(document)
    if not path.exists():
        raise NotFound()
    return send_file(path, mimetype=document.content_type, as_attachment=True,
                     download_name=document.filename, max_age=0)
