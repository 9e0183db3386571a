"""Keep what a stream was read as and the one-line summary of each match

Revision ID: 9e3f1c6a2b57
Revises: 7d3f9a1c4e52
Create Date: 2026-12-04 22:10:00

A side stream keeps the material type the recogniser read from its text, code, category
and values, with the calibrated confidence, beside the type its seller stated
(``material_type``), so that pages tell a stated type from an inferred one. A match keeps
the engine's one-line summary (untranslated, as its reasons) and the material type it used
with its confidence. Rows saved before this revision get them at their next save or
ranking.
"""
from alembic import op
import sqlalchemy as sa

revision = '9e3f1c6a2b57'
down_revision = '7d3f9a1c4e52'
branch_labels = None
depends_on = None

COLUMNS = {
    'side_stream': (('material_type_read', sa.String(length=64)), ('material_type_confidence', sa.Float())),
    'match': (('summary', sa.JSON()), ('material_type', sa.String(length=64)),
              ('material_confidence', sa.Float())),
}


def upgrade():
    for table, columns in COLUMNS.items():
        # Plain ALTER TABLE (no batch copy): the spatial tables keep their triggers.
        for name, type_ in columns:
            op.add_column(table, sa.Column(name, type_, nullable=True))


def downgrade():
    for table, columns in COLUMNS.items():
        for name, _type in reversed(columns):
            if op.get_bind().dialect.name == "postgresql":
                op.drop_column(table, name)
            else:
                # SQLite has ALTER TABLE DROP COLUMN since 3.35; batch mode's table copy
                # fails on the SpatiaLite geometry column.
                op.execute(f'ALTER TABLE "{table}" DROP COLUMN {name}')
