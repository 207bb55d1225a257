"""Shared fixtures: run the CLI in-process exactly as the console script does."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """``cli("kpi", "--period", "2026-10")`` → CliResult(code, out, err), as `cxtk` would exit."""
    from toolkit.cli import main
    from toolkit.cli.app import state

    def run(*args: str) -> CliResult:
        state.__init__()  # reset global options between invocations
        code = 0
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
