"""Renewing and closing a listing are its owners' acts."""
from __future__ import annotations

from tests.access import OWNERS_A, Rule, only

RULES = [
    Rule("lifecycle.renew", lambda w: f"/lifecycle/streams/{w.stream_public.id}/renew", method="POST",
         data=lambda w: {"months": "13"}, expect=only(OWNERS_A, 400)),
    Rule("lifecycle.close", lambda w: f"/lifecycle/streams/{w.stream_public.id}/close",
         expect=only(OWNERS_A, 200)),
    Rule("lifecycle.close", lambda w: f"/lifecycle/streams/{w.stream_public.id}/close", method="POST",
         data=lambda w: {"outcome": ""}, expect=only(OWNERS_A, 400)),
]
