"""Making providers, services and service requests for tests, through the service layer's
own checks where it has them."""
from __future__ import annotations

from marketplace.db import db
from marketplace.models import ProviderService, ServiceProvider, ServiceRequest
from marketplace.providers.services import check_service


def make_provider(make, organisation, kinds=("laboratory",), themes=("industrial_circular_economy",),
                  services=({"kind": "analysis_leaching", "lead_time_days": 14},)) -> ServiceProvider:
    with make.app.app_context():
        provider = ServiceProvider(organisation_id=organisation.id, kinds=list(kinds), themes=list(themes),
                                   description_fi="Laboratorio", description_en="Laboratory")
        db.session.add(provider)
        for values in services:
            provider.services.append(ProviderService(**check_service(dict(values))))
        db.session.commit()
        db.session.refresh(provider)
        provider.services, provider.organisation.sites
        db.session.expunge_all()
    return provider


def make_request(make, service, stream, user, keys=("leach:Mo",), **fields) -> ServiceRequest:
    with make.app.app_context():
        request = ServiceRequest(provider_id=service.provider_id, service_id=service.id, side_stream_id=stream.id,
                                 requester_organisation_id=stream.organisation_id, requested_by_id=user.id,
                                 service_kind=service.kind, property_keys=list(keys), **fields)
        db.session.add(request)
        db.session.commit()
        db.session.refresh(request)
        db.session.expunge_all()
    return request
