"""PostgreSQL search at scale: the GIN index also holds the note id (btree_gin), each search
document carries its title's lexemes (a generated column) for ranking, and a lexicon of the
indexed words turns prefix queries into exact ones

Revision ID: 9d4f2a6c8e15
Revises: 7a41c2e9d5b3
Create Date: 2026-12-07 22:15:00

The lexicon table is made on both databases (SQLite's search does not use it); the rest is
PostgreSQL only. See marketplace/search/backends/postgres.py.
"""
from alembic import op
import sqlalchemy as sa


revision = '9d4f2a6c8e15'
down_revision = '7a41c2e9d5b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_lexicon',
    sa.Column('term', sa.Text().with_variant(sa.Text(collation='C'), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('term', name=op.f('pk_search_lexicon'))
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.drop_index("ix_search_documents_vector", table_name="search_documents")
    op.create_index("ix_search_documents_vector", "search_documents", ["vector", sa.text("(- note_id)")],
                    unique=False, postgresql_using="gin")
    op.execute("ALTER TABLE search_documents ADD COLUMN title_vector tsvector "
               "GENERATED ALWAYS AS (ts_filter(vector, '{a}')) STORED")
    op.execute("INSERT INTO search_lexicon (term) SELECT word FROM ts_stat('SELECT vector FROM search_documents') "
               "WHERE length(word) >= 3")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_documents DROP COLUMN title_vector")
        op.drop_index("ix_search_documents_vector", table_name="search_documents")
        op.create_index("ix_search_documents_vector", "search_documents", ["vector"],
                        unique=False, postgresql_using="gin")
    op.drop_table('search_lexicon')
