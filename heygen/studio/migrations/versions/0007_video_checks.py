"""Checks of finished videos against what they were meant to say, the findings users accepted, and
which job a re-render redoes.

video_checks: job_id (one check per job, the newest), status (ok, findings, no_subtitles, unreadable),
open_findings, report (JSON: findings and the side-by-side alignment), checked_at.
accepted_findings: scope ('' for every video, else a batch id), kind, expected, spoken, created_at.
jobs.redo_of: the job a re-render was made to replace.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    real = "REAL" if op.get_bind().dialect.name == "sqlite" else "DOUBLE PRECISION"
    op.execute(
        "CREATE TABLE video_checks (job_id TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE, "
        "status TEXT NOT NULL, open_findings INTEGER NOT NULL DEFAULT 0, report TEXT NOT NULL, "
        f"checked_at {real} NOT NULL)"
    )
    op.execute(
        "CREATE TABLE accepted_findings (id TEXT PRIMARY KEY, scope TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL, "
        f"expected TEXT NOT NULL DEFAULT '', spoken TEXT NOT NULL DEFAULT '', created_at {real} NOT NULL, "
        "UNIQUE (scope, kind, expected, spoken))"
    )
    op.execute("ALTER TABLE jobs ADD COLUMN redo_of TEXT")


def downgrade() -> None:
    op.execute("DROP TABLE accepted_findings")
    op.execute("DROP TABLE video_checks")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("redo_of")
