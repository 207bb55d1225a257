"""Monthly report, gap analysis: unmet KPIs, their drivers by team and queue, hours, staffing, example contacts, special reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.core.errors import CxtkError
from toolkit.report import build as b
from toolkit.report.fmt import DASH
from toolkit.report.labels import sentence
from toolkit.report.viewmodel import (
    Absent,
    Callout,
    Cell,
    Chart,
    GapItem,
    GapSection,
    Row,
    Table,
)

if TYPE_CHECKING:
    from toolkit.kpis.result import Group, KpiValue
from toolkit.report.monthly_voc import unhappy_themes

DRIVER_FIELDS = ("team", "queue")


DRIVER_ROWS = 4  # per field: the groups feeding the gap most


EXAMPLES_SHOWN = 12


QUEUE_TIME_KPIS = ("asa_s", "service_level", "abandon_rate", "answer_rate")


def data_check_ids(ctx: b.ReportContext) -> set[str]:
    """KPIs that ``anomalies.data_checks`` flags: missing the target by half or more."""
    return {k for k in ctx.targeted() if any(line.startswith(f"verify: {k} is ") for line in anomalies_of(ctx).data_checks)}


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


def gaps_section(ctx: b.ReportContext, centre: Group) -> GapSection | Absent:
    unmet = unmet_ids(ctx, centre)
    staffing, staffing_note = staffing_section(ctx)
    if not unmet:
        return GapSection([], staffing, staffing_note)
    unhappy = unhappy_themes(ctx)
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
