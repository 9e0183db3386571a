"""Read the newest best blends along an index

Revision ID: 5b2e9d4c1a07
Revises: 5b2e9d4a7c31
Create Date: 2026-12-05 02:00:00

The brokers' dashboard shows the best blend (position 0) of the needs, newest first; at
20 000 needs PostgreSQL sorted every best blend on each view (56 ms).
"""
from alembic import op
import sqlalchemy as sa

revision = '5b2e9d4c1a07'
down_revision = '5b2e9d4a7c31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_blend_newest', 'blend', ['position', sa.text('computed_at DESC'), sa.text('id DESC')])


def downgrade():
    op.drop_index('ix_blend_newest', table_name='blend')
