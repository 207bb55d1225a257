"""Monthly report, teams and agents: the team ranking (unassigned groups never ranked), team versus centre, best and lowest agents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.report import build as b
from toolkit.report.fmt import DASH
from toolkit.report.labels import sentence
from toolkit.report.viewmodel import (
    Absent,
    AgentsSection,
    Cell,
    Chart,
    Row,
    Table,
    TeamsSection,
)

if TYPE_CHECKING:
    from toolkit.kpis.result import Group, KpiResult
from toolkit.report.monthly_trends import change_cell, compared

AGENTS_SHOWN = 10  # best and lowest ranked agents each; the full list is in kpis.xlsx


UNRANKED_SHOWN = 10


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


def teams_section(ctx: b.ReportContext) -> TeamsSection | Absent:
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


def agents_section(ctx: b.ReportContext) -> AgentsSection | Absent:
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
