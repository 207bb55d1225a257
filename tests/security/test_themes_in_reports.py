"""A workspace's ``surveys/themes.yaml`` is read by the reports too (issue 11, item 12).

Before, only ``cxtk survey summary`` read it: with 31 comments that only a workspace theme names,
the summary listed the theme while the monthly report said "No survey comments in the period."
The reports and the summary now load the themes the same way (``survey.themes.workspace_themes_file``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile import CONFIG, build, contact, response

THEMES = "themes:\n  parking:\n    label: {en: Parking, zh-CN: 停车}\n    keywords: [parking, 停车]\n"
COMMENTS = ["no parking anywhere near the branch", "停车太难了", "Parking is a nightmare"]
N = 31  # comments, every one about parking only


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("themes")
    ix = [contact(i, "Team A" if i % 2 else "Team B") for i in range(60)]
    sv = [response(i, "Team A" if i % 2 else "Team B", csat=2, comment=COMMENTS[i % 3] if i < N else None)
          for i in range(50)]
    build(root, ix, sv, config=CONFIG)
    (root / "surveys").mkdir()
    (root / "surveys" / "themes.yaml").write_text(THEMES, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def ctx(ws):
    from toolkit.core.config import load_config
    from toolkit.report.build import make_context

    return make_context(load_config(ws / "cxtk.yaml"), "2026-10", "en")


def test_monthly_voice_of_the_customer_shows_the_workspace_theme(ctx):
    from toolkit.report.monthly_voc import voc_section
    from toolkit.report.viewmodel import VocSection

    voc = voc_section(ctx)
    assert isinstance(voc, VocSection), voc  # before: Absent("No survey comments in the period.")
    assert [(t.name, t.count_text, t.share_text) for t in voc.themes] == [("Parking", "31", "100.0 %")]


def test_monthly_gap_analysis_names_the_workspace_theme_of_unhappy_comments(ctx):
    from toolkit.report.api import build_view_model

    vm = build_view_model("monthly", ctx)
    csat = next(g for g in vm.gaps.items if g.kpi_id == "csat")  # every response scored 2: CSAT misses 90 %
    assert csat.themes == ["Parking (100 %)"]


def test_survey_report_reads_the_same_themes_as_the_summary(cli, ws, ctx):
    from toolkit.report.build_survey import survey_summary_of

    r = cli("--config", ws / "cxtk.yaml", "survey", "summary", "--period", "2026-10", "--format", "json")
    assert r.code == 0, r.err
    themes = json.loads(r.out)["themes"]
    assert [(t["theme"], t["count"]) for t in themes] == [("parking", N)]
    assert survey_summary_of(ctx).themes == themes  # before: [] in the report


def test_rendered_reports_show_the_theme_not_no_comments(ctx):
    from toolkit.report.api import build_view_model
    from toolkit.report.render import render_html

    for kind in ("monthly", "survey"):
        html = render_html(f"{kind}.html", build_view_model(kind, ctx), locale="en")
        assert "Parking" in html, kind
        assert "No survey comments in the period." not in html, kind
