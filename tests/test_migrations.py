"""The migrations build the schema the models describe, on SpatiaLite and PostGIS,
and go down to nothing and up again."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace import migrate
from marketplace.db import create_engine
from tests.conftest import POSTGIS_URL


@pytest.fixture(params=["spatialite", "postgis"])
def empty_engine(request, tmp_path):
    if request.param == "spatialite":
        engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
        yield engine
        engine.dispose()
        return
    if not POSTGIS_URL:
        pytest.skip("SIVUVIRTA_TEST_POSTGIS_URL is not set")
    name = sa.engine.make_url(POSTGIS_URL).database + "_migrations"
    admin = create_engine(POSTGIS_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = create_engine(str(sa.engine.make_url(POSTGIS_URL).set(database=name)))
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE EXTENSION postgis")
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def our_tables(engine) -> set[str]:
    from marketplace.models import Base

    return set(sa.inspect(engine).get_table_names()) & set(Base.metadata.tables)


def test_upgrade_builds_what_the_models_describe(empty_engine):
    migrate.upgrade(empty_engine)
    assert migrate.schema_differences(empty_engine) == []


def test_downgrade_to_base_and_up_again(empty_engine):
    from marketplace.models import Base

    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    assert our_tables(empty_engine) == set()
    migrate.upgrade(empty_engine)
    assert our_tables(empty_engine) == set(Base.metadata.tables)
    assert migrate.schema_differences(empty_engine) == []


def test_spatial_index_exists_after_upgrade(empty_engine):
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            enabled = connection.exec_driver_sql(
                "SELECT spatial_index_enabled FROM geometry_columns WHERE f_table_name = 'side_stream'"
            ).scalar()
            assert enabled == 1
        else:
            index = connection.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'side_stream' "
                "AND indexname = 'idx_side_stream_location'"
            ).scalar()
            assert "gist" in index.lower()
