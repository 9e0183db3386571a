"""``sivuvirta listings remind`` and ``expire``: the publication periods' daily work, now
(the jobs' consumer runs ``remind`` daily)."""
from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("listings", help="Publication periods of listings: reminders and expiry.")
def listings_cli():
    pass


def _run(fn):
    from ..db import db
    from ..mail import send_queued

    base_url = current_app.config.get("SITE_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=base_url):
        result = fn()
        db.session.commit()
        send_queued()
    return result


@listings_cli.command("remind")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Run as on this day.")
@with_appcontext
def remind(today):
    """Remind owners two weeks before their listings' period ends, and expire ended ones (daily)."""
    from .services import expire, send_reminders

    day = today.date() if today else date.today()
    reminded = _run(lambda: send_reminders(day))
    expired = _run(lambda: expire(day))
    click.echo(f"{reminded} listings reminded, {expired} expired listings taken out of matching.")


@listings_cli.command("expire")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Run as on this day.")
@with_appcontext
def expire_command(today):
    """Delete the matches of listings whose publication period has ended."""
    from .services import expire

    day = today.date() if today else date.today()
    click.echo(f"{_run(lambda: expire(day))} expired listings taken out of matching.")
