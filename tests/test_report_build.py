"""Reports built from a small hand-worked workspace, rendered to PDF and read back as a reader would.

The workspace (October 2026, Asia/Shanghai), worked by hand:

* interactions: Team A 40 answered phone calls waiting 20 s; Team B 40 waiting 60 s; every call
  talk 200 s + ACW 100 s. Centre ASA = (40·20 + 40·60) / 80 = 40 s against 30 s → achievement
  30/40 = 75.0 %, not met; AHT = 300 s against 300 s → 100.0 %, met.
  Composite (weights 50/50) = (50·0.75 + 50·1.0) / 100 × 100 = 87.5.
  Team A: ASA 20 s → 30/20 = 150 % capped at 100 % → score 100.0, rank 1; Team B: 30/60 = 50 %
  → score 75.0, rank 2.
* surveys: 60 invitations, 50 responses: CSAT 40 × 5 and 10 × 2 → CSAT 40/50 = 80.0 %;
  Wilson 95 %: centre (0.8 + z²/100)/(1 + z²/50) = 0.7786, half-width 0.1090 → 67.0 % – 88.8 %.
  CSAT mean (40·5 + 10·2)/50 = 4.40. NPS: 20 × 10, 20 × 8, 10 × 3 → 100·(0.4 − 0.2) = 20.0;
  Var = (0.4 + 0.2 − 0.2²)/50 = 0.0112, margin 1.96·√0.0112·100 = 20.7 → −0.7 – 40.7.
  Response rate 50/60 = 83.3 %. One comment carries the phone number 13812345678.
* qa: 10 reviews of Team A agents, 3 with the problem "Wrong information" (minor).

PDFs are rendered once per report and locale (module fixture).
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

PHONE = "13812345678"


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    from toolkit.core.config import load_config
    from toolkit.ingest.pipeline import ingest_files

    ws = tmp_path_factory.mktemp("ws")
    (ws / "cxtk.yaml").write_text(
        "name: Hand Centre\ntimezone: Asia/Shanghai\n"
        "targets:\n  asa_s: {target: 30, weight: 50}\n  aht_s: {target: 300, weight: 50}\n"
        "  csat: {target: 0.9, weight: 0}\n",
        encoding="utf-8",
    )
    ix = []
    for i in range(80):
        team, wait = ("Team A", 20) if i < 40 else ("Team B", 60)
        arrived = datetime(2026, 10, 1 + i % 28, 10, i % 60)
        ix.append([f"C{i:03d}", "phone", "inbound", f"U{i:03d}", f"A{1 + i % 4 + (0 if i < 40 else 4)}", team,
                   f"{arrived:%Y-%m-%d %H:%M:%S}", f"{arrived + timedelta(seconds=wait):%Y-%m-%d %H:%M:%S}",
                   wait, 200, 0, 100, "true", "false"])
    _csv(ws / "ix.csv", ["interaction_id", "channel", "direction", "customer_id", "agent_id", "team", "arrived_at",
                         "answered_at", "wait_s", "talk_s", "hold_s", "acw_s", "resolved", "complaint"], ix)
    sv = []
    for i in range(60):
        responded = i < 50
        csat = (5 if i < 40 else 2) if responded else None
        nps = (10 if i < 20 else 8 if i < 40 else 3) if responded else None
        comment = f"call me on {PHONE} waited too long" if i == 45 else ("great service" if i < 5 else None)
        sv.append([f"S{i:03d}", f"C{i:03d}", "Team A" if i < 40 else "Team B", "phone",
                   f"2026-10-{1 + i % 28:02d} 12:00:00", f"2026-10-{1 + i % 28:02d} 13:00:00" if responded else None,
                   csat, nps, comment])
    _csv(ws / "sv.csv", ["response_id", "interaction_id", "team", "channel", "sent_at", "responded_at", "csat", "nps",
                         "comment"], sv)
    qa = [[f"Q{i:02d}", f"C{i:03d}", f"A{1 + i % 4}", "Team A", "R1", f"2026-10-{1 + i:02d} 15:00:00", 4, 4,
           3 if i < 3 else 4, 4, 85, "Wrong information" if i < 3 else None, "minor" if i < 3 else None]
          for i in range(10)]
    _csv(ws / "qa.csv", ["review_id", "interaction_id", "agent_id", "team", "reviewer", "reviewed_at", "attitude",
                         "communication", "knowledge", "problem_solving", "score", "issue_category", "severity"], qa)
    config = load_config(ws / "cxtk.yaml")
    ingest_files(config, "interactions", [ws / "ix.csv"])
    ingest_files(config, "surveys", [ws / "sv.csv"])
    ingest_files(config, "qa", [ws / "qa.csv"])
    return ws


@pytest.fixture(scope="module")
def config(workspace):
    from toolkit.core.config import load_config

    return load_config(workspace / "cxtk.yaml")


def _text(pdf: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())


@pytest.fixture(scope="module")
def pdfs(config, workspace) -> dict[tuple[str, str], str]:
    """Every report in both locales, rendered once: (kind, locale) → PDF text; the paths beside."""
    from toolkit.report.api import write_report

    out = {}
    for kind, period in (("monthly", "2026-10"), ("quarterly", "2026-Q4"), ("survey", "2026-10"), ("qa", "2026-10")):
        for locale in ("en", "zh-CN"):
            pdf = workspace / f"{kind}-{locale}.pdf"
            write_report(kind, config, period, pdf, locale=locale)  # type: ignore[arg-type]
            out[(kind, locale)] = _text(pdf)
    return out


def test_the_hand_worked_numbers_come_out_of_the_engine(config):
    from toolkit.report.build import make_context

    ctx = make_context(config, "2026-10", "en")
    centre = ctx.kpis().groups[0]
    assert centre.kpis["asa_s"].value == pytest.approx(40.0)
    assert centre.kpis["asa_s"].achievement == pytest.approx(0.75)
    assert centre.score == pytest.approx(87.5)
    assert centre.kpis["csat"].ci == pytest.approx((0.6696, 0.8876), abs=5e-4)
    assert centre.kpis["nps"].ci == pytest.approx((-0.74, 40.74), abs=0.05)


def test_monthly_en_scorecard_score_and_intervals(pdfs):
    text = pdfs[("monthly", "en")]
    # ASA row: target ≤ 30 s, actual 40 s, achievement 75.0 %; AHT row: ≤ 5 min, 5 min, 100.0 %
    for expected in ("Service evaluation — October 2026", "Hand Centre", "Average speed of answer", "≤ 30 s", "40 s",
                     "75.0 %", "≤ 5 min", "100.0 %", "87.5", "80.0 %", "67.0 % – 88.8 %", "4.40", "20.0",
                     "−0.7 – 40.7", "≥ 90.0 %", "−10.0 pts", "Team A", "Team B", "100.0", "75.0"):
        assert expected in text, expected
    assert "None" not in text.split() and "nan" not in text.split()


def test_monthly_summary_sentences_name_best_and_worst(pdfs):
    text = pdfs[("monthly", "en")]
    # CSAT 80.0 % also misses its 90 % target (weight 0: it does not move the score)
    assert "2 of 3 indicators with a target are not met." in text
    assert "Average handling time is furthest ahead of its target: 5 min against 5 min (100.0 %)." in text
    assert "Average speed of answer is furthest behind its target: 40 s against 30 s (75.0 %)." in text


def test_monthly_zh_has_chinese_labels_and_the_numbers(pdfs):
    text = pdfs[("monthly", "zh-CN")]
    for expected in ("服务评估报告 — 2026年10月", "效率指标评分表", "平均应答速度", "≤ 30秒", "40秒", "75.0%", "87.5",
                     "67.0% – 88.8%", "数据质量与方法说明", "当前口径定义",
                     "内部资料 — 仅供管理层使用"):  # the default footer speaks the report's language
        assert expected in text, expected


def test_footer_and_mark_per_locale(config):
    from toolkit.core.config import Brand
    from toolkit.report.build import brand_of

    per_locale = config.model_copy(update={"brand": Brand(footer={"en": "Internal", "zh-CN": "内部"},
                                                          confidential={"en": "Confidential"})})
    assert (brand_of(per_locale, "zh-CN").footer, brand_of(per_locale, "zh-CN").confidential) == ("内部", "Confidential")
    assert brand_of(per_locale, "en").footer == "Internal"
    one_text = config.model_copy(update={"brand": Brand(footer="")})
    assert brand_of(one_text, "zh-CN").footer == "" and brand_of(one_text, "zh-CN").confidential is None
    # only Chinese given: an English report keeps its own default; an empty text is a choice, not a gap
    zh_only = config.model_copy(update={"brand": Brand(footer={"zh-CN": "内部", "en": ""})})
    assert brand_of(zh_only, "en").footer == "" and brand_of(zh_only, "zh-CN").footer == "内部"
    zh_only = config.model_copy(update={"brand": Brand(footer={"zh-CN": "内部"})})
    assert brand_of(zh_only, "en").footer == "Internal — for management use"
    # `footer: null` written in the config: no footer at all
    assert brand_of(config.model_copy(update={"brand": Brand(footer=None)}), "en").footer == ""


def test_other_reports_show_their_figures(pdfs):
    # quarterly Q4 = October only here: same composite 87.5
    assert "Quarterly executive summary — Q4 2026" in pdfs[("quarterly", "en")]
    assert "87.5" in pdfs[("quarterly", "en")]
    assert "2026年第4季度" in pdfs[("quarterly", "zh-CN")]
    survey = pdfs[("survey", "en")]
    # response rate 50/60 = 83.3 %; CSAT interval; 10 of 50 scored 2 or lower = 20.0 %
    for expected in ("83.3 %", "67.0 % – 88.8 %", "4.40", "−0.7 – 40.7", "50 responses; 10 (20.0 %) scored 2 or lower"):
        assert expected in survey, expected
    assert "满意度调查报告" in pdfs[("survey", "zh-CN")]
    qa = pdfs[("qa", "en")]
    # 3 problems of 10 reviews: 100 % of problems, 30.0 % of reviews
    for expected in ("10 reviews of 4 agents by 1 reviewers", "Wrong information", "30.0 %", "Minor"):
        assert expected in qa, expected
    assert "质检报告" in pdfs[("qa", "zh-CN")] and "一般" in pdfs[("qa", "zh-CN")]


def test_masked_phone_number_never_appears(pdfs):
    for (kind, locale), text in pdfs.items():
        assert PHONE not in text, (kind, locale)
    assert "138****5678" in pdfs[("survey", "en")]


def test_zh_pdfs_embed_a_cjk_font(pdfs, workspace):
    for kind in ("monthly", "quarterly", "survey", "qa"):
        fonts = subprocess.run(["pdffonts", str(workspace / f"{kind}-zh-CN.pdf")], capture_output=True, text=True).stdout
        cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line or "NotoSansCJK" in line]
        assert cjk and all(" yes " in line for line in cjk), (kind, fonts)


def test_a_period_without_data_is_a_clear_error(config, tmp_path):
    from toolkit.core.errors import CxtkError
    from toolkit.report.api import write_report

    with pytest.raises(CxtkError, match=r"no interactions in 2025-01 \(the store has 2026-10 … 2026-10\)"):
        write_report("monthly", config, "2025-01", tmp_path / "x.pdf")


def test_quarter_helpers():
    from toolkit.core.periods import last_complete_quarter, quarter_of

    assert quarter_of("2026-08") == "2026-Q3"
    assert last_complete_quarter("2026-10") == "2026-Q3"  # October opens Q4: the last complete one is Q3
    assert last_complete_quarter("2026-09") == "2026-Q3"
