"""Read the site and the List of Waste in Swedish

Revision ID: 3a5d8f1c7e20
Revises: 7c4e1f0a2b93
Create Date: 2026-12-04 23:20:00

Users may choose Swedish; List of Waste headings and entries carry a Swedish title
(filled by the reference data sync).
"""
from alembic import op
import sqlalchemy as sa

revision = '3a5d8f1c7e20'
down_revision = '7c4e1f0a2b93'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_language_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_language_valid'), "language IN ('fi', 'sv', 'en')")
    with op.batch_alter_table('waste_heading', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_sv', sa.Text(), nullable=True))
    with op.batch_alter_table('waste_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_sv', sa.Text(), nullable=True))


def downgrade():
    op.execute("UPDATE \"user\" SET language = 'fi' WHERE language = 'sv'")
    with op.batch_alter_table('waste_code', schema=None) as batch_op:
        batch_op.drop_column('title_sv')
    with op.batch_alter_table('waste_heading', schema=None) as batch_op:
        batch_op.drop_column('title_sv')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_language_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_language_valid'), "language IN ('fi', 'en')")
