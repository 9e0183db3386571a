"""Sivuvirta: the industrial side-stream marketplace of Lapland and Northern Finland."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g
from flask_babel import get_locale

from . import config as configuration

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the site. ``config`` overrides the environment (tests pass their own)."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("SIVUVIRTA_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    settings = configuration.defaults(app.instance_path)
    settings.update(configuration.from_environment())
    settings.update(config or {})
    configuration.ensure_secret_key(settings, app.instance_path)
    configuration.production_hardening(settings)
    app.config.from_mapping(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _init_queue(app)
    _register_blueprints(app)
    _connect_signals()
    _init_templates(app)

    from .cli import register_commands

    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import errors, logs, redaction, security
    from .db import db
    from .extensions import babel, csrf, limiter, login_manager, select_locale

    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    logs.configure(app)
    errors.init_app(app)
    security.init_app(app)
    redaction.install(app)

    from .auth.loader import init_login

    init_login(login_manager)


def _init_queue(app: Flask) -> None:
    from .jobs import kinds  # noqa: F401 - registers every kind of job and the periodic ones
    from .jobs.queue import configure

    configure(app)


def _register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .main.views import bp as main_bp
    from .organisations.views import bp as organisations_bp
    from .matches.views import bp as matches_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(matches_bp)

    from .attachments.views import bp as attachments_bp
    from .listings.views import bp as listings_bp

    app.register_blueprint(listings_bp)
    app.register_blueprint(attachments_bp)

    from .api import register as register_api

    register_api(app)

    from .activities.views import bp as activities_bp
    from .dashboard.views import bp as dashboard_bp
    from .deals.views import bp as deals_bp
    from .enquiries.views import bp as enquiries_bp
    from .notifications.views import bp as notifications_bp

    app.register_blueprint(deals_bp)
    app.register_blueprint(enquiries_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(activities_bp)
    app.register_blueprint(notifications_bp)

    from .cluster.views import bp as cluster_bp
    from .providers.views import bp as providers_bp

    app.register_blueprint(providers_bp)
    app.register_blueprint(cluster_bp)

    from .alerts.views import bp as alerts_bp
    from .compliance.views import bp as compliance_bp
    from .lifecycle.views import bp as lifecycle_bp

    app.register_blueprint(compliance_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(lifecycle_bp)

    from .health import bp as health_bp

    app.register_blueprint(health_bp)


def _connect_signals() -> None:
    """Who listens to the signals of marketplace.signals (listings written, deals moved), in
    one list. Connecting is idempotent, so building several apps in one process connects
    each receiver once."""
    from .alerts.hooks import connect_signals as alerts
    from .lifecycle.hooks import connect_signals as lifecycle
    from .matches.hooks import connect_signals as matches
    from .notifications.hooks import connect_signals as notifications

    for connect in (lifecycle, matches, alerts, notifications):
        connect()
    # The search index's words are filled on every write of a listing (ORM events the
    # module registers when it is first imported).
    from .listings import fulltext  # noqa: F401


def _init_templates(app: Flask) -> None:
    from . import formatting
    from .i18n import template_helpers

    # Globals, not a context processor: templates rendered outside a view (mails) use them too.
    app.jinja_env.globals.update(formatting.template_helpers())

    @app.context_processor
    def inject_helpers():
        return template_helpers()

    @app.before_request
    def remember_locale():
        g.language = str(get_locale())
