"""Store enquiries, notices and the history of deliveries

Enquiries and introduction requests with their threads, the notices of the notification
centre, and each delivery recorded, corrected or removed under a deal.

Revision ID: 021d2d23297e
Revises: 7d3e15a0c2b8
Create Date: 2026-12-04 21:51:09.853650
"""
from alembic import op
import sqlalchemy as sa


revision = '021d2d23297e'
down_revision = '7d3e15a0c2b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enquiry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('side_stream_id', sa.Integer(), nullable=True),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('own_stream_id', sa.Integer(), nullable=True),
    sa.Column('own_need_id', sa.Integer(), nullable=True),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('sender_org_id', sa.Integer(), nullable=False),
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('quantity_t', sa.Float(), nullable=True),
    sa.Column('timing', sa.String(length=200), nullable=False),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('deal_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_message_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('enquiry', 'introduction')", name=op.f('ck_enquiry_kind_valid')),
    sa.CheckConstraint("state IN ('open', 'declined', 'deal')", name=op.f('ck_enquiry_state_valid')),
    sa.CheckConstraint('(side_stream_id IS NULL) <> (need_id IS NULL)', name=op.f('ck_enquiry_one_listing')),
    sa.CheckConstraint('quantity_t IS NULL OR quantity_t > 0', name=op.f('ck_enquiry_quantity_positive')),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_enquiry_deal_id_deal'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_enquiry_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_id'], ['material_need.id'], name=op.f('fk_enquiry_need_id_material_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['own_need_id'], ['material_need.id'], name=op.f('fk_enquiry_own_need_id_material_need'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['own_stream_id'], ['side_stream.id'], name=op.f('fk_enquiry_own_stream_id_side_stream'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organisation.id'], name=op.f('fk_enquiry_owner_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['user.id'], name=op.f('fk_enquiry_sender_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sender_org_id'], ['organisation.id'], name=op.f('fk_enquiry_sender_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_enquiry_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry'))
    )
    op.create_index(op.f('ix_enquiry_need_id'), 'enquiry', ['need_id'], unique=False)
    op.create_index(op.f('ix_enquiry_owner_org_id'), 'enquiry', ['owner_org_id'], unique=False)
    op.create_index('ix_enquiry_sender_created', 'enquiry', ['sender_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_enquiry_sender_org_id'), 'enquiry', ['sender_org_id'], unique=False)
    op.create_index(op.f('ix_enquiry_side_stream_id'), 'enquiry', ['side_stream_id'], unique=False)
    op.create_table('delivery_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('old_delivered_on', sa.Date(), nullable=True),
    sa.Column('old_tonnes', sa.Float(), nullable=True),
    sa.Column('new_delivered_on', sa.Date(), nullable=True),
    sa.Column('new_tonnes', sa.Float(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("action IN ('recorded', 'corrected', 'removed')", name=op.f('ck_delivery_change_action_valid')),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_delivery_change_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_delivery_change_deal_id_deal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_delivery_change_delivery_id_delivery'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_change'))
    )
    op.create_index(op.f('ix_delivery_change_deal_id'), 'delivery_change', ['deal_id'], unique=False)
    op.create_table('enquiry_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enquiry_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_enquiry_message_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiry.id'], name=op.f('fk_enquiry_message_enquiry_id_enquiry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry_message'))
    )
    op.create_index(op.f('ix_enquiry_message_enquiry_id'), 'enquiry_message', ['enquiry_id'], unique=False)
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=True),
    sa.Column('enquiry_id', sa.Integer(), nullable=True),
    sa.Column('side_stream_id', sa.Integer(), nullable=True),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('message', 'introduction', 'deal_opened', 'state_change', 'enquiry', 'enquiry_reply', 'introduction_request', 'introduction_decided', 'enquiry_report', 'match', 'expiring', 'alert')", name=op.f('ck_notice_kind_valid')),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_notice_deal_id_deal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiry.id'], name=op.f('fk_notice_enquiry_id_enquiry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['material_need.id'], name=op.f('fk_notice_need_id_material_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_notice_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notice_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice'))
    )
    op.create_index('ix_notice_user_unread', 'notice', ['user_id', 'read_at'], unique=False)


def downgrade():
    op.drop_index('ix_notice_user_unread', table_name='notice')
    op.drop_table('notice')
    op.drop_index(op.f('ix_enquiry_message_enquiry_id'), table_name='enquiry_message')
    op.drop_table('enquiry_message')
    op.drop_index(op.f('ix_delivery_change_deal_id'), table_name='delivery_change')
    op.drop_table('delivery_change')
    op.drop_index(op.f('ix_enquiry_side_stream_id'), table_name='enquiry')
    op.drop_index(op.f('ix_enquiry_sender_org_id'), table_name='enquiry')
    op.drop_index('ix_enquiry_sender_created', table_name='enquiry')
    op.drop_index(op.f('ix_enquiry_owner_org_id'), table_name='enquiry')
    op.drop_index(op.f('ix_enquiry_need_id'), table_name='enquiry')
    op.drop_table('enquiry')
