"""Record builders for the matching tests."""

def stream_rec(id="S", **kw):
    rec = {"id": id, "title": kw.pop("title", "Test stream"), "category": kw.pop("category", "ash"),
           "location": {"lat": kw.pop("lat", 65.0), "lon": kw.pop("lon", 25.0)}}
    rec.update(kw)
    return rec


def need_rec(id="N", **kw):
    rec = {"id": id, "title": kw.pop("title", "Test need"), "application": kw.pop("application", "other"),
           "location": {"lat": kw.pop("lat", 65.0), "lon": kw.pop("lon", 25.0)}}
    rec.update(kw)
    return rec


def fit(streams, needs):
    from matching import Matcher, validate_batch
    s, n = validate_batch({"side_streams": streams, "needs": needs})
    return Matcher().fit(s, n)
