"""Leases: named locks that expire, held by one holder at a time.

A worker takes a lease before it watches an account, steps a batch or keeps a video's files, so two
workers (threads, processes or hosts on one queue) never do the same work at once, and the work of
a worker that was killed is taken over once its lease runs out. A holder that works for longer
renews its lease while it works (``Lease.kept``).

Each step is one atomic operation on the queue's own storage:

- on Redis, ``SET NX PX`` to take a free lease, and scripts that extend or delete the lease only
  while it still carries the holder's token (the server's clock decides expiry);
- on SQLite, one conditional statement on a ``leases`` table in the queue's file: an insert that
  takes over a row only when its time has run out, an update or delete only for the holder's token.

So an expired lease is taken over by exactly one new holder, and a holder whose lease was taken
over can neither extend nor release its successor's.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Protocol

from huey.storage import RedisStorage, SqliteStorage

_REDIS_PREFIX = "heygen-studio:lease:"
_REDIS_RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
                "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end")
_REDIS_RELEASE = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
                  "return redis.call('del', KEYS[1]) else return 0 end")
_SQLITE_TABLE = "CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, token TEXT NOT NULL, until REAL NOT NULL)"
_SQLITE_TAKE = ("INSERT INTO leases (name, token, until) VALUES (:name, :token, :until) "
                "ON CONFLICT (name) DO UPDATE SET token = excluded.token, until = excluded.until "
                "WHERE leases.until <= :now")
_SQLITE_HELD = "SELECT 1 FROM leases WHERE name = :name AND until > :now"
_SQLITE_RENEW = "UPDATE leases SET until = :until WHERE name = :name AND token = :token AND until > :now"
_SQLITE_RELEASE = "DELETE FROM leases WHERE name = :name AND token = :token"


class Backend(Protocol):
    """Where leases live; each method is one atomic step and says whether it took effect."""

    def take(self, name: str, token: str, seconds: float, now: float) -> bool: ...

    def renew(self, name: str, token: str, seconds: float, now: float) -> bool: ...

    def release(self, name: str, token: str) -> bool: ...


class RedisLeases:
    """Leases as Redis keys that expire by themselves (``now`` is ignored: Redis keeps the time)."""

    def __init__(self, conn) -> None:
        self._conn = conn
        self._renew = conn.register_script(_REDIS_RENEW)
        self._release = conn.register_script(_REDIS_RELEASE)

    def take(self, name: str, token: str, seconds: float, now: float) -> bool:
        return bool(self._conn.set(_REDIS_PREFIX + name, token, nx=True, px=_millis(seconds)))

    def renew(self, name: str, token: str, seconds: float, now: float) -> bool:
        return bool(self._renew(keys=[_REDIS_PREFIX + name], args=[token, _millis(seconds)]))

    def release(self, name: str, token: str) -> bool:
        return bool(self._release(keys=[_REDIS_PREFIX + name], args=[token]))


class SqliteLeases:
    """Leases as rows of a table in a SQLite file (the queue's own), each step one statement."""

    def __init__(self, filename: str, timeout: float = 30.0) -> None:
        self._filename, self._timeout = filename, timeout
        with self._connect() as conn:
            conn.execute(_SQLITE_TABLE)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self._filename, timeout=self._timeout, isolation_level=None)
        try:
            yield conn
        finally:
            conn.close()

    def _changed(self, statement: str, **params: object) -> bool:
        with self._connect() as conn:
            return conn.execute(statement, params).rowcount == 1

    def take(self, name: str, token: str, seconds: float, now: float) -> bool:
        with self._connect() as conn:
            held = conn.execute(_SQLITE_HELD, {"name": name, "now": now}).fetchone()
            if held is not None:  # read first: a lease held by someone else costs no write lock
                return False
            return conn.execute(_SQLITE_TAKE, {"name": name, "token": token, "until": now + seconds,
                                               "now": now}).rowcount == 1

    def renew(self, name: str, token: str, seconds: float, now: float) -> bool:
        return self._changed(_SQLITE_RENEW, name=name, token=token, until=now + seconds, now=now)

    def release(self, name: str, token: str) -> bool:
        return self._changed(_SQLITE_RELEASE, name=name, token=token)


def for_huey(huey) -> Backend:
    """The lease backend on the storage of a Huey instance (Redis or SQLite)."""
    storage = huey.storage
    if isinstance(storage, RedisStorage):
        return RedisLeases(storage.conn)
    if isinstance(storage, SqliteStorage):
        return SqliteLeases(storage.filename)
    raise TypeError(f"No leases for a queue on {type(storage).__name__}; use Redis or SQLite.")


class Lease:
    """One holder's claim on the lease ``name`` for ``seconds`` at a time.

    Every ``Lease`` has a token of its own: two ``Lease`` objects never share a hold, even with the
    same ``owner`` (two threads of one worker exclude each other too).
    """

    def __init__(self, backend: Backend, name: str, owner: str, seconds: float) -> None:
        if seconds <= 0:
            raise ValueError("seconds must be positive")
        self.name, self.seconds = name, seconds
        self.token = f"{owner}:{uuid.uuid4().hex}"
        self._backend = backend
        self.lost = threading.Event()  # set when a renewal found the lease taken over

    def acquire(self, now: float | None = None) -> bool:
        """Take the lease if it is free or its holder's time ran out; whether it is now held."""
        return self._backend.take(self.name, self.token, self.seconds, _now(now))

    def renew(self, now: float | None = None) -> bool:
        """Extend the hold by ``seconds`` from now; False (and ``lost`` set) when it is no longer held."""
        held = self._backend.renew(self.name, self.token, self.seconds, _now(now))
        if not held:
            self.lost.set()
        return held

    def release(self) -> bool:
        """Give the lease back; False when it was no longer this holder's (nothing is deleted then)."""
        return self._backend.release(self.name, self.token)

    @contextlib.contextmanager
    def kept(self, every: float | None = None) -> Iterator[Lease]:
        """Renew the held lease every ``every`` seconds (a third of ``seconds`` by default) until the
        block ends, then release it."""
        _RENEWER.add(self, every if every is not None else self.seconds / 3)
        try:
            yield self
        finally:
            _RENEWER.remove(self)
            self.release()


class _Renewer:
    """One thread per process that renews every lease held in a ``kept`` block when it is due."""

    def __init__(self) -> None:
        self._due: dict[Lease, tuple[float, float]] = {}  # lease -> (next renewal, interval)
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, lease: Lease, interval: float) -> None:
        with self._changed:
            self._due[lease] = (time.monotonic() + interval, interval)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="lease renewals", daemon=True)
                self._thread.start()
            self._changed.notify()

    def remove(self, lease: Lease) -> None:
        with self._changed:
            self._due.pop(lease, None)

    def _run(self) -> None:
        while True:
            with self._changed:
                now = time.monotonic()
                due = [lease for lease, (at, _) in self._due.items() if at <= now]
                for lease in due:
                    self._due[lease] = (now + self._due[lease][1], self._due[lease][1])
                if not due:
                    soonest = min((at for at, _ in self._due.values()), default=now + 60.0)
                    self._changed.wait(max(0.01, soonest - now))
                    continue
            for lease in due:
                try:
                    if not lease.renew():
                        self.remove(lease)
                except Exception:  # noqa: BLE001 - a storage hiccup: the next renewal tries again
                    pass


_RENEWER = _Renewer()


def _millis(seconds: float) -> int:
    return max(1, int(round(seconds * 1000)))


def _now(now: float | None) -> float:
    return time.time() if now is None else now
