"""tracker sync: key -> row positions in the Sheet, and a log of sync cycles

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracker_positions",
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("sheet", sa.String(length=32), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("target", "sheet", "row_key"),
    )
    op.create_table(
        "tracker_syncs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows_written", sa.Integer(), nullable=False),
        sa.Column("write_requests", sa.Integer(), nullable=False),
        sa.Column("read_requests", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tracker_syncs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tracker_syncs_started_at"), ["started_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tracker_syncs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracker_syncs_started_at"))

    op.drop_table("tracker_syncs")
    op.drop_table("tracker_positions")
