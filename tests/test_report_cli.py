"""``cxtk report …`` drives the library: it writes the PDF, and a period without data is exit 1 with one line."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """20 answered phone calls in October 2026, wait 10 s, talk 120 s: ASA 10 s against 30 s → met."""
    from toolkit.core.config import load_config
    from toolkit.ingest.pipeline import ingest_files

    ws = tmp_path_factory.mktemp("cliws")
    (ws / "cxtk.yaml").write_text("name: CLI Centre\ntargets:\n  asa_s: {target: 30, weight: 1}\n", encoding="utf-8")
    rows = ["interaction_id,channel,agent_id,team,arrived_at,answered_at,wait_s,talk_s"]
    for i in range(20):
        t = datetime(2026, 10, 1 + i, 9)
        rows.append(f"C{i},phone,A1,Team A,{t:%Y-%m-%d %H:%M:%S},{t + timedelta(seconds=10):%Y-%m-%d %H:%M:%S},10,120")
    (ws / "ix.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ingest_files(load_config(ws / "cxtk.yaml"), "interactions", [ws / "ix.csv"])
    return ws


def test_report_monthly_writes_pdf_and_html(cli, workspace):
    out, html = workspace / "m.pdf", workspace / "m.html"
    r = cli("--config", workspace / "cxtk.yaml", "report", "monthly", "--period", "2026-10", "--out", out,
            "--html", html)
    assert r.code == 0, r.err
    assert out.read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    # ASA 10 s against ≤ 30 s: achievement 30/10 = 300.0 %, met; the only weighted KPI → score 100.0
    assert "CLI Centre" in text and "≤ 30 s" in text and "10 s" in text and "300.0 %" in text and "100.0" in text
    assert "Service evaluation — October 2026" in html.read_text(encoding="utf-8")
    assert f"wrote {out}" in r.out


def test_report_for_a_period_without_data_exits_1(cli, workspace):
    r = cli("--config", workspace / "cxtk.yaml", "report", "survey", "--period", "2025-03", "--out",
            workspace / "x.pdf")
    assert r.code == 1
    assert r.err.strip() == "Error: no interactions in 2025-03 (the store has 2026-10 … 2026-10)"
    assert not (workspace / "x.pdf").exists()


def test_report_rejects_an_unknown_locale(cli, workspace):
    r = cli("--config", workspace / "cxtk.yaml", "report", "qa", "--period", "2026-10", "--out", workspace / "q.pdf",
            "--locale", "fr")
    assert r.code == 2


def test_every_report_command_has_help_with_an_example(cli):
    for kind in ("monthly", "quarterly", "survey", "qa"):
        r = cli("report", kind, "--help")
        assert r.code == 0 and "Example: cxtk report " + kind in r.out
