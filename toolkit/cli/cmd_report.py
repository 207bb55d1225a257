"""``cxtk report monthly | quarterly | survey | qa``: branded PDF reports (reports.md)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.app import report_app, state


class ReportLocale(enum.StrEnum):
    en = "en"
    zh_CN = "zh-CN"


Period = Annotated[str, typer.Option("--period", help="The month (2026-10); a quarter (2026-Q3) for quarterly.")]
Out = Annotated[Path, typer.Option("--out", dir_okay=False, help="The PDF to write, e.g. monthly-2026-10.pdf.")]
Html = Annotated[Path | None, typer.Option("--html", dir_okay=False, help="Also write the report as HTML here.")]
LocaleOpt = Annotated[
    ReportLocale | None, typer.Option("--locale", help="Report language: en or zh-CN (default: the workspace's).")
]


def _write(kind: str, period: str, out: Path, html: Path | None, locale: ReportLocale | None) -> None:
    from toolkit.core.config import resolve_config
    from toolkit.core.errors import writing
    from toolkit.report.api import write_report

    config = resolve_config(state.config)
    with writing(out):
        path = write_report(kind, config, period, out, html_out=html, locale=locale.value if locale else None)  # type: ignore[arg-type]
    if not state.quiet:
        typer.echo(f"wrote {path}" + (f" and {html}" if html else ""))


@report_app.command("monthly")
def monthly(period: Period, out: Out, html: Html = None, locale: LocaleOpt = None) -> None:
    """The monthly operations report: scorecards, trends, teams, agents, gaps, voice of the customer.

    Example: cxtk report monthly --period 2026-10 --out monthly-2026-10.pdf --locale zh-CN
    """
    _write("monthly", period, out, html, locale)


@report_app.command("quarterly")
def quarterly(period: Period, out: Out, html: Html = None, locale: LocaleOpt = None) -> None:
    """The quarterly executive summary (2–4 pages): score by month, movers, teams, top gaps, actions.

    Example: cxtk report quarterly --period 2026-Q3 --out q3.pdf
    """
    _write("quarterly", period, out, html, locale)


@report_app.command("survey")
def survey(period: Period, out: Out, html: Html = None, locale: LocaleOpt = None) -> None:
    """The survey batch report: response rate, CSAT/NPS with intervals, distributions, themes, follow-ups.

    Example: cxtk report survey --period 2026-10 --out survey-2026-10.pdf
    """
    _write("survey", period, out, html, locale)


@report_app.command("qa")
def qa(period: Period, out: Out, html: Html = None, locale: LocaleOpt = None) -> None:
    """The quality-inspection report: rubric scores, problem categories, severity, agents by problems.

    Example: cxtk report qa --period 2026-10 --out qa-2026-10.pdf
    """
    _write("qa", period, out, html, locale)
