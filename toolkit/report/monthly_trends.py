"""Monthly report, trends and comparisons: the 13-month series, MoM / YoY changes and the cells that show them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.report import build as b
from toolkit.report.fmt import DASH
from toolkit.report.labels import sentence
from toolkit.report.viewmodel import (
    Absent,
    Cell,
    Chart,
    Row,
    Table,
    TrendsSection,
)

if TYPE_CHECKING:
    from toolkit.kpis.result import Group, KpiResult


TREND_MONTHS = 13


TREND_CHARTS = 4


def trend_result(ctx: b.ReportContext) -> KpiResult:
    """KPIs by month over the trailing 13 months ending with the report's month."""
    from toolkit.core.periods import day_range

    first = ctx.period.trailing(TREND_MONTHS)[0]
    return ctx.kpis(day_range(first.start, ctx.period.end), by=("month",), kpis=ctx.scored())


def trend_chart_for(ctx: b.ReportContext, kpi_id: str, groups: list[Group], target: float | None,
                    width: int | None = None) -> Chart:
    """A 13-month line of one KPI with its target line and a caption saying what to notice."""
    from dataclasses import replace

    from toolkit.report.charts import trend_chart

    unit = b.unit_of(kpi_id)
    series = [{"period": b.month_label(ctx, g.keys["month"]),
               "value": None if g.kpis[kpi_id].value is None else float(g.kpis[kpi_id].value)} for g in groups]
    style = ctx.style()
    style = replace(style, height=130, width=width or style.width)
    name = ctx.name(kpi_id)
    y_title = f"{name} ({ctx.t('unit.' + unit)})"
    svg = trend_chart(series, target, name, y_title, unit=unit, x_title=ctx.t("word.month"),
                      target_label=f"{ctx.t('word.target')} {b.value_text(ctx, kpi_id, target)}" if target is not None else "",
                      style=style)
    with_value = [g for g in groups if g.kpis[kpi_id].value is not None]
    met = sum(1 for g in with_value if g.kpis[kpi_id].met)
    last = groups[-1].kpis[kpi_id]
    if target is not None:
        caption = sentence("trend.caption", ctx.locale, kpi=name, value=b.value_text(ctx, kpi_id, last.value),
                           target=b.value_text(ctx, kpi_id, target), met=str(met), months=str(len(with_value)))
    else:
        caption = sentence("trend.caption_nt", ctx.locale, kpi=name, value=b.value_text(ctx, kpi_id, last.value))
    return Chart(svg, caption)


def compared(ctx: b.ReportContext, against: str, by: tuple[str, ...] = (), kpis: tuple[str, ...] | None = None):
    """``compare.compare`` of the report's period against ``against``, once per report."""
    from toolkit.analysis.compare import compare

    ids = tuple(kpis if kpis is not None else ctx.targeted())
    return ctx.memo(("compare", against, by, ids),
                    lambda: compare(ctx.frames, ctx.period, against, by=by, kpis=list(ids), config=ctx.config))


def change_cell(ctx: b.ReportContext, kpi_id: str, c) -> Cell:
    """A change coloured by the KPI's direction; a tested survey KPI whose change does not pass says so."""
    if c is None or c.change is None:
        return Cell(DASH)
    text = b.change_text(ctx, kpi_id, c.change)
    if c.significant is False:
        text += f" ({ctx.t('word.not_significant')})"
    elif c.significant:
        text += f" ({ctx.t('word.significant')})"
    good = b.improved(kpi_id, c.change)
    return Cell(text, "" if good is None else ("good" if good else "bad"))


def trends_section(ctx: b.ReportContext, months: KpiResult, centre: Group, prev: Group | None,
            last_year: Group | None) -> TrendsSection | Absent:
    groups = months.groups
    if len(groups) < 2:
        return Absent(ctx.t("absent.trend"))
    main = [k for k in ctx.targeted() if any(g.kpis[k].value is not None for g in groups)][:TREND_CHARTS]
    charts = [trend_chart_for(ctx, k, groups, centre.kpis[k].target) for k in main]
    mom = compared(ctx, "previous").groups[0].kpis
    yoy = compared(ctx, "last-year").groups[0].kpis
    rows = []
    for k in ctx.targeted():
        rows.append(Row([
            Cell(ctx.name(k), "strong"),
            Cell(b.value_text(ctx, k, centre.kpis[k].value)),
            Cell(b.value_text(ctx, k, mom[k].baseline)),
            change_cell(ctx, k, mom[k]),
            Cell(b.value_text(ctx, k, yoy[k].baseline)),
            change_cell(ctx, k, yoy[k]),
        ]))
    table = Table([ctx.t("header.kpi"), ctx.t("header.actual"), ctx.t("header.previous"), ctx.t("header.mom"),
                   ctx.t("header.last_year"), ctx.t("header.yoy")], rows, numeric=[1, 2, 3, 4, 5],
                  caption=ctx.t("note.changes"))
    return TrendsSection(charts, table)
