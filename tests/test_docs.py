"""The docs that are generated from code are up to date; the README names the two commands."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_kpi_docs_match_the_registry():
    from toolkit.kpis.docs import render

    assert (ROOT / "docs" / "kpis.md").read_text(encoding="utf-8") == render(), (
        "docs/kpis.md is stale: run `python -m toolkit.kpis.docs > docs/kpis.md`"
    )


def test_readme_starts_with_the_two_commands_and_links_docs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("make demo") < text.index("make test") < 1200
    for doc in ("docs/kpis.md", "docs/mapping.md", "docs/config.md", "docs/reports.md"):
        assert doc in text
        assert (ROOT / doc).is_file()
