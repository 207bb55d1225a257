"""``cxtk compare`` and ``cxtk anomalies``: comparisons and anomalies of a period (thin over the library)."""

from __future__ import annotations

import enum
import json
from typing import Annotated

import typer

from toolkit.cli.app import app, names_once, state

DATASET_NAMES = ("interactions", "surveys", "qa", "agent-status")


class Format(enum.StrEnum):
    table = "table"
    json = "json"


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def load_workspace(period: str):
    """The config, the canonical frames of the store, and the parsed period (exit 1 when there is no data)."""
    from toolkit.core.config import resolve_config
    from toolkit.core.periods import parse_period
    from toolkit.ingest.store import scan_dataset
    from toolkit.kpis.run import check_period_has_data

    p = parse_period(period)
    config = resolve_config(state.config)
    frames = {name: scan_dataset(config, name) for name in DATASET_NAMES}
    check_period_has_data(frames.get("interactions"), p, "the store", config.timezone)
    return config, frames, p


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


def _against(value: str) -> str:
    """A usage error (exit 2), like any other bad option value, before the workspace is read."""
    base, _, name = value.partition(":")
    if base in ("previous", "last-year", "trend", "teams") and not name or base == "benchmark":
        return value
    raise typer.BadParameter(f"'{value}' is not one of previous, last-year, trend, benchmark[:NAME], teams")


@app.command("compare")
def compare_cmd(
    period: Annotated[str, typer.Option("--period", help="2026-10, 2026-Q3, 2026-W41, 2026 or a day range.")],
    against: Annotated[
        str,
        typer.Option("--against", callback=_against, help="previous, last-year, trend, benchmark[:NAME] or teams."),
    ] = "previous",
    by: Annotated[
        str | None, typer.Option("--by", callback=names_once, help="Group by fields, comma-separated (team, queue, channel, …).")
    ] = None,
    kpis: Annotated[str | None, typer.Option("--kpi", callback=names_once, help="KPI ids, comma-separated (default: all).")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Compare a period's KPIs with the previous period, last year, the trend, a benchmark, or across teams.

    Example: cxtk compare --period 2026-10 --against last-year --by team --format json
    """
    from toolkit.analysis.compare import compare

    config, frames, p = load_workspace(period)
    result = compare(frames, p, against, by=_split(by), kpis=_split(kpis) or None, config=config)
    if fmt == Format.json:
        typer.echo(_dumps(result.to_dict()))
        return
    from rich.console import Console
    from rich.table import Table

    from toolkit.core.safety import markup_text, terminal_text
    from toolkit.kpis.table import human, human_gap

    base = result.baseline_period["label"] if result.baseline_period else result.against
    for g in result.groups:
        title = f"{p.label} against {result.against} ({base})"
        if g.keys:
            title += " — " + ", ".join(f"{k}={v}" for k, v in g.keys.items())
        t = Table(title=markup_text(title))
        for col in ("KPI", "value", "baseline", "change", "direction", "significant"):
            t.add_column(col, justify="left" if col in ("KPI", "direction") else "right")
        for k, c in g.kpis.items():
            sig = {True: "yes", False: "not significant", None: ""}[c.significant]
            change = human_gap(k, c.change)
            colour = {"improved": "green", "worsened": "red"}.get(c.direction or "", "")
            t.add_row(
                k, human(k, c.value), human(k, c.baseline), change,
                f"[{colour}]{c.direction}[/]" if colour else (c.direction or ""), sig,
            )  # fmt: skip
        Console().print(t)
    for n in result.notes:
        if not state.quiet:
            typer.echo(terminal_text(n), err=True)


@app.command("anomalies")
def anomalies_cmd(
    period: Annotated[str, typer.Option("--period", help="2026-10, 2026-Q3, 2026-W41, 2026 or a day range.")],
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Anomalies of a period: days (and phone hours) beyond median ± 3.5 MAD, complaint surges, outages.

    Example: cxtk anomalies --period 2026-10 --format json
    """
    from toolkit.analysis.anomalies import find_anomalies

    config, frames, p = load_workspace(period)
    r = find_anomalies(frames, p, config=config)
    if fmt == Format.json:
        typer.echo(_dumps(r.to_dict()))
        return
    from rich.console import Console
    from rich.table import Table

    from toolkit.core.safety import markup_text as m

    console = Console()
    for item in r.special_reviews:
        console.print(f"[bold red]special review[/] {m(item['text'])} — top topic {m(item['top_topic'])}, "
                      f"queue {m(item['top_queue'])}")
    for o in r.outages:
        console.print(f"[yellow]outage excluded[/] {m(o['start'])} – {m(o['end'])} {m(o['reason'])}: "
                      f"{o['contacts_excluded']} contacts left out of the KPIs")
    for line in r.data_checks:
        console.print(f"[yellow]{m(line)}[/]")
    t = Table(title=f"Anomalies {p.label} (median ± 3.5 × MAD of the trailing 28 days, same kind of day)")
    for col in ("when", "metric", "value", "usual", "band"):
        t.add_column(col, justify="left" if col in ("when", "metric") else "right")
    for a in r.anomalies.iter_rows(named=True):
        when = a["t"].strftime("%Y-%m-%d %a") if a["grain"] == "day" else a["t"].strftime("%Y-%m-%d %H:00 (phone)")
        fmt_v = (lambda v: f"{v * 100:.1f} %") if a["metric"] == "abandon_rate" else (lambda v: f"{v:.1f}")
        t.add_row(when, m(a["metric"]), fmt_v(a["value"]), fmt_v(a["median"]),
                  f"{fmt_v(max(a['low'], 0))} – {fmt_v(a['high'])}")
    console.print(t)
