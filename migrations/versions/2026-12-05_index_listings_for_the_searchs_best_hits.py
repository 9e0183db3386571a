"""Index listings for the search's best hits: the waste code and the title

Revision ID: 5b2e9d4a7c31
Revises: 5c2f29819529
Create Date: 2026-12-05 01:15:00

A code typed in the search ("100202") finds that code's streams first, read along an
index on ``ewc_code``; typed words find the listings with them in their title first,
read along a ``pg_trgm`` index on the title (PostgreSQL) or the title as a column of
its own in the full-text table (SQLite: the table is built again). The search counts and ranks
only its first 1 000 hits (docs/benchmarks-listings.md).
"""
from alembic import op

from marketplace.listings import fulltext

revision = '5b2e9d4a7c31'
down_revision = '5c2f29819529'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_side_stream_ewc_code', 'side_stream', ['ewc_code'], unique=False)
    connection = op.get_bind()
    for table in fulltext.TABLES:
        if connection.dialect.name == "postgresql":
            fulltext.create_title_index(connection, table)
        else:
            fulltext.drop_index(connection, table)
            fulltext.create_index(connection, table)


def downgrade():
    # The full-text table with its title column (SQLite) stays: the search before this
    # revision matches it the same way.
    if op.get_bind().dialect.name == "postgresql":
        for table in fulltext.TABLES:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_title_trgm")
    op.drop_index('ix_side_stream_ewc_code', table_name='side_stream')
