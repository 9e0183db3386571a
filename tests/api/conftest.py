"""Fixtures of the API tests: a small world of organisations, users and listings, and
personal tokens made straight in the database."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from marketplace.db import db
from marketplace.models import ApiToken
from marketplace.models.api_token import PREFIX_LENGTH, hash_token, new_token_secret
from tests.providers.helpers import make_provider

VALUES = {"SiO2": 30.0, "Al2O3": 25.0, "MgO": 23.0, "CaO": 2.0}


@dataclass
class ApiWorld:
    org_a: object = None
    org_b: object = None
    users: dict = field(default_factory=dict)
    stream_public: object = None
    stream_anonymous: object = None
    stream_brokered: object = None
    stream_draft: object = None
    need_public: object = None
    need_b: object = None
    provider_b: object = None
    provider_hidden: object = None


@pytest.fixture
def world(make) -> ApiWorld:
    w = ApiWorld()
    w.org_a = make.organisation(name="Perämeren Kuona Oy")
    w.org_b = make.organisation(name="Kittilän Maanrakennus Oy", place="Kittilä", lat=67.65, lon=24.91)
    unverified = make.organisation(name="Uusi Yritys Oy", verified=False)
    w.users = {
        "member_a": make.user(w.org_a, email="member.a@example.fi"),
        "member_b": make.user(w.org_b, email="member.b@example.fi"),
        "unverified": make.user(unverified, email="unverified@example.fi"),
        "loner": make.user(None, email="loner@example.fi"),
        "broker": make.user(None, role="broker", email="broker@example.fi"),
    }
    w.stream_public = make.stream(w.org_a, title="Public slag", values=VALUES, ewc_code="10 02 02",
                                  external_ref="SLAG-1", quantity_t_per_year=400000)
    w.stream_anonymous = make.stream(w.org_a, title="Anonymous slag", visibility="anonymous", values=VALUES,
                                     lat=65.7834, lon=24.1721, place="Röyttä works", external_ref="SLAG-2")
    w.stream_brokered = make.stream(w.org_a, title="Brokered slag", visibility="brokered", values=VALUES)
    w.stream_draft = make.stream(w.org_a, title="Draft ash", category="ash", status="draft")
    w.need_public = make.need(w.org_a, title="Geopolymer precursor",
                              requirements=[{"property": "SiO2+Al2O3", "min": 50}])
    # A ferrochrome-slag-like stream: concrete aggregate is a documented use of it,
    # a geopolymer binder is not (the engine judges the material first).
    w.need_b = make.need(w.org_b, title="Aggregate for a haul road", application="concrete_aggregate",
                         requirements=[{"property": "SiO2+Al2O3", "min": 40}], max_distance_km=500)
    w.provider_b = make_provider(make, w.org_b, services=(
        {"kind": "analysis_leaching", "lead_time_days": 14, "name_en": "Leaching test"},
        {"kind": "analysis_xrf", "lead_time_days": 7},
    ))
    w.provider_hidden = make_provider(make, unverified)
    return w


@pytest.fixture
def issue(app):
    """issue(user, scope="read-write", expires_at=None, revoked=False) -> the token's secret."""

    def make_token(user, scope="read-write", expires_at=None, revoked=False, name="test"):
        secret = new_token_secret()
        with app.app_context():
            db.session.add(ApiToken(
                user_id=user.id, name=name, scope=scope, prefix=secret[:PREFIX_LENGTH],
                token_hash=hash_token(secret), expires_at=expires_at,
                revoked_at=datetime(2026, 1, 1) if revoked else None,
            ))
            db.session.commit()
            db.session.remove()
        return secret

    return make_token


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def expired():
    return datetime.utcnow() - timedelta(days=1)


@pytest.fixture
def refresh_matches(app):
    def refresh():
        from marketplace.matches.services import refresh_all

        with app.app_context():
            kept = refresh_all(db.session)
            db.session.commit()
            db.session.remove()
        return kept

    return refresh


def ref(app, listing) -> str:
    """The opaque reference the site addresses a hidden listing by (to all but its owner)."""
    from marketplace import redaction

    with app.app_context():
        return redaction.public_ref(listing)
