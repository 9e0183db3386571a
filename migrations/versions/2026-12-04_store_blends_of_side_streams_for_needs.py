"""Store blends of two or three side streams for a need, as the last refresh found them

Revision ID: 9e4b19c0b1e5
Revises: 7d3f1a9c2e55
Create Date: 2026-12-04 22:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '9e4b19c0b1e5'
down_revision = '7d3f1a9c2e55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blend',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('part_count', sa.Integer(), nullable=False),
    sa.Column('cost_eur_per_t', sa.Float(), nullable=False),
    sa.Column('co2_kg_per_t', sa.Float(), nullable=False),
    sa.Column('cheaper_than_single', sa.Boolean(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('mixture', sa.String(length=60), nullable=True),
    sa.Column('binding', sa.JSON(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('missing', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('part_count IN (2, 3)', name=op.f('ck_blend_part_count_valid')),
    sa.ForeignKeyConstraint(['need_id'], ['material_need.id'], name=op.f('fk_blend_need_id_material_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blend'))
    )
    with op.batch_alter_table('blend', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blend_need_id'), ['need_id'], unique=False)
    op.create_table('blend_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('blend_id', sa.Integer(), nullable=False),
    sa.Column('side_stream_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('share', sa.Float(), nullable=False),
    sa.Column('additive', sa.Boolean(), nullable=False),
    sa.Column('price_eur_per_t', sa.Float(), nullable=True),
    sa.Column('distance_km', sa.Float(), nullable=False),
    sa.Column('road_km', sa.Float(), nullable=False),
    sa.Column('transport_cost_eur_per_t', sa.Float(), nullable=False),
    sa.Column('transport_co2_kg_per_t', sa.Float(), nullable=False),
    sa.Column('adds', sa.JSON(), nullable=False),
    sa.CheckConstraint('share > 0 AND share < 1', name=op.f('ck_blend_part_share_in_unit_range')),
    sa.ForeignKeyConstraint(['blend_id'], ['blend.id'], name=op.f('fk_blend_part_blend_id_blend'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_blend_part_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blend_part'))
    )
    with op.batch_alter_table('blend_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blend_part_blend_id'), ['blend_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_blend_part_side_stream_id'), ['side_stream_id'], unique=False)


def downgrade():
    with op.batch_alter_table('blend_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blend_part_side_stream_id'))
        batch_op.drop_index(batch_op.f('ix_blend_part_blend_id'))
    op.drop_table('blend_part')
    with op.batch_alter_table('blend', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blend_need_id'))
    op.drop_table('blend')
