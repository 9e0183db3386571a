"""Create the marketplace schema

Revision ID: d7544c5c69c2
Revises: 
Create Date: 2026-11-26 00:02:14.301311
"""
from alembic import op
import sqlalchemy as sa
import geoalchemy2
from geoalchemy2 import Geometry

revision = 'd7544c5c69c2'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('listing_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=6), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('published_until', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('stream', 'need')", name=op.f('ck_listing_reminder_kind_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_reminder')),
    sa.UniqueConstraint('kind', 'listing_id', 'published_until', name='uq_listing_reminder_period')
    )
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('business_id', sa.String(length=40), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('description_fi', sa.Text(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('verification_status', sa.String(length=10), nullable=False),
    sa.Column('verification_note', sa.Text(), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('show_as_member', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('producer', 'buyer', 'both', 'center', 'provider')", name=op.f('ck_organisation_kind_valid')),
    sa.CheckConstraint("verification_status IN ('pending', 'verified', 'rejected')", name=op.f('ck_organisation_verification_status_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('name', name=op.f('uq_organisation_name'))
    )
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_recipient'), ['recipient'], unique=False)

    op.create_table('waste_code',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('chapter', sa.String(length=2), nullable=False),
    sa.Column('subchapter', sa.String(length=5), nullable=False),
    sa.Column('title_en', sa.Text(), nullable=False),
    sa.Column('title_fi', sa.Text(), nullable=True),
    sa.Column('hazardous', sa.Boolean(), nullable=False),
    sa.Column('mirror', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_waste_code'))
    )
    with op.batch_alter_table('waste_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waste_code_chapter'), ['chapter'], unique=False)

    op.create_table('waste_heading',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('title_en', sa.Text(), nullable=False),
    sa.Column('title_fi', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_waste_heading'))
    )
    op.create_table('service_provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('description_fi', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_service_provider_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_provider')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_service_provider_organisation_id'))
    )
    op.create_geospatial_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_site_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site'))
    )
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_site_location', ['location'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_site_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('email_confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("language IN ('fi', 'en')", name=op.f('ck_user_language_valid')),
    sa.CheckConstraint("role IN ('member', 'org_admin', 'broker', 'admin')", name=op.f('ck_user_role_valid')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_user_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_fi', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('event', 'service', 'information')", name=op.f('ck_activity_kind_valid')),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_activity_capacity_positive')),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_activity_dates_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_activity_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_starts_on'), ['starts_on'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("scope IN ('read', 'read-write')", name=op.f('ck_api_token_scope_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_audit_event_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_action_created_at', ['action', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('cluster_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_fi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('text_fi', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('director_name', sa.String(length=200), nullable=False),
    sa.Column('director_email', sa.String(length=254), nullable=False),
    sa.Column('strategy_url', sa.String(length=500), nullable=False),
    sa.Column('strategy_sha256', sa.String(length=64), nullable=True),
    sa.Column('strategy_filename', sa.String(length=200), nullable=False),
    sa.Column('strategy_content_type', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_cluster_profile_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cluster_profile'))
    )
    op.create_table('evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('broker_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('year >= 2000 AND year <= 2100', name=op.f('ck_evaluation_year_in_range')),
    sa.ForeignKeyConstraint(['broker_id'], ['user.id'], name=op.f('fk_evaluation_broker_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation')),
    sa.UniqueConstraint('year', name=op.f('uq_evaluation_year'))
    )
    op.create_table('import_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("state IN ('queued', 'checking', 'writing', 'done', 'failed')", name=op.f('ck_import_job_state_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_import_job_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_job'))
    )
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_job_user_id'), ['user_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role IN ('member', 'org_admin')", name=op.f('ck_invitation_role_valid')),
    sa.CheckConstraint('accepted_at IS NULL OR revoked_at IS NULL', name=op.f('ck_invitation_accepted_or_revoked')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user.id'], name=op.f('fk_invitation_accepted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_invitation_invited_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_invitation_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_organisation_id'), ['organisation_id'], unique=False)

    op.create_geospatial_table('material_need',
    sa.Column('application', sa.String(length=24), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('ewc_codes', sa.JSON(), nullable=False),
    sa.Column('accepts_waste', sa.Boolean(), nullable=True),
    sa.Column('permitted_ewc_codes', sa.JSON(), nullable=True),
    sa.Column('codes_from_permits', sa.Boolean(), nullable=False),
    sa.Column('quantity_t_per_year', sa.Float(), nullable=True),
    sa.Column('min_quantity_t_per_year', sa.Float(), nullable=True),
    sa.Column('max_distance_km', sa.Float(), nullable=True),
    sa.Column('max_price_eur_per_t', sa.Float(), nullable=True),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_ref', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_until', sa.Date(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("application IN ('geopolymer_binder', 'dust_binder', 'cover_layer', 'fertiliser', 'liming_agent', 'soil_improver', 'cement_scm', 'concrete_aggregate', 'earth_construction', 'neutralisation', 'filler', 'fuel', 'metal_recovery', 'other')", name=op.f('ck_material_need_application_valid')),
    sa.CheckConstraint("status IN ('draft', 'active', 'reserved', 'closed')", name=op.f('ck_material_need_status_valid')),
    sa.CheckConstraint("visibility IN ('public', 'anonymous', 'brokered')", name=op.f('ck_material_need_visibility_valid')),
    sa.CheckConstraint('max_distance_km > 0', name=op.f('ck_material_need_max_distance_positive')),
    sa.CheckConstraint('min_quantity_t_per_year >= 0', name=op.f('ck_material_need_min_quantity_not_negative')),
    sa.CheckConstraint('quantity_t_per_year >= 0', name=op.f('ck_material_need_quantity_not_negative')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_material_need_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_material_need_site_id_site'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material_need')),
    sa.UniqueConstraint('organisation_id', 'external_ref', name='uq_material_need_external_ref')
    )
    with op.batch_alter_table('material_need', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_material_need_location', ['location'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_material_need_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('notification_setting',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('on_message', sa.Boolean(), nullable=False),
    sa.Column('on_state_change', sa.Boolean(), nullable=False),
    sa.Column('on_introduction', sa.Boolean(), nullable=False),
    sa.Column('digest', sa.Boolean(), nullable=False),
    sa.Column('last_digest_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_setting_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_setting'))
    )
    op.create_table('permit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('authority', sa.String(length=200), nullable=False),
    sa.Column('decision_number', sa.String(length=100), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('ewc_codes', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('document_filename', sa.String(length=200), nullable=True),
    sa.Column('document_content_type', sa.String(length=40), nullable=True),
    sa.Column('document_size_bytes', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('environmental_permit', 'mara_registration', 'waste_treatment_registration', 'waste_management_register', 'other')", name=op.f('ck_permit_kind_valid')),
    sa.CheckConstraint('valid_until IS NULL OR valid_from IS NULL OR valid_from <= valid_until', name=op.f('ck_permit_validity_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_permit_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_permit_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_permit'))
    )
    with op.batch_alter_table('permit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_permit_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('provider_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('name_fi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('description_fi', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('lead_time_days', sa.Integer(), nullable=True),
    sa.Column('price_basis', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('analysis_xrf', 'analysis_icp', 'analysis_leaching', 'analysis_xrd', 'analysis_psd', 'analysis_abrasion', 'analysis_neutralising_value', 'analysis_carbon_sulphur', 'analysis_wet_chemistry', 'analysis_basic', 'analysis_cement', 'analysis_calorific', 'analysis_permeability', 'processing_crushing', 'processing_magnetic', 'processing_granulation', 'processing_thermal', 'pilot_geopolymer', 'pilot_leaching', 'logistics_haulage', 'logistics_storage', 'treatment_receiver', 'expertise_end_of_waste', 'expertise_permit', 'expertise_lca')", name=op.f('ck_provider_service_kind_valid')),
    sa.CheckConstraint('lead_time_days IS NULL OR (lead_time_days >= 0 AND lead_time_days <= 365)', name=op.f('ck_provider_service_lead_time_in_range')),
    sa.ForeignKeyConstraint(['provider_id'], ['service_provider.id'], name=op.f('fk_provider_service_provider_id_service_provider'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_service'))
    )
    with op.batch_alter_table('provider_service', schema=None) as batch_op:
        batch_op.create_index('ix_provider_service_kind', ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_provider_service_provider_id'), ['provider_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('broker_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("decision IN ('verified', 'rejected')", name=op.f('ck_review_decision_valid')),
    sa.ForeignKeyConstraint(['broker_id'], ['user.id'], name=op.f('fk_review_broker_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_review_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('saved_search',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('query', sa.JSON(), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("frequency IN ('immediate', 'daily', 'off')", name=op.f('ck_saved_search_frequency_valid')),
    sa.CheckConstraint("kind IN ('streams', 'needs', 'services')", name=op.f('ck_saved_search_kind_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_saved_search_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search'))
    )
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_user_id'), ['user_id'], unique=False)

    op.create_geospatial_table('side_stream',
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('ewc_code', sa.String(length=8), nullable=True),
    sa.Column('industry', sa.String(length=200), nullable=True),
    sa.Column('legal_status', sa.String(length=20), nullable=True),
    sa.Column('quantity_t_per_year', sa.Float(), nullable=True),
    sa.Column('lot_t', sa.Float(), nullable=True),
    sa.Column('availability', sa.String(length=12), nullable=True),
    sa.Column('available_from', sa.Date(), nullable=True),
    sa.Column('available_until', sa.Date(), nullable=True),
    sa.Column('price_eur_per_t', sa.Float(), nullable=True),
    sa.Column('hazardous_properties', sa.JSON(), nullable=False),
    sa.Column('hazard_note', sa.Text(), nullable=False),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_ref', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_until', sa.Date(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("availability IN ('continuous', 'seasonal', 'batch', 'stockpile')", name=op.f('ck_side_stream_availability_valid')),
    sa.CheckConstraint("category IN ('slag', 'ash', 'dust', 'sludge', 'tailings', 'waste_rock', 'gypsum', 'lime_residue', 'dregs', 'biomass_residue', 'metal_scrap', 'mineral_fines', 'other')", name=op.f('ck_side_stream_category_valid')),
    sa.CheckConstraint("legal_status IN ('waste', 'by_product', 'end_of_waste', 'product')", name=op.f('ck_side_stream_legal_status_valid')),
    sa.CheckConstraint("status IN ('draft', 'active', 'reserved', 'closed')", name=op.f('ck_side_stream_status_valid')),
    sa.CheckConstraint("visibility IN ('public', 'anonymous', 'brokered')", name=op.f('ck_side_stream_visibility_valid')),
    sa.CheckConstraint('available_until IS NULL OR available_from IS NULL OR available_from <= available_until', name=op.f('ck_side_stream_availability_window_ordered')),
    sa.CheckConstraint('lot_t >= 0', name=op.f('ck_side_stream_lot_not_negative')),
    sa.CheckConstraint('quantity_t_per_year >= 0', name=op.f('ck_side_stream_quantity_not_negative')),
    sa.ForeignKeyConstraint(['ewc_code'], ['waste_code.code'], name=op.f('fk_side_stream_ewc_code_waste_code')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_side_stream_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_side_stream_site_id_site'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_side_stream')),
    sa.UniqueConstraint('organisation_id', 'external_ref', name='uq_side_stream_external_ref')
    )
    with op.batch_alter_table('side_stream', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_side_stream_location', ['location'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_side_stream_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('activity_signup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_signup_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_activity_signup_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_signup')),
    sa.UniqueConstraint('activity_id', 'user_id', name='uq_activity_signup_user')
    )
    with op.batch_alter_table('activity_signup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_signup_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_signup_user_id'), ['user_id'], unique=False)

    op.create_table('deal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('side_stream_id', sa.Integer(), nullable=True),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('broker_id', sa.Integer(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('tonnes_per_year', sa.Float(), nullable=True),
    sa.Column('price_eur_per_t', sa.Float(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('title', sa.String(length=420), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('application', sa.String(length=24), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('was_waste', sa.Boolean(), nullable=False),
    sa.Column('hazardous', sa.Boolean(), nullable=False),
    sa.Column('match_score', sa.Float(), nullable=True),
    sa.Column('road_km', sa.Float(), nullable=True),
    sa.Column('transport_co2_kg_per_t', sa.Float(), nullable=True),
    sa.Column('introduced_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_event_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('proposed', 'introduced', 'negotiating', 'trial', 'agreed', 'delivering', 'completed', 'declined', 'cancelled')", name=op.f('ck_deal_state_valid')),
    sa.CheckConstraint('supplier_id <> buyer_id', name=op.f('ck_deal_two_parties')),
    sa.CheckConstraint('tonnes_per_year IS NULL OR tonnes_per_year >= 0', name=op.f('ck_deal_tonnes_not_negative')),
    sa.ForeignKeyConstraint(['broker_id'], ['user.id'], name=op.f('fk_deal_broker_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['buyer_id'], ['organisation.id'], name=op.f('fk_deal_buyer_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['material_need.id'], name=op.f('fk_deal_need_id_material_need'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_deal_opened_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_deal_side_stream_id_side_stream'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supplier_id'], ['organisation.id'], name=op.f('fk_deal_supplier_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal'))
    )
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_side_stream_id'), ['side_stream_id'], unique=False)
        batch_op.create_index('ix_deal_state_last_event', ['state', 'last_event_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('digest_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('side_stream_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['material_need.id'], name=op.f('fk_digest_entry_need_id_material_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_digest_entry_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_digest_entry_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_entry')),
    sa.UniqueConstraint('user_id', 'side_stream_id', 'need_id', name='uq_digest_entry_pair')
    )
    with op.batch_alter_table('digest_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_entry_user_id'), ['user_id'], unique=False)

    op.create_table('legal_evidence_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('side_stream_id', sa.Integer(), nullable=False),
    sa.Column('legal_status', sa.String(length=20), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user.id'], name=op.f('fk_legal_evidence_check_checked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_legal_evidence_check_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_evidence_check')),
    sa.UniqueConstraint('side_stream_id', name=op.f('uq_legal_evidence_check_side_stream_id'))
    )
    op.create_table('listing_closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('side_stream_id', sa.Integer(), nullable=True),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('tonnes', sa.Float(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("reason IN ('sold', 'used_in_house', 'landfilled', 'other')", name=op.f('ck_listing_closure_reason_valid')),
    sa.CheckConstraint('(side_stream_id IS NULL) <> (need_id IS NULL)', name=op.f('ck_listing_closure_one_listing')),
    sa.CheckConstraint('tonnes IS NULL OR tonnes >= 0', name=op.f('ck_listing_closure_tonnes_not_negative')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_listing_closure_closed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_id'], ['material_need.id'], name=op.f('fk_listing_closure_need_id_material_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_listing_closure_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_closure'))
    )
    with op.batch_alter_table('listing_closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_closure_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_closure_side_stream_id'), ['side_stream_id'], unique=False)

    op.create_table('match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('side_stream_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('distance_km', sa.Float(), nullable=False),
    sa.Column('road_km', sa.Float(), nullable=False),
    sa.Column('transport_cost_eur_per_t', sa.Float(), nullable=False),
    sa.Column('transport_co2_kg_per_t', sa.Float(), nullable=False),
    sa.Column('missing', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 1', name=op.f('ck_match_score_in_unit_range')),
    sa.ForeignKeyConstraint(['need_id'], ['material_need.id'], name=op.f('fk_match_need_id_material_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_match_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match')),
    sa.UniqueConstraint('side_stream_id', 'need_id', name='uq_match_pair')
    )
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_first_seen_at'), ['first_seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_need_id'), ['need_id'], unique=False)
        batch_op.create_index('ix_match_score', ['score'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_side_stream_id'), ['side_stream_id'], unique=False)

    op.create_table('match_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('side_stream_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('broker_id', sa.Integer(), nullable=True),
    sa.Column('good', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['broker_id'], ['user.id'], name=op.f('fk_match_mark_broker_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_id'], ['material_need.id'], name=op.f('fk_match_mark_need_id_material_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_match_mark_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_mark'))
    )
    with op.batch_alter_table('match_mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_mark_need_id'), ['need_id'], unique=False)
        batch_op.create_index('ix_match_mark_pair', ['side_stream_id', 'need_id'], unique=False)

    op.create_table('requirement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('property', sa.String(length=200), nullable=False),
    sa.Column('per', sa.String(length=200), nullable=True),
    sa.Column('min', sa.Float(), nullable=True),
    sa.Column('max', sa.Float(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.CheckConstraint('min IS NOT NULL OR max IS NOT NULL', name=op.f('ck_requirement_has_a_limit')),
    sa.CheckConstraint('min IS NULL OR max IS NULL OR min <= max', name=op.f('ck_requirement_limits_ordered')),
    sa.ForeignKeyConstraint(['need_id'], ['material_need.id'], name=op.f('fk_requirement_need_id_material_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requirement'))
    )
    with op.batch_alter_table('requirement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requirement_need_id'), ['need_id'], unique=False)

    op.create_table('saved_search_hit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('saved_search_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['saved_search_id'], ['saved_search.id'], name=op.f('fk_saved_search_hit_saved_search_id_saved_search'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search_hit')),
    sa.UniqueConstraint('saved_search_id', 'listing_id', name='uq_saved_search_hit_listing')
    )
    with op.batch_alter_table('saved_search_hit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_hit_saved_search_id'), ['saved_search_id'], unique=False)

    op.create_table('service_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('side_stream_id', sa.Integer(), nullable=False),
    sa.Column('requester_organisation_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('broker_id', sa.Integer(), nullable=True),
    sa.Column('service_kind', sa.String(length=40), nullable=False),
    sa.Column('property_keys', sa.JSON(), nullable=False),
    sa.Column('share_title', sa.Boolean(), nullable=False),
    sa.Column('share_values', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('results', sa.JSON(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_event_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("answered_at IS NULL OR state = 'answered'", name=op.f('ck_service_request_answered_when_answered')),
    sa.CheckConstraint("state IN ('open', 'answered', 'declined', 'withdrawn')", name=op.f('ck_service_request_state_valid')),
    sa.ForeignKeyConstraint(['broker_id'], ['user.id'], name=op.f('fk_service_request_broker_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['provider_id'], ['service_provider.id'], name=op.f('fk_service_request_provider_id_service_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_service_request_requested_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requester_organisation_id'], ['organisation.id'], name=op.f('fk_service_request_requester_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['provider_service.id'], name=op.f('fk_service_request_service_id_provider_service'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_service_request_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request'))
    )
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.create_index('ix_service_request_created_at', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_requester_organisation_id'), ['requester_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_side_stream_id'), ['side_stream_id'], unique=False)

    op.create_table('verification_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("content_type IN ('application/pdf', 'image/png', 'image/jpeg')", name=op.f('ck_verification_document_content_type_valid')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_verification_document_size_positive')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_verification_document_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_verification_document_review_id_review'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_verification_document_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_document')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_verification_document_stored_name'))
    )
    with op.batch_alter_table('verification_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_document_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_verification_document_review_id'), ['review_id'], unique=False)

    op.create_table('deal_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('from_state', sa.String(length=12), nullable=True),
    sa.Column('to_state', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("to_state IN ('proposed', 'introduced', 'negotiating', 'trial', 'agreed', 'delivering', 'completed', 'declined', 'cancelled')", name=op.f('ck_deal_event_to_state_valid')),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_deal_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_deal_event_deal_id_deal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_event'))
    )
    with op.batch_alter_table('deal_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_event_deal_id'), ['deal_id'], unique=False)

    op.create_table('deal_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_deal_message_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_deal_message_deal_id_deal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_message'))
    )
    with op.batch_alter_table('deal_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_message_deal_id'), ['deal_id'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('tonnes', sa.Float(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('tonnes > 0', name=op.f('ck_delivery_tonnes_positive')),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_delivery_deal_id_deal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_delivery_recorded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_deal_id'), ['deal_id'], unique=False)

    op.create_table('measured_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('side_stream_id', sa.Integer(), nullable=False),
    sa.Column('property', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('service_request_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('value >= 0', name=op.f('ck_measured_value_value_not_negative')),
    sa.ForeignKeyConstraint(['service_request_id'], ['service_request.id'], name=op.f('fk_measured_value_service_request_id_service_request'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_measured_value_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measured_value')),
    sa.UniqueConstraint('side_stream_id', 'property', name='uq_measured_value_property')
    )
    with op.batch_alter_table('measured_value', schema=None) as batch_op:
        batch_op.create_index('ix_measured_value_property_value', ['property', 'value'], unique=False)

    op.create_table('service_request_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_service_request_message_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_service_request_message_request_id_service_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request_message'))
    )
    with op.batch_alter_table('service_request_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_message_request_id'), ['request_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('side_stream_id', sa.Integer(), nullable=True),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('deal_message_id', sa.Integer(), nullable=True),
    sa.Column('service_request_message_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("content_type IN ('application/pdf', 'image/png', 'image/jpeg')", name=op.f('ck_attachment_content_type_valid')),
    sa.CheckConstraint("kind IN ('lab_certificate', 'safety_data_sheet', 'legal_evidence', 'other')", name=op.f('ck_attachment_kind_valid')),
    sa.CheckConstraint('deal_message_id IS NULL OR (side_stream_id IS NULL AND need_id IS NULL)', name=op.f('ck_attachment_message_owns_alone')),
    sa.CheckConstraint('service_request_message_id IS NULL OR (side_stream_id IS NULL AND need_id IS NULL AND deal_message_id IS NULL)', name=op.f('ck_attachment_request_message_owns_alone')),
    sa.CheckConstraint('side_stream_id IS NULL OR need_id IS NULL', name=op.f('ck_attachment_one_owner')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_attachment_size_positive')),
    sa.ForeignKeyConstraint(['deal_message_id'], ['deal_message.id'], name=op.f('fk_attachment_deal_message_id_deal_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['material_need.id'], name=op.f('fk_attachment_need_id_material_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_request_message_id'], ['service_request_message.id'], name=op.f('fk_attachment_service_request_message_id_service_request_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['side_stream_id'], ['side_stream.id'], name=op.f('fk_attachment_side_stream_id_side_stream'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_attachment_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_deal_message_id'), ['deal_message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_service_request_message_id'), ['service_request_message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_side_stream_id'), ['side_stream_id'], unique=False)

    op.create_table('transfer_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_transfer_document_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_transfer_document_deal_id_deal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_transfer_document_delivery_id_delivery'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_document')),
    sa.UniqueConstraint('delivery_id', name=op.f('uq_transfer_document_delivery_id')),
    sa.UniqueConstraint('number', name=op.f('uq_transfer_document_number'))
    )
    with op.batch_alter_table('transfer_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_document_deal_id'), ['deal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('transfer_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_document_deal_id'))

    op.drop_table('transfer_document')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_side_stream_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachment_service_request_message_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_need_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_deal_message_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('service_request_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_message_request_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_message_created_at'))

    op.drop_table('service_request_message')
    with op.batch_alter_table('measured_value', schema=None) as batch_op:
        batch_op.drop_index('ix_measured_value_property_value')

    op.drop_table('measured_value')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_deal_id'))

    op.drop_table('delivery')
    with op.batch_alter_table('deal_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_message_deal_id'))

    op.drop_table('deal_message')
    with op.batch_alter_table('deal_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_event_deal_id'))

    op.drop_table('deal_event')
    with op.batch_alter_table('verification_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_document_review_id'))
        batch_op.drop_index(batch_op.f('ix_verification_document_organisation_id'))

    op.drop_table('verification_document')
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_side_stream_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_service_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_requester_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_provider_id'))
        batch_op.drop_index('ix_service_request_created_at')

    op.drop_table('service_request')
    with op.batch_alter_table('saved_search_hit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_search_hit_saved_search_id'))

    op.drop_table('saved_search_hit')
    with op.batch_alter_table('requirement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requirement_need_id'))

    op.drop_table('requirement')
    with op.batch_alter_table('match_mark', schema=None) as batch_op:
        batch_op.drop_index('ix_match_mark_pair')
        batch_op.drop_index(batch_op.f('ix_match_mark_need_id'))

    op.drop_table('match_mark')
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_side_stream_id'))
        batch_op.drop_index('ix_match_score')
        batch_op.drop_index(batch_op.f('ix_match_need_id'))
        batch_op.drop_index(batch_op.f('ix_match_first_seen_at'))

    op.drop_table('match')
    with op.batch_alter_table('listing_closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_closure_side_stream_id'))
        batch_op.drop_index(batch_op.f('ix_listing_closure_need_id'))

    op.drop_table('listing_closure')
    op.drop_table('legal_evidence_check')
    with op.batch_alter_table('digest_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_entry_user_id'))

    op.drop_table('digest_entry')
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_supplier_id'))
        batch_op.drop_index('ix_deal_state_last_event')
        batch_op.drop_index(batch_op.f('ix_deal_side_stream_id'))
        batch_op.drop_index(batch_op.f('ix_deal_need_id'))
        batch_op.drop_index(batch_op.f('ix_deal_buyer_id'))

    op.drop_table('deal')
    with op.batch_alter_table('activity_signup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_signup_user_id'))
        batch_op.drop_index(batch_op.f('ix_activity_signup_activity_id'))

    op.drop_table('activity_signup')
    with op.batch_alter_table('side_stream', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_side_stream_organisation_id'))
        batch_op.drop_geospatial_index('idx_side_stream_location', postgresql_using='gist', column_name='location')

    op.drop_geospatial_table('side_stream')
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_search_user_id'))

    op.drop_table('saved_search')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_organisation_id'))

    op.drop_table('review')
    with op.batch_alter_table('provider_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_service_provider_id'))
        batch_op.drop_index('ix_provider_service_kind')

    op.drop_table('provider_service')
    with op.batch_alter_table('permit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_permit_organisation_id'))

    op.drop_table('permit')
    op.drop_table('notification_setting')
    with op.batch_alter_table('material_need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_need_organisation_id'))
        batch_op.drop_geospatial_index('idx_material_need_location', postgresql_using='gist', column_name='location')

    op.drop_geospatial_table('material_need')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_email'))

    op.drop_table('invitation')
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_job_user_id'))

    op.drop_table('import_job')
    op.drop_table('evaluation')
    op.drop_table('cluster_profile')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index('ix_audit_event_action_created_at')

    op.drop_table('audit_event')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_starts_on'))

    op.drop_table('activity')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_organisation_id'))

    op.drop_table('user')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_organisation_id'))
        batch_op.drop_geospatial_index('idx_site_location', postgresql_using='gist', column_name='location')

    op.drop_geospatial_table('site')
    op.drop_table('service_provider')
    op.drop_table('waste_heading')
    with op.batch_alter_table('waste_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waste_code_chapter'))

    op.drop_table('waste_code')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_recipient'))

    op.drop_table('outbox_message')
    op.drop_table('organisation')
    op.drop_table('listing_reminder')
