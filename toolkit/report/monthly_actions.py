"""Monthly report, improvement actions: as stored, their effect before/after, and playbook suggestions for unmet KPIs without an action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.core.errors import CxtkError
from toolkit.report import build as b
from toolkit.report.fmt import DASH
from toolkit.report.labels import sentence
from toolkit.report.viewmodel import (
    Absent,
    ActionsSection,
    Cell,
    Row,
    Table,
)

if TYPE_CHECKING:
    from toolkit.kpis.result import Group
from toolkit.report.monthly_gaps import QUEUE_TIME_KPIS, drivers_of, unmet_ids


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
