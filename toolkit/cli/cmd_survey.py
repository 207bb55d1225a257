"""``cxtk survey summary`` and ``cxtk survey followups``: parse options, call ``toolkit.survey.summary``, print."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.app import names_once, state, survey_app

PeriodOption = Annotated[
    str, typer.Option("--period", help="2026-10, 2026-Q3, 2026-W41, 2026 or 2026-10-01..2026-10-15.")
]
NoMaskOption = Annotated[
    bool,
    typer.Option(
        "--no-mask", help="Show comments unmasked (phone numbers, e-mails, IDs): internal use only."
    ),
]


class SummaryFormat(enum.StrEnum):
    table = "table"
    json = "json"


class FollowupFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"


class Locale(enum.StrEnum):
    en = "en"
    zh = "zh-CN"


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def _locale(chosen: Locale | None) -> tuple[str, str]:
    """The display locale (option, else the workspace's, else en) and the workspace time zone."""
    from toolkit.core.config import resolve_config

    config = resolve_config(state.config, required=False)
    locale = chosen.value if chosen is not None else (config.locale if config else "en")
    return locale, (config.timezone if config else "UTC")


@survey_app.command("summary")
def summary(
    period: PeriodOption,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", callback=names_once, help="Group by fields, comma-separated: team, agent_id, channel, queue, topic, month."
        ),
    ] = None,
    fmt: Annotated[SummaryFormat, typer.Option("--format", help="table (for reading) or json.")] = (
        SummaryFormat.table
    ),
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input", exists=True, dir_okay=False, help="Summarise one survey export, no workspace."
        ),
    ] = None,
    mapping: Annotated[
        str | None, typer.Option("--mapping", help="Mapping name or file for --input.")
    ] = None,
    no_mask: NoMaskOption = False,
    locale: Annotated[
        Locale | None, typer.Option("--locale", help="Language of the table (default: the workspace's).")
    ] = None,
) -> None:
    """Response rate, CSAT, NPS and CES with 95 % intervals, distributions, change and themes.

    Example: cxtk survey summary --period 2026-10 --by team --format json
    """
    from toolkit.cli.survey_views import print_summary
    from toolkit.survey.run import summary_command

    result = summary_command(
        period=period,
        by=_split(by),
        config_path=state.config,
        input_file=input_file,
        mapping=mapping,
        mask=not no_mask,
    )
    if not no_mask:  # free-text group keys (team, queue, topic) like the comments
        from toolkit.core.privacy import mask_keys

        for g in [*result.groups, *result.result.groups]:
            g.keys = mask_keys(g.keys)
    if fmt == SummaryFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    shown, tz = _locale(locale)
    print_summary(result, shown, tz)


@survey_app.command("followups")
def followups(
    period: PeriodOption,
    fmt: Annotated[
        FollowupFormat, typer.Option("--format", help="table, csv or xlsx (xlsx needs --out).")
    ] = (FollowupFormat.table),
    out: Annotated[Path | None, typer.Option("--out", dir_okay=False, help="Write to this file.")] = None,
    no_mask: NoMaskOption = False,
    now: Annotated[
        datetime | None,
        typer.Option(
            "--now",
            formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"],
            help="Judge open/overdue as of this time (workspace zone; default: now).",
        ),
    ] = None,
    locale: Annotated[
        Locale | None, typer.Option("--locale", help="Language of the table (default: the workspace's).")
    ] = None,
) -> None:
    """Unhappy customers and complaints to call back, with due time and status, most urgent first.

    Example: cxtk survey followups --period 2026-10 --format xlsx --out followups.xlsx
    """
    from toolkit.cli.survey_views import print_followups
    from toolkit.core.errors import writing
    from toolkit.core.outputs import atomic_write
    from toolkit.report.followups_export import write_followups
    from toolkit.survey.run import followups_command

    items, config = followups_command(period=period, now=now, config_path=state.config, mask=not no_mask)
    if fmt == FollowupFormat.table:
        shown, _ = _locale(locale)
        print_followups(items, period, shown, config.timezone)
        if out is not None:
            with writing(out), atomic_write(out) as tmp:
                write_followups(items, "xlsx" if out.suffix.lower() == ".xlsx" else "csv", tmp)
        return
    if out is None:
        text = write_followups(items, fmt.value, None)
    else:
        with writing(out), atomic_write(out) as tmp:
            text = write_followups(items, fmt.value, tmp)
    if text is not None:
        import sys

        from toolkit.core.safety import terminal_text

        # a terminal shows escape sequences in the comments as text, never runs them; a pipe gets the data
        typer.echo(terminal_text(text) if sys.stdout.isatty() else text, nl=False)
    elif not state.quiet:
        typer.echo(f"wrote {out} ({items.height} follow-ups)", err=True)
