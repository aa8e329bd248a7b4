"""One claim mechanism: the worker's leases (heygen.studio.leases) replace the row claims of 0002.

Drops what only the row claims used: jobs.next_check_at, checked_at, claimed_by, claimed_until,
archived_at and media_dir; batch_rows.claimed_by and claimed_until; their indexes; and the settings
table, which nothing reads.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
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


def upgrade() -> None:
    op.execute("DROP TABLE settings")
    for name, _target in _INDEXES:
        op.execute(f"DROP INDEX {name}")
    for table, column, _kind in _COLUMNS:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def downgrade() -> None:
    real = "REAL" if op.get_bind().dialect.name == "sqlite" else "DOUBLE PRECISION"
    for table, column, kind in _COLUMNS:
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind.format(real=real)}")
    for name, target in _INDEXES:
        op.execute(f"CREATE INDEX {name} ON {target}")
    op.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")
