"""The monthly operations report from real numbers: ``build_monthly(config, period, locale) -> MonthlyVM``.

Sources: the KPI engine (centre, by team, by agent, by month over the trailing
13 months, by hour), ``compare.compare`` (MoM / YoY with the survey tests, best
team, benchmarks), ``drivers`` (gap_drivers by team and queue, gap_by_hour,
example_contacts), ``staffing_hours.staffing_by_hour`` (understaffed hours),
``anomalies.find_anomalies`` (outages, data checks, complaint surges),
``survey.survey_summary`` (themes), ``actions`` (status, before/after,
playbook) and the ingest log. Each analysis runs once per report (``ctx.memo``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import CxtkError
from toolkit.report import build as b
from toolkit.report.fmt import DASH
from toolkit.report.labels import sentence
from toolkit.report.viewmodel import (
    Absent,
    ActionsSection,
    AgentsSection,
    Callout,
    Cell,
    Chart,
    GapItem,
    GapSection,
    KpiRow,
    MonthlyVM,
    QualitySection,
    Row,
    ScorecardSection,
    SummarySection,
    Table,
    TeamsSection,
    Theme,
    TrendsSection,
    VocSection,
)

if TYPE_CHECKING:
    from toolkit.core.config import Config
    from toolkit.kpis.result import Group, KpiResult, KpiValue

TREND_MONTHS = 13
TREND_CHARTS = 4
AGENTS_SHOWN = 10  # best and lowest ranked agents each; the full list is in kpis.xlsx
UNRANKED_SHOWN = 10
VOC_THEMES = 6
DRIVER_FIELDS = ("team", "queue")
DRIVER_ROWS = 4  # per field: the groups feeding the gap most
EXAMPLES_SHOWN = 12
QUEUE_TIME_KPIS = ("asa_s", "service_level", "abandon_rate", "answer_rate")


def build_monthly(config: Config, period: str, locale: str | None = None, *, now: datetime | None = None) -> MonthlyVM:
    """The monthly operations report of ``period`` (e.g. ``"2026-10"``) in ``locale`` (default: the config's).

    Raises ``CxtkError`` when the period holds no interactions.
    """
    ctx = b.make_context(config, period, locale, now)
    return monthly_from_context(ctx)


def monthly_from_context(ctx: b.ReportContext) -> MonthlyVM:
    """``build_monthly`` on a prepared context (lets the demo share cached KPI results)."""
    centre = ctx.kpis().groups[0]
    months = trend_result(ctx)
    by_month = {g.keys["month"]: g for g in months.groups}
    prev = by_month.get(ctx.period.previous().label)
    last_year = by_month.get(ctx.period.same_last_year().label)
    facts = b.interaction_facts(ctx)
    meta = b.meta_of(ctx, "monthly", _scope(ctx, facts), _coverage(ctx, facts, centre))
    return MonthlyVM(
        meta=meta,
        summary=_summary(ctx, centre, prev),
        efficiency=ScorecardSection([with_remark(ctx, b.efficiency_row(ctx, k, centre.kpis[k]))
                                     for k in efficiency_ids(ctx)], note=_fcr_note(ctx)),
        satisfaction=ScorecardSection([with_remark(ctx, b.satisfaction_row(ctx, k, centre.kpis[k]))
                                       for k in satisfaction_ids(ctx, centre)], note=ctx.t("note.satisfaction")),
        trends=_trends(ctx, months, centre, prev, last_year),
        teams=_teams(ctx),
        agents=_agents(ctx),
        gaps=_gaps(ctx, centre),
        voc=_voc(ctx),
        actions=actions_section(ctx),
        quality=_quality(ctx, centre, facts),
    )


# -- which KPIs go where -------------------------------------------------------------


def data_check_ids(ctx: b.ReportContext) -> set[str]:
    """KPIs that ``anomalies.data_checks`` flags: missing the target by half or more."""
    return {k for k in ctx.targeted() if any(line.startswith(f"verify: {k} is ") for line in anomalies_of(ctx).data_checks)}


def with_remark(ctx: b.ReportContext, row: KpiRow) -> KpiRow:
    """Fill an unmet row's remark (unless ``notes:`` gave one) with its main driver and any data check."""
    if row.met is not False or b.note_for(ctx, row.id):
        return row
    parts = [row.remark] if row.remark else []
    top = main_driver(ctx, row.id)
    if top is not None:
        parts.append(sentence("remark.driver", ctx.locale, driver=top[0], share=ctx.fmt.percent(top[1], 0)))
    if row.id in data_check_ids(ctx):
        parts.append(ctx.t("word.data_check"))
    row.remark = ("; " if not ctx.zh else ";").join(parts)
    return row


def efficiency_ids(ctx: b.ReportContext) -> list[str]:
    """Targeted efficiency KPIs (config order), then answer rate, service level, abandonment, transfers."""
    from toolkit.kpis.registry import REGISTRY

    targeted = [k for k in ctx.targeted() if k not in b.SATISFACTION_SET and REGISTRY[k].dataset != "surveys"]
    return targeted + [k for k in b.EFFICIENCY_CONTEXT if k not in targeted]


def satisfaction_ids(ctx: b.ReportContext, centre: Group) -> list[str]:
    """Satisfaction KPIs with a value or a target (an effort score nobody asked about is left out)."""
    return [k for k in b.SATISFACTION_KPIS
            if centre.kpis[k].value is not None or centre.kpis[k].target is not None]


def trend_result(ctx: b.ReportContext) -> KpiResult:
    """KPIs by month over the trailing 13 months ending with the report's month."""
    from toolkit.core.periods import day_range

    first = ctx.period.trailing(TREND_MONTHS)[0]
    return ctx.kpis(day_range(first.start, ctx.period.end), by=("month",), kpis=ctx.scored())


# -- cover ------------------------------------------------------------------------------


def _scope(ctx: b.ReportContext, facts: dict[str, Any]) -> list[str]:
    channels = ", " if not ctx.zh else "、"
    ch = channels.join(b.group_label(ctx, "channel", c) for c in facts["channels"])
    teams = facts["teams"]
    team_text = (", " if not ctx.zh else "、").join(teams[:8]) + ("…" if len(teams) > 8 else "")
    return [sentence("cover.channels", ctx.locale, channels=ch or DASH),
            sentence("cover.teams", ctx.locale, teams=team_text or DASH, n=str(len(teams)))]


def _coverage(ctx: b.ReportContext, facts: dict[str, Any], centre: Group) -> list[str]:
    f = ctx.fmt
    lines = [sentence("cover.coverage", ctx.locale, rows=f.number(facts["rows"]), days=str(facts["days"]),
                      total=str(ctx.period.days), share=f.percent(facts["days"] / ctx.period.days))]
    rr = centre.kpis.get("response_rate")
    if rr is not None and rr.value is not None:
        lines.append(sentence("cover.surveys", ctx.locale, n=f.number(centre.kpis["responses"].value),
                              rate=f.percent(rr.value)))
    return lines


# -- summary ----------------------------------------------------------------------------


def _summary(ctx: b.ReportContext, centre: Group, prev: Group | None) -> SummarySection:
    change, arrow, good = b.score_change(ctx, centre.score, prev.score if prev else None)
    targeted = [k for k in ctx.targeted() if centre.kpis[k].achievement is not None]
    tiles = [b.tile(ctx, k, centre.kpis[k], prev.kpis.get(k) if prev else None) for k in ctx.targeted()]
    return SummarySection(b.score_text(ctx, centre.score), change, arrow, good,  # type: ignore[arg-type]
                          summary_sentences(ctx, centre, prev, targeted), tiles)


def summary_sentences(ctx: b.ReportContext, centre: Group, prev: Group | None, targeted: list[str]) -> list[str]:
    """3–5 sentences from the numbers: score and change, unmet count, best and worst KPI, largest change."""
    f, loc = ctx.fmt, ctx.locale
    out = []
    if centre.score is not None:
        change = b.score_change(ctx, centre.score, prev.score if prev else None)[0]
        key = "summary.score" if prev is not None and prev.score is not None else "summary.score_only"
        out.append(sentence(key, loc, score=f.number(centre.score, 1), change=change))
    if not targeted:
        return out
    unmet = [k for k in targeted if centre.kpis[k].met is False]
    out.append(sentence("summary.unmet", loc, count=str(len(unmet)), total=str(len(targeted))) if unmet
               else sentence("summary.all_met", loc, total=str(len(targeted))))

    def facts(k: str) -> dict[str, str]:
        kv = centre.kpis[k]
        return {"kpi": ctx.name(k), "actual": b.value_text(ctx, k, kv.value),
                "target": b.value_text(ctx, k, kv.target), "achievement": f.achievement(kv.achievement)}

    ranked = sorted(targeted, key=lambda k: centre.kpis[k].achievement)  # type: ignore[arg-type, return-value]
    best, worst = ranked[-1], ranked[0]
    out.append(sentence("summary.best" if centre.kpis[best].met else "summary.closest", loc, **facts(best)))
    if worst != best and centre.kpis[worst].met is False:
        out.append(sentence("summary.worst", loc, **facts(worst)))
    if prev is not None:
        mover = largest_change(centre, prev, targeted)
        if mover is not None:
            k, d = mover
            out.append(sentence("summary.change", loc, kpi=ctx.name(k),
                                previous=b.value_text(ctx, k, prev.kpis[k].value),
                                actual=b.value_text(ctx, k, centre.kpis[k].value),
                                change=b.change_text(ctx, k, d), direction=b.direction_word(ctx, k, d)))
    if unmet:
        # the biggest gap is the lowest achievement; its main driver from drivers.gap_drivers
        driver = driver_sentence(ctx, min(unmet, key=lambda k: centre.kpis[k].achievement))  # type: ignore[arg-type, return-value]
        if driver:
            out.append(driver)
    if len(out) > 5:
        out.pop(1)  # the count of unmet KPIs says least when every other sentence is there
    return out


def largest_change(now: Group, before: Group, ids: list[str]) -> tuple[str, float] | None:
    """The KPI of ``ids`` with the largest relative change between two groups, and its change."""
    best: tuple[str, float] | None = None
    best_rel = 0.0
    for k in ids:
        d = b.delta(now.kpis.get(k), before.kpis.get(k))
        if d is None:
            continue
        base = abs(float(before.kpis[k].value))  # type: ignore[arg-type]
        rel = abs(d) / base if base else 0.0
        if rel > best_rel:
            best, best_rel = (k, d), rel
    return best


def _fcr_note(ctx: b.ReportContext) -> str:
    r = ctx.kpis()
    method = r.methods.get("fcr_rate")
    if not method:
        return ""
    prov = r.excluded.get("fcr_provisional") or 0
    key = "note.fcr_derived" if method.startswith("derived") else "note.fcr_reported"
    return sentence(key, ctx.locale, days=ctx.fmt.number(ctx.config.definitions.fcr_window_days),
                    provisional=ctx.fmt.number(prov))


# -- trends -----------------------------------------------------------------------------


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


def _trends(ctx: b.ReportContext, months: KpiResult, centre: Group, prev: Group | None,
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


# -- teams and agents ---------------------------------------------------------------------


def flag_text(ctx: b.ReportContext, g: Group) -> str:
    words = []
    if "top" in g.flags:
        words.append(ctx.t("word.top"))
    if "bottom" in g.flags:
        words.append(ctx.t("word.bottom"))
    if "small_sample" in g.flags:
        words.append(ctx.t("word.small_sample"))
    return ", ".join(words) if not ctx.zh else "、".join(words)


def _row_class(g: Group) -> str:
    if "top" in g.flags:
        return "top"
    if "bottom" in g.flags:
        return "bottom"
    return ""


def team_ranking(ctx: b.ReportContext, result: KpiResult) -> tuple[Table, list[Group]]:
    """Teams by the engine's rank: rank, team, score, contacts, flag; the group without a team
    (flagged ``unassigned`` by the engine, never ranked) is listed last, greyed, with a note."""
    teams = sorted(b.keyed_groups(result, "team"), key=lambda g: (g.rank is None, g.rank or 0, -(g.score or 0)))

    def contacts(g: Group) -> str:
        return ctx.fmt.number(g.kpis["contacts"].value if "contacts" in g.kpis else g.n)

    rows = [Row([Cell(str(g.rank) if g.rank else DASH), Cell(g.keys["team"], "strong nowrap"),
                 Cell(ctx.fmt.number(g.score, 1)), Cell(contacts(g)), Cell(flag_text(ctx, g))],
                _row_class(g)) for g in teams]
    note = ""
    orphans = [g for g in result.groups if "unassigned" in g.flags]
    if orphans and teams:
        g = orphans[0]
        rows.append(Row([Cell(DASH), Cell(ctx.t("word.unassigned"), "nowrap"), Cell(ctx.fmt.number(g.score, 1)),
                         Cell(contacts(g)), Cell(ctx.t("word.not_ranked_short"))], "small gap-before"))
        if "contacts" in g.kpis:
            note = sentence("note.no_team", ctx.locale, n=ctx.fmt.number(g.kpis["contacts"].value))
    table = Table([ctx.t("header.rank"), ctx.t("header.team"), ctx.t("header.score"), ctx.t("header.contacts"),
                   ctx.t("header.flag")], rows, numeric=[0, 2, 3], caption=ctx.t("note.ranking"), note=note)
    return table, teams


def _teams(ctx: b.ReportContext) -> TeamsSection | Absent:
    from toolkit.report.charts import bar_ranking, heat_table

    result = ctx.kpis(by=("team",))
    table, teams = team_ranking(ctx, result)
    if not teams:
        return Absent(ctx.t("absent.teams"))
    scored = [g for g in teams if g.score is not None]
    chart = None
    if len(scored) >= 2:
        svg = bar_ranking([{"label": g.keys["team"], "value": round(g.score, 1)} for g in scored],  # type: ignore[arg-type]
                          ctx.t("word.composite_score"), ctx.t("word.composite_score") + " (0–100)",
                          top=sum(1 for g in scored if "top" in g.flags) or 1,
                          bottom=sum(1 for g in scored if "bottom" in g.flags) or 1, style=ctx.style())
        best, worst = max(scored, key=lambda g: g.score), min(scored, key=lambda g: g.score)  # type: ignore[arg-type, return-value]
        chart = Chart(svg, sentence("teams.caption", ctx.locale, best=best.keys["team"], best_score=ctx.fmt.number(best.score, 1),
                                    worst=worst.keys["team"], worst_score=ctx.fmt.number(worst.score, 1)))
    ids = ctx.targeted()
    heat = heat_table([g.keys["team"] for g in teams], [ctx.name(k) for k in ids],
                      [[g.kpis[k].achievement for k in ids] for g in teams], ctx.fmt, corner=ctx.t("header.team"),
                      caption=ctx.t("note.heat"))
    return TeamsSection(table, chart, heat, _versus(ctx, teams))


def _versus(ctx: b.ReportContext, teams: list[Group]) -> Table | None:
    """Each targeted or benchmarked KPI: the centre, the best team and the centre's distance to it
    (``compare(…, "teams")``), and the centre against each configured benchmark (``compare(…, "benchmark")``)."""
    benches = ctx.config.benchmarks
    ids = tuple(dict.fromkeys([*ctx.targeted(), *(k for bench in benches.values() for k in bench)]))
    if not teams:
        return None
    by_team = compared(ctx, "teams", ("team",), ids)
    bench = {}
    if benches:
        for g in compared(ctx, "benchmark", (), ids).groups:
            bench[g.keys["benchmark"]] = g.kpis
    centre = ctx.kpis().groups[0]
    rows = []
    for k in ids:
        best = next((g.kpis[k].extra for g in by_team.groups if "best" in g.kpis[k].extra), None)
        cv = centre.kpis[k].value
        cells = [Cell(ctx.name(k), "strong"), Cell(b.value_text(ctx, k, cv))]
        if best is not None:
            cells.append(Cell(f"{b.value_text(ctx, k, best['best'])} ({best['best_keys'].get('team')})"))
            cells.append(change_cell(ctx, k, _Delta(None if cv is None else float(cv) - best["best"])))
        else:
            cells += [Cell(DASH), Cell(DASH)]
        for name in benches:
            c = bench.get(name, {}).get(k)
            cells.append(Cell(b.value_text(ctx, k, c.baseline) if c else DASH))
            cells.append(change_cell(ctx, k, c))
        rows.append(Row(cells))
    headers = [ctx.t("header.kpi"), ctx.t("word.centre"), ctx.t("word.best_team"), ctx.t("header.vs_best")]
    for name in benches:
        headers += [name, sentence("header.vs_bench", ctx.locale, name=name)]
    return Table(headers, rows, numeric=list(range(1, len(headers))), caption=ctx.t("note.versus"))


class _Delta:
    """A bare change for ``change_cell`` (no significance test: a team is not a sample of the centre)."""

    significant = None

    def __init__(self, change: float | None) -> None:
        self.change = change


def _agents(ctx: b.ReportContext) -> AgentsSection | Absent:
    result = ctx.kpis(by=("agent_id",))
    agents = b.keyed_groups(result, "agent_id")
    if not agents:
        return Absent(ctx.t("absent.agents"))
    directory = b.agent_directory(ctx)
    ranked = sorted([g for g in agents if g.rank is not None], key=lambda g: g.rank)  # type: ignore[arg-type, return-value]
    unranked = [g for g in agents if g.rank is None]
    shown = ranked
    note = ""
    if len(ranked) > 2 * AGENTS_SHOWN:
        shown = ranked[:AGENTS_SHOWN] + ranked[-AGENTS_SHOWN:]
        note = sentence("note.agents_cut", ctx.locale, n=str(len(ranked)), k=str(AGENTS_SHOWN))

    def agent_cells(g: Group) -> list[Cell]:
        aid = g.keys["agent_id"]
        name, team = directory.get(aid, ("", ""))
        return [Cell(f"{aid} {name}".strip(), "strong"), Cell(team or DASH)]

    rows = []
    for i, g in enumerate(shown):
        cls = _row_class(g)
        if note and i == AGENTS_SHOWN:
            cls = (cls + " gap-before").strip()
        rows.append(Row([Cell(str(g.rank)), *agent_cells(g), Cell(ctx.fmt.number(g.score, 1)),
                         Cell(ctx.fmt.number(g.n)), Cell(flag_text(ctx, g))], cls))
    ranking = Table([ctx.t("header.rank"), ctx.t("header.agent"), ctx.t("header.team"), ctx.t("header.score"),
                     ctx.t("header.contacts"), ctx.t("header.flag")], rows, numeric=[0, 3, 4],
                    caption=ctx.t("note.agent_ranking"), note=note)
    small = None
    if unranked:
        listed = sorted(unranked, key=lambda g: -(g.n or 0))[:UNRANKED_SHOWN]
        more = len(unranked) - len(listed)
        small = Table([ctx.t("header.agent"), ctx.t("header.team"), ctx.t("header.contacts")],
                      [Row([*agent_cells(g), Cell(ctx.fmt.number(g.n))], "small") for g in listed], numeric=[2],
                      caption=sentence("note.not_ranked", ctx.locale, min=str(ctx.config.definitions.min_sample)),
                      note=sentence("note.more_agents", ctx.locale, n=str(more)) if more > 0 else "")
    return AgentsSection(ranking, small)


# -- gaps -----------------------------------------------------------------------------------


def unmet_ids(ctx: b.ReportContext, centre: Group) -> list[str]:
    """Targeted KPIs missing their target, worst achievement first."""
    unmet = [k for k in ctx.targeted() if centre.kpis[k].met is False]
    return sorted(unmet, key=lambda k: centre.kpis[k].achievement or 0)


def gap_headline(ctx: b.ReportContext, kpi_id: str, kv: KpiValue) -> str:
    return sentence("gap.headline", ctx.locale, kpi=ctx.name(kpi_id), actual=b.value_text(ctx, kpi_id, kv.value),
                    target=b.value_text(ctx, kpi_id, kv.target), gap=b.change_text(ctx, kpi_id, kv.gap),
                    achievement=ctx.fmt.achievement(kv.achievement))


def driver_label(ctx: b.ReportContext, by: str, key: str | None) -> str:
    """A driver group as a reader names it: ``"Team C"``, ``"queue billing"``, ``"contacts without a team"``."""
    if key is None or key == "":
        return ctx.t(f"driver.no_{by}")
    return key if by == "team" else sentence(f"driver.{by}", ctx.locale, name=str(key))


def drivers_of(ctx: b.ReportContext, kpi_id: str, by: str):
    """``drivers.gap_drivers`` of one KPI over ``by`` (team or queue), once per report; None without a target."""
    from toolkit.analysis.drivers import gap_drivers

    def make():
        try:
            if kpi_id not in ctx.targeted():
                grouped = None
            else:  # the team grouping is the Teams section's; others hold the targeted KPIs only
                grouped = ctx.kpis(by=(by,)) if by == "team" else ctx.kpis(by=(by,), kpis=tuple(ctx.targeted()))
            return gap_drivers(ctx.frames, ctx.period, kpi_id, by=by, config=ctx.config,
                               results=(ctx.kpis(), grouped) if grouped is not None else None)
        except CxtkError:
            return None

    return ctx.memo(("drivers", kpi_id, by), make)


def main_driver(ctx: b.ReportContext, kpi_id: str) -> tuple[str, float] | None:
    """The team (else queue) feeding most of a KPI's gap and its share of the excess."""
    for by in DRIVER_FIELDS:
        d = drivers_of(ctx, kpi_id, by)
        if d is None or d.rows.height < 2:
            continue
        top = d.rows.row(0, named=True)
        if top["offsets"] or not top["contribution"] or top["share_of_excess"] is None:
            continue
        return driver_label(ctx, by, top[by]), float(top["share_of_excess"])
    return None


def driver_sentence(ctx: b.ReportContext, kpi_id: str) -> str:
    """"Team C accounts for 41 % of the Average handling time gap." (empty when no group drives it)."""
    top = main_driver(ctx, kpi_id)
    if top is None:
        return ""
    return sentence("summary.driver", ctx.locale, driver=top[0], share=ctx.fmt.percent(top[1], 0), kpi=ctx.name(kpi_id))


def team_table(ctx: b.ReportContext, kpi_id: str, limit: int = DRIVER_ROWS,
               fields: tuple[str, ...] = DRIVER_FIELDS, compact: bool = False) -> Table | None:
    """Teams and queues behind the gap (``drivers.gap_drivers``): sample, value, share of contacts,
    contribution to the gap and share of it; the groups feeding the gap most come first."""
    f = ctx.fmt
    rows = []
    for by in fields:
        d = drivers_of(ctx, kpi_id, by)
        if d is None or d.rows.height < 2:
            continue
        for i, r in enumerate(d.rows.head(limit).iter_rows(named=True)):
            share = ctx.t("word.offsets") if r["offsets"] else f.percent(r["share_of_excess"], 0)
            cls = ("good" if r["offsets"] else "") + (" gap-before" if i == 0 and rows else "")
            rows.append(Row([Cell(ctx.t(f"header.{by}") if i == 0 else "", "strong"),
                             Cell(driver_label(ctx, by, r[by]), "nowrap"), Cell(f.number(r["n"])),
                             Cell(b.value_text(ctx, kpi_id, r["value"])), Cell(f.percent(r["share"], 0)),
                             Cell(b.change_text(ctx, kpi_id, r["contribution"])), Cell(share, "strong")], cls.strip()))
    if not rows:
        return None
    if compact:  # an executive summary: who, their value, their share of the gap
        for r in rows:
            r.cells = [r.cells[1], r.cells[3], r.cells[6]]
        return Table([ctx.t(f"header.{fields[0]}") if len(fields) == 1 else "", ctx.t("header.actual"),
                      ctx.t("header.share_gap")], rows, numeric=[1, 2], caption=ctx.t("note.gap_drivers_short"))
    return Table(["", "", ctx.t("header.n"), ctx.t("header.actual"), ctx.t("header.share_n"),
                  ctx.t("header.contribution"), ctx.t("header.share_gap")], rows, numeric=[2, 3, 4, 5, 6],
                 caption=ctx.t("note.gap_drivers"))


def hours_chart(ctx: b.ReportContext, kpi_id: str, target: float | None) -> Chart | None:
    """The KPI by hour of day (``drivers.gap_by_hour``; hours with at least ``min_sample``), with its target line;
    the caption names the hours that carry most of the gap."""
    from dataclasses import replace

    import polars as pl

    from toolkit.analysis.drivers import gap_by_hour
    from toolkit.report.charts import trend_chart

    try:
        by_hour = ctx.kpis(by=("hour",), kpis=tuple(ctx.targeted())) if kpi_id in ctx.targeted() else None
        hours = gap_by_hour(ctx.frames, ctx.period, kpi_id, config=ctx.config, result=by_hour)
    except CxtkError:
        return None
    mins = ctx.config.definitions.min_sample
    hours = hours.filter(pl.col("n") >= mins)
    if hours.height < 3:
        return None
    series = [{"period": f"{h:02d}", "value": v} for h, v in hours.sort("hour").select("hour", "value").iter_rows()]
    unit = b.unit_of(kpi_id)
    name = ctx.name(kpi_id)
    svg = trend_chart(series, target, sentence("gap.by_hour", ctx.locale, kpi=name),
                      f"{name} ({ctx.t('unit.' + unit)})", unit=unit, x_title=ctx.t("word.hour_of_day"),
                      target_label=f"{ctx.t('word.target')} {b.value_text(ctx, kpi_id, target)}" if target is not None else "",
                      style=replace(ctx.style(), height=120))
    worst = hours.filter(~pl.col("offsets") & (pl.col("share_of_excess") > 0)).head(3)
    if worst.height == 0:
        return Chart(svg, ctx.t("gap.hours_none"))
    caption = sentence("gap.hours_caption", ctx.locale,
                       hours=(", " if not ctx.zh else "、").join(f"{h:02d}:00" for h in worst["hour"]),
                       share=ctx.fmt.percent(float(worst["share_of_excess"].sum()), 0))
    return Chart(svg, caption)


def staffing_section(ctx: b.ReportContext) -> tuple[Chart | None, str]:
    """Agents needed (Erlang C) against agents logged in by hour of day, weekday averages, and a sentence."""
    from dataclasses import replace

    import polars as pl

    from toolkit.analysis.staffing_hours import staffing_by_hour, understaffed_hours
    from toolkit.report.charts import staffing_chart

    try:
        frame = staffing_by_hour(ctx.frames, ctx.period, config=ctx.config)
    except CxtkError:
        return None, ""
    frame = frame.filter(pl.col("agents_logged_in").is_not_null())
    if frame.height < 3:
        return None, ctx.t("gap.staffing_absent")
    hours = [{"hour": r["hour"], "needed": r["agents_needed"], "logged_in": round(r["agents_logged_in"], 1)}
             for r in frame.iter_rows(named=True)]
    svg = staffing_chart(hours, ctx.t("gap.staffing_title"), ctx.t("word.hour_of_day"), ctx.t("word.agents"),
                         needed_label=ctx.t("word.agents_needed"), logged_label=ctx.t("word.agents_logged_in"),
                         style=replace(ctx.style(), height=150))
    short = understaffed_hours(frame)
    if short.height == 0:
        return Chart(svg, ctx.t("gap.staffing_ok")), ""
    sep = ", " if not ctx.zh else "、"
    listed = sep.join(sentence("gap.short_hour", ctx.locale, hour=f"{r['hour']:02d}:00",
                               n=ctx.fmt.number(r["shortfall"], 1)) for r in short.head(4).iter_rows(named=True))
    return Chart(svg, sentence("gap.staffing_caption", ctx.locale, hours=listed)), ""


def example_table(ctx: b.ReportContext, kpi_id: str) -> Table | None:
    """10–20 failing contacts behind the gap (``drivers.example_contacts``), for review; no customer ids,
    free text masked."""
    import polars as pl

    from toolkit.analysis.drivers import example_contacts
    from toolkit.core.privacy import mask_expr

    ix = ctx.frames.get("interactions")
    if ix is None:
        return None
    try:
        df = example_contacts(ix, ctx.period, kpi_id, config=ctx.config, n=EXAMPLES_SHOWN)
    except CxtkError:
        return None
    if df.height == 0:
        return None
    df = df.with_columns(mask_expr(pl.col("topic").cast(pl.String)).alias("topic")) if "topic" in df.columns else df
    f = ctx.fmt
    rows = [Row([Cell(r["interaction_id"], "nowrap"), Cell(f"{r['arrived_at']:%m-%d %H:%M}" if r["arrived_at"] else DASH, "nowrap"),
                 Cell(b.group_label(ctx, "channel", r.get("channel"))), Cell(r.get("queue") or DASH),
                 Cell(r.get("team") or DASH), Cell(r.get("agent_id") or DASH), Cell(r.get("topic") or DASH),
                 Cell(f.duration(r.get("wait_s"))), Cell(f.duration(r.get("handle_s")))])
            for r in df.iter_rows(named=True)]
    return Table([ctx.t("header.contact"), ctx.t("header.arrived"), ctx.t("header.channel"), ctx.t("header.queue"),
                  ctx.t("header.team"), ctx.t("header.agent"), ctx.t("header.topic"), ctx.t("header.wait"),
                  ctx.t("header.handle")], rows, numeric=[7, 8],
                 caption=sentence("gap.examples_caption", ctx.locale, n=str(df.height), reason=ctx.t(f"reason.{kpi_id}")))


def anomalies_of(ctx: b.ReportContext):
    """``anomalies.find_anomalies`` of the period, once per report."""
    from toolkit.analysis.anomalies import find_anomalies

    return ctx.memo("anomalies", lambda: find_anomalies(ctx.frames, ctx.period, config=ctx.config))


def special_review_callouts(ctx: b.ReportContext) -> list[Callout]:
    """One warning per complaint surge (``anomalies.special_reviews``)."""
    out = []
    for r in anomalies_of(ctx).special_reviews:
        key = "gap.special_review" if r["start"] != r["end"] else "gap.special_review_day"
        out.append(Callout(sentence(key, ctx.locale, start=r["start"], end=r["end"],
                                    n=ctx.fmt.number(r["complaints"]), usual=ctx.fmt.number(r["usual_per_day"]),
                                    topic=r.get("top_topic") or DASH,
                                    queue=driver_label(ctx, "queue", r.get("top_queue"))),
                           "warn", ctx.t("word.special_review")))
    return out


def _gaps(ctx: b.ReportContext, centre: Group) -> GapSection | Absent:
    unmet = unmet_ids(ctx, centre)
    staffing, staffing_note = staffing_section(ctx)
    if not unmet:
        return GapSection([], staffing, staffing_note)
    unhappy = _unhappy_themes(ctx)
    items = []
    for k in unmet:
        kv = centre.kpis[k]
        callouts = []
        note = b.note_for(ctx, k)
        if note:
            callouts.append(Callout(note, "info", ctx.t("word.note")))
        if k == "complaint_rate":
            callouts.extend(special_review_callouts(ctx))
        if k in data_check_ids(ctx):
            callouts.append(Callout(ctx.t("gap.data_check"), "warn"))
        items.append(GapItem(k, ctx.name(k), gap_headline(ctx, k, kv), drivers=team_table(ctx, k),
                             drivers_title=driver_sentence(ctx, k) or ctx.t("word.drivers"),
                             hours_chart=hours_chart(ctx, k, kv.target),
                             staffing_note=ctx.t("gap.see_staffing") if k in QUEUE_TIME_KPIS and staffing else "",
                             themes=unhappy if k in b.SATISFACTION_SET else [], examples=example_table(ctx, k),
                             callouts=callouts))
    return GapSection(items, staffing, staffing_note)


def _unhappy_themes(ctx: b.ReportContext) -> list[str]:
    """Top themes of low-score comments: ``"Long wait (41 %)"``."""
    import polars as pl

    lf = ctx.frames.get("surveys")
    if lf is None:
        return []
    d = ctx.config.definitions
    low = b.in_period(lf, "sent_at", ctx.period, ctx.config.timezone).filter(
        (pl.col("csat") <= d.low_score_max).fill_null(False) | (pl.col("nps") <= 6).fill_null(False))
    summary = _theme_summary(ctx, low, examples=0)
    return [f"{_theme_label(ctx, r)} ({ctx.fmt.percent(r['share'], 0)})" for r in summary[:3]]


# -- voice of the customer ------------------------------------------------------------------


def _theme_summary(ctx: b.ReportContext, surveys, examples: int = 3) -> list[dict[str, Any]]:
    from toolkit.survey.themes import theme_summary

    df = theme_summary(surveys, low_score_max=ctx.config.definitions.low_score_max, examples=examples, mask=True, themes=ctx.themes())
    return df.to_dicts()


def _theme_label(ctx: b.ReportContext, row: dict[str, Any]) -> str:
    return row["label_zh"] if ctx.zh else row["label_en"]


def voc_section(ctx: b.ReportContext) -> VocSection | Absent:
    """Themes of the period's comments (``survey.period_themes``: counts, shares, masked examples) and a bar chart."""
    from toolkit.report.charts import share_bars
    from toolkit.survey.summary import period_themes

    if ctx.frames.get("surveys") is None:
        return Absent(ctx.t("absent.surveys"))
    # the themes alone: the rest of the survey summary (word segmentation above all) costs seconds
    themes = ctx.memo("themes", lambda: period_themes(ctx.frames, ctx.period, config=ctx.config, mask=True, themes_extra=ctx.themes_file()))
    rows = [r for r in themes if r["count"]][:VOC_THEMES]
    if not rows:
        return Absent(ctx.t("absent.comments"))

    def name(r: dict[str, Any]) -> str:
        return r["label_zh"] if ctx.zh else r["label"]

    themes = [Theme(name(r), ctx.fmt.number(r["count"]), ctx.fmt.percent(r["share"]),
                    [_clip(e) for e in r["examples"]]) for r in rows]
    svg = share_bars([{"label": name(r), "share": r["share"]} for r in rows],
                     ctx.t("word.comment_themes"), ctx.t("word.share_of_comments"), style=ctx.style())
    top = rows[0]
    caption = sentence("voc.caption", ctx.locale, theme=name(top), share=ctx.fmt.percent(top["share"]),
                       low=ctx.fmt.percent(top["low_score_share"]))
    return VocSection(themes, Chart(svg, caption))


def _voc(ctx: b.ReportContext) -> VocSection | Absent:
    return voc_section(ctx)


def _clip(text: str, limit: int = 180) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- actions ---------------------------------------------------------------------------------


def stored_actions(ctx: b.ReportContext):
    """The stored actions with ``actions.action_status`` as of the period's end (None: no actions)."""
    from toolkit.ingest.store import scan_dataset
    from toolkit.loop.actions import action_status

    def make():
        try:
            lf = scan_dataset(ctx.config, "actions")
        except CxtkError:  # an unreadable actions store must not sink the whole report
            return None
        if lf is None:
            return None
        df = lf.collect()
        return action_status(df, ctx.period.end) if df.height else None

    return ctx.memo("actions", make)


def effect_text(ctx: b.ReportContext, action: dict[str, Any]) -> str:
    """``"83.0 % → 85.1 % (+2.1 pts, improved)"``: ``actions.before_after`` of a done action, in its scope."""
    from toolkit.loop.actions import before_after

    try:
        ba = before_after(action, ctx.frames, ctx.config)
    except CxtkError:
        return DASH
    k = ba["kpi"]
    before, after = ba["before"], ba["after"]
    if not after or before["value"] is None or after["value"] is None:
        return DASH
    word = ctx.t(f"word.{ba['direction']}") if ba["direction"] else ""
    change = b.change_text(ctx, k, ba["change"])
    return (f"{b.value_text(ctx, k, before['value'])} → {b.value_text(ctx, k, after['value'])} "
            f"({change}{', ' if not ctx.zh else ','}{word})" if word else f"({change})")


def effect_class(ctx: b.ReportContext, text: str) -> str:
    """Colour an effect cell by its word (improved / worsened)."""
    if ctx.t("word.improved") in text:
        return "good"
    return "bad" if ctx.t("word.worsened") in text else ""


def suggestions(ctx: b.ReportContext, centre: Group, actions) -> list[str]:
    """Playbook proposals (``actions.suggest_actions``) for unmet KPIs without an open or done action,
    naming the main driver team and the understaffed hours where the analysis found them."""
    import polars as pl

    from toolkit.analysis.staffing_hours import staffing_by_hour, understaffed_hours
    from toolkit.loop.actions import load_playbook, suggest_actions

    unmet = unmet_ids(ctx, centre)
    context: dict[str, dict[str, Any]] = {}
    hours: list[int] = []
    try:
        frame = staffing_by_hour(ctx.frames, ctx.period, config=ctx.config)
        hours = sorted(understaffed_hours(frame.filter(pl.col("agents_logged_in").is_not_null()))["hour"].to_list()[:4])
    except CxtkError:
        pass
    for k in unmet:
        d = drivers_of(ctx, k, "team")
        top = d.rows.row(0, named=True) if d is not None and d.rows.height > 1 else None
        team = top["team"] if top and not top["offsets"] and top["team"] else None
        context[k] = {"team": team, "hours": hours if k in QUEUE_TIME_KPIS else []}
    proposals = suggest_actions(unmet, actions, load_playbook(), ctx.locale, context=context)
    out = [f"{ctx.name(p['kpi'])}{'：' if ctx.zh else ': '}{p['title']}{'。' if ctx.zh else '. '}{p['detail']}".strip()
           for p in proposals]
    proposed = {p["kpi"] for p in proposals}
    covered = set() if actions is None else set(
        actions.filter(pl.col("status").is_in(["open", "done"]))["kpi"].to_list())
    out += [sentence("actions.none_for", ctx.locale, kpi=ctx.name(k)) for k in unmet
            if k not in covered and k not in proposed]
    return out


def actions_section(ctx: b.ReportContext) -> ActionsSection | Absent:
    """Stored actions: title, KPI, scope, owner, due date, status (overdue: open past due at the period's end),
    the before/after effect of done ones; playbook suggestions for unmet KPIs without an action."""
    df = stored_actions(ctx)
    centre = ctx.kpis().groups[0]
    if df is None:
        ideas = suggestions(ctx, centre, None)
        return ActionsSection(None, ideas) if ideas else Absent(ctx.t("absent.actions"))
    rows = []
    for r in df.sort("due_on", nulls_last=True).iter_rows(named=True):
        effect = effect_text(ctx, r) if r["status"] == "done" and r.get("kpi") else DASH
        if r["overdue"]:
            status = sentence("actions.overdue_days", ctx.locale, n=str(r["days_overdue"]))
        else:
            status = ctx.t(f"status.{r['status']}")
        rows.append(Row([
            Cell(r.get("title") or DASH, "strong"),
            Cell(ctx.name(r["kpi"]) if r.get("kpi") else DASH),
            Cell(ctx.t("word.centre") if (r.get("scope") or "all").lower() in ("all", "*") else r["scope"], "nowrap"),
            Cell(r.get("owner") or DASH),
            Cell(r["due_on"].isoformat() if r.get("due_on") else DASH, "nowrap"),
            Cell(status, "nowrap bad" if r["overdue"] else "nowrap"),
            Cell(effect, effect_class(ctx, effect)),
        ], "overdue" if r["overdue"] else ""))
    table = Table([ctx.t("header.action"), ctx.t("header.kpi"), ctx.t("header.scope"), ctx.t("header.owner"),
                   ctx.t("header.due"), ctx.t("header.status"), ctx.t("header.effect")], rows,
                  caption=ctx.t("note.actions"))
    return ActionsSection(table, suggestions(ctx, centre, df))


# -- data quality --------------------------------------------------------------------------


def _quality(ctx: b.ReportContext, centre: Group, facts: dict[str, Any]) -> QualitySection:
    f = ctx.fmt
    share = facts["days"] / ctx.period.days
    rows = [Row([Cell(ctx.t("dq.coverage")),
                 Cell(sentence("dq.coverage_value", ctx.locale, days=str(facts["days"]), total=str(ctx.period.days),
                               share=f.percent(share))),
                 Cell(ctx.t("word.ok") if share >= 0.8 else ctx.t("dq.coverage_low"), "good" if share >= 0.8 else "bad")])]
    rows.append(Row([Cell(ctx.t("dq.interactions")), Cell(f.number(facts["rows"])), Cell("")]))
    rr = centre.kpis.get("response_rate")
    if rr is not None:
        ok = rr.value is not None and rr.value >= 0.6
        denom = rr.extra.get("denominator", "surveys sent")
        rows.append(Row([Cell(ctx.name("response_rate")),
                         Cell(sentence("dq.response_value", ctx.locale, rate=f.percent(rr.value),
                                       responses=f.number(centre.kpis["responses"].value), n=f.number(rr.n),
                                       denominator=ctx.t("dq.denominator." + ("answered" if denom.startswith("answered") else "sent")))),
                         Cell(ctx.t("word.ok") if ok else ctx.t("dq.response_low"), "good" if ok else "bad")]))
    for ds, totals in ingest_totals(ctx).items():
        rows.append(Row([Cell(sentence("dq.ingest", ctx.locale, dataset=ctx.t(f"source.{ds}"))),
                         Cell(sentence("dq.ingest_value", ctx.locale, read=f.number(totals["read"]),
                                       rejected=f.number(totals["rejected"]), duplicate=f.number(totals["duplicate"]),
                                       skipped=f.number(totals["skipped"]))),
                         Cell("", "")]))
    coverage = Table([ctx.t("header.item"), ctx.t("header.value"), ctx.t("header.check")], rows,
                     caption=ctx.t("note.ingest_log"))
    return QualitySection(coverage, definitions_table(ctx), quality_notes(ctx, centre))


def ingest_totals(ctx: b.ReportContext) -> dict[str, dict[str, int]]:
    """read / rejected / duplicate / skipped per dataset over the whole ingest log."""
    from toolkit.ingest.store import read_log

    out: dict[str, dict[str, int]] = {}
    for entry in read_log(ctx.config.store_dir):
        t = out.setdefault(entry.get("dataset", "?"), {"read": 0, "rejected": 0, "duplicate": 0, "skipped": 0})
        for k in t:
            t[k] += int(entry.get(k) or 0)
    return {ds: out[ds] for ds in b.DATASET_NAMES + ("actions",) if ds in out}


def quality_notes(ctx: b.ReportContext, centre: Group) -> list[Callout]:
    """Outage windows excluded (``anomalies.outage_windows``), data checks, complaint surges, small samples, FCR method."""
    f = ctx.fmt
    found = anomalies_of(ctx)
    notes = []
    for o in found.outages:
        start, end = o["start"].replace("T", " ")[:16], o["end"].replace("T", " ")[:16]
        if end[:10] == start[:10]:
            end = end[11:]
        notes.append(Callout(sentence("dq.outage", ctx.locale, start=start, end=end, reason=o.get("reason") or DASH,
                                      n=f.number(o["contacts_excluded"])), "warn"))
    for k in sorted(data_check_ids(ctx), key=ctx.targeted().index):
        kv = centre.kpis[k]
        notes.append(Callout(sentence("dq.data_check", ctx.locale, kpi=ctx.name(k),
                                      actual=b.value_text(ctx, k, kv.value), target=b.value_text(ctx, k, kv.target)),
                             "warn"))
    notes.extend(special_review_callouts(ctx))
    small = [ctx.name(k) for k, kv in centre.kpis.items() if kv.small_sample and kv.value is not None]
    if small:
        notes.append(Callout(sentence("dq.small", ctx.locale, kpis=", ".join(small),
                                      min=str(ctx.config.definitions.min_sample))))
    fcr = _fcr_note(ctx)
    if fcr:
        notes.append(Callout(fcr))
    return notes


def definitions_table(ctx: b.ReportContext) -> Table:
    """Each definition in force with its value and meaning."""
    d = ctx.config.definitions.model_dump()
    rows = [Row([Cell(k, "strong nowrap"), Cell(_def_value(ctx, v)), Cell(ctx.t(f"def.{k}"))]) for k, v in d.items()]
    return Table([ctx.t("header.item"), ctx.t("header.value"), ctx.t("header.definition")], rows, numeric=[1])


def _def_value(ctx: b.ReportContext, v: Any) -> str:
    if isinstance(v, bool):
        return ctx.t("word.yes") if v else ctx.t("word.no")
    if isinstance(v, float) and v.is_integer():
        return ctx.fmt.number(v)
    return ctx.fmt.number(v, 2) if isinstance(v, float) else str(v)
