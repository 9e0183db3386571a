"""Keep background jobs in the database and mark mail being handed to SMTP

Revision ID: 7d3f1a9c2e55
Revises: 9e3f1c6a2b57
Create Date: 2026-12-04 22:00:00

The task queue (Huey) carries only job ids; the job rows are what the admin sees and
what a consumer claims. ``outbox_message.sending_at`` marks a hand-over in progress.
"""
from alembic import op
import sqlalchemy as sa

revision = '7d3f1a9c2e55'
down_revision = '9e3f1c6a2b57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=False, server_default=''),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('run_after', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_job_state_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    op.create_index('ix_job_state_run_after', 'job', ['state', 'run_after'], unique=False)
    op.create_index(op.f('ix_job_created_at'), 'job', ['created_at'], unique=False)
    op.add_column('outbox_message', sa.Column('sending_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('sending_at')
    op.drop_index(op.f('ix_job_created_at'), table_name='job')
    op.drop_index('ix_job_state_run_after', table_name='job')
    op.drop_table('job')
