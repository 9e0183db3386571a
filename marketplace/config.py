"""Configuration from environment variables.

Every setting the site reads from the environment is listed in ``ENVIRONMENT``;
the README documents the same names.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ENVIRONMENT = {
    "SIVUVIRTA_ENV": ("ENV", "development or production"),
    "SIVUVIRTA_DATABASE_URL": ("DATABASE_URL", "SQLAlchemy URL; default a SpatiaLite file in the instance folder"),
    "SIVUVIRTA_SECRET_KEY": ("SECRET_KEY", "signs sessions and tokens; required in production"),
    "SIVUVIRTA_MAIL_SERVER": ("MAIL_SERVER", "SMTP host; unset: mail goes to the outbox only"),
    "SIVUVIRTA_MAIL_PORT": ("MAIL_PORT", "SMTP port, default 587"),
    "SIVUVIRTA_MAIL_USERNAME": ("MAIL_USERNAME", "SMTP user"),
    "SIVUVIRTA_MAIL_PASSWORD": ("MAIL_PASSWORD", "SMTP password"),
    "SIVUVIRTA_MAIL_USE_TLS": ("MAIL_USE_TLS", "STARTTLS on (1) or off (0), default 1"),
    "SIVUVIRTA_MAIL_FROM": ("MAIL_FROM", "sender address"),
    "SIVUVIRTA_UPLOAD_DIR": ("UPLOAD_DIR", "where attachments are kept; default instance/uploads"),
    "SIVUVIRTA_SITE_URL": ("SITE_URL", "the public address, for links in mail sent by the daily jobs"),
    "SIVUVIRTA_TILE_URL": ("TILE_URL", "map tile URL template; empty: only the offline base map"),
    "SIVUVIRTA_RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", "Flask-Limiter storage, default memory://"),
    "SIVUVIRTA_TRUSTED_PROXIES": ("TRUSTED_PROXIES", "reverse proxies in front whose X-Forwarded-* headers "
                                                     "are believed; default 0"),
    "SIVUVIRTA_LOG_FORMAT": ("LOG_FORMAT", "text (default) or json: one JSON object a line with the request id"),
    "SIVUVIRTA_LOG_LEVEL": ("LOG_LEVEL", "INFO (default), WARNING, DEBUG..."),
    "SIVUVIRTA_QUEUE_URL": ("QUEUE_URL", "the task queue: redis://host:6379/0 in production; "
                                         "default a SQLite file in the instance folder"),
    "SIVUVIRTA_QUEUE_IMMEDIATE": ("QUEUE_IMMEDIATE", "1: jobs run inside the process that asks for them, "
                                                     "no consumer (tests)"),
    "SIVUVIRTA_MATCHING_FIT_AT_START": ("MATCHING_FIT_AT_START",
                                        "1: each web process fits its matching engine in the background at start"),
    "SIVUVIRTA_MATCHING_REQUEST_WAIT_SECONDS": ("MATCHING_REQUEST_WAIT_SECONDS",
                                                "how long a request waits for its process's engine being fitted "
                                                "before it answers 503; default 20, below gunicorn's --timeout"),
    "SIVUVIRTA_MATCHING_REFRESH_WORKERS": ("MATCHING_REFRESH_WORKERS",
                                           "processes of the full refresh of matches; default one per CPU "
                                           "(one when testing)"),
}

INT_SETTINGS = {"MAIL_PORT", "TRUSTED_PROXIES", "MATCHING_REQUEST_WAIT_SECONDS", "MATCHING_REFRESH_WORKERS"}
BOOL_SETTINGS = {"MAIL_USE_TLS", "MATCHING_FIT_AT_START", "QUEUE_IMMEDIATE"}


class ConfigError(RuntimeError):
    """The configuration cannot run the site."""


def defaults(instance_path: str) -> dict:
    return {
        "ENV": "development",
        "DATABASE_URL": f"sqlite:///{Path(instance_path) / 'sivuvirta.sqlite'}",
        "MAIL_SERVER": None,
        "MAIL_PORT": 587,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_USE_TLS": True,
        "MAIL_FROM": "Sivuvirta <no-reply@sivuvirta.fi>",
        "UPLOAD_DIR": str(Path(instance_path) / "uploads"),
        "MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
        "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
        "SITE_URL": "http://127.0.0.1:5000",
        "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Redis down: count in this process's memory (Flask-Limiter logs a warning) rather
        # than answer every limited request with 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # None by default: X-Forwarded-For is anyone's to write unless a proxy of ours sets it.
        "TRUSTED_PROXIES": 0,
        # The task queue: None is a SQLite file in the instance folder (see jobs/queue.py).
        "QUEUE_URL": None,
        # None: immediate (jobs run in the asking process) when TESTING, else a consumer.
        "QUEUE_IMMEDIATE": None,
        # Off by default: commands (db upgrade, matches refresh) create the app too.
        "MATCHING_FIT_AT_START": False,
        "MATCHING_REQUEST_WAIT_SECONDS": 20,
        # Processes of the full refresh (matches/services.py refresh_all): None is one per
        # CPU, except when testing, where a fork is not wanted unless a test asks for it.
        "MATCHING_REFRESH_WORKERS": None,
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "INFO",
        "BABEL_DEFAULT_LOCALE": "fi",
        "LANGUAGES": ("fi", "sv", "en"),
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # "Remember me" keeps a browser signed in for 30 days (Flask-Login's default: 365).
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    }


def from_environment(environ=os.environ) -> dict:
    config = {}
    for name, (key, _) in ENVIRONMENT.items():
        if name not in environ:
            continue
        value = environ[name]
        if key in INT_SETTINGS:
            value = int(value)
        elif key in BOOL_SETTINGS:
            value = value.strip().lower() in {"1", "true", "yes", "on"}
        config[key] = value
    return config


def ensure_secret_key(config: dict, instance_path: str) -> None:
    """Production refuses to start without a key; elsewhere one is kept in the instance folder."""
    if config.get("SECRET_KEY"):
        return
    if config["ENV"] == "production":
        raise ConfigError("SIVUVIRTA_SECRET_KEY must be set when SIVUVIRTA_ENV=production")
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    config["SECRET_KEY"] = key_file.read_text().strip()


def production_hardening(config: dict) -> None:
    if config["ENV"] == "production":
        config.setdefault("SESSION_COOKIE_SECURE", True)
        config.setdefault("REMEMBER_COOKIE_SECURE", True)
        config.setdefault("PREFERRED_URL_SCHEME", "https")
