"""Comparisons (kpis.md "Comparisons"; cli.md `cxtk compare` JSON), worked by hand."""

from __future__ import annotations

import pytest

from toolkit.analysis.compare import compare, direction_of
from toolkit.core.config import Config
from toolkit.core.errors import CxtkError
from toolkit.core.periods import parse_period
from toolkit.kpis.frames import frame_of

OCT = parse_period("2026-10")
CFG = Config(
    targets={"asa_s": {"target": 30, "weight": 1}, "csat": {"target": 0.9, "weight": 1}},
    benchmarks={"industry": {"asa_s": 20, "csat": 0.85}},
)


def _calls(month: str, team: str, waits: list[float]) -> list[dict]:
    return [
        {
            "interaction_id": f"{month}-{team}-{i}",
            "channel": "phone",
            "team": team,
            "arrived_at": f"2026-{month}-05 10:00",
            "answered_at": f"2026-{month}-05 10:05",
            "wait_s": w,
            "talk_s": 100.0,
        }
        for i, w in enumerate(waits)
    ]


def _surveys(month: str, team: str, scores: list[int]) -> list[dict]:
    return [
        {
            "response_id": f"S{month}{team}{i}",
            "team": team,
            "sent_at": f"2026-{month}-06 10:00",
            "responded_at": f"2026-{month}-06 11:00",
            "csat": s,
        }
        for i, s in enumerate(scores)
    ]


def _frames(calls: list[dict], surveys: list[dict]) -> dict:
    return {"interactions": frame_of("interactions", calls), "surveys": frame_of("surveys", surveys)}


def test_previous_month_hand_worked_and_a_large_change_that_is_not_significant():
    # October: waits 10, 20 → ASA 15 s; September: 30, 30 → 30 s. Change −15 s, −50 %, improved (down is better).
    # CSAT top-2-box: September 3 of 6 satisfied (0.5), October 5 of 6 (0.8333): +33 points, looks large, but
    # pooled p = 8/12, se = √(2/3·1/3·(1/6+1/6)) = 0.2722, z = 0.3333/0.2722 = 1.22, p = 0.22 → not significant.
    frames = _frames(
        _calls("10", "A", [10, 20]) + _calls("09", "A", [30, 30]),
        _surveys("10", "A", [5, 5, 4, 4, 5, 2]) + _surveys("09", "A", [5, 4, 4, 1, 2, 3]),
    )
    r = compare(frames, OCT, "previous", kpis=["asa_s", "csat", "offered"], config=CFG).to_dict()
    assert r["against"] == "previous"
    assert r["baseline_period"] == {"label": "2026-09", "start": "2026-09-01", "end": "2026-09-30"}
    asa = r["groups"][0]["kpis"]["asa_s"]
    assert (asa["value"], asa["baseline"], asa["change"], asa["change_rel"]) == (15.0, 30.0, -15.0, -0.5)
    assert asa["direction"] == "improved" and asa["significant"] is None
    csat = r["groups"][0]["kpis"]["csat"]
    assert csat["change"] == pytest.approx(0.333333, abs=1e-6)
    assert csat["direction"] == "improved"
    assert csat["significant"] is False
    assert csat["p_value"] == pytest.approx(0.2207, abs=1e-3)
    # a volume has no better side: no direction
    assert r["groups"][0]["kpis"]["offered"]["direction"] is None


def test_a_change_on_large_samples_is_significant():
    # 50 of 100 satisfied → 70 of 100: pooled 0.6, se = √(0.24·0.02) = 0.0693, z = 2.89, p = 0.0039.
    frames = _frames(
        _calls("10", "A", [10]) + _calls("09", "A", [10]),
        _surveys("10", "A", [5] * 70 + [2] * 30) + _surveys("09", "A", [5] * 50 + [2] * 50),
    )
    c = compare(frames, OCT, "previous", kpis=["csat", "csat_mean"], config=CFG).to_dict()["groups"][0]["kpis"]
    assert c["csat"]["significant"] is True
    assert c["csat"]["p_value"] == pytest.approx(0.0039, abs=2e-4)
    # means 3.5 → 4.1 (sd ≈ 1.51 and 1.38, n 100 each): Welch t ≈ 2.94 → significant
    assert c["csat_mean"]["change"] == pytest.approx(0.6)
    assert c["csat_mean"]["significant"] is True


def test_last_year_and_groups_matched_by_key():
    frames = _frames(_calls("10", "A", [10]) + _calls("10", "B", [40]), [])
    frames["interactions"] = frame_of(
        "interactions",
        _calls("10", "A", [10]) + _calls("10", "B", [40])
        + [{**c, "arrived_at": "2025-10-05 10:00", "answered_at": "2025-10-05 10:01", "interaction_id": "y" + c["interaction_id"]}
           for c in _calls("10", "B", [20])],
    )
    r = compare(frames, OCT, "last-year", by=["team"], kpis=["asa_s"], config=CFG).to_dict()
    assert r["baseline_period"]["label"] == "2025-10"
    by_team = {g["keys"]["team"]: g["kpis"]["asa_s"] for g in r["groups"]}
    assert by_team["A"]["baseline"] is None and by_team["A"]["direction"] is None
    assert by_team["B"]["change"] == 20.0 and by_team["B"]["direction"] == "worsened"


def test_teams_against_centre_and_best():
    # A: waits 10,10 (ASA 10); B: 40,40,40,40 (ASA 40); centre = 180/6 = 30.
    frames = _frames(_calls("10", "A", [10, 10]) + _calls("10", "B", [40, 40, 40, 40]), [])
    r = compare(frames, OCT, "teams", kpis=["asa_s"], config=CFG).to_dict()
    by_team = {g["keys"]["team"]: g["kpis"]["asa_s"] for g in r["groups"]}
    assert by_team["A"]["baseline"] == 30.0 and by_team["A"]["direction"] == "improved"
    assert by_team["B"]["change"] == 10.0 and by_team["B"]["direction"] == "worsened"
    # min_sample 30 makes both small samples: no best team is named from noise
    assert "best" not in by_team["A"]
    cfg = Config(definitions={"min_sample": 1})
    r = compare(frames, OCT, "teams", kpis=["asa_s"], config=cfg).to_dict()
    b = next(g["kpis"]["asa_s"] for g in r["groups"] if g["keys"]["team"] == "B")
    assert b["best"] == 10.0 and b["best_keys"] == {"team": "A"} and b["gap_to_best"] == 30.0


def test_benchmark():
    frames = _frames(_calls("10", "A", [10, 20]), _surveys("10", "A", [5, 5, 4, 2]))
    r = compare(frames, OCT, "benchmark:industry", config=CFG).to_dict()
    k = r["groups"][0]["kpis"]
    assert r["groups"][0]["keys"] == {"benchmark": "industry"}
    assert set(k) == {"asa_s", "csat"}
    assert k["asa_s"]["change"] == -5.0 and k["asa_s"]["direction"] == "improved"  # 15 vs 20
    assert k["csat"]["change"] == pytest.approx(-0.1) and k["csat"]["direction"] == "worsened"  # 0.75 vs 0.85
    with pytest.raises(CxtkError, match="configured: industry"):
        compare(frames, OCT, "benchmark:peers", config=CFG)


def test_trend_slope_and_baseline():
    # ASA 60, 50, 40, 30, 20, 10 s in May…October: slope −10 s a month → improved over 6 and 12 periods;
    # baseline = mean of the months before October that have data = (60+50+40+30+20)/5 = 40.
    calls = []
    for i, m in enumerate(["05", "06", "07", "08", "09", "10"]):
        calls += _calls(m, "A", [60 - 10 * i])
    r = compare(_frames(calls, []), OCT, "trend", kpis=["asa_s"], config=CFG).to_dict()
    asa = r["groups"][0]["kpis"]["asa_s"]
    assert asa["baseline"] == 40.0 and asa["change"] == -30.0 and asa["direction"] == "improved"
    assert asa["trend_6"] == {"slope_per_period": -10.0, "direction": "improved", "periods_with_data": 6}
    assert asa["trend_12"]["periods_with_data"] == 6
    assert [p["value"] for p in asa["series"]][-3:] == [30.0, 20.0, 10.0]
    assert r["baseline_period"]["label"] == "2025-11..2026-09"


def test_unknown_against():
    with pytest.raises(CxtkError, match="previous, last-year, trend"):
        compare({}, OCT, "yesterday", config=CFG)


def test_direction_of_respects_the_kpi():
    assert direction_of("fcr_rate", 0.02) == "improved"
    assert direction_of("aht_s", 0.02) == "worsened"
    assert direction_of("aht_s", 0.001) == "unchanged"


def _workspace(tmp_path, monkeypatch, calls):
    """A workspace in tmp_path with these interactions ingested; the CLI runs from inside it."""
    from toolkit.core.config import load_config
    from toolkit.ingest.pipeline import ingest_files

    (tmp_path / "cxtk.yaml").write_text("targets:\n  asa_s: {target: 30, weight: 1}\n", encoding="utf-8")
    csv = tmp_path / "calls.csv"
    frame_of("interactions", calls).collect().drop("source").write_csv(csv)
    ingest_files(load_config(tmp_path / "cxtk.yaml"), "interactions", [csv])
    monkeypatch.chdir(tmp_path)


def test_cli_compare_json_and_table(cli, tmp_path, monkeypatch):
    import json

    _workspace(tmp_path, monkeypatch, _calls("10", "A", [10, 20]) + _calls("09", "A", [30, 30]))
    r = cli("compare", "--period", "2026-10", "--against", "previous", "--kpi", "asa_s", "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert set(out) >= {"period", "against", "baseline_period", "groups"}
    assert out["groups"][0]["kpis"]["asa_s"] == {
        "value": 15.0, "baseline": 30.0, "change": -15.0, "change_rel": -0.5,
        "direction": "improved", "significant": None,
    }
    r = cli("compare", "--period", "2026-10", "--kpi", "asa_s")
    assert r.code == 0 and "improved" in r.out and "−15.0 s" in r.out
    r = cli("compare", "--period", "2026-10", "--against", "sideways")
    assert r.code == 2 and "'sideways' is not one of previous" in " ".join(r.err.replace("│", " ").split())
    r = cli("compare", "--period", "2024-01")
    assert r.code == 1 and "no interactions in 2024-01" in r.err
