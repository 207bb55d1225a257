"""The layout keeps the flow (spec/architecture.md): layer contracts hold, and break when broken.

`make test` runs `lint-imports` on the real tree; these tests show that the contracts really
catch an upward import, and that there is no import loop among toolkit's modules.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache"],
                          cwd=tree, capture_output=True, text=True, env={"PYTHONPATH": str(tree), "PATH": ""})


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "toolkit", tree / "toolkit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_contracts_hold_on_this_tree(tmp_path):
    r = _lint(_copy(tmp_path))
    assert r.returncode == 0, r.stdout
    assert "Contracts: 2 kept, 0 broken." in r.stdout


def test_an_upward_import_breaks_the_build_and_is_named(tmp_path):
    tree = _copy(tmp_path)
    periods = tree / "toolkit" / "core" / "periods.py"
    periods.write_text(periods.read_text() + "\n\ndef _oops():\n    from toolkit.report.fmt import Formatter\n"
                       "    return Formatter\n")
    r = _lint(tree)
    assert r.returncode == 1
    assert "toolkit.core is not allowed to import toolkit.report" in r.stdout
    assert "toolkit.core.periods -> toolkit.report.fmt" in r.stdout


def test_two_analyses_of_layer_4_may_not_import_each_other(tmp_path):
    tree = _copy(tmp_path)
    qa = tree / "toolkit" / "qa" / "reviews.py"
    qa.write_text(qa.read_text() + "\n\ndef _oops():\n    from toolkit.survey import themes\n    return themes\n")
    r = _lint(tree)
    assert r.returncode == 1
    assert "toolkit.qa is not allowed to import toolkit.survey" in r.stdout


def test_no_import_loop_among_toolkit_modules():
    import grimp

    graph = grimp.build_graph("toolkit")
    loops = []
    for m in sorted(graph.modules):
        for other in graph.find_modules_directly_imported_by(m):
            if m != other and graph.chain_exists(importer=other, imported=m, as_packages=False):
                loops.append(f"{m} <-> {other}")
    assert loops == []



def test_no_module_over_600_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "toolkit").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}
