"""Private files and folders for the studio's local data (job history, caches, archives).

Everything the studio keeps on disk is readable by the user only: folders are 0700 and files
0600 when created here, and an existing folder or file the user owns loses any group and other
permission bits (no permission is ever added). Files and folders owned by someone else are left
as they are. The process umask is never changed, so other threads are not affected.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["DIR_MODE", "FILE_MODE", "private_dir", "private_file"]

DIR_MODE = 0o700
FILE_MODE = 0o600
_OTHERS = 0o077


def private_dir(path: str | os.PathLike) -> Path:
    """Create the folder `path` (and missing parents) as 0700, or tighten it if it exists; return it.

    Raises OSError when it cannot be created, or exists and is not a folder.
    """
    folder = Path(path)
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _tighten(folder)
    return folder


def private_file(path: str | os.PathLike, *, create: bool = True) -> Path:
    """Make the file `path` private: create it empty as 0600 if missing (unless not `create`), else tighten it.

    An existing file's content is never touched. With ``create=False`` a missing file is left missing.
    Raises OSError when the file cannot be created or its permissions cannot be changed.
    """
    file = Path(path)
    if create:
        try:
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
        except FileExistsError:
            pass
        else:
            os.close(fd)
    try:
        _tighten(file)
    except FileNotFoundError:
        if create:
            raise
    return file


def _tighten(path: Path) -> None:
    """Remove the group and other permission bits of `path` when the current user owns it."""
    if os.name != "posix":
        return
    info = path.stat()
    if info.st_uid != os.getuid():
        return
    mode = stat.S_IMODE(info.st_mode)
    if mode & _OTHERS:
        os.chmod(path, mode & ~_OTHERS)
