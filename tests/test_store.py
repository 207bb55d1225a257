"""The store: idempotent ingests, re-exports and updates, one writer at a time, recovery of a journal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers_ingest import (
    CANON,
    assert_balanced,
    live_months,
    make_workspace,
    parquet_hashes,
    store_frame,
    table_version,
    write_csv,
)

ROOT = Path(__file__).resolve().parents[1]
C1 = ["c1", "phone", "2026-10-01 08:00:00", "2026-10-01 08:00:20", "2026-10-01 08:05:00", "280", "Y", "N"]
C2 = ["c2", "chat", "2026-10-02 09:00:00", "", "2026-10-02 09:01:00", "", "", ""]
C3 = ["c3", "email", "2026-11-03 10:00:00", "", "", "", "", ""]


def ingest_json(cli, ws: Path, *files: Path, extra: tuple[str, ...] = ()) -> dict:
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", *files, "--format", "json", *extra)
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert_balanced(data)
    return data


def log_lines(ws: Path) -> int:
    return len((ws / "store" / "ingest-log.jsonl").read_text(encoding="utf-8").splitlines())


def test_same_file_twice_leaves_store_byte_identical(cli, tmp_path):
    ws = make_workspace(tmp_path)
    f = write_csv(tmp_path / "calls.csv", CANON, [C1, C2, C3])
    first = ingest_json(cli, ws, f)
    assert (first["accepted"], first["duplicate"]) == (3, 0)
    hashes = parquet_hashes(ws)
    # two months of interactions; no ratings on the file, so no linked surveys
    assert live_months(ws) == ["interactions/month=2026-10", "interactions/month=2026-11"]
    version = table_version(ws)
    again = ingest_json(cli, ws, f)
    # all three rows are already stored unchanged: duplicates, nothing accepted
    assert {k: again[k] for k in ("read", "accepted", "duplicate", "updated")} == {
        "read": 3, "accepted": 0, "duplicate": 3, "updated": 0}
    assert parquet_hashes(ws) == hashes
    assert table_version(ws) == version  # no Delta commit: readers see the very same table
    assert log_lines(ws) == 2  # the log records both ingests; the data did not change


def test_overlapping_reexport_adds_only_new_rows(cli, tmp_path):
    ws = make_workspace(tmp_path)
    ingest_json(cli, ws, write_csv(tmp_path / "a.csv", CANON, [C1, C2]))
    out = ingest_json(cli, ws, write_csv(tmp_path / "b.csv", CANON, [C2, C3]))
    # c2 is stored unchanged (duplicate); c3 is new
    assert (out["read"], out["accepted"], out["duplicate"], out["updated"]) == (2, 1, 1, 0)
    assert store_frame(ws)["interaction_id"].to_list() == ["c1", "c2", "c3"]


def test_changed_row_is_an_update(cli, tmp_path):
    ws = make_workspace(tmp_path)
    ingest_json(cli, ws, write_csv(tmp_path / "a.csv", CANON, [C1, C2]))
    changed = [*C1[:5], "300", "N", "N"]  # talk 280 → 300, resolved Y → N
    out = ingest_json(cli, ws, write_csv(tmp_path / "b.csv", CANON, [changed, C2]))
    assert (out["accepted"], out["updated"], out["duplicate"]) == (1, 1, 1)
    frame = store_frame(ws)
    assert frame.height == 2
    row = frame.filter(frame["interaction_id"] == "c1").row(0, named=True)
    assert (row["talk_s"], row["handle_s"], row["resolved"]) == (300.0, 300.0, False)


def test_changed_row_moving_month_leaves_no_copy_behind(cli, tmp_path):
    ws = make_workspace(tmp_path)
    ingest_json(cli, ws, write_csv(tmp_path / "a.csv", CANON, [C1, C2]))
    moved = ["c2", "chat", "2026-11-02 09:00:00", "", "2026-11-02 09:01:00", "", "", ""]
    out = ingest_json(cli, ws, write_csv(tmp_path / "b.csv", CANON, [moved]))
    assert (out["accepted"], out["updated"]) == (1, 1)
    frame = store_frame(ws)
    assert frame["interaction_id"].to_list() == ["c1", "c2"]
    assert str(frame["arrived_at"][1])[:10] == "2026-11-02"
    # October was rewritten without c2, November got it: one file each make the table now
    assert live_months(ws) == ["interactions/month=2026-10", "interactions/month=2026-11"]


def test_several_files_in_one_ingest_all_reach_the_store(cli, tmp_path):
    """Regression: a later file of the same command used to overwrite the earlier file's staged partition."""
    ws = make_workspace(tmp_path)
    a = write_csv(tmp_path / "a.csv", CANON, [C1, C2])
    b = write_csv(tmp_path / "b.csv", CANON, [C2, ["c4", "phone", "2026-10-05 08:00:00", "", "", "", "", ""]])
    out = ingest_json(cli, ws, a, b)
    # a: 2 new; b: c2 duplicate of a's staged row, c4 new
    assert [(f["accepted"], f["duplicate"]) for f in out["files"]] == [(2, 0), (1, 1)]
    assert store_frame(ws)["interaction_id"].to_list() == ["c1", "c2", "c4"]
    assert not list((ws / "store").rglob("*.tmp-*"))


def test_linked_surveys_follow_the_interactions(cli, tmp_path):
    ws = make_workspace(tmp_path)
    f = write_csv(tmp_path / "r.csv", [*CANON, "csat", "nps"], [[*C1, "5", "9"], [*C2, "", ""]])
    out = ingest_json(cli, ws, f)
    assert out["files"][0]["linked"]["surveys"]["accepted"] == 1
    surveys = store_frame(ws, "surveys")
    assert surveys.select("response_id", "interaction_id", "csat", "nps").rows() == [("c1", "c1", 5, 9)]
    before = parquet_hashes(ws)
    again = ingest_json(cli, ws, f)
    assert again["files"][0]["linked"]["surveys"]["duplicate"] == 1
    assert parquet_hashes(ws) == before


# --- one writer at a time ---------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_two_ingests_at_once_both_land(tmp_path):
    ws = make_workspace(tmp_path)
    rows_a = [[f"a{i}", "phone", f"2026-10-{1 + i % 28:02d} 08:00:00", "", "", str(i), "", ""] for i in range(3000)]
    rows_b = [[f"b{i}", "chat", f"2026-10-{1 + i % 28:02d} 09:00:00", "", "", str(i), "", ""] for i in range(3000)]
    a = write_csv(tmp_path / "a.csv", CANON, rows_a)
    b = write_csv(tmp_path / "b.csv", CANON, rows_b)
    procs = [
        subprocess.Popen([sys.executable, "-m", "toolkit", "ingest", "interactions", str(f), "--format", "json"],
                         cwd=ws, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for f in (a, b)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _o, e in outs]
    assert [json.loads(o)["accepted"] for o, _e in outs] == [3000, 3000]
    frame = store_frame(ws)
    assert frame.height == 6000
    assert frame["interaction_id"].n_unique() == 6000


def test_held_lock_with_zero_timeout_fails_clearly(cli, tmp_path, monkeypatch):
    from toolkit.ingest.store import write_lock

    ws = make_workspace(tmp_path)
    f = write_csv(tmp_path / "a.csv", CANON, [C1])
    monkeypatch.setenv("CXTK_LOCK_TIMEOUT", "0")
    with write_lock(ws / "store"):  # flock: a second open file description conflicts, even in this process
        r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f)
    assert r.code == 1
    assert r.err == (f"Error: {(ws / 'store').resolve()}: another cxtk ingest (pid {os.getpid()}) is writing to the "
                     "store; waited 0 s — try again when it has finished\n")
    assert parquet_hashes(ws) == {}
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f)  # the lock is free again
    assert r.code == 0, r.err


# --- recovery -----------------------------------------------------------------------------------


def test_recover_rolls_a_committed_journal_forward_and_drops_strays(tmp_path):
    from toolkit.ingest.layout import JOURNAL
    from toolkit.ingest.store import read_log, scan_store
    from toolkit.kpis.frames import frame_of

    def partition(cid: str):  # type: ignore[no-untyped-def]
        # every column of the dataset: a file with other columns is foreign (store.file_damage)
        return frame_of("interactions", [{"interaction_id": cid, "channel": "phone", "arrived_at": "2026-10-01 09:00"}])

    store = tmp_path / "store"
    part = store / "interactions" / "month=2026-10"
    part.mkdir(parents=True)
    partition("new").collect().write_parquet(part / "data.parquet.tmp-t1-0")
    partition("junk").collect().write_parquet(part / "data.parquet.tmp-t0-0")
    journal = {"txn": "t1", "renames": [["interactions/month=2026-10/data.parquet.tmp-t1-0",
                                         "interactions/month=2026-10/data.parquet"]],
               "deletes": [], "log": [{"file": "x.csv"}]}
    (store / JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
    frame = scan_store(store, "interactions").collect()
    assert frame["interaction_id"].to_list() == ["new"]
    assert not (store / JOURNAL).exists()
    assert not list(store.rglob("*.tmp-*"))
    assert [e["txn"] for e in read_log(store)] == ["t1"]
