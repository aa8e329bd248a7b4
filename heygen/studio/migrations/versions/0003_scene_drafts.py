"""Drafts of multi-scene videos: one row per storyboard, kept until the user deletes it.

scene_drafts: id, account (the fingerprint the draft was made under), title, storyboard (JSON),
created_at, updated_at. The draft's files (photos, images, audio, clips) live in the data folder,
never in the database.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    real = "REAL" if op.get_bind().dialect.name == "sqlite" else "DOUBLE PRECISION"
    op.execute(
        "CREATE TABLE scene_drafts (id TEXT PRIMARY KEY, account TEXT NOT NULL, title TEXT NOT NULL, "
        f"storyboard TEXT NOT NULL, created_at {real} NOT NULL, updated_at {real} NOT NULL)"
    )
    op.execute("CREATE INDEX scene_drafts_account ON scene_drafts (account, updated_at)")


def downgrade() -> None:
    op.execute("DROP INDEX scene_drafts_account")
    op.execute("DROP TABLE scene_drafts")
