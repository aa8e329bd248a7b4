"""Revision 0005 on a database made by revision 0004 (review links kept as plain tokens): the links
already sent keep opening their reviews, and the plain tokens are gone from the database."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from heygen.studio.db import MIGRATIONS_DIR, query
from heygen.studio.jobs import JobStore
from heygen.studio.reviews import ReviewStore, count_visitors, token_hash

NOW = 1_800_000_000.0
TOKENS = [f"PlainToken{n:02d}-abcdefghijklmnopqrstuvw" for n in range(40)]


def old_database(url: str) -> None:
    """A database at revision 0004, holding reviews whose tokens are stored as they are."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        for n, token in enumerate(TOKENS):
            query(conn, "INSERT INTO reviews (id, account, token, title, message, created_at, expires_at) "
                        "VALUES (:id, 'acct', :token, :title, '', :now, :until)",
                  {"id": f"review-{n}", "token": token, "title": f"Cut {n}", "now": NOW, "until": NOW + 86_400})
            query(conn, "INSERT INTO review_items (review_id, position, job_id, title) VALUES (:id, 0, :job, 'A')",
                  {"id": f"review-{n}", "job": f"job-{n}"})
            query(conn, "INSERT INTO review_events (id, review_id, job_id, kind, at) VALUES (:id, :review, NULL, "
                        "'visit', :now)", {"id": f"visit-{n}", "review": f"review-{n}", "now": NOW})
    engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.team)])
def test_links_made_before_keep_working_and_their_tokens_are_no_longer_stored(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    file = tmp_path / "jobs.sqlite3"
    url = f"sqlite:///{file}" if kind == "sqlite" else request.getfixturevalue("postgres_url")
    old_database(url)
    if kind == "sqlite":
        assert TOKENS[0].encode() in file.read_bytes()  # the test is worth something: the token was there
    with JobStore(url) as jobs:
        store = ReviewStore(jobs.db)
        for n, token in enumerate(TOKENS):
            review = store.by_token(token)
            assert review is not None and review.id == f"review-{n}" and review.is_open(NOW)
            assert review.token_hash == token_hash(token) and [i.job_id for i in review.items] == [f"job-{n}"]
        everything = jobs.db.run(lambda c: query(c, "SELECT * FROM reviews").fetchall(), write=False)
        assert not any(token in repr(everything) for token in TOKENS)
        store.record_visit(store.get("review-0"), visitor="cookie", now=NOW + 1)
        assert count_visitors(store.events("review-0")) == 2  # the old visit, without a visitor, still counts
        store.decide(store.get("review-0"), "job-0", "approved", now=NOW + 2)
    if kind == "sqlite":
        data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("jobs.sqlite3"))
        assert not any(token.encode() in data for token in TOKENS)
