"""Client reviews: links that show chosen finished videos to a client, and what the client decided.

reviews: id, account, token (the secret in the link, unique), title, message (shown to the client),
batch_id (set when the review is a batch's sample approval), created_at, expires_at, revoked_at.
review_items: review_id, position, job_id, title and note as the client sees them.
review_events: id, review_id, job_id (none for a visit), kind (visit, decision, comment), decision
(approved, changes), comment, moment (seconds into the video), who, at.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    real = "REAL" if op.get_bind().dialect.name == "sqlite" else "DOUBLE PRECISION"
    op.execute(
        "CREATE TABLE reviews (id TEXT PRIMARY KEY, account TEXT NOT NULL, token TEXT NOT NULL UNIQUE, "
        "title TEXT NOT NULL, message TEXT NOT NULL DEFAULT '', batch_id TEXT, "
        f"created_at {real} NOT NULL, expires_at {real} NOT NULL, revoked_at {real})"
    )
    op.execute("CREATE INDEX reviews_account ON reviews (account, created_at)")
    op.execute(
        "CREATE TABLE review_items (review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE, "
        "position INTEGER NOT NULL, job_id TEXT NOT NULL, title TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', "
        "PRIMARY KEY (review_id, position))"
    )
    op.execute("CREATE INDEX review_items_job ON review_items (job_id)")
    op.execute(
        "CREATE TABLE review_events (id TEXT PRIMARY KEY, "
        "review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE, job_id TEXT, kind TEXT NOT NULL, "
        f"decision TEXT, comment TEXT, moment {real}, who TEXT, at {real} NOT NULL)"
    )
    op.execute("CREATE INDEX review_events_review ON review_events (review_id, at)")
    op.execute("CREATE INDEX review_events_job ON review_events (job_id, at)")


def downgrade() -> None:
    op.execute("DROP TABLE review_events")
    op.execute("DROP TABLE review_items")
    op.execute("DROP TABLE reviews")
