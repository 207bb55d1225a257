"""Domain exceptions. The CLI turns a ``CxtkError`` into one line on stderr and exit 1."""

from __future__ import annotations

from collections.abc import Iterator
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


@contextmanager
def writing(path: Path | str | None) -> Iterator[None]:
    """Turn a failed write of ``path`` (no permission, file open in Excel, no such folder) into one line.

    Writers raise ``OSError`` or wrap it (xlsxwriter's ``FileCreateError``); both become a ``CxtkError``.
    """
    try:
        yield
    except CxtkError:
        raise
    except Exception as exc:
        cause = exc if isinstance(exc, OSError) else next((a for a in exc.args if isinstance(a, OSError)), None)
        if cause is None or path is None:
            raise
        named = getattr(cause, "filename", None)
        if named is not None and Path(named).resolve() != Path(path).resolve():
            raise  # some other file (a template, a logo): not the output's fault
        # Polars' errors carry no strerror: "No such file or directory (os error 2): /path"
        reason = cause.strerror or str(cause).split(" (os error")[0].split(":")[0]
        raise CxtkError(
            f"{path}: cannot write it ({reason}); check the folder exists and is writable "
            "and that the file is not open in another program"
        ) from None
