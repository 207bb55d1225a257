"""Every file cxtk writes for a person (PDF, HTML, XLSX, CSV, JSON, Parquet, YAML draft, rejects) is
written whole or not at all.

``atomic_write(path)`` yields a temporary name in the same folder; when the block ends the file is
flushed to disk (fsync) and renamed over ``path`` (``os.replace``, atomic on POSIX). Killed while
writing, or out of disk space, the final name still holds the earlier file (or nothing) — never
a partial one — and the temporary file is removed (after a kill, by the next write of that name).
A failed write is one ``CxtkError`` line naming ``path`` and the reason, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import secrets
import stat
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

from toolkit.core.errors import CxtkError, cannot_write, write_failure

TEMP_SUFFIX = ".cxtk-tmp"


@contextlib.contextmanager
def atomic_write(path: Path | str, *, make_parents: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    ``make_parents`` creates the missing folders first. A symbolic link is written through
    (its target is replaced, the link stays). A device or a pipe (``/dev/stdout``) cannot be
    replaced and is written in place.
    """
    given = Path(path)
    if given.is_dir():
        raise CxtkError(f"{given}: is a folder; give the name of the file to write, e.g. {given / 'out'}")
    if given.exists() and not given.is_file():  # /dev/stdout, a pipe: nothing to rename over
        yield given
        return
    final = Path(os.path.realpath(given)) if given.is_symlink() else given
    if final.exists() and not os.access(final, os.W_OK):  # a rename would get past a read-only file
        raise cannot_write(given, PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(given)))
    try:
        if make_parents:
            final.parent.mkdir(parents=True, exist_ok=True)
        tmp = _create_temp(final)
    except OSError as exc:  # the folder is missing, read-only, full…
        raise cannot_write(given, exc) from None
    failure = None
    try:
        yield tmp
        fsync_file(tmp)
        os.replace(tmp, final)
        fsync_dir(final.parent)
    except BaseException as exc:
        _discard(tmp)
        failure = write_failure(given, exc, also=(final, tmp))
        if failure is None:
            raise
        _release(exc)
    if failure is not None:
        raise failure from None


def write_text(path: Path | str, text: str, *, make_parents: bool = False) -> Path:
    """``Path.write_text`` (UTF-8), atomically."""
    with atomic_write(path, make_parents=make_parents) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def _create_temp(final: Path) -> Path:
    """A new, empty, uniquely named hidden file beside ``final`` (with ``final``'s permissions if it exists)."""
    stem = f".{final.name[:180]}."
    _remove_stale(final.parent, stem)
    tmp = final.with_name(f"{stem}{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with contextlib.suppress(OSError):
            if final.is_file():
                os.fchmod(fd, stat.S_IMODE(final.stat().st_mode))
    finally:
        os.close(fd)
    return tmp


def _remove_stale(folder: Path, stem: str) -> None:
    """Drop temporary files of this name left by a writer that was killed (its process is gone)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not (name.startswith(stem) and name.endswith(TEMP_SUFFIX)):
            continue
        pid = name[len(stem):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def fsync_file(path: Path) -> None:
    """Flush a written file to disk (before the rename that publishes it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename is durable only once its folder is)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _release(exc: BaseException) -> None:
    """Free the writer's objects held by the failed write's traceback now, quietly.

    A writer interrupted by a full disk (xlsxwriter's zip file) tries to flush again when it is
    freed and Python prints "Exception ignored in …" with a traceback, after the one-line error.
    """
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        seen: set[int] = set()
        chain: list[BaseException | None] = [exc]
        while chain:
            e = chain.pop()
            if e is None or id(e) in seen:
                continue
            seen.add(id(e))
            if e.__traceback__ is not None:
                traceback.clear_frames(e.__traceback__)
            chain += [e.__context__, e.__cause__, *(a for a in e.args if isinstance(a, BaseException))]
        gc.collect()
    finally:
        sys.unraisablehook = hook
