"""Atomic commits: `kill -9` at random moments during an ingest leaves the store as before or as after.

A base store holds 3 000 calls with ratings (interactions + linked surveys, two months).
The ingest under test reads 4 500 calls: 1 000 identical, 500 changed, 3 000 new, so
it rewrites partitions of both datasets. Each trial copies the base workspace, starts
``python -m toolkit ingest`` and SIGKILLs it after a random delay between 40 % and 105 % of
the command's measured run time (the start is Python start-up); then both datasets (read with ``scan_store``, which recovers)
must equal the "before" frames or the "after" frames, together, and a new ingest of
the same file must bring the store exactly to "after".
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers_ingest import make_workspace, store_frame

ROOT = Path(__file__).resolve().parents[1]
TRIALS = 20
HEADER = "interaction_id,channel,arrived_at,answered_at,talk_s,csat\n"


def _calls(ids: range, changed: set[int] = frozenset()) -> str:
    out = [HEADER]
    for i in ids:
        day = 1 + i % 56
        month, dom = (10, day) if day <= 31 else (11, day - 31)
        when = f"2026-{month:02d}-{dom:02d} 08:{i % 60:02d}"
        talk = i % 500 + (7 if i in changed else 0)
        out.append(f"k{i},phone,{when}:00,{when}:30,{talk},{1 + i % 5}\n")
    return "".join(out)


def _snapshot(ws: Path) -> tuple:
    return tuple(
        None if (f := store_frame(ws, name)) is None else f for name in ("interactions", "surveys")
    )


def _same(a: tuple, b: tuple) -> bool:
    return all((x is None and y is None) or (x is not None and y is not None and x.equals(y)) for x, y in zip(a, b, strict=True))


@pytest.mark.slow
def test_kill_9_during_ingest_leaves_before_or_after(tmp_path):
    from toolkit.core.config import load_config
    from toolkit.ingest.pipeline import ingest_files

    base = make_workspace(tmp_path / "base")
    (base / "first.csv").write_text(_calls(range(0, 3000)), encoding="utf-8")
    ingest_files(load_config(base / "cxtk.yaml"), "interactions", [base / "first.csv"])
    (base / "second.csv").write_text(_calls(range(1500, 6000), changed=set(range(1500, 2000))), encoding="utf-8")
    before = _snapshot(base)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CXTK_LOCK_TIMEOUT": "5"}
    cmd = [sys.executable, "-m", "toolkit", "ingest", "interactions", "second.csv", "--format", "json"]

    reference = tmp_path / "reference"
    shutil.copytree(base, reference)
    started = time.monotonic()
    subprocess.run(cmd, cwd=reference, env=env, check=True, capture_output=True, timeout=60)
    full = time.monotonic() - started
    after = _snapshot(reference)
    assert after[0].height == 6000 and not _same(before, after)

    rng = random.Random(20261001)
    outcomes = []
    for trial in range(TRIALS):
        ws = tmp_path / f"t{trial}"
        shutil.copytree(base, ws)
        proc = subprocess.Popen(cmd, cwd=ws, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4 * full, 1.05 * full))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        state = _snapshot(ws)
        if _same(state, before):
            outcomes.append("before")
        elif _same(state, after):
            outcomes.append("after")
        else:
            pytest.fail(f"trial {trial}: the store is neither as before nor as after the ingest")
        # the next ingest works and lands on "after"
        result = ingest_files(load_config(ws / "cxtk.yaml"), "interactions", [ws / "second.csv"])
        assert result.files[0].counts.read == 4500
        assert _same(_snapshot(ws), after), f"trial {trial}: re-ingest after the kill did not reach 'after'"
        assert not list((ws / "store").rglob("*.tmp-*"))
        shutil.rmtree(ws)
    print("crash trials:", outcomes)
