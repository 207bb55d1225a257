"""``cxtk store check`` and ``cxtk store repair``: find the store files that cannot be read, set them
aside, and say which source files to ingest again.

A damaged file (truncated by a full disk or a copy, not Parquet, another table's columns) makes its
month unreadable, never the others (``store.scan_store``). ``check_store`` decodes every partition
file and reads the ingest log; for each damaged file it names the source files that fed that month
(the log records, per ingested file, the months its rows went to). ``repair_store`` moves the
damaged files to ``store/quarantine/<UTC time>/`` — nothing is deleted, a file can be moved back —
after one Delta commit per table that takes them out of its current version (so that Polars, Spark
or DuckDB read the other months again; older versions still name them), drops broken log lines,
and returns the same report with the re-ingest commands.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.ingest.damage import Damage, store_damage
from toolkit.ingest.delta import is_table, remove_files
from toolkit.ingest.layout import LOG, dataset_files, table_dir
from toolkit.ingest.store import LogProblem, log_contents, repair_log, write_lock

QUARANTINE = "quarantine"


@dataclass
class SourceFile:
    """An ingested file that fed a damaged month, as the ingest log recorded it."""

    path: str
    dataset: str  # the dataset it was ingested as (surveys carried on a call export: interactions)
    mapping: str | None
    source: str | None
    sha256: str | None
    at: str | None
    certain: bool  # the log names the month; False: an older entry that records no months
    state: str = "unchanged"  # unchanged | changed (another checksum now) | missing

    def command(self) -> str:
        import shlex

        parts = ["cxtk", "ingest", self.dataset, shlex.quote(self.path)]
        if self.mapping:
            parts += ["--mapping", shlex.quote(self.mapping)]
        if self.source:
            parts += ["--source", shlex.quote(self.source)]
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "dataset": self.dataset, "mapping": self.mapping, "source": self.source,
            "sha256": self.sha256, "ingested_at": self.at, "month_recorded": self.certain, "state": self.state,
            "command": self.command(),
        }  # fmt: skip


@dataclass
class DamagedFile:
    damage: Damage
    sources: list[SourceFile] = field(default_factory=list)
    quarantined_to: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.damage.path),
            "dataset": self.damage.dataset,
            "month": self.damage.month,
            "reason": self.damage.reason,
            "quarantined_to": None if self.quarantined_to is None else str(self.quarantined_to),
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass
class StoreReport:
    store: Path
    files_checked: int
    log_entries: int
    damaged: list[DamagedFile] = field(default_factory=list)
    log_problems: list[LogProblem] = field(default_factory=list)
    quarantine: Path | None = None  # set by repair when something was moved
    repaired: bool = False

    @property
    def ok(self) -> bool:
        return not self.damaged and not self.log_problems

    def to_reingest(self) -> list[SourceFile]:
        """The source files to ingest again, each once, oldest first."""
        seen: dict[tuple[str, str], SourceFile] = {}
        for d in self.damaged:
            for s in d.sources:
                seen.setdefault((s.dataset, s.path), s)
        return sorted(seen.values(), key=lambda s: (s.at or "", s.path))

    def to_dict(self) -> dict[str, Any]:
        return {
            "store": str(self.store),
            "ok": self.ok,
            "repaired": self.repaired,
            "files_checked": self.files_checked,
            "log_entries": self.log_entries,
            "damaged": [d.to_dict() for d in self.damaged],
            "log_problems": [
                {"line": p.line, "torn": p.torn, "text": p.text, "message": p.describe(self.store / LOG)}
                for p in self.log_problems
            ],
            "quarantine": None if self.quarantine is None else str(self.quarantine),
            "reingest": [s.command() for s in self.to_reingest()],
        }


def check_store(store_dir: Path) -> StoreReport:
    """Decode every partition file, read the log; change nothing."""
    from toolkit.ingest.schema import DATASETS

    log = log_contents(store_dir)
    files = sum(len(dataset_files(store_dir, ds)) for ds in DATASETS.values())
    damaged = [DamagedFile(d, _sources(d, log.entries)) for d in store_damage(store_dir, deep=True)]
    return StoreReport(store_dir, files, len(log.entries), damaged, log.problems)


def repair_store(store_dir: Path, *, now: datetime | None = None) -> StoreReport:
    """Quarantine the damaged files and drop broken log lines, holding the write lock."""
    if not store_dir.is_dir():
        return StoreReport(store_dir, 0, 0)
    with write_lock(store_dir):
        report = check_store(store_dir)
        report.repaired = not report.ok
        if report.damaged:
            moment = (now or datetime.now(UTC)).astimezone(UTC)
            report.quarantine = _new_folder(store_dir / QUARANTINE, moment.strftime("%Y%m%dT%H%M%SZ"))
            _unlist(store_dir, report.damaged, report.quarantine.name)
            for d in report.damaged:
                if d.damage.path.exists():
                    d.quarantined_to = _quarantine(store_dir, d.damage.path, report.quarantine)
            from toolkit.core.outputs import write_text

            write_text(report.quarantine / "manifest.json",
                       json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        if report.log_problems:
            repair_log(store_dir)
    return report


def _unlist(store_dir: Path, damaged: list[DamagedFile], txn: str) -> None:
    """Take the damaged files out of their Delta tables' current version (one commit per table), so
    that every reader reads the other months again; a store of the layout before Delta lists nothing."""
    from toolkit.ingest.schema import dataset

    by_table: dict[str, list[Path]] = {}
    for d in damaged:
        by_table.setdefault(d.damage.dataset, []).append(d.damage.path)
    for name, paths in by_table.items():
        ds = dataset(name)
        base = table_dir(store_dir, ds)
        if is_table(base):
            remove_files(base, ds, paths, f"repair-{txn}")


def _sources(d: Damage, entries: list[dict[str, Any]]) -> list[SourceFile]:
    """The logged files whose rows went to the damaged file's month (latest ingest of each path)."""
    found: dict[str, SourceFile] = {}
    for e in entries:
        ds = e.get("dataset")
        months = e.get("months")
        if isinstance(months, dict):
            fed = months.get(d.dataset)
            if fed is None or (d.month is not None and d.month not in fed):
                continue
            certain = True
        else:  # logged before months were recorded: any file of that dataset may have fed it
            linked = isinstance(e.get("linked"), dict) and d.dataset in e["linked"]
            if ds != d.dataset and not linked:
                continue
            certain = d.month is None
        path = str(e.get("resolved") or e.get("file") or "")
        if not path:
            continue
        found[path] = SourceFile(path, str(ds), e.get("mapping"), e.get("source"), e.get("sha256"), e.get("at"),
                                 certain)
    out = sorted(found.values(), key=lambda s: (s.at or "", s.path))
    for s in out:
        s.state = _state(s)
    return out


def _state(s: SourceFile) -> str:
    p = Path(s.path)
    if not p.is_file():
        return "missing"
    if s.sha256 is None:
        return "unchanged"
    h = hashlib.sha256()
    try:
        with open(p, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return "missing"
    return "unchanged" if h.hexdigest() == s.sha256 else "changed"


def _new_folder(root: Path, name: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        folder = root / (name if n == 1 else f"{name}-{n}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise FileExistsError(root / name)


def _quarantine(store_dir: Path, path: Path, folder: Path) -> Path:
    """Move one file under ``folder``, keeping its place in the store (``interactions/month=…/…``)."""
    target = folder / path.relative_to(store_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)
    for changed in (path.parent, target.parent):
        with contextlib.suppress(OSError):
            fd = os.open(changed, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    with contextlib.suppress(OSError):
        path.parent.rmdir()  # the month folder, now empty
    return target
