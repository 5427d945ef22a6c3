"""Before the house grows: the audit trail replaces the staff log (rows copied over); the
after-commit outbox; version columns for optimistic concurrency on briefs, creator and brand
profiles and notes (existing rows start at version 1).

Revision ID: 1ab4555f1d5b
Revises: 68f59bda9c02
Create Date: 2026-11-22 04:05:22.605672

"""
from alembic import op
import sqlalchemy as sa

import marketplace.db_types

# revision identifiers, used by Alembic.
revision = '1ab4555f1d5b'
down_revision = '68f59bda9c02'
branch_labels = None
depends_on = None

VERSIONED = ('brand_profiles', 'briefs', 'creator_profiles', 'notes')


def upgrade():
    op.create_table('audit_trail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', marketplace.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_type', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_trail'))
    )
    with op.batch_alter_table('audit_trail', schema=None) as batch_op:
        batch_op.create_index('ix_audit_trail_actor', ['actor_type', 'actor_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_trail_subject', ['subject_type', 'subject_id', 'at'], unique=False)

    # Every staff action so far becomes a trail entry by that staff user, named as they are now.
    op.execute(
        "INSERT INTO audit_trail (at, actor_type, actor_id, actor_label, action, params, "
        "subject_type, subject_id, reason) "
        "SELECT s.at, 'user', s.actor_id, u.display_name, s.action, s.details, s.subject_type, "
        "s.subject_id, s.reason FROM staff_actions AS s JOIN users AS u ON u.id = s.actor_id "
        "ORDER BY s.id"
    )
    with op.batch_alter_table('staff_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_actions_subject'))
    op.drop_table('staff_actions')

    op.create_table('outbox_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('run_after', marketplace.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', marketplace.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'running', 'failed')", name=op.f('ck_outbox_items_state_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_items_attempts_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_items'))
    )
    with op.batch_alter_table('outbox_items', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_items_due', ['state', 'run_after'], unique=False)

    # ADD COLUMN in place on both databases (batch mode recreates a table only when it must).
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')

    with op.batch_alter_table('outbox_items', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_items_due')
    op.drop_table('outbox_items')

    op.create_table('staff_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('at', marketplace.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_staff_actions_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_actions'))
    )
    with op.batch_alter_table('staff_actions', schema=None) as batch_op:
        batch_op.create_index('ix_staff_actions_subject', ['subject_type', 'subject_id', 'at'], unique=False)
    # Only users' entries fit the old table; entries by tokens, the CLI or processes are dropped.
    op.execute(
        "INSERT INTO staff_actions (actor_id, action, subject_type, subject_id, reason, details, at) "
        "SELECT t.actor_id, t.action, t.subject_type, t.subject_id, t.reason, t.params, t.at "
        "FROM audit_trail AS t JOIN users AS u ON u.id = t.actor_id "
        "WHERE t.actor_type = 'user' ORDER BY t.id"
    )
    with op.batch_alter_table('audit_trail', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_trail_subject')
        batch_op.drop_index('ix_audit_trail_actor')
    op.drop_table('audit_trail')
