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


def assert_balanced(counts: dict) -> None:
    """read = accepted + rejected + duplicate + skipped; updated ⊂ accepted."""
    assert counts["read"] == counts["accepted"] + counts["rejected"] + counts["duplicate"] + counts["skipped"], counts
    assert 0 <= counts["updated"] <= counts["accepted"], counts
