"""Filings keep the note's text as filed (receipts show edits made after filing)

Revision ID: 3c5e7a9b1d20
Revises: bd59c5890bff
Create Date: 2026-12-07 19:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3c5e7a9b1d20'
down_revision = 'bd59c5890bff'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filed_title', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('filed_body', sa.Text(), nullable=True))
    # Existing filings: the best record of what was filed is the note as it stands now.
    op.execute("UPDATE filings SET filed_title = (SELECT title FROM notes WHERE notes.id = filings.note_id), "
               "filed_body = (SELECT body FROM notes WHERE notes.id = filings.note_id)")


def downgrade():
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.drop_column('filed_body')
        batch_op.drop_column('filed_title')
