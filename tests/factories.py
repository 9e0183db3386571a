"""Test data factories. Each call opens its own app context and commits to the
test's transaction, so that requests made afterwards see the data."""
from __future__ import annotations

import itertools
from datetime import datetime

from argon2 import PasswordHasher

from marketplace.db import db
from marketplace.models import (
    MaterialNeed, MeasuredValue, Organisation, Requirement, SideStream, Site, User,
)

PASSWORD = "correct horse battery staple"
# One hash for every test user, made with Argon2id's cheapest parameters: verifying reads
# the parameters from the hash, so each sign-in in the tests costs about 2 ms instead of
# the production profile's ~0.5 s on the CI machine. (The site's own hashes are unchanged.)
_PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
_numbers = itertools.count(1)


def valid_business_id(seed: int) -> str:
    """A fictional Y-tunnus with a correct check digit."""
    base = 1000000 + seed * 7
    while True:
        digits = f"{base:07d}"
        r = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2))) % 11
        if r != 1:
            return f"{digits}-{0 if r == 0 else 11 - r}"
        base += 1


class Factory:
    def __init__(self, app):
        self.app = app

    def _save(self, obj):
        with self.app.app_context():
            db.session.add(obj)
            db.session.commit()
            db.session.refresh(obj)
            for relation in ("organisation", "site", "values", "requirements", "sites"):
                if hasattr(obj, relation):
                    getattr(obj, relation)
            if hasattr(obj, "organisation") and getattr(obj, "organisation") is not None:
                getattr(obj.organisation, "sites")
            db.session.expunge_all()
        return obj

    def organisation(self, name=None, verified=True, lat=65.75, lon=24.56, place="Kemi", **fields):
        n = next(_numbers)
        organisation = Organisation(
            name=name or f"Testi Oy {n}",
            business_id=fields.pop("business_id", valid_business_id(n)),
            kind=fields.pop("kind", "both"),
            verification_status="verified" if verified else "pending",
            verified_at=datetime(2026, 1, 1) if verified else None,
            email=fields.pop("email", f"office{n}@example.fi"),
            **fields,
        )
        site = Site(name=f"{place} works", place=place)
        site.location = f"SRID=4326;POINT({lon} {lat})"
        organisation.sites.append(site)
        return self._save(organisation)

    def user(self, organisation=None, role="member", email=None, language="en", confirmed=True, **fields):
        n = next(_numbers)
        user = User(
            email=email or f"user{n}@example.fi",
            name=fields.pop("name", f"Test User {n}"),
            password_hash=_PASSWORD_HASH,
            role=role,
            organisation_id=organisation.id if organisation is not None else None,
            language=language,
            email_confirmed_at=datetime(2026, 1, 1) if confirmed else None,
            **fields,
        )
        return self._save(user)

    def stream(self, organisation, title="Ferrochrome slag", category="slag", values=None,
               lat=65.78, lon=24.17, **fields):
        stream = SideStream(
            organisation_id=organisation.id,
            site_id=organisation.sites[0].id if organisation.sites else None,
            title=title,
            category=category,
            place=fields.pop("place", "Tornio"),
            **fields,
        )
        stream.set_location(lat, lon)
        for key, value in (values or {}).items():
            stream.values.append(MeasuredValue(property=key, value=value))
        return self._save(stream)

    def need(self, organisation, title="Geopolymer precursor", application="geopolymer_binder",
             requirements=(), lat=67.65, lon=24.91, **fields):
        need = MaterialNeed(
            organisation_id=organisation.id,
            title=title,
            application=application,
            place=fields.pop("place", "Kittilä"),
            **fields,
        )
        need.set_location(lat, lon)
        for position, requirement in enumerate(requirements):
            need.requirements.append(Requirement(position=position, **requirement))
        return self._save(need)
