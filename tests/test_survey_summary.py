"""Survey summary: a hand-worked batch in a temp workspace, every figure and interval worked by hand.

The batch (Asia/Shanghai):

October 2026 — 50 invitations, 40 responses (10 never answered).
  CSAT of the 40: 1×2, 2×3, 3×5, 4×12, 5×18  → top-2-box 30/40 = 0.75
  NPS of the 40:  0×1, 3×1, 5×2, 6×6 (10 detractors), 7×4, 8×6 (10 passives),
                  9×8, 10×12 (20 promoters)     → NPS 100·(20−10)/40 = 25
  CES of the first 20: 2×10, 4×10               → mean 3
  Low scores (CSAT ≤ 2) = 5: two followed up within 24 h, one after 30 h, two never.
September 2026 — 40 invitations, all answered.
  CSAT: 2×1, 3×1, 4×10, 5×28 → 38/40 = 0.95, mean 4.625
  NPS:  5×5, 6×5 (10 detractors), 7×6, 8×6, 9×8, 10×10 (18 promoters) → NPS 20
Interactions: the first 30 October invitations are linked to calls (team A for
ids 0–14, team B for 15–29); the others name contacts that are not in the data.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from toolkit.cli.survey_views import bar_line
from toolkit.core.config import load_config
from toolkit.core.periods import parse_period
from toolkit.ingest.pipeline import ingest_files
from toolkit.ingest.store import scan_dataset
from toolkit.survey.summary import survey_summary

OCT_CSAT = [1] * 2 + [2] * 3 + [3] * 5 + [4] * 12 + [5] * 18
OCT_NPS = [0] + [3] + [5] * 2 + [6] * 6 + [7] * 4 + [8] * 6 + [9] * 8 + [10] * 12
SEP_CSAT = [2] + [3] + [4] * 10 + [5] * 28
SEP_NPS = [5] * 5 + [6] * 5 + [7] * 6 + [8] * 6 + [9] * 8 + [10] * 10
PHONE = "13812345678"
FORMULA = "=cmd|' /C calc'!A0"

SURVEY_HEADERS = [
    "response_id", "interaction_id", "sent_at", "responded_at", "csat", "nps", "ces", "comment", "followed_up_at",
]  # fmt: skip


def _ts(t: datetime | None) -> str:
    return "" if t is None else t.strftime("%Y-%m-%d %H:%M:%S")


def _comment(i: int, csat: int) -> str:
    if i == 0:
        return f"等了很久才接通，请回电 {PHONE}"  # waiting theme, low score, a phone number to mask
    if i == 2:
        return FORMULA
    if csat >= 4 and i % 4 == 0:
        return "客服态度很好，问题解决了"
    return ""


def survey_rows(month: int, csats: list[int], npss: list[int], invited_only: int) -> list[dict]:
    """Rows in the order of ``csats``; followed-up times for the October low scores as in the docstring."""
    rows = []
    base = datetime(2026, month, 3, 9, 0)
    for i, (c, n) in enumerate(zip(csats, npss, strict=True)):
        sent = base + timedelta(hours=i)
        answered = sent + timedelta(hours=2)
        follow = None
        if month == 10 and c <= 2:
            # the five low scores are rows 0–4: in time, in time, 30 h late, never, never
            follow = {0: timedelta(hours=3), 1: timedelta(hours=24), 2: timedelta(hours=30)}.get(i)
        rows.append(
            {
                "response_id": f"R{month}-{i:03d}",
                "interaction_id": f"C{month}-{i:03d}",
                "sent_at": _ts(sent),
                "responded_at": _ts(answered),
                "csat": c,
                "nps": n,
                "ces": ({0: 2, 1: 4}[i % 2] if month == 10 and i < 20 else ""),
                "comment": _comment(i, c) if month == 10 else "",
                "followed_up_at": _ts(answered + follow if follow else None),
            }
        )
    for j in range(invited_only):
        rows.append(
            {
                "response_id": f"R{month}-x{j}",
                "interaction_id": f"C{month}-x{j}",
                "sent_at": _ts(base + timedelta(days=5, hours=j)),
                "responded_at": "",
                "csat": "",
                "nps": "",
                "ces": "",
                "comment": "",
                "followed_up_at": "",
            }
        )
    return rows


def _write_csv(path: Path, headers: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=headers)
        w.writeheader()
        w.writerows(rows)
    return path


def make_workspace(root: Path) -> Path:
    """The batch of the module docstring, ingested into a workspace at ``root``; returns cxtk.yaml."""
    root.mkdir(parents=True, exist_ok=True)
    cfg_path = root / "cxtk.yaml"
    cfg_path.write_text("name: Test centre\ntimezone: Asia/Shanghai\n", encoding="utf-8")
    config = load_config(cfg_path)
    oct_rows = survey_rows(10, OCT_CSAT, OCT_NPS, invited_only=10)
    sep_rows = survey_rows(9, SEP_CSAT, SEP_NPS, invited_only=0)
    surveys = _write_csv(root / "surveys.csv", SURVEY_HEADERS, sep_rows + oct_rows)
    calls = [
        {
            "interaction_id": f"C10-{i:03d}",
            "channel": "phone",
            "arrived_at": _ts(datetime(2026, 10, 3, 8, 0) + timedelta(hours=i)),
            "answered_at": _ts(datetime(2026, 10, 3, 8, 0, 20) + timedelta(hours=i)),
            "team": "A" if i < 15 else "B",
            "agent_id": f"a{i % 3}",
            "talk_s": 300,
        }
        for i in range(30)
    ]
    interactions = _write_csv(root / "calls.csv", list(calls[0]), calls)
    ingest_files(config, "interactions", [interactions])
    ingest_files(config, "surveys", [surveys])
    return cfg_path


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("survey-ws"))


@pytest.fixture(scope="module")
def summary(workspace):
    config = load_config(workspace)
    frames = {n: scan_dataset(config, n) for n in ("surveys", "interactions")}
    return survey_summary(frames, parse_period("2026-10"), config=config)


def test_response_rate_uses_invitations(summary):
    rr = summary.groups[0].kpis["response_rate"]
    # 40 responses ÷ 50 invitations
    assert rr.value == pytest.approx(0.8)
    assert rr.n == 50
    assert summary.response_rate_denominator == "invitations"
    assert summary.to_dict()["groups"][0]["kpis"]["response_rate"]["denominator"] == "invitations"
    assert summary.responses == 40


def test_csat_top2_with_wilson_interval(summary):
    v = summary.groups[0].kpis["csat"]
    # 30 of 40 at 4 or 5 → 0.75. Wilson, z = 1.959964, z²/n = 0.0960365:
    # centre = (0.75 + 0.0480183)/1.0960365 = 0.728095
    # half = 1.959964/1.0960365 · √(0.75·0.25/40 + 3.841459/6400) = 1.788233 · 0.0727168 = 0.130035
    assert v.value == pytest.approx(0.75)
    assert v.n == 40
    assert v.ci == pytest.approx((0.598060, 0.858129), abs=1e-5)
    assert not v.small_sample  # 40 ≥ min_sample 30


def test_csat_mean_with_t_interval(summary):
    v = summary.groups[0].kpis["csat_mean"]
    # Σx = 2+6+15+48+90 = 161 → 4.025; Σx² = 701; s² = (701 − 40·4.025²)/39 = 52.975/39 = 1.358333,
    # s = 1.165476; t(0.975, 39) = 2.022691; margin = 2.022691·1.165476/√40 = 0.372737
    assert v.value == pytest.approx(4.025)
    assert v.ci == pytest.approx((3.652263, 4.397737), abs=1e-5)


def test_nps_with_margin(summary):
    v = summary.groups[0].kpis["nps"]
    # p = 20/40 = 0.5, d = 10/40 = 0.25 → NPS 25; Var = 0.5 + 0.25 − 0.25² = 0.6875
    # margin = 1.959964·√(0.6875/40)·100 = 1.959964·0.131101·100 = 25.6953
    assert v.value == pytest.approx(25.0)
    assert v.n == 40
    assert v.ci == pytest.approx((-0.695345, 50.695345), abs=1e-5)


def test_ces_mean_gets_a_t_interval(summary):
    v = summary.groups[0].kpis["ces_mean"]
    # ten 2s and ten 4s: mean 3, s² = 20/19 = 1.052632, s = 1.025978; t(0.975, 19) = 2.093024;
    # margin = 2.093024·1.025978/√20 = 0.480173
    assert v.value == pytest.approx(3.0)
    assert v.n == 20
    assert v.small_sample  # 20 < min_sample 30
    assert v.ci == pytest.approx((2.519827, 3.480173), abs=1e-5)


def test_followup_rate_from_the_engine(summary):
    # 5 low scores; followed up after 3 h and exactly 24 h (in time), 30 h (late), never, never → 2/5
    v = summary.groups[0].kpis["followup_24h_rate"]
    assert v.value == pytest.approx(0.4)
    assert v.n == 5


def test_distributions_have_every_key(summary):
    d = summary.groups[0].distribution
    assert d["csat"] == {"1": 2, "2": 3, "3": 5, "4": 12, "5": 18}
    assert d["nps"] == {
        "0": 1, "1": 0, "2": 0, "3": 1, "4": 0, "5": 2, "6": 6, "7": 4, "8": 6, "9": 8, "10": 12,
    }  # fmt: skip


def test_significant_and_not_significant_changes(summary):
    ch = summary.groups[0].change
    # CSAT 38/40 → 30/40: pooled p̂ = 68/80 = 0.85, se = √(0.85·0.15·(2/40)) = 0.079844,
    # z = (0.75 − 0.95)/0.079844 = −2.5049, p = 0.0122 → significant
    assert ch["csat"].change == pytest.approx(-0.2)
    assert ch["csat"].statistic == pytest.approx(-2.5049, abs=1e-4)
    assert ch["csat"].significant is True
    assert ch["csat"].direction == "worsened"
    # CSAT mean 4.625 (s 0.667467) → 4.025 (s 1.165476): t = −0.6/√(1.358333/40 + 0.445513/40)
    # = −0.6/0.212359 = −2.8254 → significant
    assert ch["csat_mean"].statistic == pytest.approx(-2.8254, abs=1e-4)
    assert ch["csat_mean"].significant is True
    # NPS 20 → 25: Var₁ = 0.45 + 0.25 − 0.2² = 0.66, Var₂ = 0.6875, se = √(0.66/40 + 0.6875/40) = 0.183542,
    # z = 0.05/0.183542 = 0.2724 → not significant
    assert ch["nps"].change == pytest.approx(5.0)
    assert ch["nps"].statistic == pytest.approx(0.2724, abs=1e-4)
    assert ch["nps"].significant is False
    assert ch["nps"].note == "not significant"
    assert ch["nps"].direction == "improved"
    # September had no CES answer: nothing to compare
    assert ch["ces_mean"].change is None and ch["ces_mean"].significant is None


def test_unlinked_responses_and_linking(workspace):
    config = load_config(workspace)
    frames = {n: scan_dataset(config, n) for n in ("surveys", "interactions")}
    s = survey_summary(frames, parse_period("2026-10"), by=["team"], config=config)
    # responses 0–29 link to calls; responses 30–39 name contacts that are not in the data
    assert s.unlinked_responses == 10
    groups = {g.keys["team"]: g for g in s.groups}
    # team A = responses 0–14 inherit team A: CSAT 1,1,2,2,2,3,3,3,3,3,4,4,4,4,4
    assert groups["A"].distribution["csat"] == {"1": 2, "2": 3, "3": 5, "4": 5, "5": 0}
    assert groups["A"].kpis["csat"].n == 15
    assert groups["A"].kpis["csat"].small_sample
    # team B = responses 15–29: CSAT 4×7 then 5×8
    assert groups["B"].distribution["csat"] == {"1": 0, "2": 0, "3": 0, "4": 7, "5": 8}
    # the unlinked responses and non-respondents form the group without a team
    assert groups[None].kpis["csat"].n == 10


def test_themes_masked_with_low_score_share(summary):
    themes = {t["theme"]: t for t in summary.themes}
    waiting = themes["waiting"]
    # only comment 0 ("等了很久…", CSAT 1) speaks of waiting
    assert waiting["count"] == 1
    assert waiting["low_score_share"] == 1.0
    assert PHONE not in waiting["examples"][0]
    assert "138****5678" in waiting["examples"][0]
    assert PHONE not in str(summary.to_dict())
    terms = dict(summary.top_terms)
    # "客服态度很好，问题解决了" on CSAT ≥ 4 rows 12, 16, 20, …, 36 (every 4th) = 7 comments
    assert terms["态度"] == 7


def test_unmasked_on_request(workspace):
    config = load_config(workspace)
    frames = {n: scan_dataset(config, n) for n in ("surveys", "interactions")}
    s = survey_summary(frames, parse_period("2026-10"), config=config, mask=False)
    assert PHONE in str(s.to_dict()["themes"])


def test_json_keys(summary):
    d = summary.to_dict()
    assert {
        "period", "groups", "themes", "top_terms", "nonresponse", "response_rate_denominator",
        "unlinked_responses", "baseline_period",
    } <= set(d)  # fmt: skip
    assert d["period"] == {"label": "2026-10", "start": "2026-10-01", "end": "2026-10-31"}
    assert d["baseline_period"]["label"] == "2026-09"
    g = d["groups"][0]
    assert g["keys"] == {}
    assert {"response_rate", "csat", "csat_mean", "nps", "ces_mean", "followup_24h_rate"} <= set(g["kpis"])
    for k in ("response_rate", "csat", "csat_mean", "nps", "ces_mean"):
        assert {"value", "n", "ci", "small_sample", "note"} <= set(g["kpis"][k])
    assert set(g["distribution"]) == {"csat", "nps"}
    assert {"csat", "csat_mean", "nps"} <= set(g["change"])
    assert set(g["change"]["nps"]) >= {"value", "baseline", "change", "significant", "test", "note"}
    t = d["themes"][0]
    assert set(t) >= {"theme", "label", "count", "share", "low_score_share", "examples"}
    assert set(d["nonresponse"]) == {"rows", "warnings"}


def test_bar_line_scales_to_the_largest_and_blanks_zeros():
    # 18 is the top → █; 12/18·7 = 4.67 → ▆ (index 5); 0 → space
    assert bar_line({"1": 0, "2": 18, "3": 12}) == " █▆"
    assert bar_line({"1": 0, "2": 0}) == "  "


def test_chinese_labelled_10_point_export_goes_in_with_nothing_lost(tmp_path):
    """A GB18030 export with Chinese headers, CSAT on 1–10 and NPS as words, via its survey definition."""
    import polars as pl

    from toolkit.ingest.mapping import parse_mapping
    from toolkit.ingest.surveydefs import definition_to_mapping, load_definition

    defn_path = tmp_path / "wechat.yaml"
    defn_path.write_text(
        "kind: survey\nname: wechat\n"
        "fields: {response_id: [问卷编号], interaction_id: [通话ID], sent_at: [发送时间], responded_at: [评价时间]}\n"
        "questions:\n"
        "  - {id: sat, score: csat, headers: [服务评分], scale: [1, 10], labels: {满分: 10}}\n"
        "  - {id: rec, score: nps, headers: [推荐意愿], labels: {非常愿意: 10, 愿意: 8, 一般: 6, 不愿意: 2}}\n"
        "  - {id: txt, score: comment, headers: [评价内容], required: false}\n",
        encoding="utf-8",
    )
    headers = ["问卷编号", "通话ID", "发送时间", "评价时间", "服务评分", "推荐意愿", "评价内容"]
    answers = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "满分"]
    words = ["不愿意", "一般", "愿意", "非常愿意", "7", "不愿意", "一般", "愿意", "非常愿意", "10"]
    lines = [",".join(headers)]
    for i, (a, w) in enumerate(zip(answers, words, strict=True)):
        lines.append(f"W{i},C{i},2026-10-05 09:00:00,2026-10-05 10:{i:02d}:00,{a},{w},第{i}条：还是没解决")
    export = tmp_path / "wechat-export.csv"
    export.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))

    cfg = tmp_path / "ws" / "cxtk.yaml"
    cfg.parent.mkdir()
    cfg.write_text("timezone: Asia/Shanghai\n", encoding="utf-8")
    config = load_config(cfg)
    defn = load_definition(defn_path)
    mapping = parse_mapping(definition_to_mapping(defn, headers), "wechat.yaml")
    result = ingest_files(config, "surveys", [export], mapping=mapping)
    counts = result.files[0].counts
    assert (counts.read, counts.accepted, counts.rejected, counts.skipped) == (10, 10, 0, 0)
    stored = scan_dataset(config, "surveys").sort("response_id").collect()
    # 1–10 onto 1–5 is ceil(x/2): 1,2→1; 3,4→2; 5,6→3; 7,8→4; 9,满分(10)→5
    assert stored["csat"].to_list() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert stored["nps"].to_list() == [2, 6, 8, 10, 7, 2, 6, 8, 10, 10]
    assert stored["survey"].unique().to_list() == ["wechat"]
    assert stored["comment"][3] == "第3条：还是没解决"
    assert stored.filter(pl.col("responded_at").is_null()).height == 0


def test_grouped_by_month_each_month_is_compared_with_the_one_before(workspace):
    config = load_config(workspace)
    frames = {n: scan_dataset(config, n) for n in ("surveys", "interactions")}
    s = survey_summary(frames, parse_period("2026-09-01..2026-10-31"), by=["month"], config=config)
    groups = {g.keys["month"]: g for g in s.groups}
    # October against September inside the same period: CSAT 0.95 → 0.75, z = −2.5049 as above
    assert groups["2026-10"].change["csat"].baseline == pytest.approx(0.95)
    assert groups["2026-10"].change["csat"].significant is True
    # September against August: no survey in August
    assert groups["2026-09"].change["csat"].note == "no comparison: no value in the previous period"


def test_baseline_keys():
    from toolkit.survey.summary import _baseline_key

    assert _baseline_key(("2026-01", "A"), ("month", "team")) == ("2025-12", "A")
    assert _baseline_key(("2026-10",), ("month",)) == ("2026-09",)
    assert _baseline_key(("2026-03-01", 9), ("day", "hour")) == ("2026-02-28", 9)
