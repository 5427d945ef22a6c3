"""One waiting audit case per note (a waiting case keeps the earlier versions it was brought up
from); the scheduled retrain's claims and each model's label fingerprint

Revision ID: 7a41c2e9d5b3
Revises: 3c5e7a9b1d20
Create Date: 2026-12-07 22:30:00

A note edited while its case waited used to get a second case beside the first. Before the
partial unique index is created, such duplicates are folded into one waiting case (the one
staff asked the creator to file, else the oldest): it takes the newest version's text and scores, and the other
versions go into ``earlier``; the folded rows are removed.
"""
from alembic import op
import sqlalchemy as sa

import marketplace.db_types


revision = '7a41c2e9d5b3'
down_revision = '3c5e7a9b1d20'
branch_labels = None
depends_on = None

WAITING = sa.text("state IN ('open', 'filing_requested')")


def _fold_duplicates():
    bind = op.get_bind()
    cases = sa.table('audit_cases', sa.column('id', sa.Integer), sa.column('note_id', sa.Integer),
                     sa.column('note_version', sa.Integer), sa.column('state', sa.String),
                     sa.column('title', sa.String), sa.column('body', sa.Text), sa.column('score', sa.Integer),
                     sa.column('combined_score', sa.Integer), sa.column('signals', sa.JSON),
                     sa.column('signal_codes', sa.String), sa.column('brand_id', sa.Integer),
                     sa.column('earlier', sa.JSON), sa.column('version', sa.Integer))
    waiting = cases.c.state.in_(('open', 'filing_requested'))
    notes = bind.execute(sa.select(cases.c.note_id).where(waiting).group_by(cases.c.note_id)
                         .having(sa.func.count() > 1)).scalars().all()
    for note_id in notes:
        rows = bind.execute(sa.select(cases).where(waiting, cases.c.note_id == note_id)
                            .order_by(cases.c.note_version, cases.c.id)).mappings().all()
        # The case staff asked the creator to file keeps its request and due date; otherwise the oldest.
        asked = [r for r in rows if r["state"] == 'filing_requested']
        keep, newest = (asked[-1] if asked else rows[0]), rows[-1]
        earlier = [{"note_version": r["note_version"], "title": r["title"], "body": r["body"], "score": r["score"],
                    "combined_score": r["combined_score"], "signal_codes": r["signal_codes"], "replaced_at": None}
                   for r in rows[:-1]]
        bind.execute(cases.delete().where(cases.c.id.in_([r["id"] for r in rows if r["id"] != keep["id"]])))
        bind.execute(cases.update().where(cases.c.id == keep["id"]).values(
            note_version=newest["note_version"], title=newest["title"], body=newest["body"],
            score=newest["score"], combined_score=newest["combined_score"], signals=newest["signals"],
            signal_codes=newest["signal_codes"], brand_id=newest["brand_id"] or keep["brand_id"],
            earlier=earlier, version=keep["version"] + 1))


def upgrade():
    op.create_table('audit_training_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('claimed_at', marketplace.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', marketplace.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('model_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_training_runs')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_audit_training_runs_fingerprint'))
    )
    with op.batch_alter_table('audit_ranking_models', schema=None) as batch_op:
        batch_op.add_column(sa.Column('labels_fingerprint', sa.String(length=64), server_default='', nullable=False))
    with op.batch_alter_table('audit_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('earlier', sa.JSON(), server_default='[]', nullable=False))
    _fold_duplicates()
    op.create_index('uq_audit_cases_one_waiting', 'audit_cases', ['note_id'], unique=True,
                    sqlite_where=WAITING, postgresql_where=WAITING)


def downgrade():
    op.drop_index('uq_audit_cases_one_waiting', table_name='audit_cases',
                  sqlite_where=WAITING, postgresql_where=WAITING)
    with op.batch_alter_table('audit_cases', schema=None) as batch_op:
        batch_op.drop_column('earlier')
    with op.batch_alter_table('audit_ranking_models', schema=None) as batch_op:
        batch_op.drop_column('labels_fingerprint')
    op.drop_table('audit_training_runs')
