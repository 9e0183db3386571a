"""`sivuvirta backup` and `sivuvirta restore` on both databases: what was there at the
backup is there after the restore (rows and uploaded files), what came later is gone, and
a wrong archive is refused before anything is touched."""
from __future__ import annotations

import io
import tarfile
import uuid

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.db import create_engine
from tests.conftest import POSTGIS_URL, build_schema


@pytest.fixture(params=["spatialite"] + (["postgis"] if POSTGIS_URL else []))
def site(request, tmp_path):
    """A site of its own (not the suite's shared database), with one organisation and one
    uploaded file."""
    if request.param == "spatialite":
        url = f"sqlite:///{tmp_path / 'site.sqlite'}"
        cleanup = None
    else:
        name = f"sivuvirta_backup_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(POSTGIS_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        url = sa.engine.make_url(POSTGIS_URL).set(database=name).render_as_string(hide_password=False)

        def cleanup():
            with admin.connect() as connection:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.dispose()

    engine = create_engine(url)
    build_schema(engine)
    uploads = tmp_path / "uploads"
    (uploads / "7").mkdir(parents=True)
    (uploads / "7" / "analysis.pdf").write_bytes(b"%PDF-1.4 the analysis")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "ENGINE": engine, "SECRET_KEY": "x",
                      "UPLOAD_DIR": str(uploads)})
    _add_organisation(engine, "Kemin Kuona Oy")
    yield app, engine, uploads
    engine.dispose()
    if cleanup:
        cleanup()


def _add_organisation(engine, name):
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO organisation (name, country, kind, description_en, description_fi, "
            "verification_status, verification_note, show_as_member, created_at) "
            "VALUES (:name, 'FI', 'both', '', '', 'verified', '', false, CURRENT_TIMESTAMP)"), {"name": name})


def _organisations(engine):
    with engine.connect() as connection:
        return sorted(connection.execute(sa.text("SELECT name FROM organisation")).scalars())


def test_a_restore_brings_back_the_rows_and_files_of_the_backup(site, tmp_path):
    app, engine, uploads = site
    runner = app.test_cli_runner()
    archive = tmp_path / "backups" / "site.tar.gz"

    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "1 uploaded files" in result.output and archive.is_file()
    assert not archive.with_name("site.tar.gz.partial").exists()

    _add_organisation(engine, "Later Oy")
    (uploads / "7" / "analysis.pdf").write_bytes(b"overwritten")
    (uploads / "8").mkdir()
    (uploads / "8" / "later.pdf").write_bytes(b"later")

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert _organisations(engine) == ["Kemin Kuona Oy"]
    assert (uploads / "7" / "analysis.pdf").read_bytes() == b"%PDF-1.4 the analysis"
    assert not (uploads / "8").exists()
    with engine.connect() as connection:  # the schema and its spatial parts came back whole
        assert connection.execute(sa.text("SELECT count(*) FROM waste_code")).scalar() > 800


def test_restore_asks_before_it_replaces_anything(site, tmp_path):
    app, engine, _ = site
    runner = app.test_cli_runner()
    archive = tmp_path / "site.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    _add_organisation(engine, "Later Oy")
    result = runner.invoke(args=["restore", str(archive)], input="n\n")
    assert result.exit_code != 0
    assert _organisations(engine) == ["Kemin Kuona Oy", "Later Oy"]


@pytest.mark.parametrize("archive, message", [
    ("missing.tar.gz", "does not exist"),
    ("not-a-backup.tar.gz", "is not a Sivuvirta backup"),
    ("wrong-database.tar.gz", "database; this site runs on"),
    ("traversal.tar.gz", "is outside the destination"),
])
def test_a_wrong_archive_is_refused_and_nothing_changes(site, tmp_path, archive, message):
    app, engine, uploads = site
    path = tmp_path / archive
    if archive != "missing.tar.gz":
        _write_archive(path, archive, engine)
    result = app.test_cli_runner().invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0
    assert message in result.output
    assert _organisations(engine) == ["Kemin Kuona Oy"]
    assert (uploads / "7" / "analysis.pdf").read_bytes() == b"%PDF-1.4 the analysis"


def _write_archive(path, kind, engine):
    import json

    def add(archive, name, data: bytes):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))

    own = "postgresql" if engine.dialect.name == "postgresql" else "sqlite"
    other = "sqlite" if own == "postgresql" else "postgresql"
    with tarfile.open(path, "w:gz") as archive:
        if kind == "not-a-backup.tar.gz":
            add(archive, "readme.txt", b"hello")
        elif kind == "wrong-database.tar.gz":
            add(archive, "manifest.json", json.dumps({"format": 1, "database": other}).encode())
        else:
            add(archive, "manifest.json", json.dumps({"format": 1, "database": own}).encode())
            add(archive, "../../escaped.txt", b"nope")
