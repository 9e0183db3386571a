"""The live matcher: after changes, its rankings equal a full ranking of the current
listings in the same fitted vocabulary, without refitting the base."""
import random

import pytest

from matching import Matcher, Need, Requirement, Stream
from matching.live import LiveMatcher
from matching.table import CATEGORIES

APPS = ["liming_agent", "earth_construction", "cement_scm", "geopolymer_binder", "filler", "other"]
WORDS = ["fly ash", "lentotuhka", "slag", "kuona", "lime mud", "meesa", "gypsum", "tailings", "sludge"]


def make_stream(rng, i, tag=""):
    category = rng.choice(CATEGORIES)
    values = {k: round(rng.uniform(lo, hi), 2) for k, lo, hi in
              (("CaO", 1, 50), ("SiO2", 1, 60), ("Al2O3", 1, 20), ("LOI", 0, 40), ("Cd", 0, 3),
               ("neutralising_value_pct", 0, 50)) if rng.random() < 0.7}
    return Stream(id=f"S{i}", title=f"{rng.choice(WORDS)} {tag}".strip(), category=category,
                  lat=65 + rng.uniform(-1.5, 1.5), lon=25 + rng.uniform(-3, 3), values=values,
                  legal_status=rng.choice(["waste", "by_product", None]),
                  quantity_t_per_year=rng.choice([None, 500.0, 5000.0, 50000.0]))


def make_need(rng, i, tag=""):
    app = rng.choice(APPS)
    reqs = (Requirement("CaO", min=rng.choice([5, 20, 30])),) if rng.random() < 0.4 else ()
    return Need(id=f"N{i}", title=f"Need {tag} for {app.replace('_', ' ')}", application=app,
                lat=65 + rng.uniform(-1.5, 1.5), lon=25 + rng.uniform(-3, 3), requirements=reqs,
                accepts_waste=rng.random() < 0.6, quantity_t_per_year=2000.0,
                max_distance_km=rng.choice([None, 100.0, 250.0]))


def world(seed=7, n_streams=160, n_needs=30):
    rng = random.Random(seed)
    return rng, {f"S{i}": make_stream(rng, i) for i in range(n_streams)}, \
        {f"N{i}": make_need(rng, i) for i in range(n_needs)}


def change(rng, live, streams, needs):
    """Saves, closes and new listings on both sides."""
    changed = [make_stream(rng, i, "changed") for i in (1, 5, 9, 40, 77)]
    added = [make_stream(rng, 1000 + i, "new") for i in range(6)]
    removed = ["S3", "S50"]
    new_needs = [make_need(rng, 2, "changed"), make_need(rng, 500, "new")]
    for s in changed + added:
        streams[s.id] = s
    for sid in removed:
        del streams[sid]
    for n in new_needs:
        needs[n.id] = n
    del needs["N4"]
    live.update(streams=changed + added, needs=new_needs, removed_streams=removed, removed_needs=["N4"])


def key(ms):
    return [(m.stream_id, m.need_id, round(m.score, 12), m.feasible) for m in ms]


def assert_same_as_full(live, streams, needs):
    full = Matcher().fit(list(streams.values()), list(needs.values()), like=live.base)
    for need in needs.values():
        assert key(live.rank_streams(need, top=8)) == key(full.rank_streams(need.id, top=8))
    ranked = live.rank_needs(list(streams), top=6)
    for sid in streams:
        assert key(ranked[sid]) == key(full.rank_needs(sid, top=6))
    ideas = live.pairing_ideas(["S1", "S1001", "S20"], top=4)
    for sid, got in ideas.items():
        want = full.pairing_ideas(sid, top=4, with_needs=False)
        assert [(i.application, round(i.score, 12), [str(r) for r in i.reasons]) for i in got] == \
            [(i.application, round(i.score, 12), [str(r) for r in i.reasons]) for i in want]


@pytest.mark.parametrize("compact_at", [1000, 5])
def test_changes_rank_as_a_full_ranking_in_the_same_vocabulary(compact_at):
    rng, streams, needs = world()
    live = LiveMatcher(list(streams.values()), list(needs.values()), compact_at=compact_at)
    base = live.base
    change(rng, live, streams, needs)
    if compact_at == 1000:
        assert live.base is base and live.delta is not None and {"S1", "S3"} <= live.dead
    else:
        assert live.base is not base and live.delta is None and not live.dead
        assert live.base.vectorizer_ is base.vectorizer_
    assert_same_as_full(live, streams, needs)


def test_a_change_fits_only_the_delta(monkeypatch):
    rng, streams, needs = world(seed=3)
    live = LiveMatcher(list(streams.values()), list(needs.values()))
    fitted = []
    original = Matcher.fit

    def spy(self, s, n=(), like=None):
        fitted.append(len(s))
        assert like is not None, "the vocabulary is reused, not refitted"
        return original(self, s, n, like=like)

    monkeypatch.setattr(Matcher, "fit", spy)
    live.update(streams=[make_stream(rng, 1, "changed")])
    live.rank_needs(["S1"])
    assert fitted and max(fitted) == 1
