"""Every command has help; usage errors exit 2; help is fast because heavy imports are deferred."""

from __future__ import annotations

import subprocess
import sys


def test_top_level_help_lists_commands(cli):
    r = cli("--help")
    assert r.code == 0
    for name in ("mapping", "survey", "qa", "staffing", "report"):
        assert name in r.out


def test_unknown_option_is_usage_error(cli):
    r = cli("--no-such-option")
    assert r.code == 2
    assert "No such option" in r.err


def test_every_command_has_help_text():
    import typer.main

    from toolkit.cli import app

    root = typer.main.get_command(app)

    def walk(cmd, path):
        yield path, cmd
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                yield from walk(sub, path + [name])

    for path, cmd in walk(root, []):
        assert (cmd.help or "").strip(), f"cxtk {' '.join(path)} has no help text"


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys; import toolkit.cli; "
        "heavy = [m for m in ('polars', 'weasyprint', 'altair', 'pandas', 'duckdb', 'jieba') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"importing the CLI pulled in: {out}"


def test_version(cli):
    from importlib.metadata import version

    r = cli("--version")
    assert r.code == 0 and r.out.strip() == f"cxtk {version('cxtk')}"
