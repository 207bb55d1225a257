"""Helpers shared by the ingest/store tests: a temporary workspace, the store as a frame, file hashes."""

from __future__ import annotations

import hashlib
from pathlib import Path

BAD = Path(__file__).resolve().parent / "data" / "bad"
CANON = ["interaction_id", "channel", "arrived_at", "answered_at", "ended_at", "talk_s", "resolved", "complaint"]


def make_workspace(root: Path, config_text: str = "timezone: UTC\n") -> Path:
    """A workspace folder with a cxtk.yaml; returns the folder."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "cxtk.yaml").write_text(config_text, encoding="utf-8")
    return root


def config_of(ws: Path):  # type: ignore[no-untyped-def]
    from toolkit.core.config import load_config

    return load_config(ws / "cxtk.yaml")


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A plain UTF-8 CSV (cells must not hold commas or quotes)."""
    path.write_text("".join(",".join(r) + "\n" for r in [header, *rows]), encoding="utf-8")
    return path


def store_frame(ws: Path, dataset: str = "interactions"):  # type: ignore[no-untyped-def]
    """The dataset as stored, sorted by its key, or None when empty (read via scan_store, which recovers)."""
    from toolkit.ingest.schema import dataset as ds_of
    from toolkit.ingest.store import scan_store

    lf = scan_store(ws / "store", dataset)
    if lf is None:
        return None
    ds = ds_of(dataset)
    return lf.collect().sort(["source", *ds.id_fields], nulls_last=True)


def store_rows(ws: Path, dataset: str = "interactions") -> int:
    frame = store_frame(ws, dataset)
    return 0 if frame is None else frame.height


def parquet_hashes(ws: Path) -> dict[str, str]:
    """SHA-256 of every data file of the store, by relative path."""
    store = ws / "store"
    return {
        str(p.relative_to(store)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(store.rglob("*.parquet"))
    }


def live_parts(ws: Path, dataset: str | None = None) -> list[str]:
    """The data files that make the store now (each Delta table's current version), relative to ``store/``."""
    from toolkit.ingest.layout import dataset_files
    from toolkit.ingest.schema import DATASETS

    store = ws / "store"
    names = DATASETS.values() if dataset is None else [DATASETS[dataset]]
    return sorted(str(p.relative_to(store)) for ds in names for p in dataset_files(store, ds))


def live_months(ws: Path, dataset: str | None = None) -> list[str]:
    """``interactions/month=2026-10`` for each data file of the store now (one per file)."""
    return [p.rsplit("/", 1)[0] for p in live_parts(ws, dataset)]


def live_part(ws: Path, month: str, dataset: str = "interactions") -> Path:
    """The one data file of a month (a test made it with one ingest)."""
    found = [p for p in live_parts(ws, dataset) if p.startswith(f"{dataset}/month={month}/")]
    assert len(found) == 1, found
    return ws / "store" / found[0]


def table_version(ws: Path, dataset: str = "interactions") -> int:
    from deltalake import DeltaTable

    return DeltaTable(str(ws / "store" / dataset)).version()


def assert_balanced(counts: dict) -> None:
    """read = accepted + rejected + duplicate + skipped; updated ⊂ accepted."""
    assert counts["read"] == counts["accepted"] + counts["rejected"] + counts["duplicate"] + counts["skipped"], counts
    assert 0 <= counts["updated"] <= counts["accepted"], counts
