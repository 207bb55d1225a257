"""What an ingest reports: the row accounting of each file (read = accepted + rejected + duplicate + skipped),
the file's hash and mapping, and the run's totals; ``check_accounting`` asserts the balance."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from toolkit.core.errors import CxtkError

Progress = Callable[[str], None]


@dataclass
class Counts:
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0
    skipped: int = 0
    updated: int = 0

    def add(self, other: Counts) -> None:
        for k in ("read", "accepted", "rejected", "duplicate", "skipped", "updated"):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def balanced(self) -> bool:
        return self.read == self.accepted + self.rejected + self.duplicate + self.skipped


@dataclass
class FileResult:
    path: str
    sha256: str
    encoding: str | None
    mapping: str
    dataset: str
    counts: Counts
    rejects_file: str | None = None
    linked: dict[str, dict[str, int]] = field(default_factory=dict)
    first_rejects: list[dict[str, Any]] = field(default_factory=list)
    months: dict[str, list[str]] = field(default_factory=dict)  # dataset -> the partitions its rows went to
    notes: list[str] = field(default_factory=list)  # what the user should know (an id that is not unique)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "mapping": self.mapping,
        }
        out |= asdict(self.counts)
        out["rejects_file"] = self.rejects_file
        if self.linked:
            out["linked"] = self.linked
        if self.notes:
            out["notes"] = list(self.notes)
        return out


@dataclass
class IngestResult:
    dataset: str
    files: list[FileResult]
    dry_run: bool = False
    store: str | None = None
    seconds: float = 0.0

    @property
    def totals(self) -> Counts:
        total = Counts()
        for f in self.files:
            total.add(f.counts)
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            **asdict(self.totals),
            "dry_run": self.dry_run,
            "files": [f.to_dict() for f in self.files],
        }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_accounting(result: IngestResult) -> None:
    """Raise if any file's accounting does not balance (it never should)."""
    for f in result.files:
        if not f.counts.balanced:
            raise CxtkError(f"{f.path}: accounting does not balance: {f.counts}")
