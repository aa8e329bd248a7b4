"""A lease holder for the race test, run as its own process.

    python lease_holder.py BACKEND ROUNDS FOLDER SECONDS

BACKEND is a redis:// URL or a SQLite file. Each round takes the lease "race" (trying again until it
is free), checks that nobody else holds it, does a read-modify-write of a shared counter, and gives
the lease back. The holder checks for itself: a marker file that only a holder may create (another
live holder's marker is a second holder), and a release that finds the lease no longer its own (it
was taken over while held). Each finished round is appended to FOLDER/progress-PID; each breach to
FOLDER/breaches.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from heygen.studio import leases  # noqa: E402


def backend_for(spec: str) -> leases.Backend:
    if spec.startswith("redis://"):
        import redis

        return leases.RedisLeases(redis.Redis.from_url(spec))
    return leases.SqliteLeases(spec)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process its parent has not reaped yet is not a holder
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def breach(folder: Path, what: str) -> None:
    with open(folder / "breaches", "a") as out:
        out.write(f"{os.getpid()} {what}\n")


def claim_marker(folder: Path) -> None:
    marker = folder / "holder"
    while True:
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                other = int(marker.read_text() or "0")
            except (OSError, ValueError):
                other = 0  # being written or removed by a holder this instant
            if other and alive(other):
                breach(folder, f"marker held by live process {other}")
                return
            marker.unlink(missing_ok=True)  # left by a killed holder whose lease ran out
            continue
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        return


def main(spec: str, rounds: int, folder: Path, seconds: float) -> None:
    backend = backend_for(spec)
    progress = open(folder / f"progress-{os.getpid()}", "a", buffering=1)
    counter = folder / "counter"
    for _ in range(rounds):
        lease = leases.Lease(backend, "race", f"holder-{os.getpid()}", seconds)
        while not lease.acquire():
            time.sleep(0.002)  # the other holder has it: try again shortly
        with lease.kept():
            claim_marker(folder)
            value = int(counter.read_text() or "0") if counter.exists() else 0
            scratch = folder / f"counter-{os.getpid()}"
            scratch.write_text(str(value + 1))
            os.replace(scratch, counter)  # a holder killed mid-write leaves the old count, never half of one
            (folder / "holder").unlink(missing_ok=True)
            if not lease.renew():
                breach(folder, "lease taken over while held")
        progress.write("1\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4]))
