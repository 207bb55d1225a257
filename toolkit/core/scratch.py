"""One scratch folder per run, removed at exit and, when a run dies, at the start of the next.

Temporary copies (a gzip or zip member unpacked, a file transcoded to UTF-8, a dry run's staging)
go under ``$TMPDIR/cxtk-scratch-<uid>/run-<pid>-<random>/``. A run holds an exclusive lock on its
folder's ``.lock`` for as long as it lives; at exit the folder is removed. A run that is killed
(``kill -9``, the OOM killer, an abort inside a native library) cannot remove it, so every run
starts by removing the folders whose lock nobody holds: what a dead run left is gone at the next
``cxtk`` command, and a folder in use by a live run is never touched.

The folder is created as ``tmp-…``, locked, then renamed to ``run-…``: a ``run-`` folder is
always locked while its run lives (without fcntl, on Windows, a folder is taken as abandoned after a
day). The root is made private (mode 0700) and must be a real
folder owned by this user, not a symlink planted by someone else.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import IO

from toolkit.core.errors import CxtkError

_run: Path | None = None
_lock: IO[str] | None = None

#: A ``tmp-`` folder (a run that died while creating its folder) is removed once this old.
STALE_TMP_SECONDS = 60


def scratch_root() -> Path:
    """``$TMPDIR/cxtk-scratch-<uid>``: the parent of every run's folder."""
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"cxtk-scratch-{uid}"


def _private_root() -> Path:
    root = scratch_root()
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(root)
    except OSError as exc:
        raise CxtkError(f"{root}: cannot create the scratch folder there ({exc.strerror}); "
                        "set TMPDIR to a folder you can write to") from None
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    if not stat.S_ISDIR(info.st_mode) or not mine:
        raise CxtkError(f"{root}: is not a folder of yours (a link or another user's?); remove it or set TMPDIR")
    return root


def _try_lock(handle: IO[str]) -> bool:
    """An exclusive, non-blocking lock on ``handle``; True when taken (always, without fcntl)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: _abandoned goes by age instead
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


#: Without ``fcntl`` (Windows) a lock cannot be tested: a run folder is taken as abandoned once this old.
STALE_UNLOCKABLE_SECONDS = 24 * 3600


def _abandoned(folder: Path) -> bool:
    """True when no live run holds ``folder``'s lock."""
    try:
        import fcntl  # noqa: F401
    except ImportError:  # pragma: no cover - Windows
        try:
            return time.time() - folder.stat().st_mtime > STALE_UNLOCKABLE_SECONDS
        except OSError:
            return False
    try:
        with open(folder / ".lock", "a", encoding="utf-8") as handle:
            return _try_lock(handle)  # closing the file releases the lock again
    except FileNotFoundError:
        return True  # a run folder always has its lock: this one was half removed
    except OSError:
        return False


def sweep() -> list[Path]:
    """Remove the run folders that dead runs left behind; return them. Cheap when there are none."""
    root = scratch_root()
    try:
        entries = list(os.scandir(root))
    except OSError:
        return []
    removed = []
    for entry in entries:
        folder = Path(entry.path)
        if folder == _run or not entry.is_dir(follow_symlinks=False):
            continue
        if entry.name.startswith("tmp-"):
            with contextlib.suppress(OSError):
                if time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_TMP_SECONDS:
                    continue
        elif not entry.name.startswith("run-"):
            continue
        if _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def run_dir() -> Path:
    """This run's scratch folder, created (and what dead runs left removed) on first use."""
    global _run, _lock
    if _run is not None and _run.is_dir():
        return _run
    root = _private_root()
    sweep()
    tmp = Path(tempfile.mkdtemp(prefix="tmp-", dir=root))
    handle = open(tmp / ".lock", "w", encoding="utf-8")  # noqa: SIM115 - held open while the run lives
    _try_lock(handle)
    run = root / f"run-{os.getpid()}-{tmp.name[4:]}"
    tmp.rename(run)
    _run, _lock = run, handle
    atexit.register(_remove, run, handle)
    return run


def _remove(run: Path, handle: IO[str]) -> None:
    global _run, _lock
    shutil.rmtree(run, ignore_errors=True)
    with contextlib.suppress(OSError):
        handle.close()
    if _run == run:
        _run, _lock = None, None
