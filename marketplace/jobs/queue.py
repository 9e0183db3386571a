"""The Huey instance and its storage, chosen by a setting.

- ``QUEUE_URL`` unset: a SQLite file in the instance folder (no server; the development
  site and ``make run`` use it, consumers on the same machine only).
- ``QUEUE_URL=redis://...``: Redis (production; consumers on as many machines as needed).
- ``QUEUE_IMMEDIATE`` (default: on in tests): jobs run inside the process at dispatch.

One Huey object per process (its task registry is global); ``configure`` points it at the
storage of the app built last, which is the only one outside the tests."""
from __future__ import annotations

from pathlib import Path

from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from ..config import ConfigError

huey = Huey("sivuvirta", results=False, immediate=True, immediate_use_memory=True,
            storage_class=MemoryStorage)
state = {"app": None, "describe": "immediate"}


def storage_for(url: str | None, instance_path: str):
    """The Huey storage for ``QUEUE_URL`` (a clear error for anything else)."""
    if not url:
        path = Path(instance_path) / "queue.sqlite"
        return SqliteStorage("sivuvirta", filename=str(path)), f"sqlite:///{path}"
    if url.startswith(("redis://", "rediss://", "unix://")):
        try:
            import redis  # noqa: F401
        except ImportError as error:
            raise ConfigError("SIVUVIRTA_QUEUE_URL names Redis but the Redis client is not installed: "
                              "pip install 'sivuvirta[redis]'") from error
        from redis import ConnectionPool

        # Timeouts: a Redis that does not answer must not hold a request (the hand-over
        # after its commit) for long; above the consumer's 1 s blocking read.
        pool = ConnectionPool.from_url(url, socket_connect_timeout=2, socket_timeout=10, health_check_interval=30)
        return RedisStorage("sivuvirta", connection_pool=pool), url.split("@")[-1]
    if url.startswith("sqlite:///"):
        return SqliteStorage("sivuvirta", filename=url[len("sqlite:///"):]), url
    raise ConfigError(f"SIVUVIRTA_QUEUE_URL must start with redis://, rediss:// or sqlite:///, not {url.split(':')[0]!r}")


def configure(app) -> None:
    immediate = app.config.get("QUEUE_IMMEDIATE")
    if immediate is None:
        immediate = bool(app.config.get("TESTING"))
    if immediate:
        huey._immediate = True
        huey.storage = MemoryStorage("sivuvirta")
        state["describe"] = "immediate"
    else:
        huey._immediate = False
        huey.storage, state["describe"] = storage_for(app.config.get("QUEUE_URL"), app.instance_path)
    state["app"] = app


def reachable() -> tuple[bool, str]:
    """(answers, what) for /readyz: the storage counted its queue."""
    try:
        huey.storage.queue_size()
    except Exception as error:  # noqa: BLE001 - any storage's failure means not ready
        return False, f"{type(error).__name__}: {error}"
    return True, state["describe"]
