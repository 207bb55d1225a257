"""QA: rubric, stratified sample, reviewer's worksheet round trip, summary."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.core.config import Config
from toolkit.core.periods import parse_period
from toolkit.kpis.frames import frame_of
from toolkit.qa.reviews import allocate, load_rubric, qa_sample, qa_summary, qa_worksheet, write_worksheet

OCT = parse_period("2026-10")


def _contacts():
    # Team A: 60 handled calls (3 of them complaints), B: 30, C: 10; plus 5 abandoned calls (not reviewable).
    rows = []
    for team, n in (("A", 60), ("B", 30), ("C", 10)):
        for i in range(n):
            rows.append(
                {
                    "interaction_id": f"{team}{i:03d}",
                    "channel": "phone",
                    "team": team,
                    "agent_id": f"{team}-ag{i % 3}",
                    "customer_id": f"U{team}{i}",
                    "topic": "账单",
                    "arrived_at": f"2026-10-{1 + i % 28:02d} 10:00",
                    "answered_at": f"2026-10-{1 + i % 28:02d} 10:01",
                    "talk_s": 200.0,
                    "complaint": team == "A" and i < 3,
                }
            )
    rows += [
        {"interaction_id": f"X{i}", "channel": "phone", "arrived_at": "2026-10-03 10:00"} for i in range(5)
    ]
    return frame_of("interactions", rows)


def test_rubric_defaults():
    r = load_rubric()
    assert [a.id for a in r.areas] == ["attitude", "communication", "knowledge", "problem_solving"]
    assert r.pass_mark == 80 and (r.min, r.max) == (2, 5)
    assert r.label("knowledge", "zh-CN") == "业务知识"
    # 5, 4, 4, 3 → 16/20 = 80; one area missing → 12/15 = 80 too
    df = pl.DataFrame({"attitude": [5, 5], "communication": [4, 4], "knowledge": [4, 3], "problem_solving": [3, None]})
    assert df.select(r.score_expr()).to_series().to_list() == [80.0, 80.0]


def test_allocation_proportional_with_one_per_stratum():
    assert allocate({"A": 57, "B": 30, "C": 10}, 20) == {"A": 12, "B": 6, "C": 2}
    # 5 draws: exact 2.94, 1.55, 0.52 → floors 2, 1, 0; 2 left to A (.94), B (.55); C gets its minimum of 1
    assert allocate({"A": 57, "B": 30, "C": 10}, 5) == {"A": 3, "B": 2, "C": 1}
    assert allocate({"A": 2, "B": 1}, 10) == {"A": 2, "B": 1}


def test_sample_sizes_per_stratum_complaints_in_full_and_seed():
    ix = _contacts()
    s = qa_sample(ix, OCT, size=20, stratify=["team"], seed=3)
    random = s.filter(pl.col("sample_reason") == "random")
    # non-complaint contacts: A 57, B 30, C 10 → 20 allocated 12 / 6 / 2 (see allocate above)
    assert dict(random.group_by("team").len().iter_rows()) == {"A": 12, "B": 6, "C": 2}
    assert sorted(s.filter(pl.col("sample_reason") == "complaint")["interaction_id"]) == ["A000", "A001", "A002"]
    assert s.height == 23 and not s["interaction_id"].str.starts_with("X").any()
    again = qa_sample(ix, OCT, size=20, stratify=["team"], seed=3)
    assert again["interaction_id"].to_list() == s["interaction_id"].to_list()
    other = qa_sample(ix, OCT, size=20, stratify=["team"], seed=4)
    assert other["interaction_id"].to_list() != s["interaction_id"].to_list()
    # rate: 10 % of the 97 contacts not taken in full → ceil(9.7) = 10: 5.88/3.09/1.03 → A 6, B 3, C 1
    r = qa_sample(ix, OCT, rate=0.1, include_complaints=False, seed=0)
    assert r.height == 10 and dict(r.group_by("team").len().iter_rows()) == {"A": 6, "B": 3, "C": 1}
    # key customers come in full too
    k = qa_sample(ix, OCT, size=0, stratify=[], include_complaints=False, key_customers=["UB7", "UC1"])
    assert sorted(k["interaction_id"]) == ["B007", "C001"] and set(k["sample_reason"]) == {"key customer"}


def test_worksheet_round_trip_through_ingest(tmp_path):
    from toolkit.ingest.pipeline import ingest_files
    from toolkit.ingest.store import scan_dataset

    s = qa_sample(_contacts(), OCT, size=4, stratify=["team"], seed=1)
    sheet = qa_worksheet(s, prefix="QA-2026-10")
    assert sheet.columns[:13] == [
        "review_id", "interaction_id", "agent_id", "team", "reviewer", "reviewed_at", "attitude",
        "communication", "knowledge", "problem_solving", "issue_category", "severity", "comment",
    ]
    assert sheet["review_id"][0] == "QA-2026-10-00001"
    path = write_worksheet(sheet, tmp_path / "sheet.csv")
    # the reviewer fills scores and dates (one comment looks like a formula)
    filled = pl.read_csv(path, infer_schema=False).with_columns(
        pl.lit("rev1").alias("reviewer"),
        pl.lit("2026-10-30 09:00").alias("reviewed_at"),
        pl.lit("5").alias("attitude"),
        pl.lit("4").alias("communication"),
        pl.lit("4").alias("knowledge"),
        pl.lit("3").alias("problem_solving"),
        pl.lit("=HYPERLINK()").alias("comment"),
    )
    filled.write_csv(path)
    cfg = Config(store="store").model_copy(update={"root": tmp_path})
    res = ingest_files(cfg, "qa", [path])
    assert res.totals.accepted == sheet.height and res.totals.rejected == 0
    stored = scan_dataset(cfg, "qa").collect()
    assert sorted(stored["review_id"]) == sorted(sheet["review_id"])
    assert stored["score"].to_list() == [80.0] * sheet.height  # 16 of 20 points
    xlsx = write_worksheet(sheet, tmp_path / "sheet.xlsx")
    back = pl.read_excel(xlsx)
    assert back["review_id"].to_list() == sheet["review_id"].to_list()


def test_summary_by_hand():
    rows = [
        # agent, scores (att, comm, know, prob), category, severity
        ("a1", (5, 5, 5, 5), None, None),  # 100, pass
        ("a1", (4, 4, 4, 4), None, None),  # 80, pass
        ("a2", (3, 3, 2, 2), "业务知识不足", "critical"),  # 50
        ("a2", (4, 4, 3, 3), "业务知识不足", "minor"),  # 70
        ("a2", (4, 3, 4, 3), "流程不规范", "major"),  # 70
    ]
    qa = frame_of(
        "qa",
        [
            {"review_id": f"R{i}", "agent_id": a, "team": "T", "reviewed_at": "2026-10-10 10:00",
             "attitude": s[0], "communication": s[1], "knowledge": s[2], "problem_solving": s[3],
             "issue_category": c, "severity": v}
            for i, (a, s, c, v) in enumerate(rows)
        ],
    )
    s = qa_summary(qa, OCT)
    # score computed from the rubric (no stored score): mean (100+80+50+70+70)/5 = 74; pass 2/5; 1 critical in 5 → 20
    assert s.reviews == 5 and s.score_mean == pytest.approx(74) and s.pass_rate == pytest.approx(0.4)
    assert s.critical_per_100 == pytest.approx(20)
    areas = dict(zip(s.areas["area"], s.areas["mean"], strict=True))
    assert areas["knowledge"] == pytest.approx((5 + 4 + 2 + 3 + 4) / 5)
    p = s.problems.to_dicts()
    assert p[0] == {"issue_category": "业务知识不足", "count": 2, "share": 2 / 3, "minor": 1, "major": 0, "critical": 1}
    assert s.severity["severity"].to_list() == ["minor", "major", "critical"]
    a = {r["agent_id"]: r for r in s.by_agent.to_dicts()}
    assert a["a1"]["score_mean"] == 90 and a["a2"]["pass_rate"] == 0 and a["a2"]["critical"] == 1
    g = qa_summary(qa, OCT, by=["agent_id"]).groups
    assert g["reviews"].to_list() == [2, 3]


def test_cli_sample_and_summary(cli, tmp_path, monkeypatch):
    import json

    from toolkit.core.config import load_config
    from toolkit.ingest.pipeline import ingest_files

    (tmp_path / "cxtk.yaml").write_text("name: t\n", encoding="utf-8")
    csv = tmp_path / "calls.csv"
    _contacts().collect().drop("source").write_csv(csv)
    ingest_files(load_config(tmp_path / "cxtk.yaml"), "interactions", [csv])
    monkeypatch.chdir(tmp_path)
    r = cli("qa", "sample", "--period", "2026-10", "--size", "20", "--seed", "3", "--out", "review.csv")
    assert r.code == 0, r.err
    assert "23 contacts to review (3 complaint, 20 random)" in r.out
    sheet = pl.read_csv(tmp_path / "review.csv")
    assert sheet.height == 23 and sheet["review_id"][0] == "QA-2026-10-s3-00001"
    r = cli("qa", "sample", "--period", "2026-10", "--rate", "0.1", "--size", "3", "--out", "x.csv")
    assert r.code == 1 and "either --rate" in r.err
    # three teams (A 57, B 30, C 10 contacts): a size of 2 cannot cover them, and the user is told
    r = cli("qa", "sample", "--period", "2026-10", "--size", "2", "--no-include-complaints", "--out", "y.csv")
    assert "3 contacts to review (3 random)" in r.out
    assert "note: --size 2 was raised to 3 random contacts so that every stratum (team) has at least one" in r.out
    # fill and ingest the sheet, then summarise it
    sheet.with_columns(
        pl.lit("2026-10-30 09:00").alias("reviewed_at"), pl.lit(5).alias("attitude"), pl.lit(5).alias("communication"),
        pl.lit(5).alias("knowledge"), pl.lit(3).alias("problem_solving"),
    ).write_csv(tmp_path / "review.csv")
    assert cli("ingest", "qa", "review.csv").code == 0
    r = cli("qa", "summary", "--period", "2026-10", "--by", "team", "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    # 18 of 20 points → 90 for every review: all pass
    assert out["reviews"] == 23 and out["score_mean"] == 90.0 and out["pass_rate"] == 1.0
    assert {g["team"]: g["reviews"] for g in out["groups"]} == {"A": 15, "B": 6, "C": 2}
    r = cli("qa", "summary", "--period", "2026-10")
    assert r.code == 0 and "Scores by area" in r.out and "服务态度" in r.out
