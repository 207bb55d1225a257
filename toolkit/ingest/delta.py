"""The store's tables in the Delta Lake format, through ``deltalake`` (the delta-rs binding).

Each dataset folder (``store/interactions``) is a Delta table partitioned by ``month``: Parquet
files under ``month=YYYY-MM/`` and a ``_delta_log/`` of numbered JSON commits. The log, not the
folder listing, says which files make the table: a commit is one file put in place atomically, so
every Delta reader (Polars ``scan_delta``, DuckDB ``delta_scan``, Spark, Trino, Athena) sees the
table as it was before a commit or as it is after it, never in between, and older versions stay
readable (``pl.scan_delta(path, version=N)``) until ``vacuum`` removes their files.

cxtk writes the data files itself (Polars, zstd) and commits them here as ``add`` / ``remove``
actions with an application transaction (``txn``: app id ``cxtk``, a version one higher per
commit), so a commit rolled forward after a crash is applied once: ``applied_seq`` tells whether
it landed. The month is a partition column: it is not stored in the files (readers get it from the
path and the log), like the Hive layout before.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.core.errors import StoreDamaged
from toolkit.ingest.schema import Dataset

PARTITION = "month"
DELTA_LOG = "_delta_log"
APP_ID = "cxtk"
LOG_NAME = "ingest-log.jsonl"  # layout.LOG (layout imports this module)
# removed files are kept this long, so that "the store as it was" (an older version) stays readable
# and a reader that started before a commit can finish; Delta's own default
RETENTION_HOURS = 168

_DELTA_TYPES = {"str": "string", "datetime": "timestamp", "date": "date", "float": "double", "int": "integer",
                "bool": "boolean", "score": "byte"}


@dataclass(frozen=True)
class LiveFile:
    """A data file of the table's current version."""

    path: Path  # absolute, literal
    rel: str  # as the log names it, relative to the table folder
    month: str | None
    size: int


def is_table(base: Path) -> bool:
    return (base / DELTA_LOG).is_dir()


def partitioned(ds: Dataset) -> bool:
    return ds.time_field is not None


def delta_schema(ds: Dataset) -> Any:
    """The table schema: the dataset's fields (every one nullable) and the ``month`` partition."""
    from deltalake import Schema

    fields = [{"name": f.name, "type": _DELTA_TYPES[f.kind], "nullable": True, "metadata": {}} for f in ds.fields]
    if partitioned(ds):
        fields.append({"name": PARTITION, "type": "string", "nullable": True, "metadata": {}})
    return Schema.from_json(json.dumps({"type": "struct", "fields": fields}))


def open_table(base: Path) -> Any:
    """The table at ``base``; a log that cannot be read is named in one line (``StoreDamaged``)."""
    from deltalake import DeltaTable

    try:
        return DeltaTable(str(base))
    except Exception as exc:  # any failure to replay the log: the table cannot be read
        text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise StoreDamaged(
            f"{base / DELTA_LOG}: damaged table log ({text}); {base.name} cannot be read — restore that folder "
            f"from a backup, or move {base} aside and ingest again the files that store/{LOG_NAME} lists"
        ) from None


def live_files(base: Path) -> list[LiveFile]:
    """The data files of the table's current version, sorted by path (oldest commit first)."""
    import polars as pl

    table = open_table(base)
    adds = pl.DataFrame(table.get_add_actions(flatten=True))
    if adds.height == 0:
        return []
    month_col = f"partition.{PARTITION}"
    months = adds[month_col].to_list() if month_col in adds.columns else [None] * adds.height
    out = [
        LiveFile(base / rel, rel, month, int(size))
        for rel, size, month in zip(adds["path"].to_list(), adds["size_bytes"].to_list(), months, strict=True)
    ]
    return sorted(out, key=lambda f: f.rel)


def applied_seq(base: Path) -> int:
    """The version of cxtk's last commit to the table (0: none, or no table yet)."""
    if not is_table(base):
        return 0
    return open_table(base).transaction_version(APP_ID) or 0


def ensure_table(base: Path, ds: Dataset) -> None:
    """Create the (empty) table when it does not exist yet."""
    from deltalake import DeltaTable

    if is_table(base):
        return
    base.mkdir(parents=True, exist_ok=True)
    DeltaTable.create(str(base), delta_schema(ds), mode="ignore", partition_by=[PARTITION] if partitioned(ds) else None)


def _add(base: Path, ds: Dataset, rel: str, month: str | None) -> Any:
    import polars as pl
    from deltalake.transaction import AddAction

    path = base / rel
    st = path.stat()
    rows = pl.scan_parquet(path, glob=False).select(pl.len()).collect().item()  # the footer only
    values = {PARTITION: month} if partitioned(ds) else {}
    return AddAction(rel, st.st_size, values, st.st_mtime_ns // 1_000_000, True, json.dumps({"numRecords": rows}))


def commit(base: Path, ds: Dataset, change: dict[str, Any]) -> None:
    """Commit one journal entry's adds and removes to the table, unless that commit already landed.

    ``change`` is ``{"seq": N, "txn": …, "adds": [{"path", "month"}], "removes": [{"path", "month", "size"}]}``.
    """
    from deltalake.transaction import CommitProperties, RemoveAction, Transaction

    ensure_table(base, ds)
    table = open_table(base)
    if (table.transaction_version(APP_ID) or 0) >= change["seq"]:
        return  # committed before a crash: roll-forward must not apply it twice
    now = int(time.time() * 1000)
    actions: list[Any] = [_add(base, ds, a["path"], a["month"]) for a in change["adds"]]
    for r in change["removes"]:
        values = {PARTITION: r["month"]} if partitioned(ds) else {}
        actions.append(RemoveAction(r["path"], True, now, r.get("size"), values))
    props = CommitProperties(app_transactions=[Transaction(APP_ID, change["seq"])],
                             custom_metadata={"cxtk_txn": change["txn"]})
    table.create_write_transaction(actions, mode="append", schema=delta_schema(ds),
                                   partition_by=[PARTITION] if partitioned(ds) else None, commit_properties=props)


def remove_files(base: Path, ds: Dataset, paths: list[Path], txn: str) -> None:
    """One commit that takes ``paths`` out of the table's current version (``cxtk store repair``)."""
    rels = {str(p.relative_to(base)) for p in paths}
    removes = [{"path": f.rel, "month": f.month, "size": f.size} for f in live_files(base) if f.rel in rels]
    if removes:
        commit(base, ds, {"seq": applied_seq(base) + 1, "txn": txn, "adds": [], "removes": removes})


def create_from_files(base: Path, ds: Dataset, files: list[tuple[str, str | None]]) -> None:
    """Make a Delta table of Parquet files already in place (``(path relative to base, month)``):
    one commit that references them, no data rewritten (``cxtk store migrate``)."""
    from deltalake.transaction import CommitProperties, Transaction, create_table_with_add_actions

    adds = [_add(base, ds, rel, month) for rel, month in files]
    create_table_with_add_actions(
        str(base), delta_schema(ds), adds, mode="error", partition_by=[PARTITION] if partitioned(ds) else None,
        commit_properties=CommitProperties(app_transactions=[Transaction(APP_ID, 1)],
                                           custom_metadata={"cxtk_txn": "migrate"}),
    )


def vacuum(base: Path, retention_hours: int = RETENTION_HOURS) -> list[str]:
    """Delete the files that no version younger than the retention needs (best effort)."""
    if not is_table(base):
        return []
    table = open_table(base)
    if not table.vacuum(retention_hours=retention_hours, dry_run=True, enforce_retention_duration=False):
        return []  # nothing to delete: no VACUUM commits in the log
    return table.vacuum(retention_hours=retention_hours, dry_run=False, enforce_retention_duration=False)


def new_file_name(txn: str, n: int) -> str:
    """A data file name that sorts after every earlier one (commit order) and is never reused."""
    return f"part-{time.time_ns():019d}-{txn}-{n}.parquet"
