"""Team members signed in through invite links, and who made each job.

members: id, name, token_hash (SHA-256 of the invite token, unique), created_at, revoked_at.
jobs.made_by: the name of the team member who launched the job (none for the owner).

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    real = "REAL" if op.get_bind().dialect.name == "sqlite" else "DOUBLE PRECISION"
    op.execute(
        "CREATE TABLE members (id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, "
        f"created_at {real} NOT NULL, revoked_at {real})"
    )
    op.execute("ALTER TABLE jobs ADD COLUMN made_by TEXT")


def downgrade() -> None:
    op.execute("DROP TABLE members")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("made_by")
