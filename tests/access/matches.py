"""Matches and pairing ideas are for a listing's owner and the brokers."""
from tests.access import BROKERS, OWNERS_A, Rule, only

RULES = [
    Rule("matches.stream_ideas", lambda w: f"/matches/streams/{w.stream_public.id}/ideas",
         expect=only(OWNERS_A | BROKERS, 200)),
    Rule("matches.stream_ideas", lambda w: f"/matches/streams/{w.stream_brokered.id}/ideas",
         expect=only(OWNERS_A | BROKERS, 200, others=404)),
    Rule("matches.stream_matches", lambda w: f"/matches/streams/{w.ref_stream_anonymous}",
         expect=only(OWNERS_A | BROKERS, 200)),
    Rule("matches.stream_matches", lambda w: f"/matches/streams/{w.stream_anonymous.id}",
         expect=only(OWNERS_A | BROKERS, 200, others=404)),
    Rule("matches.need_matches", lambda w: f"/matches/needs/{w.need_public.id}",
         expect=only(OWNERS_A | BROKERS, 200)),
    Rule("matches.refresh", lambda w: "/matches/refresh", method="POST",
         expect=only(BROKERS, 302)),
]
