"""Keep a record of each signed-in session

Revision ID: 7d3f9a1c4e52
Revises: 5b0c7e2a9d41
Create Date: 2026-12-04 22:20:00

A session cookie carries the nonce of its row; signing out deletes the row, so that only
this session ends and a copy of its cookie signs nobody in. Sessions signed in before this
revision have no row: they are signed out once.
"""
from alembic import op
import sqlalchemy as sa

revision = '7d3f9a1c4e52'
down_revision = '5b0c7e2a9d41'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('nonce', name=op.f('uq_user_session_nonce'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
