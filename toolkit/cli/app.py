"""The Typer application and its sub-apps. Command modules (``cmd_*.py``) attach to these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="cxtk",
    help="Contact-centre evaluation: ingest exports, compute KPIs against targets, write reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
mapping_app = typer.Typer(help="List, show and suggest mappings of real exports.", no_args_is_help=True)
survey_app = typer.Typer(help="Survey batches: summary with intervals, follow-up list.", no_args_is_help=True)
qa_app = typer.Typer(help="Quality inspection: draw a sample to review, summarise scores.", no_args_is_help=True)
staffing_app = typer.Typer(help="Staffing calculations (Erlang C).", no_args_is_help=True)
report_app = typer.Typer(help="Branded PDF reports: monthly, quarterly, survey, qa.", no_args_is_help=True)
store_app = typer.Typer(
    help="Look after the store: find damaged files, set them aside, say what to ingest again.", no_args_is_help=True
)
app.add_typer(mapping_app, name="mapping")
app.add_typer(survey_app, name="survey")
app.add_typer(qa_app, name="qa")
app.add_typer(staffing_app, name="staffing")
app.add_typer(report_app, name="report")
app.add_typer(store_app, name="store")


def names_once(value: str | None) -> str | None:
    """Callback of a comma-separated option (``--by``, ``--kpi``, ``--stratify``): a name given twice is a
    usage error (exit 2) before anything is read; ``--by team,team`` once raised Polars' DuplicateError."""
    if value is None:
        return None
    seen: set[str] = set()
    for name in (p.strip() for p in value.split(",")):
        if name and name in seen:
            raise typer.BadParameter(f"'{name}' is given twice in '{value}'; name each one once")
        seen.add(name)
    return value


@dataclass
class Globals:
    config: Path | None = None
    quiet: bool = False
    verbose: bool = False


state = Globals()


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"cxtk {version('cxtk')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            typer.echo("cxtk (not installed)")
        raise typer.Exit()


@app.callback()
def _globals(
    config: Annotated[
        Path | None,
        typer.Option("--config", help="cxtk.yaml to use (default: cxtk.yaml here or in a parent folder)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only results and errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="More detail; tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    state.config = config
    state.quiet = quiet
    state.verbose = verbose
    from toolkit.core.config import use_kpi_ids

    use_kpi_ids(_known_kpi_ids)  # core validates target ids without importing the registry


def _known_kpi_ids() -> list[str]:
    from toolkit.kpis.registry import KPI_IDS

    return list(KPI_IDS)
