"""Matching at scale on PostgreSQL: the ready-to-match index also holds the creator id (for
index-only scans), and a partial index finds the creators with unusual columns

Revision ID: b7e3c1a9f482
Revises: 9d4f2a6c8e15
Create Date: 2026-12-07 23:30:00

See marketplace.matching.service.creators_for_brief (the pruned first try) and
marketplace.creators.models (UNUSUAL_FOR_MATCHING).
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e3c1a9f482'
down_revision = '9d4f2a6c8e15'
branch_labels = None
depends_on = None

READY = ("accepting_orders IS true AND followers_as_of IS NOT NULL AND payouts_ready_at IS NOT NULL "
         "AND identity_confirmed_at IS NOT NULL AND banned_at IS NULL")
READY_COLUMNS = ['categories_mask', 'follower_count', 'suspended_until', 'currency', 'image_quote_cents',
                 'video_quote_cents', 'engagement_bps', 'audience_region_1', 'audience_share_1', 'audience_region_2',
                 'audience_share_2', 'audience_region_3', 'audience_share_3', 'orders_completed', 'orders_on_time',
                 'strike_count', 'region']
UNUSUAL = ("strike_count < 0 OR audience_share_1 < 0 OR audience_share_2 < 0 OR audience_share_3 < 0 "
           "OR audience_share_1 + audience_share_2 + audience_share_3 > 100 "
           "OR orders_on_time > orders_completed")


def upgrade():
    op.create_index('ix_creator_profiles_unusual', 'creator_profiles', ['id'], unique=False,
                    sqlite_where=sa.text(UNUSUAL), postgresql_where=sa.text(UNUSUAL))
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_creator_profiles_ready_to_match', table_name='creator_profiles')
        op.create_index('ix_creator_profiles_ready_to_match', 'creator_profiles', READY_COLUMNS, unique=False,
                        postgresql_where=sa.text(READY), postgresql_include=['id'])


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_creator_profiles_ready_to_match', table_name='creator_profiles')
        op.create_index('ix_creator_profiles_ready_to_match', 'creator_profiles', READY_COLUMNS, unique=False,
                        postgresql_where=sa.text(READY))
    op.drop_index('ix_creator_profiles_unusual', table_name='creator_profiles')
