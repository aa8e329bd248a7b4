"""Review links stored hashed, and visits counted by visitor.

reviews.token becomes reviews.token_hash: the SHA-256 (hex) of the link's token, still unique. Every
existing token is replaced by its hash, so the links already sent keep working and the plain token
is no longer in the database (on SQLite the freed bytes are overwritten with zeros).
review_events.visitor: a hash of the visitor's browser id, for visits (none when it was not known).

Going back down keeps the hashes under the old column name: links made before cannot be opened by an
older studio, which then says they have expired.

Revision ID: 0005
Revises: 0004
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        secure = bind.exec_driver_sql("PRAGMA secure_delete").scalar()
        bind.exec_driver_sql("PRAGMA secure_delete = ON")
    rows = bind.execute(sa.text("SELECT id, token FROM reviews")).fetchall()
    for review_id, token in rows:
        bind.execute(sa.text("UPDATE reviews SET token = :hash WHERE id = :id"),
                     {"id": review_id, "hash": hashlib.sha256(token.encode("utf-8")).hexdigest()})
    if sqlite:
        bind.exec_driver_sql(f"PRAGMA secure_delete = {int(secure or 0)}")
    op.execute("ALTER TABLE reviews RENAME COLUMN token TO token_hash")
    op.execute("ALTER TABLE review_events ADD COLUMN visitor TEXT")
    op.execute("CREATE INDEX review_events_visitor ON review_events (review_id, visitor)")


def downgrade() -> None:
    op.execute("DROP INDEX review_events_visitor")
    op.execute("ALTER TABLE review_events DROP COLUMN visitor")
    op.execute("ALTER TABLE reviews RENAME COLUMN token_hash TO token")
