"""Text that cannot break a renderer or a terminal (issue 11, item 5; and item 4's many-teams chart).

* control characters in a chart label made vl-convert panic (SIGABRT, no report): they are drawn
  as visible escapes (``\\u001b``) or, for line breaks, a space;
* ``[/bold]`` in a team name raised rich's MarkupError; ESC/OSC sequences in the data reached the
  terminal raw: every value rich prints is escaped, every control character shown as ``\\u001b``…;
* ``qa sample`` wrote live hyperlinks (``file:///c:\\windows\\system32\\calc.exe``): no workbook
  turns text into a link;
* 1,500 teams overflowed vl-convert's stack: a chart of more than ``MAX_CATEGORIES`` bars is a table.

Chart and report renders run in a subprocess: a regression aborts that process, not the test run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hostile import build, contact, response, review

ROOT = Path(__file__).resolve().parents[2]

RED = "Red\x1b[31m\x07Team"  # SGR colour + BEL
BOLD = "[/bold]Bold"  # a closing rich tag with nothing open
CTL = "Ctl\x00\x0b\u2028Team"  # NUL, vertical tab, line separator
OSC = "Agent\x1b]0;pwned\x07"  # OSC: sets the terminal's title
CLEAR = "Q\x1b[2J"  # CSI: clears the screen
CATEGORY = "Wrong\x1b[31m\x00info"
CATEGORY_TAG = "[/red]Rude"
LINKS = ("file:///c:\\windows\\system32\\calc.exe", "http://evil.example/x", "mailto:boss@evil.example")


def _run(*args: str, cwd: Path | None = None, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "250"}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    teams = [RED, BOLD, CTL]
    ix = [contact(i, teams[i % 3], agent_name=OSC, queue=CLEAR, topic=LINKS[i % 3]) for i in range(90)]
    sv = [response(i, teams[i % 3], csat=2 if i % 4 == 0 else 5, comment="long wait\x1b[31m!" if i % 4 == 0 else None)
          for i in range(60)]
    qa = [review(i, teams[i % 3], CATEGORY if i % 3 == 0 else CATEGORY_TAG if i % 3 == 1 else None) for i in range(30)]
    return build(root, ix, sv, qa)


# -- charts --------------------------------------------------------------------------------------

CHART_SCRIPT = r"""
import sys
from toolkit.report.charts import bar_ranking, share_bars, trend_chart
labels = ["Red\x1b[31m\x07Team", "Ctl\x00\x0b\u2028Team", "Tab\tLF\nCR\rFF\x0c", "C1\x85\x9bend", "Bidi\u202eevil"]
svgs = [
    bar_ranking([{"label": l, "value": 50.0 + i} for i, l in enumerate(labels)], "Score", "Score (0-100)"),
    share_bars([{"label": l, "share": 0.2} for l in labels], "Problems", "Share"),
    trend_chart([{"period": l, "value": float(i)} for i, l in enumerate(labels)], None, "Trend", "n"),
]
for svg in svgs:
    assert svg.lstrip().startswith("<svg"), svg[:200]
sys.stdout.write("\n====\n".join(svgs))
"""


def test_control_characters_in_chart_labels_are_drawn_as_escapes():
    r = _run("-c", CHART_SCRIPT)
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])  # before the fix: -6 (SIGABRT) on the first chart
    svgs = r.stdout.split("\n====\n")
    assert len(svgs) == 3
    for svg in svgs:
        assert "Red\\u001b[31m\\u0007Team" in svg
        assert "Ctl\\u0000  Team" in svg  # NUL visible; vertical tab and U+2028 are line breaks: a space each
        assert "Tab LF CR FF " in svg
        assert "C1 \\u009bend" in svg  # NEL is a line break, CSI (0x9b) an escape
        assert "Bidi\\u202eevil" in svg
        assert not any(ch in svg for ch in "\x00\x07\x0b\x1b\x85\x9b\u2028\u202e")


def test_reports_with_control_characters_in_team_names_and_qa_categories_are_written(ws):
    for kind in ("monthly", "qa"):
        out, html = ws / f"{kind}.pdf", ws / f"{kind}.html"
        r = _run("-m", "toolkit", "--config", str(ws / "cxtk.yaml"), "report", kind, "--period", "2026-10",
                 "--out", str(out), "--html", str(html))
        assert r.returncode == 0, (kind, r.returncode, r.stderr[-2000:])
        assert out.read_bytes().startswith(b"%PDF")
        text = html.read_text(encoding="utf-8")
        svg = text[text.index("<svg"):]  # the charts
        if kind == "monthly":
            assert "Red\\u001b[31m\\u0007Team" in svg  # the team ranking
        else:
            assert "Wrong\\u001b[31m\\u0000info" in svg  # the problem categories
            assert "[/red]Rude" in svg


# -- terminal ------------------------------------------------------------------------------------

TERMINAL = [
    ("kpi", ["kpi", "--period", "2026-10", "--by", "team", "--kpi", "asa_s,contacts"]),
    ("compare", ["compare", "--period", "2026-10", "--against", "teams", "--by", "team", "--kpi", "asa_s"]),
    ("qa summary", ["qa", "summary", "--period", "2026-10", "--by", "team"]),
    ("survey summary", ["survey", "summary", "--period", "2026-10", "--by", "team"]),
    ("survey followups", ["survey", "followups", "--period", "2026-10", "--now", "2026-11-01"]),
]


@pytest.mark.parametrize(("name", "args"), TERMINAL, ids=[n for n, _ in TERMINAL])
def test_markup_and_escape_sequences_in_data_print_as_text(cli, ws, monkeypatch, name, args):
    monkeypatch.setenv("COLUMNS", "250")  # no wrapping inside a team name
    r = cli("--config", ws / "cxtk.yaml", *args)
    assert r.code == 0, (name, r.err)  # before the fix: MarkupError on "[/bold]"
    assert "\x1b" not in r.out + r.err and "\x07" not in r.out + r.err
    assert BOLD in r.out  # the closing tag printed as the text it is
    assert "Red\\u001b[31m\\u0007Team" in r.out
    if name == "qa summary":
        assert "Wrong\\u001b[31m\\u0000info" in r.out and CATEGORY_TAG in r.out


def test_ingest_names_a_hostile_file_and_a_hostile_reject_reason_as_text(cli, tmp_path, monkeypatch):
    import polars as pl

    monkeypatch.setenv("COLUMNS", "250")
    (tmp_path / "cxtk.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    path = tmp_path / "calls[bold].parquet"
    pl.DataFrame([contact(1, "A"), contact(2, "A", channel="\x1b]8;;http://evil.example\x07phone")]).write_parquet(path)
    r = cli("--config", tmp_path / "cxtk.yaml", "ingest", "interactions", path)
    assert r.code == 0, r.err
    assert "\x1b" not in r.out + r.err
    assert "calls[bold].parquet" in r.out
    assert "\\u001b]8;;http://evil.example\\u0007phone" in r.out  # the rejected value, in the reason


def test_an_error_message_carrying_data_prints_escapes(cli, tmp_path):
    r = cli("--config", tmp_path / "missing\x1b[2J.yaml", "kpi", "--period", "2026-10")
    assert r.code == 1
    assert r.err.startswith("Error: ") and "\x1b" not in r.err and "missing\\u001b[2J.yaml" in r.err


# -- spreadsheets --------------------------------------------------------------------------------


def _hyperlinks(xlsx: Path) -> list[str]:
    """Every hyperlink element and hyperlink relationship in a workbook."""
    found = []
    with zipfile.ZipFile(xlsx) as z:
        for name in z.namelist():
            text = z.read(name).decode("utf-8", "replace")
            if "<hyperlink" in text or "relationships/hyperlink" in text:
                found.append(name)
    return found


def _shared_strings(xlsx: Path) -> str:
    with zipfile.ZipFile(xlsx) as z:
        return z.read("xl/sharedStrings.xml").decode("utf-8")


def test_qa_sample_worksheet_has_no_hyperlinks(cli, ws):
    out = ws / "review.xlsx"
    r = cli("--config", ws / "cxtk.yaml", "qa", "sample", "--period", "2026-10", "--size", "30", "--out", out)
    assert r.code == 0, r.err
    assert _hyperlinks(out) == []  # before the fix: 30 live links, calc.exe among them
    strings = _shared_strings(out)
    assert "file:///c:\\windows\\system32\\calc.exe" in strings and "http://evil.example/x" in strings


def test_every_workbook_keeps_urls_as_text(tmp_path):
    from toolkit.core.safety import xlsx_workbook

    out = tmp_path / "w.xlsx"
    wb = xlsx_workbook(out)
    ws = wb.add_worksheet()
    for i, link in enumerate(LINKS):
        ws.write(i, 0, link)  # write(): the call that turns text into links
    wb.close()
    assert _hyperlinks(out) == []
    assert all(link.replace("&", "&amp;") in _shared_strings(out) for link in LINKS)


# -- too many categories -------------------------------------------------------------------------


def test_a_chart_of_1500_teams_becomes_a_table():
    from toolkit.report.chart_table import MAX_CATEGORIES
    from toolkit.report.charts import bar_ranking

    teams = [{"label": f"Team <{i:04d}>", "value": i / 10} for i in range(1500)]
    html = bar_ranking(teams, "Composite score", "Score (0–100)")  # before: RangeError, stack overflow
    assert html.startswith('<table class="chart-table">') and "<svg" not in html
    assert html.count("<tr>") == 1 + 1500
    assert "<caption>Composite score</caption>" in html and "<th class=\"num\">Score (0–100)</th>" in html
    # best first, as the bars were, the value as the bar's label writes it; text escaped
    assert html.index("Team &lt;1499&gt;") < html.index("Team &lt;0000&gt;")
    assert '<td>Team &lt;1499&gt;</td><td class="num">149.9</td>' in html
    assert bar_ranking(teams[:MAX_CATEGORIES], "t", "x").lstrip().startswith("<svg")
    assert bar_ranking(teams[: MAX_CATEGORIES + 1], "t", "x").startswith("<table")


def test_a_share_chart_of_many_categories_keeps_percentages():
    from toolkit.report.charts import share_bars

    html = share_bars([{"label": f"cat {i}", "share": 0.01} for i in range(100)], "Problems", "Share")
    assert '<td>cat 0</td><td class="num">1.0 %</td>' in html


def test_a_monthly_report_of_1500_teams_shows_the_ranking_as_a_table(tmp_path):
    from toolkit.core.config import load_config
    from toolkit.report.api import build_view_model
    from toolkit.report.build import make_context
    from toolkit.report.render import render_html

    ws = build(tmp_path / "big", [contact(i, f"Team {i % 1500:04d}") for i in range(3000)])
    ctx = make_context(load_config(ws / "cxtk.yaml"), "2026-10", "en")
    vm = build_view_model("monthly", ctx)
    assert vm.teams.chart.svg.startswith('<table class="chart-table">')
    assert vm.teams.chart.svg.count("<tr>") == 1 + 1500
    html = render_html("monthly.html", vm, locale="en")
    assert "<td>Team 0042</td>" in html
