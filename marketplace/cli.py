"""Command line: ``sivuvirta`` (or ``flask --app marketplace``) and its groups."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from . import migrate
from .db import db


@click.group("db", help="Database schema and reference data.")
def db_cli():
    pass


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision):
    """Migrate the schema to REVISION (default: head), then refresh the reference data."""
    from .redaction import place_old_hidden_listings
    from .reference import sync_reference_data

    migrate.upgrade(db.engine, revision)
    if revision == "head":
        counts = sync_reference_data(db.session)
        db.session.commit()
        click.echo(f"Schema at head; List of Waste: {counts['codes']} codes, {counts['headings']} headings.")
        # Listings hidden before the approximate place was chosen (5b0c7e2a9d41) kept the
        # centre of their grid cell, which may point at the owner: placed anew here.
        placed = place_old_hidden_listings(db.session)
        db.session.commit()
        click.echo(f"Hidden listings placed anew: {placed}.")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision):
    """Step the schema back to REVISION (default: one step; 'base' empties it)."""
    migrate.downgrade(db.engine, revision)


@db_cli.command("current")
@with_appcontext
def db_current():
    """Show the schema's revision."""
    migrate.current(db.engine)


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="One sentence saying what changes.")
@with_appcontext
def db_revision(message):
    """Write a new migration from the difference between models and database."""
    migrate.revision(db.engine, message)


@click.group("demo", help="Demonstration data for Lapland and Northern Finland.")
def demo_cli():
    pass


@demo_cli.command("load")
@with_appcontext
def demo_load():
    """Load the demo organisations, users and listings; loading twice duplicates nothing."""
    from .demo import load_demo

    report = load_demo(db.session)
    db.session.commit()
    click.echo(report.summary())


@click.group("users", help="Accounts.")
def users_cli():
    pass


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", default="")
@click.password_option()
@with_appcontext
def create_admin(email, name, password):
    """Create the first site admin of a fresh install."""
    from .errors import DomainError
    from .auth.services import create_site_admin

    try:
        create_site_admin(email=email, name=name, password=password)
    except DomainError as error:
        for field, message in (error.errors or {"": error.message}).items():
            click.echo(f"{field}: {message}" if field else message, err=True)
        raise SystemExit(2)
    db.session.commit()
    click.echo(f"Site admin {email} created.")


@click.group("matches", help="The matching engine over the site's listings.")
def matches_cli():
    pass


@matches_cli.command("refresh")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes ranking at once (default: the MATCHING_REFRESH_WORKERS setting, else one per CPU).")
@with_appcontext
def matches_refresh(workers):
    """Rank every active need and side stream again now (the consumer runs it nightly), committed in
    chunks; an interrupted run goes on where it stopped when started again."""
    from .matches.services import refresh_all

    def progress(phase, done, total):
        click.echo(f"{phase}: {done}/{total}")

    kept = refresh_all(db.session, progress=progress, workers=workers)
    click.echo(f"{kept} matches kept.")


@matches_cli.command("read-materials")
@with_appcontext
def matches_read_materials():
    """Read what every side stream is again and keep it (run after an upgrade whose material
    recogniser changed; the engine reads them afresh on every fit, the pages show the kept one)."""
    from .matches.hooks import read_all_material_types

    read, changed = read_all_material_types()
    click.echo(f"{read} side streams read; readings changed: {changed}.")


def _notifications_cli():
    from .notifications.cli import notifications_cli

    return notifications_cli


def _alerts_cli():
    from .alerts.cli import alerts_cli

    return alerts_cli


def _listings_cli():
    from .lifecycle.cli import listings_cli

    return listings_cli


@click.command("backup", help="Write the database and the uploaded files into one archive.")
@click.argument("archive", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(archive):
    """Back up to ARCHIVE (a .tar.gz), while the site runs."""
    from flask import current_app

    from . import backup

    try:
        done = backup.create(db.engine, current_app.config["UPLOAD_DIR"], archive)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up the {done['database']} database (schema {done['schema_revision']}) and "
               f"{done['uploads']} uploaded files to {done['path']} ({done['bytes']} bytes).")


@click.command("restore", help="Replace the database and the uploaded files with an archive's.")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(archive, yes):
    """Restore ARCHIVE, written by `sivuvirta backup`. Stop the site and the job consumers first."""
    from flask import current_app

    from . import backup

    try:
        manifest = backup.read_manifest(archive)
        if not yes:
            click.confirm(f"Replace everything in this site's database and uploads with the backup of "
                          f"{manifest['created']}?", abort=True)
        done = backup.restore(db.engine, current_app.config["UPLOAD_DIR"], archive)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored the backup of {done['created']} (schema {done['schema_revision']}, "
               f"{done['uploads']} uploaded files). Run `sivuvirta db upgrade` if this version is newer.")


def _jobs_cli():
    from .jobs.cli import jobs_cli

    return jobs_cli


COMMAND_GROUPS = [backup_command, restore_command, db_cli, demo_cli, users_cli, matches_cli, _notifications_cli(), _alerts_cli(), _listings_cli(),
                  _jobs_cli()]


def register_commands(app: Flask) -> None:
    for group in COMMAND_GROUPS:
        app.cli.add_command(group)


def _create_app():
    from . import create_app

    return create_app()


def main() -> None:
    FlaskGroup(create_app=_create_app, help="Sivuvirta's commands.")()
