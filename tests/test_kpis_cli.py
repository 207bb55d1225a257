"""``cxtk kpi`` end to end on a small workspace store."""

import json

import pytest

CSV = """interaction_id,channel,team,arrived_at,answered_at,wait_s,talk_s
1,phone,A,2026-10-01 09:00:00,2026-10-01 09:00:10,10,100
2,phone,A,2026-10-01 09:05:00,2026-10-01 09:05:50,50,200
3,phone,B,2026-10-02 09:00:00,,40,
"""


@pytest.fixture
def workspace(tmp_path, cli):
    (tmp_path / "cxtk.yaml").write_text("targets:\n  asa_s: {target: 30, weight: 15}\n")
    (tmp_path / "calls.csv").write_text(CSV)
    r = cli("--config", tmp_path / "cxtk.yaml", "ingest", "interactions", tmp_path / "calls.csv", "--mapping", "canonical")
    assert r.code == 0, r.err
    return tmp_path


def test_json_by_team(workspace, cli):
    r = cli("--config", workspace / "cxtk.yaml", "kpi", "--period", "2026-10", "--by", "team",
            "--kpi", "asa_s,contacts", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    a = next(g for g in data["groups"] if g["keys"] == {"team": "A"})
    # team A: waits 10 and 50 → ASA 30 = target → met, achievement 1
    assert a["kpis"]["asa_s"]["value"] == 30.0 and a["kpis"]["asa_s"]["met"] is True
    assert a["kpis"]["contacts"]["value"] == 2


def test_table_marks_unmet_targets(workspace, cli):
    r = cli("--config", workspace / "cxtk.yaml", "kpi", "--period", "2026-10-02..2026-10-02", "--kpi", "answer_rate")
    assert r.code == 0, r.err
    assert "0.0 %" in r.out  # 1 call offered on 2 October, not answered


def test_period_without_data_exits_1(workspace, cli):
    r = cli("--config", workspace / "cxtk.yaml", "kpi", "--period", "2026-11")
    assert r.code == 1
    assert "no interactions in 2026-11 (the store has 2026-10 … 2026-10)" in r.err


def test_bad_period_and_unknown_kpi(workspace, cli):
    r = cli("--config", workspace / "cxtk.yaml", "kpi", "--period", "Oct")
    assert r.code == 1 and "accepted forms" in r.err
    r = cli("--config", workspace / "cxtk.yaml", "kpi", "--period", "2026-10", "--kpi", "asa")
    assert r.code == 1 and "unknown KPI id 'asa'" in r.err


def test_help_has_an_example(cli):
    r = cli("kpi", "--help")
    assert r.code == 0 and "Example" in r.out


def test_every_unknown_kpi_is_named_at_once(workspace, cli):
    r = cli("--config", workspace / "cxtk.yaml", "kpi", "--period", "2026-10", "--kpi", "aht_s,asa,fcr")
    assert r.code == 1 and "unknown KPI ids 'asa', 'fcr'; known ids: contacts" in r.err


def test_compare_against_an_unknown_baseline_is_a_usage_error(workspace, cli):
    r = cli("--config", workspace / "cxtk.yaml", "compare", "--period", "2026-10", "--against", "yesterday")
    words = " ".join(r.err.replace("│", " ").split())  # the error box wraps its text
    assert r.code == 2 and "'yesterday' is not one of previous, last-year, trend, benchmark[:NAME], teams" in words
