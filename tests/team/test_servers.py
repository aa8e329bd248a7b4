"""The throwaway Redis and PostgreSQL servers work for what team mode needs:
Redis keys, SQLAlchemy Core over psycopg 3, and a Huey queue on Redis."""

from __future__ import annotations

import threading

import psycopg
import pytest
import redis
import sqlalchemy as sa
from huey import RedisHuey
from huey.consumer import Consumer

from tests.servers import libpq_url

pytestmark = pytest.mark.team

DEADLINE_SECONDS = 60


def test_redis_keys_round_trip(redis_url):
    with redis.Redis.from_url(redis_url) as client:
        assert client.dbsize() == 0
        client.set("studio:greeting", "hello")
        assert client.get("studio:greeting") == b"hello"


def test_redis_is_flushed_between_tests(redis_url):
    with redis.Redis.from_url(redis_url) as client:
        assert client.get("studio:greeting") is None


def test_sqlalchemy_core_on_postgres(postgres_url):
    assert postgres_url.startswith("postgresql+psycopg://studio@127.0.0.1:")
    metadata = sa.MetaData()
    jobs = sa.Table(
        "jobs", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
    )
    engine = sa.create_engine(postgres_url)
    try:
        metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(jobs.insert(), [{"title": "Welcome"}, {"title": "Renewal"}])
        with engine.connect() as conn:
            titles = conn.execute(sa.select(jobs.c.title).order_by(jobs.c.id)).scalars().all()
        assert titles == ["Welcome", "Renewal"]
    finally:
        engine.dispose()


def test_each_test_gets_a_fresh_database(postgres_url):
    with psycopg.connect(libpq_url(postgres_url)) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
        database = conn.execute("SELECT current_database()").fetchone()[0]
    assert tables == 0
    assert database.startswith("test_")


class InProcessConsumer(Consumer):
    """A Huey consumer whose threads run inside this process."""

    def _set_signal_handlers(self):
        # Only the main thread may install signal handlers; nothing here needs them.
        pass


def test_huey_task_runs_on_redis(redis_url):
    huey = RedisHuey("studio-test", url=redis_url)
    ran_in = []

    @huey.task()
    def add(a, b):
        ran_in.append(threading.current_thread().name)
        return a + b

    consumer = InProcessConsumer(huey, workers=1, worker_type="thread", periodic=False,
                                 max_delay=0.5)
    consumer.start()
    try:
        result = add(2, 3)
        assert result.get(blocking=True, timeout=DEADLINE_SECONDS) == 5
    finally:
        consumer.stop(graceful=True)
    assert ran_in and ran_in[0] != threading.current_thread().name
