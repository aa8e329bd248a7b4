"""Throwaway Redis and PostgreSQL servers for the team-mode tests.

Each server listens on a free port on 127.0.0.1 only, keeps all its files in
its own temporary folder, and is removed with that folder when stopped.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

HOST = "127.0.0.1"
START_SECONDS = 60.0
STOP_SECONDS = 30.0
PORT_ATTEMPTS = 3
INSTALL_HINT = "run `apt-get install -y redis-server postgresql` (scripts/test.sh does this)"


class ServerError(RuntimeError):
    """A throwaway server could not be started or stopped."""


def in_ci() -> bool:
    """True when the CI variable is set to anything but an empty/false value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def redis_binary() -> str | None:
    """Path of redis-server, or None when it is not installed."""
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else None
    )


def postgres_bin_dir() -> Path | None:
    """Newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, or None."""
    found = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        bin_dir = Path(initdb).parent
        version = bin_dir.parent.name
        if (bin_dir / "pg_ctl").exists() and version.replace(".", "").isdigit():
            found.append((tuple(int(p) for p in version.split(".")), bin_dir))
    return max(found)[1] if found else None


def missing_reason(what: str) -> str | None:
    """Why `what` ("redis" or "postgres") cannot run here, or None if it can."""
    if what == "redis" and redis_binary() is None:
        return f"redis-server is not installed; {INSTALL_HINT}"
    if what == "postgres" and postgres_bin_dir() is None:
        return f"PostgreSQL (initdb, pg_ctl) is not installed; {INSTALL_HINT}"
    return None


def libpq_url(url: str) -> str:
    """The plain libpq form (postgresql://...) of a SQLAlchemy PostgreSQL URL."""
    scheme, sep, rest = url.partition("://")
    return "postgresql" + sep + rest if scheme.startswith("postgresql") else url


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _log_tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log file)"
    return "\n".join(text[-lines:]) or "(log file is empty)"


def _read_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


def _redis_log_pid(log: Path) -> int | None:
    """Pid of the daemonised server, from its log lines ("PID:M ..."), which
    start before the pid file is written."""
    match = re.search(r"^(\d+):M ", _log_tail(log), re.MULTILINE)
    return int(match.group(1)) if match else None


def _alive(pid: int) -> bool:
    """True while the process runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1.0) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One redis-server daemon, without persistence, in a temporary folder."""

    def __init__(self) -> None:
        self.dir: Path | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> "RedisServer":
        binary = redis_binary()
        if binary is None:
            raise ServerError(missing_reason("redis"))
        self.dir = Path(tempfile.mkdtemp(prefix="studio-redis-"))
        try:
            for attempt in range(PORT_ATTEMPTS):
                self.port = free_port()
                if self._launch(binary, last_attempt=attempt == PORT_ATTEMPTS - 1):
                    return self
        except BaseException:
            self.stop()
            raise
        raise AssertionError("unreachable")

    def _launch(self, binary: str, last_attempt: bool) -> bool:
        """Start the daemon on self.port; False when another process took that port."""
        log, pidfile = self.dir / "redis.log", self.dir / "pid"
        log.unlink(missing_ok=True)
        command = [
            binary, "--port", str(self.port), "--bind", HOST, "--dir", str(self.dir),
            "--save", "", "--appendonly", "no", "--daemonize", "yes",
            "--pidfile", str(pidfile), "--logfile", str(log),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=START_SECONDS)
        if done.returncode != 0:
            self._fail(f"exited with status {done.returncode}: {done.stderr.strip()}")
        deadline = time.monotonic() + START_SECONDS
        while not _redis_ping(self.port):
            pid = _read_pid(pidfile) or _redis_log_pid(log)
            if pid is not None and not _alive(pid):
                if "Address already in use" in _log_tail(log) and not last_attempt:
                    return False
                self._fail("exited during start-up")
            if time.monotonic() > deadline:
                self._fail(f"did not answer PING within {START_SECONDS:.0f} s")
            time.sleep(0.05)
        return True

    def _fail(self, why: str) -> None:
        tail = _log_tail(self.dir / "redis.log")
        raise ServerError(f"redis-server on {HOST}:{self.port} {why}. Log tail:\n{tail}")

    def stop(self) -> None:
        """Stop the daemon (TERM, then KILL after a deadline) and remove its folder."""
        if self.dir is None:
            return
        pid = _read_pid(self.dir / "pid") or _redis_log_pid(self.dir / "redis.log")
        if pid is not None and _alive(pid):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            # The daemon is not our child, so poll instead of waiting for it.
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None


class PostgresServer:
    """One PostgreSQL cluster (trust auth, user "studio") in a temporary folder."""

    user = "studio"

    def __init__(self) -> None:
        self.dir: Path | None = None
        self.port = 0
        self.bin_dir = postgres_bin_dir()
        self._as: list[str] = []
        self._started = False

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL (psycopg 3 driver) of one database."""
        return f"postgresql+psycopg://{self.user}@{HOST}:{self.port}/{database}"

    def libpq_url(self, database: str = "postgres") -> str:
        """Plain libpq URL of one database."""
        return libpq_url(self.url(database))

    @property
    def log(self) -> Path:
        return self.dir / "postgres.log"

    def start(self) -> "PostgresServer":
        if self.bin_dir is None:
            raise ServerError(missing_reason("postgres"))
        self.dir = Path(tempfile.mkdtemp(prefix="studio-pg-"))
        try:
            self._as = self._run_as()
            self._run(
                "initdb", "initdb", "-D", str(self.dir / "data"), "-A", "trust",
                "-U", self.user, "-E", "UTF8", "--no-locale", "--no-sync",
            )
            for attempt in range(PORT_ATTEMPTS):
                self.port = free_port()
                try:
                    self._pg_ctl_start()
                    return self
                except ServerError:
                    lost_port = "Address already in use" in _log_tail(self.log)
                    if not lost_port or attempt == PORT_ATTEMPTS - 1:
                        raise
        except BaseException:
            self.stop()
            raise
        raise AssertionError("unreachable")

    def _run_as(self) -> list[str]:
        """Command prefix that runs the PostgreSQL binaries as a non-root user."""
        # initdb refuses to run as root, so root runs everything as "postgres".
        if os.geteuid() != 0:
            return []
        try:
            entry = pwd.getpwnam("postgres")
        except KeyError:
            raise ServerError(
                "running as root, and there is no 'postgres' user to run PostgreSQL as; "
                + INSTALL_HINT
            ) from None
        runuser = shutil.which("runuser")
        if runuser is None:
            raise ServerError("running as root, and runuser (util-linux) is missing")
        os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        return [runuser, "-u", "postgres", "--"]

    def _pg_ctl_start(self) -> None:
        self.log.unlink(missing_ok=True)
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses={HOST}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._started = True
        self._run(
            f"server on {HOST}:{self.port} (pg_ctl start)",
            "pg_ctl", "-D", str(self.dir / "data"), "-o", options, "-l", str(self.log),
            "-t", str(int(START_SECONDS)), "-w", "start",
            timeout=START_SECONDS + 10,
        )

    def _run(self, what: str, *args: str, timeout: float = START_SECONDS) -> None:
        command = self._as + [str(self.bin_dir / args[0]), *args[1:]]
        try:
            done = subprocess.run(
                command, cwd=self.dir, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            raise ServerError(
                f"PostgreSQL {what} did not finish within {timeout:.0f} s. "
                f"Log tail:\n{_log_tail(self.log)}"
            ) from None
        if done.returncode != 0:
            output = (done.stdout + done.stderr).strip()
            raise ServerError(
                f"PostgreSQL {what} failed (status {done.returncode}): {output}\n"
                f"Log tail:\n{_log_tail(self.log)}"
            )

    def stop(self) -> None:
        """Stop the server (fast, then immediate) and remove its folder."""
        if self.dir is None:
            return
        if self._started:
            self._started = False
            data = str(self.dir / "data")
            for mode in ("fast", "immediate"):
                try:
                    self._run(f"pg_ctl stop -m {mode}", "pg_ctl", "-D", data, "-m", mode,
                              "-t", str(int(STOP_SECONDS)), "-w", "stop",
                              timeout=STOP_SECONDS + 10)
                    break
                except ServerError:
                    continue
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def create_database(self) -> str:
        """Create an empty database with a unique name and return that name."""
        import psycopg

        name = f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.libpq_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connection still open to it."""
        import psycopg

        with psycopg.connect(self.libpq_url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
