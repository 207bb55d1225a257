"""The notebook API (toolkit.open_workspace): docs/api.md runs as written, and agrees with the CLI."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """Every python block of docs/api.md, executed in order in one namespace, in a fresh folder."""
    here = os.getcwd()
    folder = tmp_path_factory.mktemp("api")
    os.chdir(folder)
    namespace: dict = {}
    try:
        for i, block in enumerate(_blocks()):
            exec(compile(block, f"docs/api.md block {i + 1}", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(here)
    return folder, namespace


def test_the_doc_has_examples_of_every_method():
    text = "".join(_blocks())
    for method in ("open_workspace", ".kpis(", ".compare(", ".anomalies(", ".survey_summary(", ".followups(",
                   ".frame(", ".ingest(", ".report(", ".explain("):
        assert method in text, method


def test_the_examples_run(ran):
    folder, ns = ran
    assert (folder / "demo" / "monthly.pdf").is_file()
    assert ns["totals"].duplicate == ns["totals"].read - ns["totals"].skipped


def test_api_and_cli_give_the_same_numbers(ran, cli):
    folder, ns = ran
    config = folder / "demo" / "workspace" / "cxtk.yaml"
    r = cli("--config", config, "kpi", "--period", "2026-10", "--by", "team", "--format", "json")
    assert r.code == 0, r.err
    assert ns["ws"].kpis("2026-10", by=["team"]).to_dict() == json.loads(r.out)


def test_open_workspace_names_a_missing_config(tmp_path):
    import toolkit

    with pytest.raises(toolkit.CxtkError) as info:
        toolkit.open_workspace(tmp_path)
    assert str(info.value) == f"{tmp_path / 'cxtk.yaml'}: no cxtk.yaml there; create a workspace with `cxtk init DIR`"


def test_import_toolkit_imports_nothing_heavy():
    import subprocess
    import sys

    code = "import sys, toolkit; print(sorted(m for m in ('polars', 'pydantic', 'typer') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
