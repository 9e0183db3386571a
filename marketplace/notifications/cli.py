"""``sivuvirta notifications digest``: the daily digest now (the jobs' consumer runs it daily)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("notifications", help="Mail to members: the daily digest of new pairings.")
def notifications_cli():
    pass


@notifications_cli.command("digest")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Lowest score (0..1) of a pairing in the digest; default DIGEST_MIN_SCORE or 0.7.")
@with_appcontext
def digest(min_score):
    """Mail each member the new pairings of their organisation's listings (run daily)."""
    from ..db import db
    from ..mail import send_queued
    from .services import send_digests

    # Links in the mail need the site's address: SERVER_NAME, or SITE_URL.
    base_url = current_app.config.get("SITE_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=base_url):
        report = send_digests(min_score=min_score)
        db.session.commit()
        send_queued()
    click.echo(f"Digest: {report['mails']} mails, {report['pairings']} pairings, {report['users']} members.")
