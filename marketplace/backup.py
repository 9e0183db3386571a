"""Back up and restore a whole site: its database and its uploaded files, in one archive.

The archive is a gzipped tar holding ``manifest.json`` (what it is, of which schema
revision, when), the database (``database.dump``: pg_dump's custom format on PostgreSQL;
``database.sqlite``: SQLite's online backup on SpatiaLite) and ``uploads/``. A backup is
taken while the site runs. A restore replaces everything: the database's content in one
step (one transaction on PostgreSQL, SQLite's backup API into the open file), the uploads
folder by a rename, the old one kept beside it until the restore has finished.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why."""


def database_kind(engine: sa.Engine) -> str:
    return "postgresql" if engine.dialect.name == "postgresql" else "sqlite"


def _schema_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        except sa.exc.DBAPIError:
            return None


def _libpq_url(engine: sa.Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str], what: str) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed: it is needed to {what}") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed to {what}: {result.stderr.strip()[:2000]}")


def _sqlite_path(engine: sa.Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    from .db import _sqlite_module

    module = _sqlite_module()
    with module.connect(str(source)) as reading, module.connect(str(target)) as writing:
        reading.backup(writing)


def create(engine: sa.Engine, upload_dir: str | Path, target: str | Path) -> dict:
    """Write the archive to ``target`` (written beside it first, then renamed into place, so
    that a failed backup never leaves half an archive under the wanted name)."""
    target = Path(target)
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give the archive's file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    kind = database_kind(engine)
    manifest = {
        "format": FORMAT,
        "database": kind,
        "schema_revision": _schema_revision(engine),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    uploads = Path(upload_dir)
    with tempfile.TemporaryDirectory(prefix="sivuvirta-backup-") as work:
        work = Path(work)
        if kind == "postgresql":
            dump = work / "database.dump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={dump}", _libpq_url(engine)], "dump the database")
        else:
            dump = work / "database.sqlite"
            _sqlite_copy(_sqlite_path(engine), dump)
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = target.with_name(target.name + ".partial")
        files = 0
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(dump, arcname=dump.name)
            if uploads.is_dir():
                for path in sorted(uploads.rglob("*")):
                    if path.is_file():
                        archive.add(path, arcname=f"uploads/{path.relative_to(uploads)}")
                        files += 1
        os.replace(partial, target)
    return {**manifest, "uploads": files, "path": str(target), "bytes": target.stat().st_size}


def read_manifest(archive_path: str | Path) -> dict:
    path = Path(archive_path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.load(member)
    except (tarfile.TarError, KeyError, OSError, ValueError) as error:
        raise BackupError(f"{path} is not a Sivuvirta backup ({error})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} has backup format {manifest.get('format')!r}; this version reads {FORMAT}")
    return manifest


def restore(engine: sa.Engine, upload_dir: str | Path, source: str | Path) -> dict:
    """Replace the database's content and the uploads with the archive's. The archive is
    checked and unpacked before anything is touched."""
    manifest = read_manifest(source)
    kind = database_kind(engine)
    if manifest["database"] != kind:
        raise BackupError(f"the backup holds a {manifest['database']} database; this site runs on {kind}")
    uploads = Path(upload_dir)
    with tempfile.TemporaryDirectory(prefix="sivuvirta-restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(source, "r:gz") as archive:
                # The 'data' filter refuses absolute paths, links out of the folder and devices.
                archive.extractall(work, filter="data")
        except tarfile.TarError as error:
            raise BackupError(f"{source} cannot be unpacked safely: {error}") from None
        if kind == "postgresql":
            dump = work / "database.dump"
            if not dump.is_file():
                raise BackupError("the backup has no database.dump")
            engine.dispose()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", "--exit-on-error", f"--dbname={_libpq_url(engine)}", str(dump)],
                 "restore the database")
        else:
            dump = work / "database.sqlite"
            if not dump.is_file():
                raise BackupError("the backup has no database.sqlite")
            engine.dispose()
            _sqlite_copy(dump, _sqlite_path(engine))
        restored = work / "uploads"
        files = sum(1 for p in restored.rglob("*") if p.is_file()) if restored.is_dir() else 0
        uploads.parent.mkdir(parents=True, exist_ok=True)
        kept = uploads.with_name(uploads.name + ".before-restore")
        if kept.exists():
            shutil.rmtree(kept)
        if uploads.exists():
            os.replace(uploads, kept)
        if restored.is_dir():
            shutil.move(str(restored), str(uploads))
        else:
            uploads.mkdir()
        if kept.exists():
            shutil.rmtree(kept)
    return {**manifest, "uploads": files}
