"""Where the store keeps what: one folder per dataset, one per month (``month=YYYY-MM/data.parquet``),
the journal, the lock and the ingest log."""

from __future__ import annotations

from pathlib import Path

from toolkit.ingest.schema import Dataset

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
