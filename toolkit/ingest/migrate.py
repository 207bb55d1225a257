"""``cxtk store migrate``: a store of the layout before Delta (``month=YYYY-MM/data.parquet``) becomes
Delta tables in place.

Each dataset folder gets a ``_delta_log`` whose first commit references its Parquet files where they
are: no data file is rewritten or moved, so the migration takes a moment even on a large store, and
it is atomic per dataset (the commit file appears whole or not at all). A dataset with a damaged
file is left as it is (``cxtk store repair`` first); it is migrated on a later write. Every ingest
migrates first, so an old store needs no step of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from toolkit.ingest.damage import Damage, file_damage, partition_month
from toolkit.ingest.delta import create_from_files
from toolkit.ingest.layout import is_delta, legacy_files, table_dir
from toolkit.ingest.schema import DATASETS


@dataclass
class Migration:
    store: Path
    migrated: dict[str, int] = field(default_factory=dict)  # dataset -> files now in its Delta table
    already: list[str] = field(default_factory=list)  # datasets that were Delta tables already
    damaged: list[Damage] = field(default_factory=list)  # files that kept their dataset from migrating

    def to_dict(self) -> dict[str, object]:
        return {
            "store": str(self.store),
            "migrated": self.migrated,
            "already_delta": self.already,
            "left_as_they_are": [{"file": str(d.path), "reason": d.reason} for d in self.damaged],
        }


def migrate_locked(store_dir: Path) -> Migration:
    """Convert every dataset of the old layout (the caller holds the write lock)."""
    out = Migration(store_dir)
    for ds in DATASETS.values():
        if is_delta(store_dir, ds):
            out.already.append(ds.name)
            continue
        files = legacy_files(store_dir, ds)
        if not files:
            continue
        damaged = [d for f in files if (d := file_damage(f, ds)) is not None]
        if damaged:
            out.damaged += damaged
            continue
        base = table_dir(store_dir, ds)
        create_from_files(base, ds, [(str(f.relative_to(base)), partition_month(f)) for f in files])
        out.migrated[ds.name] = len(files)
    return out


def migrate_store(store_dir: Path) -> Migration:
    """``cxtk store migrate``: hold the write lock and convert."""
    from toolkit.ingest.store import write_lock

    if not store_dir.is_dir():
        return Migration(store_dir)
    with write_lock(store_dir):
        return migrate_locked(store_dir)
