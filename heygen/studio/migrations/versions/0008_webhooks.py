"""Webhooks: the endpoint registered with HeyGen for each account, and the events already received.

webhook_endpoints: account (primary key), endpoint_id, url, events (JSON list), secret, previous_secret and
previous_until (the secret before a rotation, still accepted until then), registered_at, caught_up_to (events
up to this time have been read from HeyGen's feed), missed_at (when a catch-up last found an event that
never arrived by delivery).
webhook_events: event_id (primary key), account, received_at: the events already acted on (replays are refused).

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    real = "REAL" if op.get_bind().dialect.name == "sqlite" else "DOUBLE PRECISION"
    op.execute(
        "CREATE TABLE webhook_endpoints (account TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, url TEXT NOT NULL, "
        f"events TEXT NOT NULL, secret TEXT NOT NULL, previous_secret TEXT, previous_until {real}, "
        f"registered_at {real} NOT NULL, caught_up_to {real}, missed_at {real})"
    )
    op.execute(f"CREATE TABLE webhook_events (event_id TEXT PRIMARY KEY, account TEXT NOT NULL, "
               f"received_at {real} NOT NULL)")
    op.execute("CREATE INDEX webhook_events_received ON webhook_events (received_at)")


def downgrade() -> None:
    op.execute("DROP TABLE webhook_events")
    op.execute("DROP TABLE webhook_endpoints")
