"""Providers and their services: the rules, as verb functions taking the acting user.
Services flush; the request commits."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..db import db
from ..errors import Forbidden, InvalidInput, NotFound
from ..models import Organisation, ProviderService, ServiceProvider
from ..models.provider_service import MAX_LEAD_TIME_DAYS, PROVIDER_KINDS, SERVICE_KINDS, THEMES
from . import vocabulary

SERVICE_FIELDS = ("kind", "name_fi", "name_en", "description_fi", "description_en", "lead_time_days",
                  "price_basis", "contact")


# -- who may do what ------------------------------------------------------------

def may_become_provider(user) -> bool:
    """Members of a verified organisation that has no provider profile yet."""
    if not (user and user.is_authenticated and user.organisation_id and user.in_verified_organisation):
        return False
    return provider_of_organisation(user.organisation_id) is None


def provider_of_organisation(organisation_id: int | None) -> ServiceProvider | None:
    if organisation_id is None:
        return None
    return db.session.scalar(sa.select(ServiceProvider).where(ServiceProvider.organisation_id == organisation_id))


def get_provider(provider_id: int, user) -> ServiceProvider:
    provider = db.session.get(ServiceProvider, provider_id)
    if provider is None or not provider.is_visible_to(user):
        raise NotFound(_("No such provider, or it is not shown to you."))
    return provider


def get_provider_to_manage(provider_id: int, user) -> ServiceProvider:
    provider = get_provider(provider_id, user)
    if not provider.is_managed_by(user):
        raise Forbidden(_("Only members of the provider's organisation can change its services."))
    return provider


def get_service(provider: ServiceProvider, service_id: int) -> ProviderService:
    service = db.session.get(ProviderService, service_id)
    if service is None or service.provider_id != provider.id:
        raise NotFound(_("No such service."))
    return service


# -- checks -----------------------------------------------------------------------

def _check_profile(kinds, themes) -> None:
    errors = {}
    kinds, themes = list(kinds or ()), list(themes or ())
    if not kinds:
        errors["kinds"] = _("Choose at least one kind of provider.")
    elif any(k not in PROVIDER_KINDS for k in kinds):
        errors["kinds"] = _("Choose kinds of provider from the list.")
    if any(t not in THEMES for t in themes):
        errors["themes"] = _("Choose themes of the strategy from the list.")
    if errors:
        raise InvalidInput(_("The provider's description has errors."), errors)


def check_service(values: dict) -> dict:
    """The values of a service, cleaned; raise InvalidInput naming each field in error."""
    errors = {}
    kind = values.get("kind")
    if kind not in SERVICE_KINDS:
        errors["kind"] = _("Choose a kind of service from the list.")
    lead = values.get("lead_time_days")
    if lead is not None:
        try:
            lead = int(lead)
        except (TypeError, ValueError):
            errors["lead_time_days"] = _("Give the lead time as whole days.")
            lead = None
        else:
            if not 0 <= lead <= MAX_LEAD_TIME_DAYS:
                errors["lead_time_days"] = _("Give a lead time from 0 to %(max)d days.", max=MAX_LEAD_TIME_DAYS)
    cleaned = {name: (values.get(name) or "").strip() for name in
               ("name_fi", "name_en", "description_fi", "description_en", "price_basis", "contact")}
    for name, limit in (("name_fi", 200), ("name_en", 200), ("price_basis", 200), ("contact", 254)):
        if len(cleaned[name]) > limit:
            errors[name] = _("At most %(count)d characters.", count=limit)
    if errors:
        raise InvalidInput(_("The service has errors."), errors)
    # A service without a name of its own is called by its kind.
    cleaned["name_fi"] = cleaned["name_fi"] or vocabulary.kind_name(kind, "fi")
    cleaned["name_en"] = cleaned["name_en"] or vocabulary.kind_name(kind, "en")
    cleaned.update(kind=kind, lead_time_days=lead)
    return cleaned


# -- providers ----------------------------------------------------------------------

def create_provider(user, *, kinds, themes=(), description_fi: str = "", description_en: str = "") -> ServiceProvider:
    if not may_become_provider(user):
        raise Forbidden(_("Members of a verified organisation describe it as a provider, once."))
    _check_profile(kinds, themes)
    provider = ServiceProvider(organisation_id=user.organisation_id)
    _apply_profile(provider, kinds, themes, description_fi, description_en)
    db.session.add(provider)
    db.session.flush()
    return provider


def update_provider(user, provider: ServiceProvider, *, kinds, themes=(), description_fi: str = "",
                    description_en: str = "") -> ServiceProvider:
    if not provider.is_managed_by(user):
        raise Forbidden(_("Only members of the provider's organisation can change it."))
    _check_profile(kinds, themes)
    _apply_profile(provider, kinds, themes, description_fi, description_en)
    db.session.flush()
    return provider


def _apply_profile(provider, kinds, themes, description_fi, description_en) -> None:
    provider.kinds = [k for k in PROVIDER_KINDS if k in set(kinds)]
    provider.themes = [t for t in THEMES if t in set(themes or ())]
    provider.description_fi = (description_fi or "").strip()
    provider.description_en = (description_en or "").strip()


def delete_provider(user, provider: ServiceProvider) -> None:
    if not provider.is_managed_by(user):
        raise Forbidden(_("Only members of the provider's organisation can remove it."))
    db.session.delete(provider)
    db.session.flush()


# -- services --------------------------------------------------------------------------

def create_service(user, provider: ServiceProvider, values: dict) -> ProviderService:
    if not provider.is_managed_by(user):
        raise Forbidden(_("Only members of the provider's organisation can add services."))
    service = ProviderService(provider=provider, **check_service(values))
    db.session.add(service)
    db.session.flush()
    return service


def update_service(user, service: ProviderService, values: dict) -> ProviderService:
    if not service.provider.is_managed_by(user):
        raise Forbidden(_("Only members of the provider's organisation can change its services."))
    for name, value in check_service(values).items():
        setattr(service, name, value)
    db.session.flush()
    return service


def delete_service(user, service: ProviderService) -> None:
    if not service.provider.is_managed_by(user):
        raise Forbidden(_("Only members of the provider's organisation can remove its services."))
    db.session.delete(service)
    db.session.flush()


# -- demo data ---------------------------------------------------------------------------

def load_demo_providers(session, records: list[dict], organisations: dict[str, Organisation]) -> int:
    """The demo providers' profiles and services (``organisations.json`` "providers"),
    through the same checks as the forms. Loading again updates and adds nothing twice:
    a service is known by its kind and English name. Returns the services loaded."""
    count = 0
    for record in records:
        organisation = organisations.get(record["name"])
        if organisation is None:
            continue
        _check_profile(record.get("provider_kinds"), record.get("themes"))
        provider = session.scalar(sa.select(ServiceProvider).where(ServiceProvider.organisation_id == organisation.id))
        if provider is None:
            provider = ServiceProvider(organisation_id=organisation.id)
            session.add(provider)
        _apply_profile(provider, record.get("provider_kinds"), record.get("themes"),
                       record.get("description_fi", ""), record.get("description_en", ""))
        session.flush()
        known = {(s.kind, s.name_en): s for s in provider.services}
        for service_record in record.get("services", []):
            values = check_service(service_record)
            service = known.get((values["kind"], values["name_en"]))
            if service is None:
                service = ProviderService(provider=provider)
                session.add(service)
            for name, value in values.items():
                setattr(service, name, value)
            count += 1
        session.flush()
    return count
