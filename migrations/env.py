"""Alembic environment. The CLI (``sivuvirta db ...``) hands over a connection;
run directly, alembic uses SIVUVIRTA_DATABASE_URL."""
from __future__ import annotations

import os

from alembic import context
from geoalchemy2 import alembic_helpers

from marketplace.db import create_engine
from marketplace.migrate import include_object
from marketplace.models import Base

config = context.config
target_metadata = Base.metadata

def configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(os.environ.get("SIVUVIRTA_DATABASE_URL", "sqlite:///instance/sivuvirta.sqlite"))
    with engine.connect() as connection:
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
