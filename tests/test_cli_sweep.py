"""A newcomer's sweep of the CLI: each test is one problem found by misusing a command, now fixed.

Every test asserts the exit code and the one line a user reads (cli.md: exit 1 = one clear line on
stderr naming the file/line/field and what to do, never a traceback; exit 2 = usage error).
"""

from __future__ import annotations

import json

import pytest

CSV = """interaction_id,channel,team,arrived_at,answered_at,wait_s,talk_s
1,phone,A,2026-10-01 09:00:00,2026-10-01 09:00:10,10,100
2,phone,A,2026-10-01 09:05:00,2026-10-01 09:05:50,50,200
3,phone,B,2026-10-02 09:00:00,,40,
"""


def one_line(err: str) -> str:
    """The message a user reads: exactly one line, no traceback."""
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def calls(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_kpi_input_outside_a_workspace_computes(tmp_path, calls, cli, monkeypatch):
    # was: TypeError traceback (load_file called with a keyword it does not take)
    monkeypatch.chdir(tmp_path)
    r = cli("kpi", "--period", "2026-10", "--input", calls, "--kpi", "contacts,asa_s", "--format", "json")
    assert r.code == 0, r.err
    kpis = json.loads(r.out)["groups"][0]["kpis"]
    # 3 calls in October; answered ones waited 10 s and 50 s → ASA (10+50)/2 = 30
    assert kpis["contacts"]["value"] == 3
    assert kpis["asa_s"]["value"] == 30.0


def test_kpi_input_period_without_data(tmp_path, calls, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = cli("kpi", "--period", "2026-09", "--input", calls)
    assert r.code == 1
    assert one_line(r.err) == f"Error: no interactions in 2026-09 ({calls} has 2026-10 … 2026-10)"
