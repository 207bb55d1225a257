"""The workspace store: one Delta Lake table per dataset, an ingest log, atomic commits.

Layout (readable without cxtk: ``docs/store.md``)::

    store/interactions/_delta_log/00000000000000000003.json
    store/interactions/month=2026-10/part-<time>-<txn>-<n>.parquet
    store/surveys/…
    store/actions/part-….parquet          (unpartitioned)
    store/ingest-log.jsonl

Atomicity: a commit writes every new file under a temporary name (``….parquet.tmp-<txn>-<n>``),
then a journal listing the renames, each table's Delta actions and the log lines; the journal's
own rename is the commit point for cxtk. The files are renamed to names no version has used, then
each table gets one Delta commit: the instant every Delta reader sees that table change, whole.
``recover`` rolls a committed journal forward (each Delta commit once) and removes uncommitted
temporary files, so a crash at any moment leaves the store as before or as after. One writer at
a time holds ``store/.lock``. The ingest log is rewritten whole (temporary file, fsync, rename), so it is
never left with half a line; a torn last line left by an older version or another tool is
dropped, with a warning naming it.

A damaged partition file (truncated, not Parquet, another table's columns) is named, not fatal:
``scan_store`` leaves it out and remembers it, ``require_intact`` fails with one line naming it
when a period needs its month, and ``toolkit.ingest.repair`` checks and quarantines it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
import uuid
import warnings
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.core.errors import CxtkError, CxtkWarning, StoreBusy, StoreDamaged, reason_of, write_hint
from toolkit.core.outputs import fsync_dir, fsync_file
from toolkit.ingest.damage import _DAMAGED, file_damage
from toolkit.ingest.delta import LiveFile, applied_seq, is_table, live_files, new_file_name, vacuum
from toolkit.ingest.delta import commit as commit_table
from toolkit.ingest.layout import JOURNAL, LOCK, LOG, dataset_files, partition_dir, table_dir
from toolkit.ingest.schema import Dataset, dataset, polars_schema


def scan_store(store_dir: Path, name: str) -> Any:
    """A lazy frame over one dataset of the store, or None when it holds no data.

    Damaged partition files are left out (a truncated month must not make every month unreadable)
    and remembered with the frame: ``require_intact(frame, lo, hi)`` fails naming the file when
    a period needs that month. An unpartitioned dataset (actions) that is damaged fails at once.
    """
    import polars as pl

    recover(store_dir)
    ds = dataset(name)
    files = dataset_files(store_dir, ds)
    if not files:
        return None
    damaged = [d for f in files if (d := file_damage(f, ds)) is not None]
    if damaged and ds.time_field is None:
        raise StoreDamaged(damaged[0].message())
    bad = {d.path for d in damaged}
    healthy = [f for f in files if f not in bad]
    if healthy:
        lf = pl.scan_parquet([str(f) for f in healthy], hive_partitioning=False, glob=False)
    else:
        lf = pl.LazyFrame(schema=polars_schema(ds, "UTC"))
    if damaged:
        key = id(lf)
        _DAMAGED[key] = tuple(damaged)
        weakref.finalize(lf, _DAMAGED.pop, key, None)
    return lf


def scan_dataset(config: Any, name: str) -> Any:
    """``scan_store`` for a workspace config."""
    return scan_store(config.store_dir, name)


def store_write_error(store_dir: Path, cause: OSError, *, committed: bool = False) -> CxtkError:
    """One line for a store that cannot be written (read-only, full disk), saying what was kept."""
    if cause.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        hint = "the store is read-only: make the workspace writable (or copy it) to ingest"
    else:
        hint = write_hint(cause)
    kept = (
        "the ingest is committed; its log line is completed by the next cxtk command"
        if committed
        else "nothing was ingested and the store is unchanged"
    )
    return CxtkError(f"{store_dir}: cannot write to the store ({reason_of(cause)}); {kept} — {hint}")


@contextlib.contextmanager
def write_lock(store_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the store's write lock; wait up to ``timeout`` seconds (env CXTK_LOCK_TIMEOUT, default 60)."""
    if timeout is None:
        timeout = float(os.environ.get("CXTK_LOCK_TIMEOUT", "60"))
    path = store_dir / LOCK
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")  # closed by the with below
    except OSError as exc:  # a read-only workspace or a full disk: one line, not a traceback
        raise store_write_error(store_dir, exc) from None
    with handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise StoreBusy(
                        f"{store_dir}: another cxtk ingest ({holder}) is writing to the store; "
                        f"waited {timeout:g} s — try again when it has finished"
                    ) from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            recover(store_dir, locked=True)
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class _MonthPlan:
    keep_live: bool  # the month's committed files stay (new rows appended); False: they are removed
    adds: list[str] = field(default_factory=list)  # final paths (relative to store_dir) of staged files


@dataclass
class Transaction:
    """Files to put in place together, and log lines to append, as one atomic change.

    Data goes in per dataset and month: ``replace`` stages a file that becomes the month's whole
    content, ``append`` one that joins the month's committed files, ``clear`` empties the month.
    Staged files get a temporary name (``….parquet.tmp-<txn>-<n>``) beside their final, never reused
    name. ``month_files`` and ``current_files`` give the dataset as this transaction left it so far
    (its staged files, not the committed ones they replace), so a later merge in the same transaction
    builds on an earlier one.

    ``commit`` writes a journal (the renames, each table's adds and removes, the log lines); its
    rename is the commit point. Then the files are renamed into place, each dataset's Delta commit
    is made (the moment its readers see the change) and the log is written; ``recover`` redoes what
    a crash left undone, each Delta commit once.
    """

    store_dir: Path
    txn: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    staged: dict[str, str] = field(default_factory=dict)  # final -> temporary, relative to store_dir
    superseded: list[str] = field(default_factory=list)  # temporary files replaced by a later stage
    months: dict[tuple[str, str | None], _MonthPlan] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)
    committed: bool = False  # past the commit point: recovery rolls it forward, abort must not undo it
    _live: dict[str, list[LiveFile]] = field(default_factory=dict)
    _datasets: dict[str, Dataset] = field(default_factory=dict)

    @property
    def renames(self) -> list[tuple[str, str]]:
        return [(tmp, final) for final, tmp in self.staged.items()]

    def live(self, ds: Dataset) -> list[LiveFile]:
        """The dataset's committed files (a Delta table's current version)."""
        if ds.folder not in self._live:
            base = table_dir(self.store_dir, ds)
            self._live[ds.folder] = live_files(base) if is_table(base) else []
            self._datasets[ds.folder] = ds
        return self._live[ds.folder]

    def _stage(self, ds: Dataset, month: str | None, plan: _MonthPlan) -> Path:
        folder = partition_dir(self.store_dir, ds, month)
        folder.mkdir(parents=True, exist_ok=True)
        n = len(self.staged) + len(self.superseded)
        final = folder / new_file_name(self.txn, n)
        tmp = final.with_name(f"{final.name}.tmp-{self.txn}-{n}")
        rel = str(final.relative_to(self.store_dir))
        self.staged[rel] = str(tmp.relative_to(self.store_dir))
        plan.adds.append(rel)
        return tmp

    def _drop_adds(self, plan: _MonthPlan) -> None:
        for final in plan.adds:
            self.superseded.append(self.staged.pop(final))
        plan.adds.clear()

    def replace(self, ds: Dataset, month: str | None) -> Path:
        """A temporary path for a file that becomes ``month``'s whole content."""
        self.live(ds)
        plan = self.months.setdefault((ds.folder, month), _MonthPlan(keep_live=False))
        self._drop_adds(plan)
        plan.keep_live = False
        return self._stage(ds, month, plan)

    def append(self, ds: Dataset, month: str | None) -> Path:
        """A temporary path for a file of new rows that joins ``month``'s files."""
        self.live(ds)
        plan = self.months.setdefault((ds.folder, month), _MonthPlan(keep_live=True))
        return self._stage(ds, month, plan)

    def clear(self, ds: Dataset, month: str | None) -> None:
        """``month`` holds no rows any more."""
        self.live(ds)
        plan = self.months.setdefault((ds.folder, month), _MonthPlan(keep_live=False))
        self._drop_adds(plan)
        plan.keep_live = False

    def month_files(self, ds: Dataset, month: str | None) -> list[Path]:
        """The files holding ``month``'s rows as this transaction stands."""
        plan = self.months.get((ds.folder, month))
        live = [f.path for f in self.live(ds) if f.month == month]
        if plan is None:
            return live
        return [*(live if plan.keep_live else []), *(self.store_dir / self.staged[a] for a in plan.adds)]

    def current_files(self, ds: Dataset) -> list[Path]:
        """``dataset_files`` as this transaction stands: staged files replace or add to committed ones."""
        months = {f.month for f in self.live(ds)} | {m for (folder, m) in self.months if folder == ds.folder}
        return [p for m in sorted(months, key=lambda x: (x is None, x or "")) for p in self.month_files(ds, m)]

    def _table_changes(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for (folder, month), plan in sorted(self.months.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            ds = self._datasets[folder]
            base = table_dir(self.store_dir, ds)
            change = out.setdefault(folder, {"dataset": ds.name, "txn": self.txn, "adds": [], "removes": []})
            for final in plan.adds:
                change["adds"].append({"path": str((self.store_dir / final).relative_to(base)), "month": month})
            if not plan.keep_live:
                change["removes"] += [{"path": f.rel, "month": f.month, "size": f.size}
                                      for f in self.live(ds) if f.month == month]
        for folder, change in list(out.items()):
            if not change["adds"] and not change["removes"]:
                del out[folder]
            else:
                change["seq"] = applied_seq(table_dir(self.store_dir, self._datasets[folder])) + 1
        return out

    def commit(self) -> None:
        self._drop_superseded()
        tables = self._table_changes()
        if not tables and not self.log:
            return
        for tmp, _ in self.renames:
            fsync_file(self.store_dir / tmp)
        journal = {"txn": self.txn, "renames": self.renames, "deletes": [], "tables": tables, "log": self.log}
        tmp_journal = self.store_dir / f"{JOURNAL}.tmp-{self.txn}"
        tmp_journal.write_text(json.dumps(journal, ensure_ascii=False), encoding="utf-8")
        fsync_file(tmp_journal)
        os.replace(tmp_journal, self.store_dir / JOURNAL)  # the commit point
        self.committed = True
        fsync_dir(self.store_dir)
        _apply(self.store_dir, journal)
        for folder in tables:
            with contextlib.suppress(Exception):  # housekeeping: a failure here loses nothing
                vacuum(table_dir(self.store_dir, self._datasets[folder]))

    def abort(self) -> None:
        if self.committed:
            return  # the journal holds the renames still to do; the next recover() finishes them
        self._drop_superseded()
        for tmp, _ in self.renames:
            with contextlib.suppress(FileNotFoundError):
                (self.store_dir / tmp).unlink()

    def _drop_superseded(self) -> None:
        for tmp in self.superseded:
            with contextlib.suppress(FileNotFoundError):
                (self.store_dir / tmp).unlink()
        self.superseded.clear()


def _apply(store_dir: Path, journal: dict[str, Any]) -> None:
    for tmp, final in journal["renames"]:
        src = store_dir / tmp
        if src.exists():
            os.replace(src, store_dir / final)
    for rel in journal["deletes"]:  # journals of the layout before Delta
        with contextlib.suppress(FileNotFoundError):
            (store_dir / rel).unlink()
        with contextlib.suppress(OSError):
            (store_dir / rel).parent.rmdir()
    if journal["renames"]:
        for parent in {(store_dir / final).parent for _tmp, final in journal["renames"]}:
            fsync_dir(parent)
    for folder, change in journal.get("tables", {}).items():
        commit_table(store_dir / folder, dataset(change["dataset"]), change)  # once: a rolled-forward one is skipped
    if journal["log"]:
        log = log_contents(store_dir)
        if journal["txn"] not in {e.get("txn") for e in log.entries}:
            _warn_log(store_dir, log.problems)
            new = [json.dumps({"txn": journal["txn"], **entry}, ensure_ascii=False) for entry in journal["log"]]
            _write_log(store_dir, [*log.lines, *new], journal["txn"])
    (store_dir / JOURNAL).unlink()
    fsync_dir(store_dir)


@dataclass
class LogProblem:
    line: int  # 1-based line number in ingest-log.jsonl
    text: str  # what was dropped
    torn: bool  # the last line, cut off (a crash or a full disk); else garbled in the middle

    def describe(self, log_path: Path) -> str:
        what = "is cut off (a crash or a full disk interrupted its write)" if self.torn else "is not a log entry"
        shown = self.text if len(self.text) <= 60 else self.text[:57] + "…"
        return f"{log_path} line {self.line} {what}: dropped {shown!r}"


@dataclass
class LogContents:
    lines: list[str] = field(default_factory=list)  # the good lines, as written
    entries: list[dict[str, Any]] = field(default_factory=list)
    problems: list[LogProblem] = field(default_factory=list)


def parse_log(raw: bytes) -> LogContents:
    """The entries of an ingest log, and the lines that are not entries.

    A line that does not parse is dropped; entries glued to it (an older version appended after a
    torn line) are kept.
    """
    out = LogContents()
    pieces = raw.split(b"\n")
    for i, piece in enumerate(pieces):
        text = piece.decode("utf-8", errors="replace").strip()
        if not text:
            continue
        try:
            entry = json.loads(text)
        except ValueError:
            entry = None
        if isinstance(entry, dict):
            out.lines.append(text)
            out.entries.append(entry)
            continue
        rescued = _glued_entries(text)
        for line, e in rescued:
            out.lines.append(line)
            out.entries.append(e)
        dropped = text[: text.index(rescued[0][0])] if rescued else text
        torn = i == len(pieces) - 1  # no newline after it: the write stopped mid-line
        out.problems.append(LogProblem(i + 1, dropped, torn))
    return out


def _glued_entries(text: str) -> list[tuple[str, dict[str, Any]]]:
    decoder = json.JSONDecoder()
    found = []
    start = text.find('{"txn"')
    while start != -1:
        try:
            entry, end = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find('{"txn"', start + 1)
            continue
        if isinstance(entry, dict):
            found.append((text[start:end], entry))
        start = text.find('{"txn"', end)
    return found


def log_contents(store_dir: Path) -> LogContents:
    path = store_dir / LOG
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LogContents()
    return parse_log(raw)


def _write_log(store_dir: Path, lines: list[str], txn: str) -> None:
    """Replace the log with ``lines``: temporary file, fsync, length check, rename."""
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    tmp = store_dir / f"{LOG}.tmp-{txn}"
    try:
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if tmp.stat().st_size != len(data):
            raise OSError(errno.EIO, "the log was not written whole", str(tmp))
        os.replace(tmp, store_dir / LOG)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(store_dir)


def _warn_log(store_dir: Path, problems: list[LogProblem]) -> None:
    for p in problems:
        warnings.warn(p.describe(store_dir / LOG), CxtkWarning, stacklevel=3)


def repair_log(store_dir: Path) -> list[LogProblem]:
    """Rewrite the log without its broken lines (the caller holds the write lock); return them."""
    log = log_contents(store_dir)
    if log.problems:
        _write_log(store_dir, log.lines, uuid.uuid4().hex[:12])
    return log.problems


def recover(store_dir: Path, *, locked: bool = False) -> None:
    """Finish a committed transaction and drop the files of an uncommitted one."""
    journal_path = store_dir / JOURNAL
    if not store_dir.is_dir():
        return
    has_journal = journal_path.exists()
    strays = list(store_dir.rglob("*.tmp-*"))
    if not has_journal and not strays:
        return
    if not locked:
        # Another process may be mid-commit: only a writer (holding the lock) may clean up.
        try:
            with write_lock(store_dir, timeout=0):
                return
        except CxtkError:  # busy, or a read-only store: read it as it is
            return
    if has_journal:
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
        except ValueError:
            journal = None
        if journal is not None:
            _apply(store_dir, journal)
    for stray in store_dir.rglob("*.tmp-*"):
        with contextlib.suppress(FileNotFoundError):
            stray.unlink()
    staging = store_dir / ".staging"
    if staging.is_dir():
        import shutil

        shutil.rmtree(staging, ignore_errors=True)


def read_log(store_dir: Path) -> list[dict[str, Any]]:
    """The ingest log's entries. A torn or garbled line is dropped with a warning naming it, and the
    log is repaired when the store can be written (else it is left as it is, and read the same way)."""
    log = log_contents(store_dir)
    if not log.problems:
        return log.entries
    _warn_log(store_dir, log.problems)
    try:
        with write_lock(store_dir, timeout=0):
            repair_log(store_dir)
    except (CxtkError, OSError):
        pass  # busy or read-only: the next writer repairs it
    return log.entries
