"""The terminal table of ``cxtk kpi``: human units, unmet targets in red with ✗, small samples dim."""

from __future__ import annotations

from typing import Any

from toolkit.kpis.registry import REGISTRY
from toolkit.kpis.result import KpiResult


def human(kpi_id: str, value: Any) -> str:
    """A value in human units: "86.4 %", "31.2 s", "5 min 12 s", "35.0" (points), "1,200"."""
    if value is None:
        return "—"
    unit = REGISTRY[kpi_id].unit
    if unit == "count":
        return f"{int(value):,}"
    if unit == "rate":
        return f"{value * 100:.1f} %"
    if unit == "seconds":
        if value < 60:
            return f"{value:.1f} s"
        minutes, rest = divmod(round(value), 60)
        return f"{minutes} min {rest} s"
    if unit == "points":
        return f"{value:.1f}"
    return f"{value:.2f}"


def human_gap(kpi_id: str, gap: float | None) -> str:
    if gap is None:
        return ""
    unit = REGISTRY[kpi_id].unit
    sign = "+" if gap > 0 else "−" if gap < 0 else "±"
    mag = abs(gap)
    if unit == "rate":
        return f"{sign}{mag * 100:.1f} pts"
    if unit == "seconds":
        return f"{sign}{mag:.1f} s"
    return f"{sign}{mag:.2f}"


def print_table(result: KpiResult) -> None:
    """Print one table per group (KPI, value, n, target, achievement, gap, note)."""
    from rich.console import Console
    from rich.table import Table

    from toolkit.core.safety import markup_text as escape

    console = Console()
    for g in result.groups:
        keys = ", ".join(f"{k}={v}" for k, v in g.keys.items()) or "centre"
        title = f"{result.period.label} — {keys}"
        if g.score is not None:
            title += f" — score {g.score:.1f}" + (f", rank {g.rank}" if g.rank is not None else "")
        table = Table(title=escape(title), title_justify="left")
        for col in ("KPI", "value", "n", "target", "achievement", "gap", "note"):
            table.add_column(
                col, justify="right" if col in ("value", "n", "target", "achievement", "gap") else "left"
            )
        for kpi_id, v in g.kpis.items():
            mark = ""
            style = None
            if v.met is False:
                mark, style = " ✗", "red"
            elif v.met is True:
                mark = " ✓"
            if v.small_sample:
                style = f"{style} dim" if style else "dim"
            note = v.note or ""
            if v.small_sample:
                note = ("small sample; " + note).rstrip("; ")
            if v.ci is not None:
                note = (f"95 % CI {human(kpi_id, v.ci[0])}–{human(kpi_id, v.ci[1])}; " + note).rstrip("; ")
            table.add_row(
                REGISTRY[kpi_id].label_en,
                human(kpi_id, v.value) + mark,
                "" if v.n is None else f"{v.n:,}",
                "" if v.target is None else human(kpi_id, v.target),
                "" if v.achievement is None else f"{v.achievement * 100:.1f} %",
                human_gap(kpi_id, v.gap),
                escape(note),
                style=style,
            )
        console.print(table)
    for line in result.notes:
        console.print(f"[dim]{escape(line)}[/dim]")
    if result.excluded.get("outage_contacts"):
        console.print(f"{result.excluded['outage_contacts']} contacts inside outage windows excluded")
