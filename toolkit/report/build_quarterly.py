"""The quarterly executive summary from real numbers: ``build_quarterly(config, "2026-Q3", locale) -> QuarterlyVM``.

Composite score by month of the quarter and against last quarter, the five KPIs
that moved most, the team ranking, the three largest gaps, and action status.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from toolkit.report import build as b
from toolkit.report import build_monthly as mb
from toolkit.report import monthly_actions as mactions
from toolkit.report import monthly_gaps as mgaps
from toolkit.report import monthly_teams as mteams
from toolkit.report.labels import sentence
from toolkit.report.viewmodel import Absent, Cell, Chart, GapItem, QuarterlyVM, Row, Table, Tile

if TYPE_CHECKING:
    from toolkit.core.config import Config
    from toolkit.kpis.result import Group

MOVERS = 5
TOP_GAPS = 3


def build_quarterly(config: Config, period: str, locale: str | None = None, *, now: datetime | None = None) -> QuarterlyVM:
    """The executive summary of a quarter (``"2026-Q3"``; a month gives its quarter)."""
    from toolkit.core.periods import quarter_of

    return quarterly_from_context(b.make_context(config, quarter_of(period), locale, now))


def quarterly_from_context(ctx: b.ReportContext) -> QuarterlyVM:
    from toolkit.core.periods import day_range

    centre = ctx.kpis().groups[0]
    before = ctx.kpis(ctx.period.previous()).groups[0]
    six = day_range(ctx.period.previous().start, ctx.period.end)
    months = ctx.kpis(six, by=("month",), kpis=ctx.scored()).groups
    facts = b.interaction_facts(ctx)
    meta = b.meta_of(ctx, "quarterly", mb._scope(ctx, facts), mb._coverage(ctx, facts, centre))
    change, _arrow, _good = b.score_change(ctx, centre.score, before.score)
    sentence_text = (sentence("quarter.score", ctx.locale, score=ctx.fmt.number(centre.score, 1), change=change)
                     if centre.score is not None else "")
    return QuarterlyVM(
        meta=meta,
        score_tiles=_score_tiles(ctx, centre, before, months),
        score_chart=_score_chart(ctx, months),
        score_sentence=sentence_text,
        movers=_movers(ctx, centre, before),
        teams=_teams(ctx),
        top_gaps=_top_gaps(ctx, centre),
        actions=_actions(ctx),
    )


def _score_tiles(ctx: b.ReportContext, centre: Group, before: Group, months: list[Group]) -> list[Tile]:
    in_quarter = [g for g in months if ctx.period.contains(_first_day(g.keys["month"]))]
    tiles = []
    prev_score = None
    for g in months:
        if g in in_quarter:
            text, arrow, good = b.score_change(ctx, g.score, prev_score)
            tiles.append(Tile("score", ctx.fmt.month(g.keys["month"]), b.score_text(ctx, g.score), "", None,
                              arrow, text if arrow else "", good))  # type: ignore[arg-type]
        prev_score = g.score
    text, arrow, good = b.score_change(ctx, centre.score, before.score)
    tiles.append(Tile("score", ctx.fmt.period(ctx.period.label), b.score_text(ctx, centre.score), "", None,
                      arrow, text if arrow else "", good, versus=ctx.t("word.vs_last_quarter")))  # type: ignore[arg-type]
    return tiles


def _first_day(month_key: str):
    from datetime import date

    y, m = month_key.split("-")
    return date(int(y), int(m), 1)


def _score_chart(ctx: b.ReportContext, months: list[Group]) -> Chart | None:
    from dataclasses import replace

    from toolkit.report.charts import trend_chart

    series = [{"period": b.month_label(ctx, g.keys["month"]), "value": g.score} for g in months]
    if sum(1 for s in series if s["value"] is not None) < 2:
        return None
    svg = trend_chart(series, None, ctx.t("word.composite_score"), ctx.t("word.composite_score") + " (0–100)",
                      x_title=ctx.t("word.month"), style=replace(ctx.style(), height=150))
    return Chart(svg, ctx.t("quarter.chart_caption"))


def _movers(ctx: b.ReportContext, centre: Group, before: Group) -> Table | Absent:
    """The KPIs (with a direction) whose value changed most, relatively, against last quarter."""
    from toolkit.kpis.registry import REGISTRY

    ids = [k for k in centre.kpis if REGISTRY[k].direction != "none" and k not in ("adherence", "utilization",
                                                                                       "occupancy", "productivity")]
    moved = []
    for k in ids:
        d = b.delta(centre.kpis[k], before.kpis.get(k))
        if d is None or centre.kpis[k].small_sample or before.kpis[k].small_sample:
            continue
        base = abs(float(before.kpis[k].value))  # type: ignore[arg-type]
        if base:
            moved.append((abs(d) / base, k, d))
    moved.sort(reverse=True)
    if not moved:
        return Absent(ctx.t("absent.quarter_compare"))
    rows = []
    for _rel, k, d in moved[:MOVERS]:
        good = b.improved(k, d)
        rows.append(Row([Cell(ctx.name(k), "strong"), Cell(b.value_text(ctx, k, before.kpis[k].value)),
                         Cell(b.value_text(ctx, k, centre.kpis[k].value)),
                         Cell(b.change_text(ctx, k, d), "good" if good else "bad"),
                         Cell(b.direction_word(ctx, k, d))], "" if good else "unmet"))
    return Table([ctx.t("header.kpi"), ctx.t("header.last_quarter"), ctx.t("header.quarter"), ctx.t("header.change"),
                  ctx.t("header.meaning")], rows, numeric=[1, 2, 3], caption=ctx.t("quarter.movers_caption"))


def _teams(ctx: b.ReportContext) -> Table | Absent:
    table, teams = mteams.team_ranking(ctx, ctx.kpis(by=("team",)))
    return table if teams else Absent(ctx.t("absent.teams"))


def _top_gaps(ctx: b.ReportContext, centre: Group) -> list[GapItem] | Absent:
    unmet = mgaps.unmet_ids(ctx, centre)[:TOP_GAPS]
    if not unmet:
        return Absent(ctx.t("absent.gaps"))
    items = [GapItem(k, ctx.name(k), mgaps.gap_headline(ctx, k, centre.kpis[k]),
                     drivers=mgaps.team_table(ctx, k, limit=3, fields=("team",), compact=True), drivers_title=mgaps.driver_sentence(ctx, k))
             for k in unmet]
    for g in items[:-1]:
        if g.drivers is not None:
            g.drivers.caption = ""  # the method line once, under the last table
    return items


def _actions(ctx: b.ReportContext) -> Table | Absent:
    """Action status in four columns (action, owner, due, status): an executive reads the status only;
    the monthly report carries scope and before/after."""
    from toolkit.report.fmt import DASH

    df = mactions.stored_actions(ctx)
    if df is None:
        return Absent(ctx.t("absent.actions"))
    rows = []
    for r in df.sort("due_on", nulls_last=True).iter_rows(named=True):
        status = (sentence("actions.overdue_days", ctx.locale, n=str(r["days_overdue"])) if r["overdue"]
                  else ctx.t(f"status.{r['status']}"))
        rows.append(Row([Cell(r.get("title") or DASH, "strong"), Cell(r.get("owner") or DASH),
                         Cell(r["due_on"].isoformat() if r.get("due_on") else DASH, "nowrap"),
                         Cell(status, "nowrap bad" if r["overdue"] else "nowrap")], "overdue" if r["overdue"] else ""))
    return Table([ctx.t("header.action"), ctx.t("header.owner"), ctx.t("header.due"), ctx.t("header.status")], rows,
                 caption=ctx.t("note.actions"))


__all__ = ["build_quarterly", "quarterly_from_context"]
