"""The survey batch report from real numbers: ``build_survey(config, "2026-10", locale) -> SurveyVM``.

Response rate with its denominator, CSAT / CSAT mean / NPS / CES with 95 %
intervals (KPI engine), score distributions, figures by channel and team,
themes of comments (masked) and frequent terms, and low-score follow-up status.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from toolkit.report import build as b
from toolkit.report import build_monthly as mb
from toolkit.report import monthly_voc as mvoc
from toolkit.report.fmt import DASH
from toolkit.report.labels import sentence
from toolkit.report.viewmodel import Absent, Callout, Cell, Chart, Row, ScorecardSection, SurveyVM, Table

if TYPE_CHECKING:
    from toolkit.core.config import Config

SURVEY_KPIS = ("csat", "csat_mean", "nps", "ces_mean", "followup_24h_rate")
BREAKDOWN_KPIS = ("responses", "csat", "csat_mean", "nps")
TOP_TERMS = 15


def build_survey(config: Config, period: str, locale: str | None = None, *, now: datetime | None = None) -> SurveyVM:
    """The survey batch report of ``period``."""
    return survey_from_context(b.make_context(config, period, locale, now))


def survey_from_context(ctx: b.ReportContext) -> SurveyVM:
    centre = ctx.kpis().groups[0]
    meta = b.meta_of(ctx, "survey", coverage=mb._coverage(ctx, b.interaction_facts(ctx), centre))
    if ctx.frames.get("surveys") is None or not centre.kpis["surveys_sent"].value:
        reason = Absent(ctx.t("absent.surveys"))
        return SurveyVM(meta, [], "", reason, None, reason, reason, reason, [], reason)
    rr = centre.kpis["response_rate"]
    tiles = [b.tile(ctx, "response_rate", rr, None), b.tile(ctx, "responses", centre.kpis["responses"], None),
             b.tile(ctx, "surveys_sent", centre.kpis["surveys_sent"], None)]
    note = sentence("survey.denominator", ctx.locale, n=ctx.fmt.number(rr.n), denominator=b.denominator_text(ctx, rr))
    if "data_problem" in rr.extra:
        note += " " + ctx.t("dq.response_over")
    summary = survey_summary_of(ctx)
    sg = summary.groups[0] if summary.groups else None
    kv = sg.kpis if sg is not None else centre.kpis  # the summary's values carry the CES interval too
    rows = [b.satisfaction_row(ctx, k, kv.get(k) or centre.kpis[k]) for k in SURVEY_KPIS
            if centre.kpis[k].value is not None or centre.kpis[k].target is not None]
    return SurveyVM(
        meta=meta,
        response_tiles=tiles,
        response_note=note,
        kpis=ScorecardSection(rows, note=ctx.t("note.satisfaction")),
        significance=significance_table(ctx, summary),
        distributions=_distributions(ctx, summary),
        breakdown=_breakdown(ctx),
        themes=mvoc.voc_section(ctx),
        top_terms=_top_terms(ctx),
        followups=_followups(ctx),
        followup_note=_followup_note(ctx),
        warnings=nonresponse_callouts(ctx, summary),
    )


def survey_summary_of(ctx: b.ReportContext):
    """``survey.survey_summary`` of the report's period (masked), once per report."""
    from toolkit.survey.summary import survey_summary

    return ctx.memo("survey_summary", lambda: survey_summary(ctx.frames, ctx.period, config=ctx.config, mask=True,
                                                            themes_extra=ctx.themes_file()))


def significance_table(ctx: b.ReportContext, summary) -> Table | None:
    """Each tested survey KPI against the previous period: values, change, test, p-value, verdict."""
    if not summary.groups:
        return None
    rows = []
    for k, c in summary.groups[0].change.items():
        if c.value is None and c.baseline is None:
            continue
        good = b.improved(k, c.change)
        verdict = (ctx.t("word.small_sample") if c.small_sample else
                   ctx.t("word.significant") if c.significant else
                   ctx.t("word.not_significant") if c.significant is False else DASH)
        rows.append(Row([Cell(ctx.name(k), "strong"), Cell(b.value_text(ctx, k, c.value)),
                         Cell(b.value_text(ctx, k, c.baseline)),
                         Cell(b.change_text(ctx, k, c.change), "" if good is None else ("good" if good else "bad")),
                         Cell(ctx.t(f"test.{k}")), Cell(ctx.fmt.number(c.p_value, 3)),
                         Cell(verdict, "strong nowrap" if c.significant else "muted nowrap")]))
    if not rows:
        return None
    return Table([ctx.t("header.kpi"), ctx.fmt.period(summary.period.label), ctx.fmt.period(summary.baseline_period.label),
                  ctx.t("header.change"), ctx.t("header.test"), ctx.t("header.p_value"), ctx.t("header.verdict")],
                 rows, numeric=[1, 2, 3, 5], caption=ctx.t("survey.significance_caption"))


def nonresponse_callouts(ctx: b.ReportContext, summary) -> list[Callout]:
    """The non-response check: a warning per material difference, else one line saying there is none."""
    warned = summary.nonresponse_warnings
    if warned:
        return [Callout(w["zh-CN"] if ctx.zh else w["en"], "warn", ctx.t("word.nonresponse")) for w in warned]
    if summary.nonresponse:
        return [Callout(ctx.t("survey.nonresponse_ok"), "info", ctx.t("word.nonresponse"))]
    return []


def _distributions(ctx: b.ReportContext, summary) -> list[Chart] | Absent:
    from dataclasses import replace

    from toolkit.report.charts import distribution_chart

    style = replace(ctx.style(), width=420)
    charts = []
    low = ctx.config.definitions.low_score_max
    for col, lo, hi, kpi, low_max, high_min in (("csat", 1, 5, "csat", low, ctx.config.definitions.csat_satisfied_min),
                                                 ("nps", 0, 10, "nps", 6, 9)):
        counts = summary.groups[0].distribution.get(col) if summary.groups else None
        if not counts or not sum(counts.values()):
            continue
        svg = distribution_chart(counts, ctx.name(kpi), f"{ctx.t('word.score')} ({lo}–{hi})", ctx.t("word.responses"),
                                 low_max=low_max, high_min=high_min, style=style)
        total = sum(counts.values())
        lows = sum(v for k, v in counts.items() if int(k) <= low_max)
        charts.append(Chart(svg, sentence("survey.dist_caption", ctx.locale, n=ctx.fmt.number(total),
                                          low=ctx.fmt.number(lows), share=ctx.fmt.percent(lows / total),
                                          max=str(low_max))))
    return charts or Absent(ctx.t("absent.surveys"))


def _breakdown(ctx: b.ReportContext) -> Table | Absent:
    rows = []
    for field in ("channel", "team"):
        result = ctx.kpis(by=(field,), kpis=BREAKDOWN_KPIS)
        groups = [g for g in result.groups if (g.kpis["responses"].value or 0) > 0]
        for i, g in enumerate(sorted(groups, key=lambda g: -(g.kpis["responses"].value or 0))):
            csat, mean, nps = g.kpis["csat"], g.kpis["csat_mean"], g.kpis["nps"]
            small = csat.small_sample or (csat.n or 0) < ctx.config.definitions.min_sample
            rows.append(Row([
                Cell(ctx.t(f"header.{field}") if i == 0 else "", "strong"),
                Cell(b.group_label(ctx, field, g.keys[field]), "nowrap"),
                Cell(ctx.fmt.number(g.kpis["responses"].value)),
                Cell(b.value_text(ctx, "csat", csat.value)), Cell(b.ci_text(ctx, "csat", csat.ci)),
                Cell(b.value_text(ctx, "csat_mean", mean.value)),
                Cell(b.value_text(ctx, "nps", nps.value)),
            ], ("small" if small else "") + (" gap-before" if i == 0 and rows else "")))
    if not rows:
        return Absent(ctx.t("absent.surveys"))
    return Table(["", "", ctx.t("header.responses"), ctx.name("csat"), ctx.t("header.ci"), ctx.name("csat_mean"),
                  ctx.name("nps")], rows, numeric=[2, 3, 4, 5, 6],
                 caption=ctx.t("survey.breakdown_caption"))


def _top_terms(ctx: b.ReportContext) -> list[str]:
    """The most frequent words of the comments (masked, Chinese segmented) from the survey summary."""
    return [f"{term} ({ctx.fmt.number(n)})" for term, n in survey_summary_of(ctx).top_terms[:TOP_TERMS]]


def _followup_frame(ctx: b.ReportContext):
    from toolkit.survey.followups import followups

    lf = ctx.frames.get("surveys")
    if lf is None:
        return None
    # Status as of the end of the period (or now, when the period is not over), so a report is reproducible.
    lo, hi = ctx.period.bounds(ctx.config.timezone)
    as_of = min(hi, ctx.now.astimezone(hi.tzinfo))
    return followups(lf, ctx.frames.get("interactions"), ctx.config.definitions, as_of, ctx.period.start,
                     ctx.period.end, mask=True)


def _followups(ctx: b.ReportContext) -> Table | Absent:
    """Items by status, split into low-score responses and complaints: a complaint with no survey
    record has nowhere to record its call-back and stays overdue in the list, so the split keeps a
    complaint surge from reading as the survey team's backlog."""
    import polars as pl

    from toolkit.survey.followups import STATUS_ORDER

    df = _followup_frame(ctx)
    if df is None or df.height == 0:
        return Absent(ctx.t("absent.followups"))
    from_survey = pl.col("response_id").is_not_null()
    counts = {s: (n, k) for s, n, k in df.group_by("status").agg(
        from_survey.sum().alias("n"), (~from_survey).sum().alias("k")).iter_rows()}
    total = df.height
    f = ctx.fmt
    rows = []
    for s in STATUS_ORDER:
        n, k = counts.get(s, (0, 0))
        rows.append(Row([Cell(ctx.t(f"followup.{s.replace(' ', '_')}"), "strong"), Cell(f.number(n)),
                         Cell(f.number(k)), Cell(f.number(n + k)), Cell(f.percent((n + k) / total))],
                        "overdue" if s == "overdue" and n + k else ""))
    return Table([ctx.t("header.status"), ctx.t("followup.from_surveys"), ctx.t("followup.from_complaints"),
                  ctx.t("header.total"), ctx.t("header.share")], rows, numeric=[1, 2, 3, 4],
                 caption=sentence("followup.caption", ctx.locale, n=f.number(total),
                                  hours=f.number(ctx.config.definitions.followup_hours)))


def _followup_note(ctx: b.ReportContext) -> str:
    kv = ctx.kpis().groups[0].kpis["followup_24h_rate"]
    if kv.value is None:
        return ""
    return " ".join([sentence("followup.rate", ctx.locale, rate=ctx.fmt.percent(kv.value), n=ctx.fmt.number(kv.n),
                              hours=ctx.fmt.number(ctx.config.definitions.followup_hours)),
                     ctx.t("followup.rate_base")])


__all__ = ["build_survey", "survey_from_context"]
