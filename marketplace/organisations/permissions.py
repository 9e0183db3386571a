"""Who may see and manage an organisation (one named function per action)."""
from __future__ import annotations


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def can_view_profile(user, organisation) -> bool:
    """Verified organisations are public; others only to their members and brokers."""
    if organisation.is_verified:
        return True
    return _signed_in(user) and (user.is_member_of(organisation.id) or user.is_broker)


def can_view_members(user, organisation) -> bool:
    return _signed_in(user) and (user.is_member_of(organisation.id) or user.is_broker)


def can_manage(user, organisation) -> bool:
    """Edit the profile and sites, invite and remove members: its admins and site admins."""
    return _signed_in(user) and (user.is_org_admin_of(organisation.id) or user.is_admin)


def can_review(user, organisation=None) -> bool:
    return _signed_in(user) and user.is_broker


def can_read_documents(user, organisation) -> bool:
    return _signed_in(user) and (user.is_broker or user.is_org_admin_of(organisation.id))
