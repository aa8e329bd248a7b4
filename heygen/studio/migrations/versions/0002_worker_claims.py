"""What the background worker needs: when to look at a job next, who holds it, and app settings.

jobs: next_check_at (NULL: due now), checked_at (when the worker last looked), claimed_by and
claimed_until (a worker's lease), archived_at, media_dir. batch_rows: claimed_by, claimed_until.
settings: one value per key (e.g. media retention). Every new column is nullable, so existing
rows and the first release's data stay as they are.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("jobs", "next_check_at", "{real}"),
    ("jobs", "checked_at", "{real}"),
    ("jobs", "claimed_by", "TEXT"),
    ("jobs", "claimed_until", "{real}"),
    ("jobs", "archived_at", "{real}"),
    ("jobs", "media_dir", "TEXT"),
    ("batch_rows", "claimed_by", "TEXT"),
    ("batch_rows", "claimed_until", "{real}"),
)
_INDEXES = (
    ("jobs_due", "jobs (status, next_check_at)"),
    ("jobs_claimed", "jobs (claimed_until)"),
    ("batch_rows_claimed", "batch_rows (batch_id, claimed_until)"),
)


def _real() -> str:
    return "REAL" if op.get_bind().dialect.name == "sqlite" else "DOUBLE PRECISION"


def upgrade() -> None:
    real = _real()
    for table, column, kind in _COLUMNS:
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind.format(real=real)}")
    for name, target in _INDEXES:
        op.execute(f"CREATE INDEX {name} ON {target}")
    op.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")


def downgrade() -> None:
    op.execute("DROP TABLE settings")
    for name, _target in _INDEXES:
        op.execute(f"DROP INDEX {name}")
    for table, column, _kind in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
