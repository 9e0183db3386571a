"""The gazetteer is read once per process, when the app starts (in the background), not
by the first radius search of a request."""
from __future__ import annotations

import threading

from marketplace import create_app
from marketplace.listings import gazetteer


def test_a_started_app_reads_the_places_before_any_request(monkeypatch, tmp_path):
    started = []
    real = gazetteer.load_in_background

    def counted():
        started.append(threading.current_thread().name)
        real()

    monkeypatch.setattr(gazetteer, "load_in_background", counted)
    gazetteer._folded.cache_clear()
    create_app({"TESTING": False, "SECRET_KEY": "start", "DATABASE_URL": f"sqlite:///{tmp_path / 'start.sqlite'}",
                "TILE_URL": "", "MATCHING_FIT_AT_START": False, "UPLOAD_DIR": str(tmp_path / "uploads")})
    assert len(started) == 1
    for thread in threading.enumerate():
        if thread.name == "gazetteer":
            thread.join(timeout=60)
    assert gazetteer._folded.cache_info().currsize == 1
    misses = gazetteer._folded.cache_info().misses
    assert gazetteer.resolve("Rovaniemi") is not None
    assert gazetteer._folded.cache_info().misses == misses   # read from what the start loaded
