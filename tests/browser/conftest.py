"""A live server and a headless Chromium for browser tests (``@pytest.mark.browser``).

``live_server`` builds the site on a fresh SpatiaLite file in a temporary folder and
serves it from a thread on 127.0.0.1 and a free port; ``live_server.run(fn)`` calls
``fn()`` in an app context and commits (for reading the outbox, making data).
``page`` is a fresh browser context and page, in English, per test.

Chromium is Debian's (/usr/bin/chromium, or SIVUVIRTA_CHROMIUM): no browser is
downloaded. Without it the tests are skipped, unless SIVUVIRTA_REQUIRE_BROWSER is set,
when they fail.
"""
from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

CHROMIUM = os.environ.get("SIVUVIRTA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium to run browser tests"
    if os.environ.get("SIVUVIRTA_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class LiveServer:
    url: str
    app: object

    def run(self, fn: Callable):
        """Call ``fn()`` in an app context, commit, and return what it returned."""
        from marketplace.db import db

        with self.app.app_context():
            try:
                result = fn()
                db.session.commit()
                return result
            finally:
                db.session.remove()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    from werkzeug.serving import make_server

    from marketplace import create_app
    from marketplace.db import create_engine
    from tests.conftest import build_schema

    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'live.sqlite'}"
    engine = create_engine(url)
    build_schema(engine)
    app = create_app({
        "DATABASE_URL": url,
        "ENGINE": engine,
        "SECRET_KEY": "live-test-secret",
        "UPLOAD_DIR": str(folder / "uploads"),
        "TILE_URL": "",
        "RATELIMIT_STORAGE_URI": "memory://",
        # No consumer beside the live server: its jobs (mail, match refreshes) run in it.
        "QUEUE_IMMEDIATE": True,
    })
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"},
                                  base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
