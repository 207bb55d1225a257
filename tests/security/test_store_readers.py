"""Atomic for every reader, not only for cxtk (issue 11, item 7).

Mid-apply, a plain ``pl.scan_parquet`` of the old store saw neither the before nor the after state
(453,164 rows between 348,164 and 543,164). The store is now one Delta table per dataset: readers
that are not cxtk (Polars ``scan_delta``, the ``deltalake`` package, DuckDB over the table's file
list) see each committed state at one instant. These tests start from the state a crash or an old
version leaves and read the store the way docs/store.md tells someone without cxtk to read it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers_ingest import live_part, make_workspace, parquet_hashes, store_frame

ROOT = Path(__file__).resolve().parents[2]
HEADER = "interaction_id,channel,arrived_at,answered_at,talk_s,csat\n"
TRIALS = 15


def _calls(ids: range, changed: frozenset[int] = frozenset()) -> str:
    out = [HEADER]
    for i in ids:
        day = 1 + i % 56
        month, dom = (10, day) if day <= 31 else (11, day - 31)
        when = f"2026-{month:02d}-{dom:02d} 08:{i % 60:02d}"
        out.append(f"k{i},phone,{when}:00,{when}:30,{i % 500 + (7 if i in changed else 0)},{1 + i % 5}\n")
    return "".join(out)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "CXTK_LOCK_TIMEOUT": "5"}


def _plain_counts(ws: Path) -> tuple[int, int]:
    """Row counts of both tables, read without cxtk, as docs/store.md shows."""
    import polars as pl

    return tuple(  # type: ignore[return-value]
        pl.scan_delta(str(ws / "store" / name)).select(pl.len()).collect().item() for name in ("interactions", "surveys")
    )


class Reader(threading.Thread):
    """Reads the current trial's store in a loop; records every count it sees and every failure."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.target: Path | None = None
        self.seen: list[tuple[int, tuple[int, int]]] = []  # (trial, counts)
        self.errors: list[str] = []
        self.trial = -1
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                target, trial = self.target, self.trial
                if target is None:
                    time.sleep(0.002)
                    continue
                try:
                    self.seen.append((trial, _plain_counts(target)))
                except Exception as exc:  # a plain reader must never fail on a committed store
                    self.errors.append(f"trial {trial}: {type(exc).__name__}: {exc}")

    def point_at(self, ws: Path | None, trial: int) -> None:
        with self.lock:
            self.target, self.trial = ws, trial


@pytest.mark.slow
def test_a_plain_reader_beside_kill_9_trials_sees_only_before_or_after(tmp_path):
    from toolkit.core.config import load_config
    from toolkit.ingest.pipeline import ingest_files

    base = make_workspace(tmp_path / "base")
    (base / "first.csv").write_text(_calls(range(0, 3000)), encoding="utf-8")
    ingest_files(load_config(base / "cxtk.yaml"), "interactions", [base / "first.csv"])
    # 1,000 identical, 500 changed, 3,000 new rows: both months of both tables are rewritten or grow
    (base / "second.csv").write_text(_calls(range(1500, 6000), frozenset(range(1500, 2000))), encoding="utf-8")
    before = _plain_counts(base)
    cmd = [sys.executable, "-m", "toolkit", "ingest", "interactions", "second.csv", "--format", "json"]
    reference = tmp_path / "reference"
    shutil.copytree(base, reference)
    started = time.monotonic()
    subprocess.run(cmd, cwd=reference, env=_env(), check=True, capture_output=True, timeout=60)
    full = time.monotonic() - started
    after = _plain_counts(reference)
    assert before == (3000, 3000) and after == (6000, 6000)

    reader = Reader()
    reader.start()
    rng = random.Random(20261107)
    try:
        for trial in range(TRIALS):
            ws = tmp_path / f"t{trial}"
            shutil.copytree(base, ws)
            reader.point_at(ws, trial)
            proc = subprocess.Popen(cmd, cwd=ws, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.4 * full, 1.05 * full))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            # the next ingest recovers and lands on "after", with the reader still reading
            result = ingest_files(load_config(ws / "cxtk.yaml"), "interactions", [ws / "second.csv"])
            assert result.files[0].counts.read == 4500
            time.sleep(0.05)
            reader.point_at(None, trial)
            assert _plain_counts(ws) == after
            shutil.rmtree(ws)
    finally:
        reader.stop.set()
        reader.join(timeout=30)
    assert not reader.errors, reader.errors[:3]
    # each table on its own is always before or after (the two tables commit one after the other)
    for trial, (calls, surveys) in reader.seen:
        assert calls in (before[0], after[0]), f"trial {trial}: a plain reader saw {calls} interactions"
        assert surveys in (before[1], after[1]), f"trial {trial}: a plain reader saw {surveys} survey rows"
    counts = {c for _t, c in reader.seen}
    assert before in counts and after in counts, counts  # the loop read while the trials ran
    print(f"plain reads: {len(reader.seen)}, states seen: {sorted(counts)}")


def _write_old_layout(ws: Path, cli) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A store as cxtk wrote it before Delta (``month=YYYY-MM/data.parquet``, no ``_delta_log``): the
    rows an ingest makes, written the old way."""
    import polars as pl

    scratch = make_workspace(ws.parent / "scratch")
    f = ws.parent / "old.csv"
    f.write_text("interaction_id,channel,arrived_at,talk_s\n" + "".join(
        f"c{i},phone,2026-{9 + i % 2:02d}-{1 + i % 28:02d} 09:00,{100 + i}\n" for i in range(40)), encoding="utf-8")
    r = cli("--config", scratch / "cxtk.yaml", "ingest", "interactions", f)
    assert r.code == 0, r.err
    frame = store_frame(scratch)
    counts = {}
    for month in ("2026-09", "2026-10"):
        part = frame.filter(pl.col("arrived_at").dt.strftime("%Y-%m") == month)
        folder = ws / "store" / "interactions" / f"month={month}"
        folder.mkdir(parents=True)
        part.write_parquet(folder / "data.parquet")
        counts[month] = part.height
    shutil.copy(scratch / "store" / "ingest-log.jsonl", ws / "store" / "ingest-log.jsonl")
    return counts


def test_cxtk_store_migrate_makes_an_old_store_a_delta_table_without_rewriting_it(cli, tmp_path):
    import polars as pl

    ws = make_workspace(tmp_path / "ws")
    counts = _write_old_layout(ws, cli)
    hashes = parquet_hashes(ws)
    cxtk_before = store_frame(ws)
    r = cli("--config", ws / "cxtk.yaml", "store", "migrate")
    assert r.code == 0, r.err
    assert f"migrated interactions: 2 file(s), now a Delta table at {ws / 'store' / 'interactions'}" in r.out
    assert parquet_hashes(ws) == hashes  # the files are where they were, byte for byte
    plain = pl.scan_delta(str(ws / "store" / "interactions")).collect()
    assert plain.group_by("month").len().sort("month").rows() == sorted(counts.items())
    assert store_frame(ws).equals(cxtk_before)
    again = cli("--config", ws / "cxtk.yaml", "store", "migrate")
    assert again.code == 0 and "interactions: already a Delta table" in again.out


def test_the_first_ingest_into_an_old_store_migrates_it_and_keeps_the_dedupe_rule(cli, tmp_path):
    import polars as pl

    ws = make_workspace(tmp_path / "ws")
    _write_old_layout(ws, cli)
    # c0 as stored (duplicate), c1 changed (updated), n1 new
    f = tmp_path / "calls.csv"
    f.write_text("interaction_id,channel,arrived_at,talk_s\nc0,phone,2026-09-01 09:00,100\n"
                 "c1,phone,2026-10-02 09:00,999\nn1,phone,2026-10-03 09:00,5\n", encoding="utf-8")
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f, "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert (out["read"], out["accepted"], out["duplicate"], out["updated"]) == (3, 2, 1, 1)
    plain = pl.scan_delta(str(ws / "store" / "interactions")).collect()
    assert plain.height == 41
    assert plain.filter(pl.col("interaction_id") == "c1")["talk_s"].to_list() == [999.0]
    # version 0 is the migrated old store, as it was
    assert pl.scan_delta(str(ws / "store" / "interactions"), version=0).select(pl.len()).collect().item() == 40


def test_a_repaired_month_leaves_the_table_readable_by_plain_readers(ws_two_months, cli):
    import polars as pl

    ws = ws_two_months
    bad = live_part(ws, "2026-10")
    bad.write_bytes(bad.read_bytes()[:100])
    table = str(ws / "store" / "interactions")
    # (every reader fails on the cut file until then: Polars panics in its Parquet reader)
    r = cli("--config", ws / "cxtk.yaml", "store", "repair")
    assert r.code == 0, r.err
    assert pl.scan_delta(table).select("month").unique().collect()["month"].to_list() == ["2026-11"]


@pytest.fixture
def ws_two_months(tmp_path, cli):
    ws = make_workspace(tmp_path / "ws")
    f = tmp_path / "calls.csv"
    f.write_text(_calls(range(0, 200)), encoding="utf-8")
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f)
    assert r.code == 0, r.err
    return ws


def test_the_readers_of_docs_store_md_give_the_same_rows(ws_two_months):
    """The code of docs/store.md, run as written: Polars, deltalake + Polars (literal paths), DuckDB."""
    import re

    import polars as pl

    ws = ws_two_months
    doc = (ROOT / "docs" / "store.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, flags=re.S)
    runnable = [b for b in blocks if "# runs as a test" in b]
    assert len(runnable) >= 3, "docs/store.md lost its reader examples"
    expected = store_frame(ws).height
    for block in runnable:
        scope: dict[str, object] = {}
        old = Path.cwd()
        os.chdir(ws)  # the examples use paths relative to the workspace
        try:
            exec(compile(block, "docs/store.md", "exec"), scope)  # noqa: S102 — our own documentation
        finally:
            os.chdir(old)
        assert scope["n"] == expected, block
    del pl


def test_a_damaged_table_log_is_one_line_naming_it(ws_two_months, cli):
    ws = ws_two_months
    log = ws / "store" / "interactions" / "_delta_log"
    last = sorted(log.glob("*.json"))[-1]
    last.write_bytes(last.read_bytes()[:120])  # cut short from outside (a bad copy or restore)
    r = cli("--config", ws / "cxtk.yaml", "kpi", "--period", "2026-10", "--kpi", "contacts")
    assert r.code == 1
    assert "Traceback" not in r.err
    line = r.err.strip()
    assert len(line.splitlines()) == 1 and line.startswith(f"Error: {log}: damaged table log (")
