"""Read the dashboard's pairings along an index

Revision ID: 7d3e15a0c2b8
Revises: 9e4b19c0b1e5
Create Date: 2026-12-04 22:10:00

The broker dashboard lists stored matches newest first, then best: with an index in that
order a page reads its fifty rows instead of sorting every stored match (a million at
100 000 streams). A listing's match list is read along (listing, score) for the same reason, and the
newest streams nobody pairs with along side_stream.created_at.
"""
from alembic import op
import sqlalchemy as sa

revision = '7d3e15a0c2b8'
down_revision = '9e4b19c0b1e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_match_newest', 'match',
                    [sa.text('first_seen_at DESC'), sa.text('score DESC'), 'id'])
    op.create_index('ix_match_stream_best', 'match', ['side_stream_id', sa.text('score DESC'), 'id'])
    op.create_index('ix_match_need_best', 'match', ['need_id', sa.text('score DESC'), 'id'])
    op.create_index('ix_side_stream_created_at', 'side_stream', ['created_at'])


def downgrade():
    op.drop_index('ix_side_stream_created_at', table_name='side_stream')
    op.drop_index('ix_match_need_best', table_name='match')
    op.drop_index('ix_match_stream_best', table_name='match')
    op.drop_index('ix_match_newest', table_name='match')
