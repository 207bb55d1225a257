"""Damaged store files, named instead of fatal: a truncated or foreign Parquet file in one month is found
(footer and schema on every scan, every page with ``cxtk store check``), left out of scans, and named by any
command whose period needs that month."""

from __future__ import annotations

import os
import warnings
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from toolkit.core.errors import CxtkWarning, StoreDamaged, reason_of
from toolkit.ingest.layout import dataset_files
from toolkit.ingest.schema import DATASETS, Dataset, dataset, polars_schema


@dataclass(frozen=True)
class Damage:
    """A store file that cannot be read as its dataset's partition."""

    path: Path
    dataset: str
    month: str | None  # its partition; None for an unpartitioned dataset
    reason: str

    def message(self, consequence: str | None = None) -> str:
        what = f"{self.dataset} of {self.month}" if self.month else f"the {self.dataset}"
        then = consequence or f"{what} cannot be read"
        return (
            f"{self.path}: damaged store file ({self.reason}); {then} — run `cxtk store repair` to set it "
            "aside and see which source files to ingest again"
        )


_DAMAGED: dict[int, tuple[Damage, ...]] = {}  # id(frame from scan_store) -> the files it leaves out


_CHECKED: dict[tuple[str, int, int, int], str | None] = {}  # (path, inode, size, mtime) -> damage


def partition_month(path: Path) -> str | None:
    """``2026-10`` for ``…/month=2026-10/data.parquet``; None for an unpartitioned file."""
    parent = path.parent.name
    return parent.removeprefix("month=") if parent.startswith("month=") else None


def file_damage(path: Path, ds: Dataset, *, deep: bool = False) -> Damage | None:
    """What is wrong with one partition file of ``ds``, or None when it reads as one.

    The quick check reads the Parquet frame (magic bytes, footer) and the schema, which is what a
    truncated or foreign file breaks; ``deep`` also decodes every page (``cxtk store check``).
    """
    try:
        st = path.stat()
    except OSError as exc:
        return Damage(path, ds.name, partition_month(path), f"cannot be read: {reason_of(exc)}")
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
    if key in _CHECKED and not deep:
        reason = _CHECKED[key]
    else:
        reason = _quick_problem(path, st.st_size, ds)
        if reason is None and deep:
            reason = _deep_problem(path)
        if len(_CHECKED) > 4096:
            _CHECKED.clear()
        if not deep or reason is not None:
            _CHECKED[key] = reason
    return None if reason is None else Damage(path, ds.name, partition_month(path), reason)


def _quick_problem(path: Path, size: int, ds: Dataset) -> str | None:
    import polars as pl

    if size == 0:
        return "empty file (0 bytes)"
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
            if size >= 12:
                handle.seek(-8, os.SEEK_END)
            tail = handle.read(8)
    except OSError as exc:
        return f"cannot be read: {reason_of(exc)}"
    if head != b"PAR1":
        return "not a Parquet file"
    if size < 12 or tail[4:] != b"PAR1" or int.from_bytes(tail[:4], "little") > size - 12:
        return f"truncated Parquet file ({size:,} bytes, its footer is missing)"
    try:
        schema = dict(pl.scan_parquet(path, glob=False).collect_schema())  # literal: a folder may be named acme[1]
    except Exception as exc:  # any failure to read the footer is damage
        return f"unreadable Parquet footer: {_first_line(exc)}"
    return _schema_problem(schema, ds)


def _schema_problem(schema: dict[str, Any], ds: Dataset) -> str | None:
    import polars as pl

    expected = polars_schema(ds, "UTC")
    missing = [c for c in expected if c not in schema]
    extra = [c for c in schema if c not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append("no column " + ", ".join(missing[:4]) + (" …" if len(missing) > 4 else ""))
        if extra:
            parts.append("unknown column " + ", ".join(extra[:4]) + (" …" if len(extra) > 4 else ""))
        return f"foreign Parquet file, not {ds.name}: {'; '.join(parts)}"
    for name, want in expected.items():
        got = schema[name]
        if isinstance(want, pl.Datetime) and isinstance(got, pl.Datetime):
            continue  # the zone is the workspace's, whatever it was when the month was written
        if got != want:
            return f"foreign Parquet file, not {ds.name}: column {name} is {got}, the store's is {want}"
    return None


def _deep_problem(path: Path) -> str | None:
    import polars as pl

    try:
        pl.read_parquet(path, glob=False)
    except Exception as exc:  # any failure to decode a page is damage
        return f"unreadable data: {_first_line(exc)}"
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def store_damage(store_dir: Path, datasets: Iterable[str] | None = None, *, deep: bool = False) -> list[Damage]:
    """Every damaged partition file of the store (all datasets, or the ones named)."""
    out = []
    for name in datasets or DATASETS:
        ds = dataset(name)
        out += [d for f in dataset_files(store_dir, ds) if (d := file_damage(f, ds, deep=deep)) is not None]
    return out


def damage_of(frame: Any) -> tuple[Damage, ...]:
    """The damaged files a frame of ``scan_store`` leaves out (empty for any other frame)."""
    return () if frame is None else _DAMAGED.get(id(frame), ())


def damaged_in(frame: Any, lo: date | datetime | None = None, hi: date | datetime | None = None) -> list[Damage]:
    """The damaged files ``frame`` leaves out whose month overlaps ``[lo, hi)`` (None: open).

    ``lo`` and ``hi`` are in the frame's time zone (as ``Period.bounds`` gives them).
    """
    damage = damage_of(frame)
    if not damage:
        return []
    first = None if lo is None else f"{lo.year:04d}-{lo.month:02d}"
    if hi is None:
        last = None
    else:
        end = hi - (timedelta(microseconds=1) if isinstance(hi, datetime) else timedelta(days=1))
        last = f"{end.year:04d}-{end.month:02d}"
    return [
        d for d in damage
        if d.month is None or ((first is None or d.month >= first) and (last is None or d.month <= last))
    ]  # fmt: skip


def require_intact(frame: Any, lo: date | datetime | None = None, hi: date | datetime | None = None) -> None:
    """Raise ``StoreDamaged`` naming the file when the figures of ``[lo, hi)`` need a damaged month."""
    for d in damaged_in(frame, lo, hi):
        raise StoreDamaged(d.message())


_WARNED: set[tuple[int, Path, str]] = set()


def warn_damaged(frame: Any, lo: date | datetime | None, hi: date | datetime | None, effect: str) -> None:
    """A damaged month read only as context (a trend's month, a baseline, a look-ahead): the figures
    go on without it, and a warning (once per file and effect) names the file and what it changes."""
    for d in damaged_in(frame, lo, hi):
        key = (id(frame), d.path, effect)
        if key in _WARNED:
            continue
        _WARNED.add(key)
        weakref.finalize(frame, _WARNED.discard, key)
        what = f"{d.dataset} of {d.month}" if d.month else f"the {d.dataset}"
        warnings.warn(d.message(f"{what} cannot be read, so {effect}"), CxtkWarning, stacklevel=2)


def refuse_damaged(store_dir: Path, ds: Dataset, files: Iterable[Path] | None = None) -> None:
    """An ingest merges with every stored partition: refuse (nothing written) while one is damaged."""
    for f in dataset_files(store_dir, ds) if files is None else files:
        d = file_damage(f, ds)
        if d is not None:
            raise StoreDamaged(d.message(f"nothing was ingested into {ds.name}"))
