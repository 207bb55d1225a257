"""``cxtk init`` and ``cxtk demo`` — start a workspace, or see the whole tool on a sample centre."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.app import app, state


class Locale(str, Enum):
    en = "en"
    zh_cn = "zh-CN"


@app.command()
def init(folder: Annotated[Path, typer.Argument(help="Folder for the new workspace (created if missing).")]) -> None:
    """Create a workspace: a commented cxtk.yaml, surveys/, mappings/ and brand/ with a placeholder logo.

    Example: cxtk init acme && cd acme && cxtk ingest interactions ~/exports/calls-2026-10.csv
    """
    from toolkit.report.workspace import init_workspace

    for path in init_workspace(folder):
        print(f"created {path}")
    if not state.quiet:
        print(f"Next: edit {folder / 'cxtk.yaml'} (name, timezone, targets), then `cxtk ingest …` from {folder}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the sample workspace and the reports.")] = Path("cxtk-demo"),
    locale: Annotated[Locale | None, typer.Option(help="Report language (default: the sample's, en).")] = None,
    scale: Annotated[float, typer.Option(help="Volume multiplier of the sample centre (1 = ~25k contacts/month).",
                                         min=0.01, max=10)] = 1.0,
    reports: Annotated[bool, typer.Option("--reports/--no-reports", help="Write the PDF reports and kpis.xlsx.")] = True,
) -> None:
    """Build a sample centre (13 months of realistic data), ingest it, and write the reports.

    Example: cxtk demo --out ./cxtk-demo --locale zh-CN
    """
    import sys
    import time

    from toolkit.cli.cmd_ingest import print_accounting
    from toolkit.report.workspace import build_demo

    started = time.perf_counter()
    quiet = state.quiet or not sys.stderr.isatty()

    def say(msg: str) -> None:
        if not quiet:
            print(f"… {msg}", file=sys.stderr)

    result = build_demo(out, locale=locale.value if locale else None, scale=scale, reports=reports, say=say)
    if not state.quiet:
        for ingest in result.ingests:
            print_accounting(ingest)
    print(f"\nSample workspace: {result.workspace} (store: {result.workspace / 'store'})")
    for path in result.outputs:
        print(f"wrote {path}")
    print(f"Done in {time.perf_counter() - started:.1f} s. Try: cd {result.workspace} && cxtk kpi --period 2026-10 --by team")
