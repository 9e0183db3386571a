"""Store the contract 1.1 fields of side streams and material needs

Side streams keep their material type, the reference behind their legal status and the
sources of their values; a measured value may be a detection limit the result was below;
needs keep the context of their use and may name the five applications contract 1.1 added.

Revision ID: 4c1e7a2b9d30
Revises: d7544c5c69c2
Create Date: 2026-12-04 18:55:00
"""
from alembic import op
import sqlalchemy as sa

revision = '4c1e7a2b9d30'
down_revision = 'd7544c5c69c2'
branch_labels = None
depends_on = None

OLD_APPLICATIONS = (
    'geopolymer_binder', 'dust_binder', 'cover_layer', 'fertiliser', 'liming_agent', 'soil_improver',
    'cement_scm', 'concrete_aggregate', 'earth_construction', 'neutralisation', 'filler', 'fuel',
    'metal_recovery', 'other',
)
NEW_APPLICATIONS = OLD_APPLICATIONS[:-1] + (
    'mass_stabilisation', 'mine_backfill', 'phosphorus_filter', 'cement_raw_material', 'co2_mineralisation',
    'other',
)


def _application_check(values) -> str:
    return "application IN ({})".format(", ".join(f"'{v}'" for v in values))


def _replace_application_check(old, new) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('ck_material_need_application_valid'), 'material_need', type_='check')
        op.create_check_constraint(op.f('ck_material_need_application_valid'), 'material_need',
                                   _application_check(new))
        return
    # SQLite cannot alter a CHECK constraint, and batch mode's copy of the table fails on its
    # SpatiaLite geometry column (RenameTable: FOREIGN KEY constraint failed). SQLite's own
    # procedure for a change that leaves the stored rows valid is to edit the table's SQL
    # in sqlite_schema and bump schema_version (sqlite.org/lang_altertable.html, section 7);
    # the rows are valid under both lists (downgrade maps the new applications first).
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.execute(sa.text("UPDATE sqlite_master SET sql = replace(sql, :old, :new) "
                         "WHERE type = 'table' AND name = 'material_need'"),
                 {"old": _application_check(old), "new": _application_check(new)})
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _drop_columns(table: str, *names: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in names:
            op.drop_column(table, name)
        return
    # SQLite has ALTER TABLE DROP COLUMN since 3.35; batch mode's table copy would fail
    # on the SpatiaLite geometry column (see above).
    for name in names:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")


def upgrade():
    with op.batch_alter_table('side_stream', schema=None) as batch_op:
        batch_op.add_column(sa.Column('material_type', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('legal_status_evidence', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('sources', sa.JSON(), nullable=True))
    with op.batch_alter_table('measured_value', schema=None) as batch_op:
        batch_op.add_column(sa.Column('below_detection', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('material_need', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
    _replace_application_check(OLD_APPLICATIONS, NEW_APPLICATIONS)


def downgrade():
    op.execute(sa.text(
        "UPDATE material_need SET application = 'other' WHERE application IN "
        "('mass_stabilisation', 'mine_backfill', 'phosphorus_filter', 'cement_raw_material', 'co2_mineralisation')"))
    _replace_application_check(NEW_APPLICATIONS, OLD_APPLICATIONS)
    _drop_columns('material_need', 'context')
    _drop_columns('measured_value', 'below_detection')
    _drop_columns('side_stream', 'sources', 'legal_status_evidence', 'material_type')
