"""workspace scope: tracker positions, the sync log and the sync state are per workspace

Revision ID: 0005
Revises: 0004

Existing positions and log entries belong to the one workspace Porch served so far: when the
`workspaces` table has exactly one row they take its team_id, so the next cycle still notices
rows deleted by hand and a tracker that moved. With no or several workspaces they cannot be
attributed and are dropped: both are a cache that the next sync rebuilds (a missing position
only means the row is found by its key again).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PENDING = "synced_version < version"


def _single_team() -> str | None:
    teams = op.get_bind().execute(sa.text("SELECT team_id FROM workspaces")).scalars().all()
    return teams[0] if len(teams) == 1 else None


def upgrade() -> None:
    team = _single_team()
    conn = op.get_bind()

    # The primary key changes, so the positions table is rebuilt (on every database alike):
    # its rows wait in a copy, then come back with the workspace, or not at all.
    columns = "target, sheet, row_key, row_number, written_at"
    op.create_table(
        "tracker_positions_0005",
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("sheet", sa.String(length=32), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
    )
    conn.execute(
        sa.text(f"INSERT INTO tracker_positions_0005 SELECT {columns} FROM tracker_positions")
    )
    op.drop_table("tracker_positions")
    op.create_table(
        "tracker_positions",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("sheet", sa.String(length=32), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "target", "sheet", "row_key"),
    )
    if team is not None:
        conn.execute(
            sa.text(
                f"INSERT INTO tracker_positions (team_id, {columns}) "
                f"SELECT :team, {columns} FROM tracker_positions_0005"
            ),
            {"team": team},
        )
    op.drop_table("tracker_positions_0005")

    with op.batch_alter_table("tracker_syncs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.String(length=32), nullable=True))
    if team is not None:
        conn.execute(sa.text("UPDATE tracker_syncs SET team_id = :team"), {"team": team})
    conn.execute(sa.text("DELETE FROM tracker_syncs WHERE team_id IS NULL"))
    with op.batch_alter_table("tracker_syncs", schema=None) as batch_op:
        batch_op.alter_column("team_id", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_index(batch_op.f("ix_tracker_syncs_team_id"), ["team_id"], unique=False)

    op.create_index(
        "ix_tracker_rows_sheet_updated",
        "tracker_rows",
        ["team_id", "sheet", "updated_at"],
        unique=False,
    )
    op.create_index(
        "ix_tracker_rows_pending",
        "tracker_rows",
        ["team_id", "sheet"],
        unique=False,
        sqlite_where=sa.text(PENDING),
        postgresql_where=sa.text(PENDING),
    )

    op.create_table(
        "tracker_state",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "name"),
    )


def downgrade() -> None:
    op.drop_table("tracker_state")
    op.drop_index("ix_tracker_rows_pending", table_name="tracker_rows")
    op.drop_index("ix_tracker_rows_sheet_updated", table_name="tracker_rows")
    with op.batch_alter_table("tracker_syncs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracker_syncs_team_id"))
        batch_op.drop_column("team_id")
    op.drop_table("tracker_positions")
    op.create_table(
        "tracker_positions",
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("sheet", sa.String(length=32), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("target", "sheet", "row_key"),
    )
