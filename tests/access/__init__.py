"""The access matrix: who may use each route of the site.

Each area keeps its rules in ``tests/access/<area>.py``:

    RULES = [
        Rule("listings.stream_detail", lambda w: f"/streams/{w.stream_public.id}",
             expect=everyone(200)),
        Rule("listings.stream_edit", lambda w: f"/streams/{w.stream_public.id}/edit",
             expect=only({"member_a", "org_admin_a"}, 200, others=403, anonymous=302)),
    ]

and, when its routes need objects of their own, a function ``extend_world(world, make)``
that adds them to the shared ``World``. ``tests/test_access_matrix.py`` walks every
endpoint of the app's URL map and fails for one that no rule covers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

VISITORS = (
    "anonymous",      # not signed in
    "unverified",     # member of an organisation that no broker has verified
    "member_a",       # member of verified organisation A, which owns the world's listings
    "member_b",       # member of verified organisation B
    "org_admin_a",    # organisation admin of A
    "broker",         # Circular Economy Center staff
    "admin",          # site admin
)


@dataclass
class Rule:
    endpoint: str
    url: Callable[["World"], str]
    expect: dict[str, int]
    method: str = "GET"
    data: Callable[["World"], dict] | None = None
    # A rule whose request changes the world runs it on a fresh transaction per visitor.
    note: str = ""


def everyone(status: int) -> dict[str, int]:
    return {visitor: status for visitor in VISITORS}


def only(allowed: set[str], status: int, others: int = 403, anonymous: int = 302) -> dict[str, int]:
    """``allowed`` get ``status``; other signed-in visitors ``others``; the anonymous visitor
    ``anonymous`` (302: sent to sign in)."""
    expect = {v: (status if v in allowed else others) for v in VISITORS}
    if "anonymous" not in allowed:
        expect["anonymous"] = anonymous
    return expect


def signed_in(status: int, anonymous: int = 302) -> dict[str, int]:
    return {v: (anonymous if v == "anonymous" else status) for v in VISITORS}


BROKERS = {"broker", "admin"}
OWNERS_A = {"member_a", "org_admin_a"}


@dataclass
class World:
    """Well-known objects every rule can point at; areas add their own attributes."""

    users: dict = field(default_factory=dict)
    org_a: object = None
    org_b: object = None
    org_unverified: object = None
    stream_public: object = None
    stream_anonymous: object = None
    stream_brokered: object = None
    need_public: object = None
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        extra = self.__dict__.get("extra", {})
        if name in extra:
            return extra[name]
        raise AttributeError(name)
