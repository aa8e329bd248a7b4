"""The user's studio preferences that are not configuration: for now, how long finished videos are kept.

They live in a small private JSON file (0600) in the data folder. A retention policy is
``"everything"``, ``"nothing"`` or ``("days", N)`` with N a whole number of days (1 to 3650).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Union

from .datadir import FILE_MODE, private_dir
from .jobs import default_data_dir

__all__ = ["DEFAULT_RETENTION", "FILENAME", "MAX_DAYS", "Retention", "check_retention", "get_retention",
           "set_retention"]

Retention = Union[str, tuple]  # "everything" | "nothing" | ("days", N)

FILENAME = "preferences.json"
DEFAULT_RETENTION: Retention = "everything"
MAX_DAYS = 3650


def check_retention(policy: object) -> Retention:
    """``policy`` in its canonical form (a list ``["days", N]`` becomes a tuple); ValueError when it is not one."""
    if policy in ("everything", "nothing"):
        return policy  # type: ignore[return-value]
    if isinstance(policy, (tuple, list)) and len(policy) == 2 and policy[0] == "days":
        days = policy[1]
        if isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= MAX_DAYS:
            return ("days", days)
    raise ValueError(f'retention must be "everything", "nothing" or ("days", N) with N from 1 to {MAX_DAYS}')


def get_retention(data_dir: str | os.PathLike | None = None) -> Retention:
    """The saved retention policy, or ``DEFAULT_RETENTION`` when none was saved (or the file is unreadable)."""
    try:
        saved = _read(_path(data_dir)).get("retention")
        return check_retention(saved)
    except (OSError, ValueError):
        return DEFAULT_RETENTION


def set_retention(policy: Retention, data_dir: str | os.PathLike | None = None) -> Retention:
    """Save ``policy`` (checked first; ValueError when invalid) and return its canonical form."""
    policy = check_retention(policy)
    path = _path(data_dir)
    try:
        prefs = _read(path)
    except (OSError, ValueError):
        prefs = {}
    prefs["retention"] = list(policy) if isinstance(policy, tuple) else policy
    _write(path, prefs)
    return policy


def _path(data_dir: str | os.PathLike | None) -> Path:
    return Path(default_data_dir() if data_dir is None else data_dir) / FILENAME


def _read(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ValueError("preferences must be a JSON object")
    return data


def _write(path: Path, prefs: dict) -> None:
    folder = private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(prefs, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
