"""Where the store keeps what: one Delta table per dataset (``store/interactions/_delta_log`` and
``month=YYYY-MM/part-….parquet``), the journal, the lock and the ingest log.

A store written before the Delta layout (``month=YYYY-MM/data.parquet``, no ``_delta_log``) is read
as it is and converted on the next write or by ``cxtk store migrate`` (``toolkit.ingest.migrate``).
"""

from __future__ import annotations

from pathlib import Path

from toolkit.ingest.delta import DELTA_LOG, is_table, live_files
from toolkit.ingest.schema import Dataset

JOURNAL = ".journal.json"


LOCK = ".lock"


LOG = "ingest-log.jsonl"


DATA_FILE = "data.parquet"  # the one file per month of the layout before Delta


def table_dir(store_dir: Path, ds: Dataset) -> Path:
    return store_dir / ds.folder


def partition_dir(store_dir: Path, ds: Dataset, month: str | None) -> Path:
    base = table_dir(store_dir, ds)
    return base if month is None else base / f"month={month}"


def is_delta(store_dir: Path, ds: Dataset) -> bool:
    return is_table(table_dir(store_dir, ds))


def legacy_files(store_dir: Path, ds: Dataset) -> list[Path]:
    """The Parquet files of a dataset folder in the layout before Delta (every one is data)."""
    base = table_dir(store_dir, ds)
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*.parquet") if p.is_file() and DELTA_LOG not in p.relative_to(base).parts)


def dataset_files(store_dir: Path, ds: Dataset) -> list[Path]:
    """The data files that make the dataset now: the Delta table's current version (files removed by
    a later commit but kept for older versions are not among them), or every file of an old store."""
    base = table_dir(store_dir, ds)
    if is_table(base):
        return [f.path for f in live_files(base)]
    return legacy_files(store_dir, ds)


def stored_months(store_dir: Path, ds: Dataset) -> list[str]:
    months = {p.parent.name.removeprefix("month=") for p in dataset_files(store_dir, ds)
              if p.parent.name.startswith("month=")}
    return sorted(months)
