"""Domain exceptions. The CLI turns a ``CxtkError`` into one line on stderr and exit 1."""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


class CxtkError(Exception):
    """A user or data problem (bad file, bad config, missing data): one clear message, exit 1."""


class ConfigError(CxtkError):
    """``cxtk.yaml`` or a mapping file is invalid."""


class InputError(CxtkError):
    """An input file cannot be used as a whole (empty, not a table, missing column...)."""


class StoreBusy(CxtkError):
    """Another process holds the store's write lock."""


class StoreDamaged(CxtkError):
    """A file of the store is not a readable partition (truncated, foreign): it names the file."""


def named_once(names: Iterable[str], what: str) -> tuple[str, ...]:
    """``names`` as a tuple; one given twice is a ``CxtkError`` (``group by team, team`` would make two
    columns of one name, which Polars refuses with a traceback)."""
    out = tuple(names)
    repeated = next((n for i, n in enumerate(out) if n in out[:i]), None)
    if repeated is not None:
        raise CxtkError(f"'{repeated}' is given twice to {what}; name each field once")
    return out


class CxtkWarning(UserWarning):
    """Something the user should know that does not stop the command (the CLI prints ``warning: …``)."""


# Polars reports the operating system's error in its message: "No space left on device (os error 28)"
# ("No such file or directory (os error 2): /path"), sometimes followed by the file
_OS_ERROR = re.compile(r"([A-Za-z][^:()]*?) \(os error (\d+)\)(?::\s*(/\S.*))?")

_HINTS = {
    errno.ENOSPC: "free some space on that disk and run it again",
    errno.EDQUOT: "your disk quota is used up: free some space and run it again",
    errno.EROFS: "the folder is read-only: choose one you can write to",
    errno.EFBIG: "the file is too large for that file system",
}
_DEFAULT_HINT = "check the folder exists and is writable and that the file is not open in another program"


def os_error_of(exc: BaseException) -> OSError | None:
    """The operating system's error behind ``exc``: an ``OSError``, one wrapped in the arguments
    (xlsxwriter's ``FileCreateError``), or one named in a Polars message (``… (os error 28)``)."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc
    wrapped = next((a for a in getattr(exc, "args", ()) if isinstance(a, OSError)), None)
    if wrapped is not None:
        return wrapped
    found = _OS_ERROR.search(str(exc))
    if found:
        named = found.group(3).strip() if found.group(3) else None
        return OSError(int(found.group(2)), found.group(1).strip(), named)
    return exc if isinstance(exc, OSError) else None


# errors only a write can meet: whatever file they name, they are never the input's fault
WRITE_SIDE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})


def disk_problem(exc: BaseException) -> OSError | None:
    """The full-disk / read-only-disk error behind ``exc``, if that is what it is."""
    cause = os_error_of(exc)
    return cause if cause is not None and cause.errno in WRITE_SIDE_ERRNOS else None


def write_hint(cause: OSError) -> str:
    """What to do about a failed write, by the error's kind (full disk, read-only, no permission…)."""
    return _HINTS.get(cause.errno or 0, _DEFAULT_HINT)


def reason_of(cause: OSError) -> str:
    # Polars' OSErrors carry no strerror: "No such file or directory (os error 2): /path"
    return cause.strerror or str(cause).split(" (os error")[0].split(":")[0]


def write_failure(path: Path | str, exc: BaseException, *, also: tuple[Path | str, ...] = ()) -> CxtkError | None:
    """The one-line error for a failed write of ``path``, or None when ``exc`` is not about writing it.

    An ``OSError`` that names another file (a template, a logo, an input) is not the output's fault;
    one that names ``path`` or one of ``also`` (its temporary name), or no file at all, is.
    """
    if isinstance(exc, CxtkError):
        return None
    cause = os_error_of(exc)
    if cause is None:
        return None
    named = getattr(cause, "filename", None)
    if named is not None:
        mine = {Path(p).resolve() for p in (path, *also)}
        if Path(named).resolve() not in mine:
            return None
    return cannot_write(path, cause)


def cannot_write(path: Path | str, cause: OSError) -> CxtkError:
    """``<path>: cannot write it (<reason>); <what to do>``."""
    return CxtkError(f"{path}: cannot write it ({reason_of(cause)}); {write_hint(cause)}")


@contextmanager
def writing(path: Path | str | None) -> Iterator[None]:
    """Turn a failed write of ``path`` (no permission, file open in Excel, no such folder, full disk) into one line.

    Writers raise ``OSError`` or wrap it (xlsxwriter's ``FileCreateError``); both become a ``CxtkError``.
    """
    try:
        yield
    except CxtkError:
        raise
    except Exception as exc:
        failure = None if path is None else write_failure(path, exc)
        if failure is None:
            raise
        raise failure from None
