"""``cxtk staffing erlang``: agents needed for a workload, or what a given staffing gives (Erlang C)."""

from __future__ import annotations

import enum
import json
import math
from typing import Annotated

import typer

from toolkit.cli.app import staffing_app


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"


PERCENT_RULE = "A value above 1 is read as a percent (80 = 0.8)."


def _fraction(value: float | None) -> float | None:
    """0.8 stays 0.8; 80 becomes 0.8 (analysts type both). 1 stays 1 (a fraction)."""
    if value is None:
        return None
    return value / 100 if value > 1 else value


def _percent(x: float) -> str:
    return f"{x * 100:.1f} %"


def _duration(seconds: float) -> str:
    if math.isinf(seconds):
        return "unbounded"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


@staffing_app.command("erlang")
def erlang(
    volume: Annotated[float, typer.Option("--volume", help="Contacts offered per interval, e.g. 100.")],
    interval_min: Annotated[
        float, typer.Option("--interval-min", help="Interval length in minutes, e.g. 30.")
    ],
    aht: Annotated[float, typer.Option("--aht", help="Average handle time in seconds, e.g. 180.")],
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold", help="Service-level threshold T in seconds (answered within T), e.g. 20."
        ),
    ],
    target_sl: Annotated[
        float | None,
        typer.Option(
            "--target-sl",
            help=f"Target service level, 0.8 or 80 for 80 %. {PERCENT_RULE} Required unless --agents is given.",
        ),
    ] = None,
    max_occupancy: Annotated[
        float | None,
        typer.Option("--max-occupancy", help=f"Cap on agent occupancy, 0.85 or 85. {PERCENT_RULE}"),
    ] = None,
    shrinkage: Annotated[
        float,
        typer.Option(
            "--shrinkage",
            help=f"Share of paid time off the phones (breaks, training), 0.3 or 30. {PERCENT_RULE}",
        ),
    ] = 0.0,
    agents: Annotated[
        int | None,
        typer.Option("--agents", help="Evaluate this many agents instead of finding the number needed."),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="table (for people) or json (for programs).")
    ] = OutputFormat.table,
) -> None:
    """Agents needed to answer X % of contacts within T seconds (Erlang C), or, with --agents, what they give.

    Example: cxtk staffing erlang --volume 100 --interval-min 30 --aht 180 --target-sl 80 --threshold 20 --shrinkage 30
    → 10 Erlangs, 14 agents (SL 88.8 %, ASA 7.8 s), 20 rostered positions.
    Sizes workloads of up to 100,000 Erlangs, and up to 1,000,000 agents.
    """
    from toolkit.analysis import staffing

    target, occupancy_cap, shrink = _fraction(target_sl), _fraction(max_occupancy), _fraction(shrinkage)
    interval_s = interval_min * 60
    if agents is None:
        if target is None:
            from typer._click.exceptions import MissingParameter

            raise MissingParameter(
                message="Needed to find the agents needed (or give --agents to evaluate a staffing)",
                param_hint="'--target-sl'",
                param_type="option",
            )
        result = staffing.agents_needed(volume, interval_s, aht, target, threshold, occupancy_cap, shrink)
    else:
        result = staffing.evaluate(volume, interval_s, aht, agents, threshold, shrink)
        if result.agents <= result.traffic_erlangs:
            typer.echo(
                f"Warning: {result.agents} agents cannot carry {result.traffic_erlangs:.2f} Erlangs: "
                "every contact waits and the queue grows without limit.",
                err=True,
            )

    if output_format is OutputFormat.json:
        payload = {
            "inputs": {
                "volume": volume,
                "interval_min": interval_min,
                "aht_s": aht,
                "target_sl": target,
                "threshold_s": threshold,
                "max_occupancy": occupancy_cap,
                "shrinkage": shrink,
                "agents": agents,
            },
            # full precision, as every machine output (kpis.md); only the table rounds
            "traffic_erlangs": result.traffic_erlangs,
            "agents": result.agents,
            "p_wait": result.p_wait,
            "service_level": result.service_level,
            # JSON has no infinity: an unbounded wait is null
            "asa_s": None if math.isinf(result.asa_s) else result.asa_s,
            "occupancy": result.occupancy,
            "positions": result.positions,
        }
        typer.echo(json.dumps(payload))
        return

    from rich.console import Console
    from rich.table import Table

    title = f"Erlang C: {volume:g} contacts per {interval_min:g} min, AHT {aht:g} s"
    table = Table(title=title, show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("Traffic", f"{result.traffic_erlangs:.2f} Erlangs")
    table.add_row("Agents" + (" (given)" if agents is not None else " needed"), str(result.agents))
    table.add_row(f"Positions at {_percent(shrink)} shrinkage", str(result.positions))
    table.add_row("Probability of waiting", _percent(result.p_wait))
    label = f"Service level ({threshold:g} s)"
    if target is not None:
        label += f", target {_percent(target)}"
    table.add_row(label, _percent(result.service_level))
    table.add_row("Average speed of answer", _duration(result.asa_s))
    table.add_row(
        "Occupancy" + (f" (cap {_percent(occupancy_cap)})" if occupancy_cap else ""),
        _percent(result.occupancy),
    )
    Console().print(table)
