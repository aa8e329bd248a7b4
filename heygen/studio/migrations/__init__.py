"""Alembic migration scripts of the studio's database (run by heygen.studio.db; no alembic.ini needed)."""
