"""``sivuvirta alerts digest``: the daily digest of saved searches now (the jobs' consumer
runs it daily)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("alerts", help="Saved searches: the daily digest of new results.")
def alerts_cli():
    pass


@alerts_cli.command("digest")
@with_appcontext
def digest():
    """Mail each user what their saved searches found since the last mail (run daily)."""
    from ..db import db
    from ..mail import send_queued
    from .services import send_digests

    base_url = current_app.config.get("SITE_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=base_url):
        report = send_digests()
        db.session.commit()
        send_queued()
    click.echo(f"Saved searches: {report['mails']} mails, {report['results']} results.")
