"""The cache folder (job state, learners' trained models) is private to the user running us.

The default lives in the shared temporary folder, where any user could create it first
(to read learners' runs, or to plant files the app would load). So it is created with
mode 0700 and checked before use: it must be a real folder (not a symlink), owned by this
user, and not readable or writable by others (a looser mode is tightened). A folder set
with CACHE_DIR is the operator's choice: it is created 0700 when missing, and a warning
is logged when it is open to other users.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_MODE = 0o700


class UnsafeCacheDir(RuntimeError):
    """The cache folder could be read or changed by another user."""


def ensure_private_dir(path: str | os.PathLike, *, strict: bool) -> Path:
    """Create `path` 0700 if missing. `strict` (the default folder in the shared temporary
    folder): check it is a plain folder owned by this user, and make it 0700; raises
    UnsafeCacheDir otherwise. Not strict: only warn when others may use it."""
    folder = Path(path)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=PRIVATE_MODE)
    info = folder.lstat()
    if not strict:
        if stat.S_IMODE(folder.stat().st_mode) & 0o077:
            log.warning("CACHE_DIR %s is open to other users; consider chmod 700.", folder)
        return folder
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise UnsafeCacheDir(f"CACHE_DIR {folder} is not a plain folder (a symlink or a file).")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise UnsafeCacheDir(
            f"CACHE_DIR {folder} belongs to another user; set CACHE_DIR to a folder of your own."
        )
    if stat.S_IMODE(info.st_mode) & 0o077:
        folder.chmod(PRIVATE_MODE)
    return folder
