"""Matches, pairing ideas and blends are for a listing's owner and the brokers."""
from tests.access import BROKERS, OWNERS_A, Rule, only


def extend_world(world, make):
    from marketplace.db import db
    from marketplace.models import Blend, BlendPart

    with make.app.app_context():
        blend = Blend(need_id=world.need_public.id, position=0, part_count=2, cost_eur_per_t=10.0,
                      co2_kg_per_t=2.0, cheaper_than_single=True, verified=False, reasons=[], missing=[])
        for i, stream in enumerate((world.stream_public, world.stream_anonymous)):
            blend.parts.append(BlendPart(side_stream_id=stream.id, position=i, share=0.5, additive=False,
                                         distance_km=10.0, road_km=13.0, transport_cost_eur_per_t=1.56,
                                         transport_co2_kg_per_t=0.7, adds=[]))
        db.session.add(blend)
        db.session.commit()
        world.extra["blend"] = blend.id
        db.session.remove()


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
    # The world's streams and need belong to one organisation: the broker is told so and
    # sent back to the need's matches (302); nothing is opened.
    Rule("matches.blend_deals", lambda w: f"/matches/blends/{w.blend}/deals", method="POST",
         expect=only(BROKERS, 302)),
    Rule("matches.refresh", lambda w: "/matches/refresh", method="POST",
         expect=only(BROKERS, 302)),
]
