"""The analysis wired into the reports: gap drivers, comparisons with significance, actions with their
effect, follow-up rate, unassigned groups — from a small hand-worked workspace, read back from the PDF.

The workspace (Asia/Shanghai), worked by hand:

* interactions, July–October 2026, every month: Team A (queue sales) 40 answered phone calls
  waiting 20 s; Team B (queue billing) 40 answered calls waiting 100 s in July and August, 60 s in
  September and October; talk 200 s + ACW 100 s. October also has 30 calls abandoned after 30 s
  before reaching a team (no team, no agent).
  October: ASA = (40·20 + 40·60)/80 = 40 s against 30 s → gap +10 s.
  Drivers by team: share 0.5 each; Team A 0.5·(20 − 30) = −5 s (offsets), Team B 0.5·(60 − 30) = +15 s
  → Team B holds 15/15 = 100 % of the excess; by queue the same with billing.
  September ASA is also 40 s → MoM +0 s; AHT 300 s every month (met).
* surveys, October, from one export that records follow-ups: 40 × CSAT 5, 10 × CSAT 2 (low).
  CSAT 40/50 = 80.0 % against 0.90 → unmet, no action → the playbook's csat entry is suggested.
  Follow-up of the 10 low scores (24 h): 7 called back after 2 h (in time), 1 after 30 h (late),
  1 never (overdue at the period's end), 1 responded 31 Oct 23:00 and not yet called (due 1 Nov 23:00:
  pending at the period's end). followup_24h_rate = 7 ÷ (7 + 1 + 1) = 77.8 %, n = 9.
* actions: ACT-1 asa_s, scope Team B, opened 5 Aug, done 25 Aug → before = May–Jul (Team B ASA 100 s,
  July only), after = Sep–Nov (60 s) → "1 min 40 s → 1 min (−40 s, improved)".
  ACT-2 aht_s, all, due 10 Oct, open → overdue by 31 − 10 = 21 days at 31 Oct.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ts(d: datetime) -> str:
    return f"{d:%Y-%m-%d %H:%M:%S}"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    from toolkit.core.config import load_config
    from toolkit.ingest.pipeline import ingest_files

    ws = tmp_path_factory.mktemp("wsa")
    (ws / "cxtk.yaml").write_text(
        "name: Driver Centre\ntimezone: Asia/Shanghai\n"
        "targets:\n  asa_s: {target: 30, weight: 50}\n  aht_s: {target: 300, weight: 50}\n"
        "  csat: {target: 0.9, weight: 0}\n",
        encoding="utf-8",
    )
    ix = []
    for month in (7, 8, 9, 10):
        for i in range(80):
            team, queue, wait = ("Team A", "sales", 20) if i < 40 else ("Team B", "billing", 100 if month < 9 else 60)
            arrived = datetime(2026, month, 1 + i % 28, 10, i % 60)
            ix.append([f"C{month:02d}{i:03d}", "phone", "inbound", f"U{i:03d}", f"A{1 + i % 4 + (0 if i < 40 else 4)}",
                       team, queue, _ts(arrived), _ts(arrived + timedelta(seconds=wait)), wait, 200, 0, 100, "false"])
    for i in range(30):  # abandoned before routing: no team, no agent
        arrived = datetime(2026, 10, 1 + i % 28, 11, i)
        ix.append([f"X{i:03d}", "phone", "inbound", f"V{i:03d}", None, None, None, _ts(arrived), None, 30, None, None,
                   None, "false"])
    _csv(ws / "ix.csv", ["interaction_id", "channel", "direction", "customer_id", "agent_id", "team", "queue",
                         "arrived_at", "answered_at", "wait_s", "talk_s", "hold_s", "acw_s", "complaint"], ix)
    sv = []
    for i in range(50):
        low = i >= 40
        sent = datetime(2026, 10, 1 + i % 28, 12)
        responded = sent + timedelta(hours=1)
        followed = None
        if low:
            k = i - 40  # 0–6 in time, 7 late, 8 never, 9 pending at the period's end
            if k == 9:
                sent, responded = datetime(2026, 10, 31, 22), datetime(2026, 10, 31, 23)
            followed = (responded + timedelta(hours=2) if k < 7 else
                        responded + timedelta(hours=30) if k == 7 else None)
        sv.append([f"S{i:03d}", f"C10{i:03d}", "phone", _ts(sent), _ts(responded), 2 if low else 5,
                   _ts(followed) if followed else None])
    _csv(ws / "sv.csv", ["response_id", "interaction_id", "channel", "sent_at", "responded_at", "csat",
                         "followed_up_at"], sv)
    (ws / "actions.yaml").write_text(
        "- {action_id: ACT-1, kpi: asa_s, scope: Team B, title: Re-roster Team B, owner: Ann,"
        " opened_on: 2026-08-05, due_on: 2026-08-31, status: done, done_on: 2026-08-25}\n"
        "- {action_id: ACT-2, kpi: aht_s, scope: all, title: Shorter wrap-up, owner: Bo,"
        " opened_on: 2026-09-01, due_on: 2026-10-10, status: open}\n",
        encoding="utf-8",
    )
    config = load_config(ws / "cxtk.yaml")
    ingest_files(config, "interactions", [ws / "ix.csv"])
    ingest_files(config, "surveys", [ws / "sv.csv"])
    ingest_files(config, "actions", [ws / "actions.yaml"])
    return ws


@pytest.fixture(scope="module")
def config(workspace):
    from toolkit.core.config import load_config

    return load_config(workspace / "cxtk.yaml")


def _text(pdf: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())


@pytest.fixture(scope="module")
def monthly(config, workspace) -> dict[str, str]:
    """The monthly report in both locales, rendered once: locale → PDF text."""
    from toolkit.report.api import write_report

    out = {}
    for locale in ("en", "zh-CN"):
        pdf = workspace / f"monthly-{locale}.pdf"
        write_report("monthly", config, "2026-10", pdf, locale=locale)
        out[locale] = _text(pdf)
    return out


def test_engine_ranks_no_group_without_a_key(config):
    from toolkit.report.build import make_context

    ctx = make_context(config, "2026-10", "en")
    result = ctx.kpis(by=("team",))
    teams = {g.keys["team"]: g for g in result.groups}
    # the JSON of `cxtk kpi --by team` carries the same ranks as the report
    assert {g["keys"]["team"]: g["rank"] for g in result.to_dict()["groups"]} == {"Team A": 1, "Team B": 2, None: None}
    # 30 abandoned calls without a team: listed, flagged, never ranked; A (ASA 20 s → 100) 1st, B (30/60 → 75) 2nd
    assert teams[None].rank is None and "unassigned" in teams[None].flags
    assert teams[None].kpis["contacts"].value == 30
    assert (teams["Team A"].rank, teams["Team B"].rank) == (1, 2)
    assert "bottom" not in teams[None].flags


def test_engine_ranking_skips_null_keys_even_with_a_score():
    from toolkit.core.config import Config
    from toolkit.kpis.result import Group, KpiValue
    from toolkit.kpis.scoring import score_groups

    config = Config.model_validate({"targets": {"abandon_rate": {"target": 0.1, "weight": 1}}})

    def group(team, rate):
        return Group({"team": team}, {"contacts": KpiValue(100, 100), "abandon_rate": KpiValue(rate, 100)})

    # achievements 0.1/0.05 → capped 1.0 (score 100), 0.1/0.2 = 0.5 (50), 0.1/0.4 = 0.25 (25, no team)
    groups = [group("A", 0.05), group("B", 0.2), group(None, 0.4)]
    score_groups(groups, config, ("team",))
    assert [g.score for g in groups] == pytest.approx([100.0, 50.0, 25.0])
    assert [g.rank for g in groups] == [1, 2, None]
    assert groups[2].flags == ["unassigned"]


def test_followup_rate_leaves_pending_items_out(config):
    from toolkit.report.build import make_context

    kv = make_context(config, "2026-10", "en").kpis().groups[0].kpis["followup_24h_rate"]
    # 7 in time ÷ (7 + 1 late + 1 overdue); the item due 1 Nov 23:00 is pending, not a miss
    assert kv.n == 9
    assert kv.value == pytest.approx(7 / 9)


def test_followup_rate_agrees_with_the_followup_list(config):
    """The KPI and the work list judge the survey items alike (the list also carries complaints
    that have no survey row, which no export can mark as followed up, so the KPI leaves them out)."""
    import polars as pl

    from toolkit.report.build import make_context
    from toolkit.survey.followups import followups

    ctx = make_context(config, "2026-10", "en")
    lo, hi = ctx.period.bounds(config.timezone)
    items = followups(ctx.frames["surveys"], ctx.frames["interactions"], config.definitions, hi,
                      ctx.period.start, ctx.period.end).filter(pl.col("response_id").is_not_null())
    status = items["status"].value_counts()
    n = dict(status.iter_rows())
    decided = n.get("done in time", 0) + n.get("done late", 0) + n.get("overdue", 0)
    kv = ctx.kpis().groups[0].kpis["followup_24h_rate"]
    assert (n.get("done in time", 0) / decided, decided, n.get("open", 0)) == (pytest.approx(kv.value), kv.n, 1)


def test_gap_drivers_name_team_b_and_queue_billing(monthly):
    text = monthly["en"]
    # Team B: 0.5 × (60 − 30) = +15 s of a +10 s gap, all of the excess; Team A offsets −5 s
    assert "Team B accounts for 100 % of the Average speed of answer gap." in text
    assert "+15 s" in text and "−5 s" in text and "offsets" in text
    assert "queue billing" in text
    # 10 of the contacts that waited longer than 30 s are listed for review (Team B's 60 s waits)
    assert "contacts that waited longer than the target, for review" in text


def test_summary_names_the_driver_of_the_biggest_gap(monthly):
    text = monthly["en"]
    summary = text[text.index("Composite score"):text.index("Efficiency scorecard", text.index("Composite score"))]
    assert "Team B accounts for 100 % of the Average speed of answer gap." in summary


def test_ranking_lists_the_unassigned_group_with_a_note(monthly):
    text = monthly["en"]
    assert "unassigned (no team)" in text
    assert "Unassigned: 30 contacts without a team" in text
    assert "未分配:30 条无团队的交互" in monthly["zh-CN"]


def test_trends_table_compares_with_last_month(monthly):
    text = monthly["en"]
    assert "Month on month" in text and "Year on year" in text
    assert "Centre − best" in text  # vs best team: 40 s − 20 s (Team A) = +20 s
    assert "20 s (Team A)" in text and "+20 s" in text


def test_actions_show_overdue_days_effect_and_playbook_suggestion(monthly):
    text = monthly["en"]
    assert "overdue (21 days)" in text
    # ACT-1 Team B ASA: May–Jul 100 s → Sep–Nov 60 s
    assert "1 min 40 s → 1 min (−40 s, improved)" in text
    # CSAT misses its target and has no action: the playbook proposes one
    assert "Suggested actions" in text and "CSAT (% satisfied):" in text
    zh = monthly["zh-CN"]
    assert "已逾期(21天)" in zh and "1分40秒 → 1分钟" in zh


def test_staffing_without_interval_status_says_why(monthly):
    assert "No interval agent status data: understaffed hours cannot be shown." in monthly["en"]


def test_no_none_nan_or_english_section_titles_in_zh(monthly):
    zh = monthly["zh-CN"]
    for word in ("None", "nan", "offsets", "Drivers", "accounts for", "overdue", "Suggested"):
        assert word not in zh.split() and word not in zh, word
    assert "Team B贡献了平均应答速度差距的100%。" in zh


def test_survey_report_shows_significance_and_followups(config, workspace):
    from toolkit.report.api import write_report

    pdf = workspace / "survey-en.pdf"
    write_report("survey", config, "2026-10", pdf, locale="en")
    text = _text(pdf)
    # 7 of the 9 items whose outcome is known; the pending one is not a miss
    assert "Followed up within 24 h: 77.8 % of the 9 items whose outcome is known." in text
    # the status table: low-score responses, complaints (none here), total, share of the 10 items
    assert "Status Low-score responses Complaints Total Share" in text
    for line in ("Overdue 1 0 1 10.0 %", "Open, not yet due 1 0 1 10.0 %", "Done late 1 0 1 10.0 %",
                 "Done in time 7 0 7 70.0 %"):
        assert line in text, line
    # no September responses: nothing to test against, so no verdict is printed
    assert "not significant" not in text


@pytest.mark.parametrize("df", [1, 2, 3.5, 9, 24, 99, 1000])
def test_t_quantile_matches_scipy(df):
    from scipy.stats import t

    from toolkit.core.stats import t_quantile

    # reports no longer import scipy for the CES/CSAT-mean intervals; the stdlib quantile must agree
    for confidence in (0.9, 0.95, 0.99):
        assert t_quantile(df, confidence) == pytest.approx(float(t.ppf(0.5 + confidence / 2, df)), rel=1e-7)
    assert t_quantile(24) == pytest.approx(2.0639, abs=1e-4)
