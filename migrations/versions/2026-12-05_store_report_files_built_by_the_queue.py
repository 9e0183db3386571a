"""Store report files built by the queue

Revision ID: 5c2f29819529
Revises: 3a5d8f1c7e20
Create Date: 2026-12-05 01:07:48.329451

The impact and self-evaluation files (CSV, XLSX) are built by a job of the queue; the
row keeps what was asked and, once built, the file.
"""
from alembic import op
import sqlalchemy as sa


revision = '5c2f29819529'
down_revision = '3a5d8f1c7e20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('fmt', sa.String(length=4), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("fmt IN ('csv', 'xlsx')", name=op.f('ck_report_file_fmt_valid')),
    sa.CheckConstraint("kind IN ('impact', 'evaluation')", name=op.f('ck_report_file_kind_valid')),
    sa.CheckConstraint("state IN ('queued', 'done', 'failed')", name=op.f('ck_report_file_state_valid')),
    sa.CheckConstraint('year IS NULL OR (year >= 2000 AND year <= 2100)', name=op.f('ck_report_file_year_in_range')),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_report_file_job_id_job'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_report_file_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_file'))
    )
    op.create_index(op.f('ix_report_file_user_id'), 'report_file', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_report_file_user_id'), table_name='report_file')
    op.drop_table('report_file')
