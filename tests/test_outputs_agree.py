"""Issue 10, items 5, 6 and 8: full precision in every machine output, outputs that agree with each
other, null notes that tell the truth, and a workspace of surveys alone. Every figure is worked by hand
on the small workspace below.

Interactions, October 2026 (UTC):
  I1  phone team A  answered, wait 0.1 s,   talk 100 s
  I2  phone team A  answered, wait 0.0 s,   talk 200 s
  I3  phone team B  answered, wait 0.099 s, talk 301 s
  I4  phone team B  abandoned after 30 s
  outage "ACD failure" 5 Oct 09:00–10:00:
  I5  phone team A  answered, wait 50 s     ← a contact inside the outage
  I6  phone team B  abandoned after 2 s     ← a contact inside the outage
  I7  IVR session                            ← inside, but not a contact
  I8  outbound call                          ← inside, but not a contact
  so the outage excludes 2 contacts (not the 4 rows inside its window).
Outside the outage: ASA = (0.1 + 0.0 + 0.099) / 3 = 0.066333… s (the JSON used to say 0.07),
abandonment 1 / 4, AHT (100 + 200 + 301) / 3 = 200.333… s.
Surveys: three CSAT responses 3, 4, 4 (csat_mean 11/3 = 3.666…, the JSON used to say 3.67).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

CALLS = """interaction_id,channel,direction,team,arrived_at,answered_at,wait_s,talk_s
I1,phone,inbound,A,2026-10-01 09:00:00,2026-10-01 09:00:00,0.1,100
I2,phone,inbound,A,2026-10-01 10:00:00,2026-10-01 10:00:00,0.0,200
I3,phone,inbound,B,2026-10-02 09:00:00,2026-10-02 09:00:00,0.099,301
I4,phone,inbound,B,2026-10-02 10:00:00,,30,
I5,phone,inbound,A,2026-10-05 09:10:00,2026-10-05 09:10:50,50,60
I6,phone,inbound,B,2026-10-05 09:20:00,,2,
I7,ivr,inbound,,2026-10-05 09:30:00,,,
I8,phone,outbound,A,2026-10-05 09:40:00,2026-10-05 09:40:00,0,30
"""

SURVEYS = """response_id,interaction_id,sent_at,responded_at,csat
S1,I1,2026-10-01 09:30:00,2026-10-01 09:40:00,3
S2,I2,2026-10-01 10:30:00,2026-10-01 10:40:00,4
S3,I3,2026-10-02 09:30:00,2026-10-02 09:40:00,4
"""

CONFIG = """timezone: UTC
targets:
  asa_s: {target: 20, weight: 2}
  abandon_rate: {target: 0.05, weight: 1}
  csat: {target: 0.9, weight: 1}
outages:
  - {start: "2026-10-05 09:00", end: "2026-10-05 10:00", reason: ACD failure}
"""


def _ingest(cli, config: Path, dataset: str, path: Path) -> None:
    r = cli("--config", config, "ingest", dataset, path, "--mapping", "canonical")
    assert r.code == 0, r.err


@pytest.fixture
def ws(tmp_path, cli) -> Path:
    (tmp_path / "cxtk.yaml").write_text(CONFIG)
    (tmp_path / "calls.csv").write_text(CALLS)
    (tmp_path / "surveys.csv").write_text(SURVEYS)
    _ingest(cli, tmp_path / "cxtk.yaml", "interactions", tmp_path / "calls.csv")
    r = cli("--config", tmp_path / "cxtk.yaml", "ingest", "surveys", tmp_path / "surveys.csv")
    assert r.code == 0, r.err
    return tmp_path


def _json(cli, ws: Path, *args: str) -> dict:
    r = cli("--config", ws / "cxtk.yaml", *args, "--format", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)


# --- item 5: full precision --------------------------------------------------------------------


def test_json_equals_csv_parquet_xlsx_and_the_api_to_the_last_digit(ws, cli):
    import openpyxl

    import toolkit

    data = _json(cli, ws, "kpi", "--period", "2026-10")
    kpis = data["groups"][0]["kpis"]
    # worked by hand (docstring); the JSON carries the double itself, not 0.07 or 200.33
    assert kpis["asa_s"]["value"] == pytest.approx((0.1 + 0.0 + 0.099) / 3, rel=1e-15)
    assert kpis["asa_s"]["value"] != round(kpis["asa_s"]["value"], 4)
    assert kpis["aht_s"]["value"] == pytest.approx(601 / 3, rel=1e-15)
    assert kpis["csat_mean"]["value"] == pytest.approx(11 / 3, rel=1e-15)
    assert kpis["abandon_rate"]["value"] == 0.25
    # achievement of ASA: target 20 ÷ 0.0663… — a down KPI beating its target by far
    assert kpis["asa_s"]["achievement"] == 20 / kpis["asa_s"]["value"]

    for fmt in ("csv", "parquet", "xlsx"):
        r = cli("--config", ws / "cxtk.yaml", "kpi", "--period", "2026-10", "--format", fmt, "--out", ws / f"k.{fmt}")
        assert r.code == 0, r.err
    frames = {
        "csv": pl.read_csv(ws / "k.csv", schema_overrides={"value": pl.Float64, "achievement": pl.Float64,
                                                          "gap": pl.Float64, "ci_lo": pl.Float64,
                                                          "ci_hi": pl.Float64}),
        "parquet": pl.read_parquet(ws / "k.parquet"),
        "api": toolkit.open_workspace(ws).kpis("2026-10").to_frame(),
    }
    sheet = openpyxl.load_workbook(ws / "k.xlsx")["KPIs"]
    header = [c.value for c in sheet[1]]
    xlsx = {row[header.index("kpi")]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    for name, frame in frames.items():
        for row in frame.iter_rows(named=True):
            k = row["kpi"]
            for col, key in (("value", "value"), ("achievement", "achievement"), ("gap", "gap")):
                assert row[col] == kpis[k][key], (name, k, col)  # == on doubles: the last digit agrees
            ci = kpis[k]["ci"]
            assert (row["ci_lo"], row["ci_hi"]) == ((ci[0], ci[1]) if ci else (None, None)), (name, k)
    for k, v in kpis.items():
        assert xlsx[k][header.index("value")] == v["value"], k
        assert xlsx[k][header.index("achievement")] == v["achievement"], k


def test_survey_summary_compare_staffing_and_anomalies_json_carry_full_precision(ws, cli):
    from toolkit.analysis import staffing

    survey = _json(cli, ws, "survey", "summary", "--period", "2026-10")
    mean = survey["groups"][0]["kpis"]["csat_mean"]
    assert mean["value"] == pytest.approx(11 / 3, rel=1e-15)
    kpi = _json(cli, ws, "kpi", "--period", "2026-10")["groups"][0]["kpis"]
    assert mean["ci"] == kpi["csat_mean"]["ci"]  # the summary's interval is the engine's, to the last digit

    cmp = _json(cli, ws, "compare", "--period", "2026-10", "--against", "teams")
    a = next(g for g in cmp["groups"] if g["keys"] == {"team": "A"})
    # team A: waits 0.1 and 0.0 → 0.05 s; the centre's 0.0663… is its baseline
    assert a["kpis"]["asa_s"]["value"] == pytest.approx(0.05, rel=1e-15)
    assert a["kpis"]["asa_s"]["baseline"] == kpi["asa_s"]["value"]
    assert a["kpis"]["asa_s"]["change"] == a["kpis"]["asa_s"]["value"] - kpi["asa_s"]["value"]

    r = cli("staffing", "erlang", "--volume", "100", "--interval-min", "30", "--aht", "180", "--target-sl", "0.8",
            "--threshold", "20", "--format", "json")
    out = json.loads(r.out)
    exact = staffing.evaluate(100, 1800, 180, out["agents"], 20, 0.0)
    assert (out["p_wait"], out["service_level"], out["asa_s"]) == (exact.p_wait, exact.service_level, exact.asa_s)
    assert out["occupancy"] == 10 / 14  # 10 Erlangs on 14 agents, not 0.7143

    odd = _json(cli, ws, "anomalies", "--period", "2026-10")
    assert odd["outages"][0]["contacts_excluded"] == 2


# --- item 6: outputs agree ---------------------------------------------------------------------


def test_one_count_of_contacts_excluded_by_an_outage_in_kpi_anomalies_and_the_report(ws, cli):
    from toolkit.core.config import load_config
    from toolkit.report.build_monthly import build_monthly

    kpi = _json(cli, ws, "kpi", "--period", "2026-10")
    assert kpi["excluded"]["outage_contacts"] == 2  # I5, I6 (I7 is an IVR session, I8 outbound)
    assert kpi["excluded"]["outages"][0]["contacts_excluded"] == 2
    assert kpi["groups"][0]["kpis"]["contacts"]["value"] == 4  # I1–I4: the outage's contacts left out
    odd = _json(cli, ws, "anomalies", "--period", "2026-10")
    assert [o["contacts_excluded"] for o in odd["outages"]] == [2]
    vm = build_monthly(load_config(ws / "cxtk.yaml"), "2026-10", "en")
    outage = [c.text for c in vm.quality.notes if c.text.startswith("Excluded outage")]
    assert len(outage) == 1 and "its 2 contacts are left out" in outage[0], outage
    table = cli("--config", ws / "cxtk.yaml", "kpi", "--period", "2026-10")
    assert "2 contacts inside outage windows excluded" in table.out


def test_a_response_rate_above_100_percent_is_flagged_naming_its_denominator(tmp_path, cli):
    """Responses only (no invitations exported): 6 responses against the 5 answered calls of the period
    is 120 % — a data problem (some answer contacts outside the data), not a result."""
    from toolkit.core.config import load_config
    from toolkit.report.build_monthly import build_monthly

    (tmp_path / "cxtk.yaml").write_text("timezone: UTC\n")
    calls = ["interaction_id,channel,arrived_at,answered_at,wait_s,talk_s"]
    calls += [f"C{i},phone,2026-10-0{i} 09:00:00,2026-10-0{i} 09:00:10,10,60" for i in range(1, 6)]
    (tmp_path / "calls.csv").write_text("\n".join(calls) + "\n")
    rows = ["response_id,interaction_id,responded_at,csat"]
    rows += [f"R{i},C{min(i, 5)},2026-10-0{min(i, 5)} 10:00:00,5" for i in range(1, 7)]
    (tmp_path / "surveys.csv").write_text("\n".join(rows) + "\n")
    _ingest(cli, tmp_path / "cxtk.yaml", "interactions", tmp_path / "calls.csv")
    r = cli("--config", tmp_path / "cxtk.yaml", "ingest", "surveys", tmp_path / "surveys.csv")
    assert r.code == 0, r.err

    rr = _json(cli, tmp_path, "kpi", "--period", "2026-10", "--kpi", "response_rate")["groups"][0]["kpis"]["response_rate"]
    assert (rr["value"], rr["n"], rr["denominator"]) == (pytest.approx(6 / 5), 5, "handled contacts")
    assert "response rate above 100 % (6 responses ÷ 5 handled contacts) is a data problem" in rr["note"]
    assert rr["data_problem"] in rr["note"]
    survey = _json(cli, tmp_path, "survey", "summary", "--period", "2026-10")
    assert "data_problem" in survey["groups"][0]["kpis"]["response_rate"]
    vm = build_monthly(load_config(tmp_path / "cxtk.yaml"), "2026-10", "en")
    row = next(r for r in vm.quality.coverage.rows if r.cells[0].text == "Survey response rate")
    assert row.cells[1].text == "120.0 % (6 of 5 handled contacts)"
    assert row.cells[2].text.startswith("above 100 %: a data problem") and row.cells[2].cls == "bad"


def test_the_score_does_not_change_when_kpi_shows_a_subset(ws, cli):
    # Centre, weights asa_s 2, abandon_rate 1, csat 1 (cap 1):
    #   asa_s 0.0663 s against 20 s → achievement capped at 1
    #   abandon_rate 0.25 against 0.05 → 0.05 / 0.25 = 0.2
    #   csat 2 of 3 responses ≥ 4 → 0.667 against 0.9 → 0.7407
    # score = (2·1 + 1·0.2 + 1·(2/3)/0.9) / 4 × 100 = 73.518…
    full = _json(cli, ws, "kpi", "--period", "2026-10")["groups"][0]
    expected = (2 * 1 + 0.2 + (2 / 3) / 0.9) / 4 * 100
    assert full["score"] == pytest.approx(expected, abs=5e-3)
    for subset in ("asa_s", "asa_s,contacts", "csat", "aht_s"):
        part = _json(cli, ws, "kpi", "--period", "2026-10", "--kpi", subset)["groups"][0]
        assert list(part["kpis"]) == subset.split(",")
        assert part["score"] == full["score"], subset
    # by team the rank does not move either
    by_team = _json(cli, ws, "kpi", "--period", "2026-10", "--by", "team")["groups"]
    part = _json(cli, ws, "kpi", "--period", "2026-10", "--by", "team", "--kpi", "aht_s")["groups"]
    assert [(g["keys"], g["score"], g["rank"], g["n"]) for g in part] == [
        (g["keys"], g["score"], g["rank"], g["n"]) for g in by_team
    ]


def test_notes_on_null_kpis_tell_the_real_reason():
    from toolkit.core.config import Config
    from toolkit.core.periods import parse_period
    from toolkit.kpis.compute import compute_kpis
    from toolkit.kpis.frames import frame_of

    # 3 abandons with no wait time and no end time: abandons are there, their wait is unknown
    calls = [dict(interaction_id=f"A{i}", channel="phone", arrived_at=f"2026-10-0{i} 09:00") for i in (1, 2, 3)]
    # 2 short abandons (1 s, 2 s) and nothing else: abandonment has no base at all
    short = [dict(interaction_id=f"S{i}", channel="phone", arrived_at=f"2026-10-0{i} 09:00", wait_s=float(i))
             for i in (1, 2)]
    # 4 answered calls whose export has no wait, talk or resolution
    answered = [dict(interaction_id=f"B{i}", channel="phone", arrived_at=f"2026-10-0{i} 09:00", answered=True)
                for i in (1, 2, 3, 4)]
    oct_ = parse_period("2026-10")

    def kpis(rows, ids):
        r = compute_kpis({"interactions": frame_of("interactions", rows)}, oct_, kpis=ids, config=Config())
        return r.group().kpis

    k = kpis(calls, ["avg_abandon_wait_s", "abandoned"])
    assert k["abandoned"].value == 3 and k["avg_abandon_wait_s"].value is None
    # not "no abandons beyond short ones" beside 3 abandons
    assert k["avg_abandon_wait_s"].note == "3 abandons, none with a wait time (wait_s or ended_at)"
    k = kpis(short, ["avg_abandon_wait_s", "abandon_rate", "service_level"])
    assert k["avg_abandon_wait_s"].note == "2 short abandons (wait under 5 s) left out"
    assert k["abandon_rate"].note == "all 2 offered contacts were short abandons (wait under 5 s)"
    assert k["service_level"].note == k["abandon_rate"].note
    k = kpis(answered, ["asa_s", "aht_s", "resolution_rate"])
    assert k["asa_s"].note == "4 answered contacts, none with a wait time (wait_s or answered_at)"
    assert k["aht_s"].note == "4 handled contacts, none with a talk, hold or after-contact time"
    assert k["resolution_rate"].note == "4 handled contacts, none with a resolved value"
    # and the plain reason where it is the truth
    k = kpis([dict(interaction_id="E1", channel="email", arrived_at="2026-10-01 09:00")], ["asa_s", "aht_s"])
    assert (k["asa_s"].note, k["aht_s"].note) == ("no answered contacts", "no handled contacts")


def test_a_follow_up_note_says_why_low_scores_are_not_counted():
    """Three low scores (CSAT 1, 2, 2) from an export that carries ratings but never a follow-up time:
    the follow-up rate is null because their outcome cannot be known, not because there are none."""
    from toolkit.core.config import Config
    from toolkit.core.periods import parse_period
    from toolkit.kpis.compute import compute_kpis
    from toolkit.kpis.frames import frame_of

    rows = [dict(response_id=f"R{i}", source="tickets.csv", responded_at=f"2026-10-0{i} 10:00", csat=c)
            for i, c in ((1, 1), (2, 2), (3, 2), (4, 5))]
    r = compute_kpis({"surveys": frame_of("surveys", rows)}, parse_period("2026-10"), kpis=["followup_24h_rate"],
                     config=Config())
    v = r.group().kpis["followup_24h_rate"]
    assert v.value is None and v.n == 0
    assert v.note == "3 low scores or complaints from an export that cannot record a follow-up (no followed_up_at)"


# --- item 8: a workspace with surveys alone ----------------------------------------------------


def test_a_workspace_with_only_survey_data_computes_the_survey_kpis(tmp_path, cli):
    """NPS responses 10, 9, 3, 7: 2 promoters, 1 detractor of 4 → NPS 100·(2 − 1)/4 = 25."""
    (tmp_path / "cxtk.yaml").write_text("timezone: UTC\ntargets:\n  nps: {target: 40, weight: 1}\n")
    (tmp_path / "nps.csv").write_text("response_id,responded_at,nps\nR1,2026-10-01 10:00,10\n"
                                      "R2,2026-10-02 10:00,9\nR3,2026-10-03 10:00,3\nR4,2026-10-04 10:00,7\n")
    r = cli("--config", tmp_path / "cxtk.yaml", "ingest", "surveys", tmp_path / "nps.csv")
    assert r.code == 0, r.err
    data = _json(cli, tmp_path, "kpi", "--period", "2026-10")
    k = data["groups"][0]["kpis"]
    assert (k["nps"]["value"], k["nps"]["n"], k["responses"]["value"]) == (25.0, 4, 4)
    assert k["nps"]["achievement"] == 25 / 40 and data["groups"][0]["score"] == 62.5
    assert (k["asa_s"]["value"], k["asa_s"]["note"]) == (None, "no interactions data")
    assert k["response_rate"]["value"] is None
    assert "no interactions data to divide them by" in k["response_rate"]["note"]
    table = cli("--config", tmp_path / "cxtk.yaml", "kpi", "--period", "2026-10", "--kpi", "nps")
    assert table.code == 0 and "25.0" in table.out
    import toolkit

    assert toolkit.open_workspace(tmp_path).kpis("2026-10", kpis=["nps"]).value("nps") == 25.0
    # a period without any data still exits 1, naming what the store has
    r = cli("--config", tmp_path / "cxtk.yaml", "kpi", "--period", "2026-11")
    assert r.code == 1 and "no data in 2026-11 (the store has surveys 2026-10 … 2026-10)" in r.err
