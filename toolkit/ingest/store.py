"""The workspace store: Hive-partitioned Parquet per dataset, an ingest log, atomic commits.

Layout (readable without cxtk)::

    store/interactions/month=2026-10/data.parquet
    store/surveys/month=2026-10/data.parquet
    store/actions/data.parquet
    store/ingest-log.jsonl

Atomicity: a commit writes every new file under a temporary name
(``data.parquet.tmp-<txn>``, which ``**/*.parquet`` does not match), then a journal
listing the renames; the journal's own rename is the commit point. ``recover``
rolls a committed journal forward and removes uncommitted temporary files, so a
crash at any moment leaves the store as before or as after. One writer at a time
holds ``store/.lock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.core.errors import StoreBusy
from toolkit.ingest.schema import Dataset, dataset

JOURNAL = ".journal.json"
LOCK = ".lock"
LOG = "ingest-log.jsonl"
DATA_FILE = "data.parquet"


def partition_dir(store_dir: Path, ds: Dataset, month: str | None) -> Path:
    base = store_dir / ds.folder
    return base if month is None else base / f"month={month}"


def dataset_files(store_dir: Path, ds: Dataset) -> list[Path]:
    base = store_dir / ds.folder
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*.parquet") if p.is_file())


def stored_months(store_dir: Path, ds: Dataset) -> list[str]:
    base = store_dir / ds.folder
    if not base.is_dir():
        return []
    return sorted(p.name.removeprefix("month=") for p in base.glob("month=*") if (p / DATA_FILE).is_file())


def scan_store(store_dir: Path, name: str) -> Any:
    """A lazy frame over one dataset of the store, or None when it holds no data."""
    import polars as pl

    recover(store_dir)
    ds = dataset(name)
    files = dataset_files(store_dir, ds)
    if not files:
        return None
    return pl.scan_parquet([str(f) for f in files], hive_partitioning=False, glob=False)


def scan_dataset(config: Any, name: str) -> Any:
    """``scan_store`` for a workspace config."""
    return scan_store(config.store_dir, name)


# --- locking -------------------------------------------------------------------------------------


@contextlib.contextmanager
def write_lock(store_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the store's write lock; wait up to ``timeout`` seconds (env CXTK_LOCK_TIMEOUT, default 60)."""
    store_dir.mkdir(parents=True, exist_ok=True)
    if timeout is None:
        timeout = float(os.environ.get("CXTK_LOCK_TIMEOUT", "60"))
    path = store_dir / LOCK
    with open(path, "a+") as handle:
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


# --- transactions --------------------------------------------------------------------------------


@dataclass
class Transaction:
    """Files to put in place together, and log lines to append, as one atomic change.

    Several files of one ingest may touch the same partition: ``current_files`` and
    ``current`` give the partition as this transaction left it so far (its staged
    temporary file, not the committed one), so a later file merges with an earlier one
    instead of overwriting its staged rows.
    """

    store_dir: Path
    txn: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    staged: dict[str, str] = field(default_factory=dict)  # final -> temporary, relative to store_dir
    deletes: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # temporary files replaced by a later stage
    log: list[dict[str, Any]] = field(default_factory=list)

    @property
    def renames(self) -> list[tuple[str, str]]:
        return [(tmp, final) for final, tmp in self.staged.items()]

    def temp_path(self, final: Path) -> Path:
        """A fresh temporary name for ``final``; it replaces any earlier stage of the same file."""
        final.parent.mkdir(parents=True, exist_ok=True)
        rel = str(final.relative_to(self.store_dir))
        tmp = final.with_name(f"{final.name}.tmp-{self.txn}-{len(self.staged) + len(self.superseded)}")
        if rel in self.staged:
            self.superseded.append(self.staged[rel])
        if rel in self.deletes:
            self.deletes.remove(rel)
        self.staged[rel] = str(tmp.relative_to(self.store_dir))
        return tmp

    def delete(self, final: Path) -> None:
        rel = str(final.relative_to(self.store_dir))
        if rel in self.staged:
            self.superseded.append(self.staged.pop(rel))
        if rel not in self.deletes:
            self.deletes.append(rel)

    def current(self, final: Path) -> Path | None:
        """The file holding ``final``'s rows as this transaction stands (None: no rows)."""
        rel = str(final.relative_to(self.store_dir))
        if rel in self.staged:
            return self.store_dir / self.staged[rel]
        if rel in self.deletes or not final.is_file():
            return None
        return final

    def current_files(self, ds: Dataset) -> list[Path]:
        """``dataset_files`` as this transaction stands: staged files replace or add to committed ones."""
        finals = {str(p.relative_to(self.store_dir)) for p in dataset_files(self.store_dir, ds)}
        prefix = ds.folder + os.sep
        finals |= {rel for rel in self.staged if rel.startswith(prefix)}
        found = [self.current(self.store_dir / rel) for rel in sorted(finals)]
        return [p for p in found if p is not None]

    def commit(self) -> None:
        self._drop_superseded()
        if not self.staged and not self.deletes and not self.log:
            return
        for tmp, _ in self.renames:
            _fsync_file(self.store_dir / tmp)
        journal = {"txn": self.txn, "renames": self.renames, "deletes": self.deletes, "log": self.log}
        tmp_journal = self.store_dir / f"{JOURNAL}.tmp-{self.txn}"
        tmp_journal.write_text(json.dumps(journal, ensure_ascii=False), encoding="utf-8")
        _fsync_file(tmp_journal)
        os.replace(tmp_journal, self.store_dir / JOURNAL)  # the commit point
        _fsync_dir(self.store_dir)
        _apply(self.store_dir, journal)

    def abort(self) -> None:
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
    for rel in journal["deletes"]:
        with contextlib.suppress(FileNotFoundError):
            (store_dir / rel).unlink()
        with contextlib.suppress(OSError):
            (store_dir / rel).parent.rmdir()
    if journal["log"]:
        log_path = store_dir / LOG
        done = _logged_txns(log_path)
        if journal["txn"] not in done:
            with open(log_path, "a", encoding="utf-8") as out:
                for entry in journal["log"]:
                    out.write(json.dumps({"txn": journal["txn"], **entry}, ensure_ascii=False) + "\n")
                out.flush()
                os.fsync(out.fileno())
    (store_dir / JOURNAL).unlink()
    _fsync_dir(store_dir)


def _logged_txns(log_path: Path) -> set[str]:
    if not log_path.exists():
        return set()
    txns = set()
    with open(log_path, encoding="utf-8") as handle:
        for line in handle:
            with contextlib.suppress(ValueError):
                txns.add(json.loads(line).get("txn"))
    return txns


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
        except StoreBusy:
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
    path = store_dir / LOG
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
