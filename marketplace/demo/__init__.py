"""Demo data for Lapland and Northern Finland.

Organisations, their sites and the demo users come from ``organisations.json``; the
listings from ``listings.json``, a batch in the contract's format that goes through the
same import as a user's upload. Loading again updates what is there and adds nothing twice.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from ..auth.passwords import hash_password
from ..models import Match, Organisation, Site, User

HERE = Path(__file__).parent
ORGANISATIONS = HERE / "organisations.json"
LISTINGS = HERE / "listings.json"
DEMO_VERIFIED_AT = datetime(2026, 1, 15, 9, 0)


class DemoDataError(ValueError):
    """The shipped demo data no longer passes the import's checks."""


@dataclass
class DemoReport:
    organisations: int = 0
    users: int = 0
    streams: int = 0
    needs: int = 0
    matches: int = 0
    created: dict = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"Demo data: {self.organisations} organisations, {self.users} users, "
            f"{self.streams} side streams, {self.needs} needs, {self.matches} matches."
        )


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _point(lon: float, lat: float) -> str:
    return f"SRID=4326;POINT({float(lon)} {float(lat)})"


def upsert_organisation(session, record: dict) -> Organisation:
    organisation = session.scalar(sa.select(Organisation).where(Organisation.name == record["name"]))
    if organisation is None:
        organisation = Organisation(name=record["name"])
        session.add(organisation)
    organisation.business_id = record.get("business_id")
    organisation.country = record.get("country", "FI")
    organisation.kind = record.get("kind", "both")
    organisation.description_en = record.get("description_en", "")
    organisation.description_fi = record.get("description_fi", "")
    organisation.email = record.get("email")
    organisation.phone = record.get("phone")
    organisation.website = record.get("website")
    organisation.show_as_member = bool(record.get("verified", True))
    if record.get("verified", True):
        organisation.verification_status = "verified"
        organisation.verified_at = organisation.verified_at or DEMO_VERIFIED_AT
    known_sites = {site.name: site for site in organisation.sites}
    for site_record in record.get("sites", []):
        site = known_sites.get(site_record["name"])
        if site is None:
            site = Site(name=site_record["name"])
            organisation.sites.append(site)
        site.place = site_record.get("place", "")
        site.location = _point(site_record["lon"], site_record["lat"])
    session.flush()
    return organisation


def upsert_user(session, record: dict, organisations: dict[str, Organisation]) -> User:
    user = session.scalar(sa.select(User).where(User.email == record["email"].lower()))
    if user is None:
        user = User(email=record["email"].lower(), password_hash=hash_password(record["password"]))
        session.add(user)
    user.name = record.get("name", "")
    user.role = record["role"]
    user.language = record.get("language", "fi")
    user.email_confirmed_at = user.email_confirmed_at or DEMO_VERIFIED_AT
    organisation = organisations.get(record.get("organisation") or "")
    user.organisation_id = organisation.id if organisation else None
    session.flush()
    return user


def load_demo(session) -> DemoReport:
    from ..listings.importer import import_batch

    data = read(ORGANISATIONS)
    report = DemoReport()
    organisations = {}
    for record in data["organisations"] + data.get("providers", []):
        organisations[record["name"]] = upsert_organisation(session, record)
    report.organisations = len(organisations)
    for record in data["users"]:
        upsert_user(session, record, organisations)
    report.users = len(data["users"])

    def resolve(name):
        if name not in organisations:
            raise LookupError(f"no demo organisation named {name!r}")
        return organisations[name]

    imported = import_batch(read(LISTINGS), None, resolve)
    if not imported.ok:
        raise DemoDataError("\n".join(str(problem) for problem in imported.problems))
    report.streams = imported.created["side_streams"] + imported.updated["side_streams"]
    report.needs = imported.created["needs"] + imported.updated["needs"]
    report.matches = session.scalar(sa.select(sa.func.count()).select_from(Match))

    from ..cluster.demo import load_demo_cluster
    from ..providers.services import load_demo_providers

    load_demo_providers(session, data.get("providers", []), organisations)
    load_demo_cluster(session)
    return report


def sign_ins() -> list[dict]:
    return [
        {"email": u["email"], "password": u["password"], "role": u["role"],
         "organisation": u.get("organisation") or "Lapin kiertotalouskeskus"}
        for u in read(ORGANISATIONS)["users"]
    ]
