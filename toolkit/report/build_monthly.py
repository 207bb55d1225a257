"""The monthly operations report from real numbers: ``build_monthly(config, period, locale) -> MonthlyVM``.

Sources: the KPI engine (centre, by team, by agent, by month over the trailing
13 months, by hour), ``compare.compare`` (MoM / YoY with the survey tests, best
team, benchmarks), ``drivers`` (gap_drivers by team and queue, gap_by_hour,
example_contacts), ``staffing_hours.staffing_by_hour`` (understaffed hours),
``anomalies.find_anomalies`` (outages, data checks, complaint surges),
``survey.survey_summary`` (themes), ``actions`` (status, before/after,
playbook) and the ingest log. Each analysis runs once per report (``ctx.memo``).

This module assembles the report and holds the cover, summary and data-quality pages;
the sections are in ``monthly_trends``, ``monthly_teams``, ``monthly_gaps``,
``monthly_voc`` and ``monthly_actions``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from toolkit.report import build as b
from toolkit.report.fmt import DASH
from toolkit.report.labels import sentence
from toolkit.report.viewmodel import (
    Callout,
    Cell,
    KpiRow,
    MonthlyVM,
    QualitySection,
    Row,
    ScorecardSection,
    SummarySection,
    Table,
)

if TYPE_CHECKING:
    from toolkit.core.config import Config
    from toolkit.kpis.result import Group
from toolkit.report.monthly_actions import actions_section
from toolkit.report.monthly_gaps import (
    anomalies_of,
    data_check_ids,
    driver_sentence,
    gaps_section,
    main_driver,
    special_review_callouts,
)
from toolkit.report.monthly_teams import agents_section, teams_section
from toolkit.report.monthly_trends import trend_result, trends_section
from toolkit.report.monthly_voc import voc


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
        trends=trends_section(ctx, months, centre, prev, last_year),
        teams=teams_section(ctx),
        agents=agents_section(ctx),
        gaps=gaps_section(ctx, centre),
        voc=voc(ctx),
        actions=actions_section(ctx),
        quality=_quality(ctx, centre, facts),
    )


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
    d = ctx.config.definitions
    key = "note.fcr_derived" if method.startswith("derived") else "note.fcr_reported"
    return sentence(key, ctx.locale, days=ctx.fmt.number(d.fcr_window_days), provisional=ctx.fmt.number(prov),
                    transfer=ctx.t("note.fcr_transfer") if d.fcr_transfer_is_failure else "",
                    how=ctx.t(f"note.fcr_provisional.{d.fcr_provisional}"))


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
        ok = rr.value is not None and 0.6 <= rr.value <= 1
        check = ctx.t("dq.response_over") if "data_problem" in rr.extra else ctx.t("word.ok") if ok else ctx.t("dq.response_low")
        rows.append(Row([Cell(ctx.name("response_rate")),
                         Cell(sentence("dq.response_value", ctx.locale, rate=f.percent(rr.value),
                                       responses=f.number(centre.kpis["responses"].value), n=f.number(rr.n),
                                       denominator=b.denominator_text(ctx, rr))),
                         Cell(check, "good" if ok else "bad")]))
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
