"""Store pairing ideas, the listing changes and the progress of a full refresh

Revision ID: bb162be480fe
Revises: 4c1e7a2b9d30
Create Date: 2026-12-04 18:54:27.431499
"""
from alembic import op
import sqlalchemy as sa


revision = 'bb162be480fe'
down_revision = '4c1e7a2b9d30'
branch_labels = None
depends_on = None


def upgrade():
    # Rows kept so far were ranked for both sides; the next refresh sets each flag.
    op.create_table('listing_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=6), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('stream', 'need')", name=op.f('ck_listing_change_kind_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_change'))
    )
    op.create_table('match_refresh',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=8), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("phase IN ('needs', 'streams', 'ideas', 'done')", name=op.f('ck_match_refresh_phase_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_refresh'))
    )
    op.create_table('pairing_idea',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('side_stream_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('application', sa.String(length=40), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_fi', sa.String(length=200), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('feasible', sa.Boolean(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('missing', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 1', name=op.f('ck_pairing_idea_score_in_unit_range')),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_pairing_idea_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing_idea')),
    sa.UniqueConstraint('side_stream_id', 'application', name='uq_pairing_idea_use')
    )
    with op.batch_alter_table('pairing_idea', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_idea_side_stream_id'), ['side_stream_id'], unique=False)

    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.add_column(sa.Column('for_stream', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('for_need', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade():
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_column('for_need')
        batch_op.drop_column('for_stream')

    with op.batch_alter_table('pairing_idea', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_idea_side_stream_id'))

    op.drop_table('pairing_idea')
    op.drop_table('match_refresh')
    op.drop_table('listing_change')
