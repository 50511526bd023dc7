"""privacy: the keyed hashes of forgotten members, and the per-install key behind them

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forgotten_members",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("member_hash", sa.String(length=64), primary_key=True),
        sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "privacy_keys",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("privacy_keys")
    op.drop_table("forgotten_members")
