"""Schema migrations: Alembic driven from the app's own engine."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.autogenerate import compare_metadata
from geoalchemy2 import alembic_helpers


# SpatiaLite keeps its own bookkeeping tables beside ours; they are not the schema's.
SPATIALITE_TABLES = {
    "spatial_ref_sys", "spatial_ref_sys_aux", "spatialite_history", "sql_statements_log",
    "geometry_columns", "geometry_columns_auth", "geometry_columns_field_infos",
    "geometry_columns_statistics", "geometry_columns_time", "views_geometry_columns",
    "views_geometry_columns_auth", "views_geometry_columns_field_infos",
    "views_geometry_columns_statistics", "virts_geometry_columns",
    "virts_geometry_columns_auth", "virts_geometry_columns_field_infos",
    "virts_geometry_columns_statistics", "data_licenses", "ElementaryGeometries",
    "KNN", "KNN2", "SpatialIndex", "topologies", "networks", "raster_coverages",
    "raster_coverages_keyword", "raster_coverages_srid", "vector_coverages",
    "vector_coverages_keyword", "vector_coverages_srid", "wms_getcapabilities",
    "wms_getmap", "wms_ref_sys", "wms_settings", "rl2map_configurations",
    "SE_external_graphics", "SE_fonts", "SE_raster_styled_layers", "SE_vector_styled_layers",
    "iso_metadata", "iso_metadata_reference", "stored_procedures", "stored_variables",
    "SE_raster_styles", "SE_vector_styles", "SE_group_styles", "SE_styled_groups",
    "SE_styled_group_refs", "iso_metadata_view", "layer_statistics", "geom_cols_ref_sys",
    "spatial_ref_sys_all", "vector_layers", "vector_layers_auth", "vector_layers_field_infos",
    "vector_layers_statistics", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4",
    "KNN2", "alembic_version",
}


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and (name in SPATIALITE_TABLES or (name or "").startswith("idx_")):
        return False
    if type_ == "table" and name in {"spatial_ref_sys", "topology", "layer"}:
        return False
    # The full-text index (FTS5 tables, expression indexes) is built by its own DDL.
    if type_ in ("table", "index", "column") and fulltext_object(name):
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)



def fulltext_object(name) -> bool:
    from .listings.fulltext import is_index_object

    return is_index_object(name)


MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(connection=None) -> Config:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine, revision: str = "base") -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current(engine) -> None:
    with engine.connect() as connection:
        command.current(alembic_config(connection), verbose=True)


def revision(engine, message: str, autogenerate: bool = True) -> None:
    with engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=autogenerate)


def schema_differences(engine) -> list:
    """What autogenerate would change: empty when the models and the migrations agree."""
    from .models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        return compare_metadata(context, Base.metadata)
