"""Search listings in their own words with each database's full-text search

Revision ID: 7c4e1f0a2b93
Revises: 021d2d23297e
Create Date: 2026-12-04 22:00:00

Each listing gets ``search_text``, its searchable words in Finnish, English and Swedish
(marketplace.listings.fulltext), filled here for the listings already saved. PostgreSQL
indexes it with GIN over its Finnish, English and Swedish tsvectors and with pg_trgm;
SQLite with an FTS5 table (trigram tokenizer) kept current by triggers.
"""
from alembic import op
import sqlalchemy as sa

revision = '7c4e1f0a2b93'
down_revision = '021d2d23297e'
branch_labels = None
depends_on = None

TABLES = ('side_stream', 'material_need')


def _fill(connection) -> None:
    from marketplace.listings import fulltext

    for table, columns, document in (
        ('side_stream', fulltext.STREAM_COLUMNS, fulltext.stream_document),
        ('material_need', fulltext.NEED_COLUMNS, fulltext.need_document),
    ):
        t = sa.table(table, sa.column('id'), sa.column('search_text'),
                     *(sa.column(c, sa.JSON if c in ('categories', 'ewc_codes') else None) for c in columns))
        rows = connection.execute(sa.select(t.c.id, *(t.c[c] for c in columns))).mappings().all()
        for row in rows:
            connection.execute(t.update().where(t.c.id == row['id']).values(search_text=document(dict(row))))


def upgrade():
    from marketplace.listings import fulltext

    connection = op.get_bind()
    for table in TABLES:
        # Plain ALTER TABLE (no batch copy): the spatial tables keep their triggers.
        op.add_column(table, sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    _fill(connection)
    for table in TABLES:
        fulltext.create_index(connection, table)


def downgrade():
    from marketplace.listings import fulltext

    connection = op.get_bind()
    for table in TABLES:
        fulltext.drop_index(connection, table)
        op.drop_column(table, 'search_text')
