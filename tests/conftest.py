"""Fixtures for the team-mode tests: throwaway Redis and PostgreSQL servers (tests/servers.py).

Servers start only when a test asks for them, once per session, and stop at its end.
When a server's binaries are missing the test fails in CI (CI=true) and is skipped
elsewhere; a server that is installed but does not start always fails the test.

Fixtures:
    redis_server     session: "redis://127.0.0.1:PORT/0"
    postgres_server  session: "postgresql+psycopg://studio@127.0.0.1:PORT/postgres"
    redis_url        per test: redis_server's URL, its database flushed first
    postgres_url     per test: SQLAlchemy URL of a new empty database, dropped afterwards
The plain libpq form of a PostgreSQL URL is tests.servers.libpq_url(url).
"""

from __future__ import annotations

import os

import pytest

# AppTests run the app inside the test process, which then starts no background worker of its own.
# Its pages only read the store, as with a worker; a test that needs renders or batches to move on
# steps a real worker itself between reruns (tests.support.Worker, its tick() one inline round).
# tests/batch/test_worker.py tests the worker on its queue; browser tests run a real server with it on.
os.environ.setdefault("HEYGEN_STUDIO_WORKER", "off")

from tests import servers


def _start(what: str, server):
    reason = servers.missing_reason(what)
    if reason is not None:
        if servers.in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    try:
        return server.start()
    except servers.ServerError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def _redis():
    server = _start("redis", servers.RedisServer())
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _postgres():
    server = _start("postgres", servers.PostgresServer())
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server(_redis) -> str:
    return _redis.url


@pytest.fixture(scope="session")
def postgres_server(_postgres) -> str:
    return _postgres.url()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    import redis

    with redis.Redis.from_url(redis_server) as client:
        client.flushdb()
    return redis_server


@pytest.fixture
def postgres_url(_postgres):
    name = _postgres.create_database()
    yield _postgres.url(name)
    _postgres.drop_database(name)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Tests marked ``long`` first (the rest keep their order), so that parallel workers start them
    early instead of one worker running a long test alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
