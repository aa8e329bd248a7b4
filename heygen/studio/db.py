"""The studio's database: where it is, its connections and transactions, and its numbered migrations.

One Database serves the job store (heygen.studio.jobs) and the batch store (heygen.studio.batch),
on SQLite (a private file in the data folder, the default) or PostgreSQL (team mode, from
$HEYGEN_STUDIO_DATABASE_URL). The schema is a chain of Alembic revisions kept in
heygen/studio/migrations/versions (0001 is the first release's schema); opening a Database brings
it to the newest revision, and a database written by a newer studio is refused with JobStoreError.
A file of the first release (PRAGMA user_version 2, no Alembic table) is recognised and kept as is.

Every piece of work runs through ``Database.run(fn, write=...)`` inside one transaction: on SQLite a
write is ``BEGIN IMMEDIATE`` (writers queue, retried while the file stays locked); on PostgreSQL
rows to change are locked with ``FOR UPDATE`` (see ``for_update``).
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url

from .config import Settings
from .datadir import private_dir, private_file

__all__ = [
    "DATABASE_URL_ENV", "DATA_DIR_ENV", "DB_FILENAME", "HEAD", "Database", "JobStoreError", "configured_url",
    "default_data_dir", "newest_revision", "query",
]

DATABASE_URL_ENV = "HEYGEN_STUDIO_DATABASE_URL"
DATA_DIR_ENV = "HEYGEN_STUDIO_DATA_DIR"
DB_FILENAME = "jobs.sqlite3"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The revision of the first release's schema (PRAGMA user_version 2 before Alembic).
RELEASE_1_REVISION = "0001"
RELEASE_1_USER_VERSION = 2
# PRAGMA user_version of a file managed by Alembic: the first release refuses it as "newer".
ALEMBIC_USER_VERSION = 3

_BUSY_TIMEOUT_MS = 5000
_LOCK_RETRIES = 8
_IDLE_CONNECTIONS = 8
# PostgreSQL connections beyond the idle ones, per process, before a caller waits for one.
_PG_EXTRA_CONNECTIONS = 24
# Any constant: the key of the PostgreSQL advisory lock held while migrating.
_MIGRATION_LOCK_KEY = 7_345_120_901

_T = TypeVar("_T")


class JobStoreError(Exception):
    """The job database cannot be used (damaged, unreadable, too new, or stayed locked)."""


def default_data_dir() -> Path:
    """The folder holding the studio's local data: $HEYGEN_STUDIO_DATA_DIR or ./.studio-data (see Settings)."""
    return Settings.from_env().data_dir


def configured_url() -> str | None:
    """$HEYGEN_STUDIO_DATABASE_URL when set (e.g. postgresql+psycopg://user@host:5432/studio), else None."""
    return Settings.from_env().database_url


@functools.lru_cache(maxsize=512)
def _text(statement: str) -> sa.TextClause:
    return sa.text(statement)


def query(conn: Connection, statement: str, params: Mapping[str, Any] | list[Mapping[str, Any]] | None = None):
    """Execute one SQL statement with ``:name`` parameters (a list of dicts runs it once per dict)."""
    return conn.execute(_text(statement), params if params is not None else {})


@functools.lru_cache(maxsize=1)
def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def newest_revision() -> str:
    """The newest schema revision this code knows (e.g. "0002")."""
    return _script().get_current_head()


HEAD = "0009"


def _is_lock_error(orig: BaseException) -> bool:
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig).lower()
        return "locked" in text or "busy" in text
    # PostgreSQL: serialization failure or deadlock (SQLSTATE class 40), worth one more try.
    return str(getattr(orig, "sqlstate", "") or "").startswith("40")


def _casefold(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


class Database:
    """The studio's database at `target`: a URL, a SQLite file or folder, or None for the configured default.

    None means $HEYGEN_STUDIO_DATABASE_URL, else <default_data_dir()>/jobs.sqlite3. A folder means the
    jobs.sqlite3 inside it. The schema is brought to the newest revision on opening.
    """

    def __init__(self, target: str | os.PathLike | None = None) -> None:
        if target is None:
            target = configured_url() or default_data_dir() / DB_FILENAME
        self.path: Path | None = None
        if isinstance(target, str) and "://" in target:
            url = make_url(target)
            if url.get_backend_name() == "sqlite":
                if not url.database or url.database == ":memory:":
                    raise JobStoreError("The job database must be a file; an in-memory SQLite database is not supported.")
                self.path = self._private_path(Path(url.database))
            elif url.get_backend_name() != "postgresql":
                raise JobStoreError(
                    f"The job database URL must start with postgresql+psycopg:// or sqlite:/// (got {url.drivername}://)."
                )
            else:
                if url.drivername == "postgresql":
                    url = url.set(drivername="postgresql+psycopg")
                self.url = url
        else:
            self.path = self._private_path(Path(target))
        if self.path is not None:
            self.url = make_url("sqlite+pysqlite://").set(database=str(self.path))
        self.dialect = "sqlite" if self.path is not None else "postgresql"
        self.label = str(self.path) if self.path is not None else self.url.render_as_string(hide_password=True)
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self.engine = self._engine()
        self._fold_collation = ""
        self.run(self._migrate, write=True)

    def __repr__(self) -> str:
        return f"Database({self.label!r})"

    @property
    def is_sqlite(self) -> bool:
        """True on SQLite, False on PostgreSQL."""
        return self.dialect == "sqlite"

    def close(self) -> None:
        """Close the pooled connections; the database reconnects if it is used again."""
        self.engine.dispose()

    # -- SQL that differs between the two databases

    @property
    def for_update(self) -> str:
        """Suffix locking the selected rows until the transaction ends (PostgreSQL; SQLite's writes are serial)."""
        return "" if self.is_sqlite else " FOR UPDATE"

    def contains_folded(self, column: str, param: str) -> str:
        """A condition true when `column` contains the parameter `param`, ignoring case (pass fold(text) as value)."""
        if self.is_sqlite:
            return f"instr(casefold({column}), :{param}) > 0"
        return f"strpos(lower({column}{self._fold_collation}), :{param}) > 0"

    def fold(self, text: str) -> str:
        """`text` as contains_folded expects it."""
        return text.casefold() if self.is_sqlite else text.lower()

    def limit_value(self, limit: int | None) -> int | None:
        """The value to bind to ``LIMIT :limit`` for `limit` (None: no limit)."""
        if limit is not None:
            return limit
        return -1 if self.is_sqlite else None

    # -- connections and transactions

    @staticmethod
    def _private_path(path: Path) -> Path:
        if path.is_dir():
            path = path / DB_FILENAME
        try:
            private_dir(path.parent)
        except OSError as exc:
            raise JobStoreError(f"Cannot create the folder for the job database {path}: {exc.strerror or exc}.") from None
        try:
            private_file(path)  # SQLite gives the side files it creates later the same permissions
            for suffix in ("-wal", "-shm", "-journal"):
                private_file(f"{path}{suffix}", create=False)
        except OSError as exc:
            raise JobStoreError(f"Cannot make the job database {path} private: {exc.strerror or exc}.") from None
        return path

    def _engine(self) -> Engine:
        if not self.is_sqlite:
            return sa.create_engine(
                self.url, pool_size=_IDLE_CONNECTIONS, max_overflow=_PG_EXTRA_CONNECTIONS, pool_pre_ping=True,
                connect_args={"application_name": "heygen-studio"},
            )
        # check_same_thread=False: a connection moves between threads through the pool,
        # but only one thread uses it at a time. SQLite connections are cheap: no limit on how many.
        engine = sa.create_engine(
            self.url, pool_size=_IDLE_CONNECTIONS, max_overflow=-1,
            connect_args={"timeout": _BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            # The driver's own transaction handling is off: every BEGIN is issued by _on_begin.
            dbapi_conn.isolation_level = None
            dbapi_conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            dbapi_conn.execute("PRAGMA foreign_keys = ON")
            dbapi_conn.execute("PRAGMA synchronous = FULL")
            dbapi_conn.execute("PRAGMA journal_mode = WAL").fetchone()
            dbapi_conn.create_function("casefold", 1, _casefold, deterministic=True)

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("studio_write") else "BEGIN")

        return engine

    def _check_fork(self) -> None:
        with self._lock:
            if self._pid != os.getpid():
                # After a fork the parent's connections must not be used (nor closed) here.
                self.engine.dispose(close=False)
                self._pid = os.getpid()

    def run(self, fn: Callable[[Connection], _T], *, write: bool) -> _T:
        """Run `fn(conn)` in one transaction, committed when it returns; retried while the database is locked.

        `write` makes it a writing transaction (BEGIN IMMEDIATE on SQLite). Database trouble is
        raised as JobStoreError; an integrity error (a broken constraint) as it is.
        """
        self._check_fork()
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.engine.connect() as conn:
                    conn.execution_options(studio_write=write)
                    with conn.begin():
                        return fn(conn)
            except sa.exc.IntegrityError:
                raise
            except sa.exc.TimeoutError:
                raise JobStoreError(f"The job database {self.label} has no free connection right now; try again.") from None
            except (sa.exc.DBAPIError, sqlite3.Error) as exc:
                orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
                if self.is_sqlite and isinstance(exc, (sa.exc.ProgrammingError, sa.exc.InterfaceError)):
                    raise
                if _is_lock_error(orig):
                    if attempt < _LOCK_RETRIES:
                        time.sleep(min(0.05 * attempt, 0.5))
                        continue
                    raise JobStoreError(f"The job database {self.label} stayed locked by another program; try again.") from None
                if isinstance(orig, sqlite3.DatabaseError) and not isinstance(orig, sqlite3.OperationalError):
                    raise JobStoreError(f"The job database {self.label} is damaged or is not a job database ({orig}).") from None
                raise JobStoreError(f"The job database {self.label} cannot be used: {str(orig).strip()}.") from None

    # -- migrations

    def _migrate(self, conn: Connection) -> None:
        """Bring the schema to the newest revision inside the opening write transaction."""
        from alembic.runtime.migration import MigrationContext

        if not self.is_sqlite:
            query(conn, "SELECT pg_advisory_xact_lock(:key)", {"key": _MIGRATION_LOCK_KEY})
            has_icu = query(conn, "SELECT count(*) FROM pg_collation WHERE collname = 'und-x-icu'").scalar()
            self._fold_collation = ' COLLATE "und-x-icu"' if has_icu else ""
        found = MigrationContext.configure(conn).get_current_revision()
        script = _script()
        newest = script.get_current_head()
        if found is None and self.is_sqlite:
            user_version = query(conn, "PRAGMA user_version").scalar()
            if user_version > RELEASE_1_USER_VERSION:
                raise self._too_new(f"schema {user_version}", newest)
            if user_version == RELEASE_1_USER_VERSION:
                self._alembic(conn, "stamp", RELEASE_1_REVISION)
                found = RELEASE_1_REVISION
            # user_version 1 (jobs only): revision 0001 creates what is missing and keeps the rest.
        if found is not None:
            try:
                script.get_revision(found)
            except Exception:  # noqa: BLE001 - any lookup failure means a revision this code does not have
                raise self._too_new(f"revision {found}", newest) from None
        if found != newest:
            self._alembic(conn, "upgrade", "head")
        if self.is_sqlite:
            query(conn, f"PRAGMA user_version = {ALEMBIC_USER_VERSION}")

    def _too_new(self, found: str, newest: str) -> JobStoreError:
        return JobStoreError(
            f"The job database {self.label} was written by a newer version of the studio"
            f" ({found}; this version knows up to revision {newest})."
        )

    @staticmethod
    def _alembic(conn: Connection, command_name: str, revision: str) -> None:
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
        config.attributes["connection"] = conn
        getattr(command, command_name)(config, revision)
