"""order draft images

Revision ID: 3c8e1f0a9b7d
Revises: ffbd803ed393
Create Date: 2026-12-07 19:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c8e1f0a9b7d'
down_revision = 'ffbd803ed393'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('order_draft_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['order_drafts.id'], name=op.f('fk_order_draft_images_draft_id_order_drafts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_draft_images')),
    sa.UniqueConstraint('filename', name=op.f('uq_order_draft_images_filename'))
    )
    with op.batch_alter_table('order_draft_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_draft_images_draft_id'), ['draft_id'], unique=False)


def downgrade():
    with op.batch_alter_table('order_draft_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_draft_images_draft_id'))

    op.drop_table('order_draft_images')
