"""Alembic environment: runs the revisions on the connection (and transaction) heygen.studio.db hands over."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("The studio's migrations run only through heygen.studio.db.Database, on a live connection.")

context.configure(connection=connection)
with context.begin_transaction():
    context.run_migrations()
