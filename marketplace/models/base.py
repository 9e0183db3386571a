from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy import orm

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(orm.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def point_column() -> orm.MappedColumn:
    """A WGS 84 point with a spatial index (R*Tree on SpatiaLite, GiST on PostGIS)."""
    return orm.mapped_column(
        Geometry("POINT", srid=4326, spatial_index=True), nullable=False
    )


def enum_check(column: str, values) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=f"{column}_valid")
