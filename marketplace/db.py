"""The database's one home: engines, the request session and its transaction.

A request gets one session. Services only flush; the request is committed once,
after the view returned a response below 400, and rolled back otherwise. Jobs (mail
among them) enqueued during the request go to the queue only after that commit.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from flask.globals import app_ctx
from sqlalchemy import orm

SPATIALITE = os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite")


def _sqlite_module():
    # The standard library's sqlite3 may be built without extension loading.
    try:
        import pysqlite3.dbapi2 as module
    except ImportError:  # pragma: no cover - platforms without the wheel
        import sqlite3 as module
    return module


def _on_sqlite_connect(dbapi_conn, _record):
    dbapi_conn.enable_load_extension(True)
    dbapi_conn.load_extension(SPATIALITE)
    dbapi_conn.enable_load_extension(False)
    # Let SQLAlchemy, not the driver, emit BEGIN so that SAVEPOINTs work.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # A writer waits for another up to 30 s: the ranking after a response holds the write
    # lock while it stores a listing's matches, and a page that writes must not fail then.
    cursor.execute("PRAGMA busy_timeout = 30000")
    if cursor.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'spatial_ref_sys'"
    ).fetchone()[0] == 0:
        cursor.execute("SELECT InitSpatialMetaData(1)")
    cursor.close()


# Work outside a request that writes (the ranking after a response) says so here.
_writing: ContextVar[bool] = ContextVar("sivuvirta_writing", default=False)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@contextmanager
def writing():
    """Transactions begun inside write: on SQLite they take the write lock at BEGIN."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def _begin_sqlite(conn) -> None:
    # SQLite in WAL mode: a transaction that began reading and then writes after another
    # writer committed fails at once ("database is locked"), without waiting. A request
    # that may write, and the ranking after a response, take the write lock at BEGIN
    # instead, where busy_timeout makes them wait their turn.
    writes = _writing.get() or (has_request_context() and request.method not in SAFE_METHODS)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def create_engine(url: str, **options) -> sa.Engine:
    """An engine for SpatiaLite (``sqlite://``) or PostGIS (``postgresql+psycopg://``)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, module=_sqlite_module(), **options)
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        sa.event.listen(engine, "begin", _begin_sqlite)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return sa.create_engine(url, pool_pre_ping=True, **options)


def is_sqlite(bind) -> bool:
    return bind.dialect.name == "sqlite"


class AppSession(orm.Session):
    """A session that talks to the current app's database (or a test's connection)."""

    def get_bind(self, mapper=None, clause=None, **kwargs):
        return current_app.extensions["sivuvirta.bind"]


def _app_context_id() -> int:
    return id(app_ctx._get_current_object())


class Database:
    def __init__(self) -> None:
        self.session = orm.scoped_session(
            orm.sessionmaker(
                class_=AppSession, join_transaction_mode="create_savepoint", expire_on_commit=False
            ),
            scopefunc=_app_context_id,
        )

    def init_app(self, app: Flask) -> None:
        # Tests hand in one engine per database for the whole session.
        engine = app.config.get("ENGINE") or create_engine(app.config["DATABASE_URL"])
        app.extensions["sivuvirta.engine"] = engine
        app.extensions["sivuvirta.bind"] = engine
        app.after_request(self._finish_request)
        app.teardown_appcontext(self._remove_session)

    @property
    def engine(self) -> sa.Engine:
        return current_app.extensions["sivuvirta.engine"]

    @property
    def bind(self):
        return current_app.extensions["sivuvirta.bind"]

    def _finish_request(self, response):
        if response.status_code < 400:
            self.session.commit()
            from .jobs.core import dispatch

            dispatch()
        else:
            self.session.rollback()
            from .jobs.core import forget_undispatched

            forget_undispatched()
        return response

    def _remove_session(self, _exc=None):
        self.session.remove()


db = Database()
