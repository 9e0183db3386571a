"""Test fixtures: every database test runs on SpatiaLite and, where
SIVUVIRTA_TEST_POSTGIS_URL names a PostGIS database, on PostGIS too.

One schema per database for the whole session; each test runs inside a transaction
whose SAVEPOINTs the app commits to, rolled back at the end of the test.
"""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.db import create_engine, db
from marketplace.extensions import limiter
from marketplace.reference import sync_reference_data

POSTGIS_URL = os.environ.get("SIVUVIRTA_TEST_POSTGIS_URL")


def pytest_configure(config):
    """Compile the catalogues, so that a plain `pytest` sees the same Finnish as `make test`."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).parent.parent / "marketplace" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalogue = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalogue)
BACKENDS = ["spatialite"] + (["postgis"] if POSTGIS_URL else [])


def build_schema(engine: sa.Engine) -> None:
    """The schema as the migrations build it (not ``create_all``: on SpatiaLite GeoAlchemy2
    takes the spatial indexes out of the shared metadata while it creates a table)."""
    from sqlalchemy import orm

    from marketplace import migrate

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
    migrate.upgrade(engine)

    with orm.Session(engine) as session:
        sync_reference_data(session)
        session.commit()


@pytest.fixture(scope="session")
def engines(tmp_path_factory):
    made = {}
    path = tmp_path_factory.mktemp("db") / "test.sqlite"
    made["spatialite"] = create_engine(f"sqlite:///{path}")
    if POSTGIS_URL:
        made["postgis"] = create_engine(POSTGIS_URL)
    for engine in made.values():
        build_schema(engine)
    yield made
    for engine in made.values():
        engine.dispose()


class BufferedClient(FlaskClient):
    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(engines, backend, tmp_path):
    engine = engines[backend]
    app = create_app({
        "TESTING": True,
        "ENGINE": engine,
        "DATABASE_URL": str(engine.url),
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "TILE_URL": "",
        "SERVER_NAME": "sivuvirta.test",
        # Tests read pages in English unless they ask for Finnish.
        "BABEL_DEFAULT_LOCALE": "en",
    })
    # Read every response to its end and close it, as a server does: work queued to run
    # after the response (the matches of a saved listing) runs before the client returns.
    app.test_client_class = BufferedClient
    limiter.reset()
    connection = engine.connect()
    transaction = connection.begin()
    app.extensions["sivuvirta.bind"] = connection
    # No app context stays pushed: each request gets its own, as in production
    # (Flask-Login caches the user in ``g``, which would leak between requests).
    yield app
    transaction.rollback()
    connection.close()


@pytest.fixture
def ctx(app):
    """An app context for tests that call services and queries directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def session(ctx):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    from tests.factories import Factory

    return Factory(app)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email, password=None):
        from tests.factories import PASSWORD

        return self._client.post(
            "/auth/login", data={"email": email, "password": password or PASSWORD}
        )

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


_postgis_passed = []


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed and "postgis" in report.nodeid:
        _postgis_passed.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """In CI (SIVUVIRTA_REQUIRE_POSTGIS), a run in which no PostGIS test passed has failed."""
    if os.environ.get("SIVUVIRTA_REQUIRE_POSTGIS") and session.testscollected and not _postgis_passed:
        session.exitstatus = 1
        print("\nSIVUVIRTA_REQUIRE_POSTGIS is set but no test ran on PostGIS")
