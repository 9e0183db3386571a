"""Access rules of the API (/api/v1) and of the API tokens page of the account.

The matrix signs visitors in with the site's session cookie. The API honours that
cookie for reads only (the site's scripts read through it), so a signed-in visitor
reads as on the site; without a token nobody writes: every write answers 401. Routes
that need someone answer 401 (not the site's 302 to the sign-in page) to the anonymous."""
from __future__ import annotations

from tests.access import BROKERS, OWNERS_A, Rule, everyone, only, signed_in

EVERYONE_BUT_ANONYMOUS = signed_in(200, anonymous=401)
MATCH_READERS = only(OWNERS_A | BROKERS, 200, others=403, anonymous=401)
NOBODY_WITHOUT_A_TOKEN = everyone(401)
# as the site's provider page: a provider of an unverified organisation only to its members and brokers
HIDDEN_PROVIDER = {**everyone(404), "unverified": 200, **dict.fromkeys(BROKERS, 200)}


def extend_world(world, make):
    from marketplace.db import db
    from marketplace.models import ApiToken
    from marketplace.models.api_token import PREFIX_LENGTH, hash_token, new_token_secret

    # the matrix makes one request per rule from one address: more than an anonymous client may
    make.app.config["API_RATELIMIT_ANONYMOUS"] = "1000/minute"
    secret = new_token_secret()
    with make.app.app_context():
        token = ApiToken(user_id=world.users["member_a"].id, name="matrix", scope="read",
                         prefix=secret[:PREFIX_LENGTH], token_hash=hash_token(secret))
        db.session.add(token)
        db.session.commit()
        world.extra["api_token_a"] = token.id
        db.session.remove()


def _stream(w):
    return f"/api/v1/side-streams/{w.stream_public.id}"


def _need(w):
    return f"/api/v1/needs/{w.need_public.id}"


RULES = [
    Rule("api.index", lambda w: "/api/v1/", expect=everyone(200)),
    Rule("api.openapi", lambda w: "/api/v1/openapi.json", expect=everyone(200)),
    Rule("api.docs", lambda w: "/api/v1/docs", expect=everyone(200)),
    Rule("api.me", lambda w: "/api/v1/me", expect=EVERYONE_BUT_ANONYMOUS),
    Rule("api.stream_list", lambda w: "/api/v1/side-streams?category=slag", expect=everyone(200)),
    Rule("api.need_list", lambda w: "/api/v1/needs", expect=everyone(200)),
    Rule("api.stream_read", _stream, expect=everyone(200)),
    Rule("api.stream_read", lambda w: f"/api/v1/side-streams/{w.stream_brokered.id}",
         expect=only(OWNERS_A | BROKERS, 200, others=404, anonymous=404), note="brokered"),
    Rule("api.need_read", _need, expect=everyone(200)),
    Rule("api.stream_matches", lambda w: _stream(w) + "/matches", expect=MATCH_READERS),
    Rule("api.need_matches", lambda w: _need(w) + "/matches", expect=MATCH_READERS),
    Rule("api.stream_ideas", lambda w: _stream(w) + "/pairing-ideas", expect=MATCH_READERS),
    Rule("api.need_blends", lambda w: _need(w) + "/blends", expect=MATCH_READERS),
    # providers and services: tests/access/providers.py makes provider_b (verified) and
    # provider_hidden (of the unverified organisation); its deletions run after these rules
    Rule("api.service_list", lambda w: "/api/v1/services?kind=analysis_leaching&near=Kemi&radius_km=500",
         expect=everyone(200)),
    Rule("api.service_list", lambda w: "/api/v1/services?kind=bogus", expect=everyone(400), note="bad filter"),
    Rule("api.service_read", lambda w: f"/api/v1/services/{w.xrf_b.id}", expect=everyone(200)),
    Rule("api.service_read", lambda w: f"/api/v1/services/{w.provider_hidden.services[0].id}",
         expect=HIDDEN_PROVIDER, note="unverified provider"),
    Rule("api.provider_read", lambda w: f"/api/v1/providers/{w.provider_b.id}", expect=everyone(200)),
    Rule("api.provider_read", lambda w: f"/api/v1/providers/{w.provider_hidden.id}", expect=HIDDEN_PROVIDER,
         note="unverified provider"),
    Rule("api.waste_code_list", lambda w: "/api/v1/waste-codes?q=kuona", expect=everyone(200)),
    Rule("api.waste_code_read", lambda w: "/api/v1/waste-codes/100202", expect=everyone(200)),
    # writes: a session cookie is not enough
    Rule("api.stream_create", lambda w: "/api/v1/side-streams", method="POST", expect=NOBODY_WITHOUT_A_TOKEN),
    Rule("api.need_create", lambda w: "/api/v1/needs", method="POST", expect=NOBODY_WITHOUT_A_TOKEN),
    Rule("api.stream_replace", _stream, method="PUT", expect=NOBODY_WITHOUT_A_TOKEN),
    Rule("api.need_replace", _need, method="PUT", expect=NOBODY_WITHOUT_A_TOKEN),
    Rule("api.stream_patch", _stream, method="PATCH", expect=NOBODY_WITHOUT_A_TOKEN),
    Rule("api.need_patch", _need, method="PATCH", expect=NOBODY_WITHOUT_A_TOKEN),
    Rule("api.stream_close", lambda w: _stream(w) + "/close", method="POST", expect=NOBODY_WITHOUT_A_TOKEN),
    Rule("api.need_close", lambda w: _need(w) + "/close", method="POST", expect=NOBODY_WITHOUT_A_TOKEN),
    Rule("api.stream_publish", lambda w: _stream(w) + "/publish", method="POST", expect=NOBODY_WITHOUT_A_TOKEN),
    Rule("api.need_publish", lambda w: _need(w) + "/publish", method="POST", expect=NOBODY_WITHOUT_A_TOKEN),
    Rule("api.batch_import", lambda w: "/api/v1/import", method="POST", expect=NOBODY_WITHOUT_A_TOKEN),
    # the tokens page of the account
    Rule("api_tokens.index", lambda w: "/auth/account/api-tokens", expect=signed_in(200)),
    Rule("api_tokens.create", lambda w: "/auth/account/api-tokens", method="POST",
         data=lambda w: {"name": "matrix test", "scope": "read"}, expect=signed_in(201)),
    Rule("api_tokens.revoke", lambda w: f"/auth/account/api-tokens/{w.api_token_a}/revoke", method="POST",
         expect=only({"member_a"}, 302, others=404, anonymous=302)),
]
