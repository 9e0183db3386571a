"""Keep the approximate place of hidden listings

Revision ID: 5b0c7e2a9d41
Revises: bb162be480fe
Create Date: 2026-12-04 19:00:00

The place shown for a listing whose owner is hidden is chosen when it is saved (away
from the owner's sites, wider in sparse areas). Listings hidden before this revision get
the centre of their grid cell, the place they showed until now; saving one places it anew.
"""
from alembic import op
import sqlalchemy as sa

revision = '5b0c7e2a9d41'
down_revision = 'bb162be480fe'
branch_labels = None
depends_on = None

TABLES = ('side_stream', 'material_need')


def upgrade():
    for table in TABLES:
        # Plain ALTER TABLE (no batch copy): the spatial tables keep their triggers.
        op.add_column(table, sa.Column('approx_lat', sa.Float(), nullable=True))
        op.add_column(table, sa.Column('approx_lon', sa.Float(), nullable=True))
        op.add_column(table, sa.Column('approx_radius_km', sa.Float(), nullable=True))
        op.create_index(f'ix_{table}_approx_lat_approx_lon', table, ['approx_lat', 'approx_lon'])
        # The grid of 0.1 x 0.2 degrees the site showed until now: its cell's half-diagonal
        # at 65 degrees north is about 7 km.
        op.execute(f"UPDATE {table} SET approx_lat = round(lat / 0.1) * 0.1, "
                   f"approx_lon = round(lon / 0.2) * 0.2, approx_radius_km = 7 "
                   f"WHERE visibility <> 'public'")


def downgrade():
    for table in TABLES:
        op.drop_index(f'ix_{table}_approx_lat_approx_lon', table_name=table)
        for column in ('approx_radius_km', 'approx_lon', 'approx_lat'):
            op.drop_column(table, column)
