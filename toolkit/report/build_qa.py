"""The QA report from real numbers: ``build_qa(config, "2026-10", locale) -> QaVM``.

``qa.qa_summary`` gives the sample, scores by rubric area (labels from the
rubric, en/zh), by agent, problems and severity; the stored actions give the
before/after QA score of agents in a coaching action's scope.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from toolkit.core.errors import CxtkError
from toolkit.report import build as b
from toolkit.report.fmt import DASH
from toolkit.report.labels import sentence
from toolkit.report.viewmodel import Absent, Cell, Chart, QaVM, Row, Table

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config

QA_KPIS = ("qa_score_mean", "qa_pass_rate", "qa_critical_per_100")
AGENTS_SHOWN = 15


def build_qa(config: Config, period: str, locale: str | None = None, *, now: datetime | None = None) -> QaVM:
    """The QA report of ``period``."""
    return qa_from_context(b.make_context(config, period, locale, now))


def _reviews(ctx: b.ReportContext) -> pl.DataFrame | None:
    lf = ctx.frames.get("qa")
    if lf is None:
        return None
    df = b.in_period(lf, "reviewed_at", ctx.period, ctx.config.timezone).collect()
    return df if df.height else None


def qa_summary_of(ctx: b.ReportContext, period=None, by: tuple[str, ...] = ()):
    """``qa.qa_summary`` of ``period`` (default: the report's) with the shipped rubric, once per report."""
    from toolkit.qa.reviews import load_rubric, qa_summary

    period = period or ctx.period
    return ctx.memo(("qa", period.label, by), lambda: qa_summary(
        ctx.frames["qa"], period, by, rubric=load_rubric(), pass_mark=ctx.config.definitions.qa_pass_mark))


def qa_from_context(ctx: b.ReportContext) -> QaVM:
    meta = b.meta_of(ctx, "qa")
    df = _reviews(ctx)
    if df is None:
        reason = Absent(ctx.t("absent.qa"))
        return QaVM(meta, [ctx.t("absent.qa")], reason, None, reason, None, reason, reason, reason)
    summary = qa_summary_of(ctx)
    f = ctx.fmt
    reviewers = df["reviewer"].n_unique() if "reviewer" in df.columns else 0
    sample = [sentence("qa.sample", ctx.locale, n=f.number(summary.reviews), agents=f.number(summary.by_agent.height),
                       reviewers=f.number(reviewers)),
              sentence("qa.scores", ctx.locale, score=b.value_text(ctx, "qa_score_mean", summary.score_mean),
                       pass_rate=f.percent(summary.pass_rate), mark=f.number(summary.pass_mark),
                       critical=b.value_text(ctx, "qa_critical_per_100", summary.critical_per_100)),
              ctx.t("qa.how_drawn")]
    problems, chart = _problems(ctx, df)
    return QaVM(meta, sample, _rubric(ctx, summary, df), None, problems, chart, _severity(ctx, summary),
                _agents(ctx, summary), _coaching(ctx))


def _rubric(ctx: b.ReportContext, summary, df: pl.DataFrame) -> Table | Absent:
    """Mean score of each rubric area (``qa_summary.areas``, labels from the rubric) and the reviews scored ≤ 3."""
    import polars as pl

    areas = summary.areas.filter(pl.col("n") > 0)
    if areas.height == 0:
        return Absent(ctx.t("absent.rubric"))
    low = df.select([(pl.col(a) <= 3).sum().alias(a) for a in areas["area"]]).row(0, named=True)
    rows = [Row([Cell(r["label_zh"] if ctx.zh else r["label_en"].capitalize(), "strong"),
                 Cell(ctx.fmt.number(r["mean"], 2)), Cell(ctx.fmt.number(r["n"])),
                 Cell(ctx.fmt.number(low[r["area"]])), Cell(ctx.fmt.percent(low[r["area"]] / r["n"]))],
                "unmet" if r["mean"] == areas["mean"].min() else "")
            for r in areas.iter_rows(named=True)]
    return Table([ctx.t("header.area"), ctx.t("header.mean"), ctx.t("header.reviews"), ctx.t("qa.low_count"),
                  ctx.t("header.share")], rows, numeric=[1, 2, 3, 4], caption=ctx.t("qa.rubric_caption"))


def _problems(ctx: b.ReportContext, df: pl.DataFrame) -> tuple[Table | Absent, Chart | None]:
    import polars as pl

    from toolkit.report.charts import share_bars

    if "issue_category" not in df.columns or df["issue_category"].null_count() == df.height:
        return Absent(ctx.t("absent.problems")), None
    counts = (df.filter(pl.col("issue_category").is_not_null()).group_by("issue_category").len()
              .sort(["len", "issue_category"], descending=[True, False]))
    total = int(counts["len"].sum())
    rows = [Row([Cell(cat, "strong"), Cell(ctx.fmt.number(n)), Cell(ctx.fmt.percent(n / total)),
                 Cell(ctx.fmt.percent(n / df.height))]) for cat, n in counts.iter_rows()]
    table = Table([ctx.t("header.category"), ctx.t("header.count"), ctx.t("qa.share_problems"), ctx.t("qa.share_reviews")],
                  rows, numeric=[1, 2, 3])
    svg = share_bars([{"label": cat, "share": n / total} for cat, n in counts.iter_rows()],
                     ctx.t("section.problems"), ctx.t("qa.share_problems"), style=ctx.style())
    top_cat, top_n = counts.row(0)
    return table, Chart(svg, sentence("qa.problems_caption", ctx.locale, category=top_cat,
                                      share=ctx.fmt.percent(top_n / total), n=ctx.fmt.number(total)))


def _severity(ctx: b.ReportContext, summary) -> Table | Absent:
    """Problems by severity (``qa_summary.severity``)."""
    from toolkit.ingest.schema import SEVERITIES

    if summary.severity.height == 0:
        return Absent(ctx.t("absent.problems"))
    counts = dict(summary.severity.select("severity", "count").iter_rows())
    total = sum(counts.values())
    rows = [Row([Cell(ctx.t(f"severity.{s}"), "strong"), Cell(ctx.fmt.number(counts.get(s, 0))),
                 Cell(ctx.fmt.percent(counts.get(s, 0) / total))], "unmet" if s == "critical" and counts.get(s) else "")
            for s in SEVERITIES]
    return Table([ctx.t("header.severity"), ctx.t("header.count"), ctx.t("header.share")], rows, numeric=[1, 2])


def _agents(ctx: b.ReportContext, summary) -> Table | Absent:
    """Agents with the most problems: reviews, problems, critical, QA score, pass rate, weakest area."""
    import polars as pl

    df = _reviews(ctx)
    per_agent = df.group_by("agent_id").agg(
        pl.col("issue_category").is_not_null().sum().alias("problems"),
    ).join(summary.by_agent, on="agent_id", how="left").sort(
        ["problems", "critical", "agent_id"], descending=[True, True, False])
    areas = [r for r in summary.areas.iter_rows(named=True) if r["n"]]
    directory = b.agent_directory(ctx)
    rows = []
    for r in per_agent.head(AGENTS_SHOWN).iter_rows(named=True):
        name, team = directory.get(r["agent_id"], ("", r.get("team") or ""))
        scored = [(r[a["area"]], a) for a in areas if r.get(a["area"]) is not None]
        weakest = min(scored, key=lambda x: x[0])[1] if scored else None
        rows.append(Row([Cell(f"{r['agent_id']} {name}".strip(), "strong"), Cell(team or r.get("team") or DASH, "nowrap"),
                         Cell(ctx.fmt.number(r["reviews"])), Cell(ctx.fmt.number(r["problems"])),
                         Cell(ctx.fmt.number(r["critical"])),
                         Cell(b.value_text(ctx, "qa_score_mean", r["score_mean"])),
                         Cell(ctx.fmt.percent(r["pass_rate"])),
                         Cell((weakest["label_zh"] if ctx.zh else weakest["label_en"].capitalize()) if weakest else DASH)],
                        "small" if r["reviews"] < 3 else ""))
    more = per_agent.height - len(rows)
    return Table([ctx.t("header.agent"), ctx.t("header.team"), ctx.t("header.reviews"), ctx.t("header.problems"),
                  ctx.t("severity.critical"), ctx.name("qa_score_mean"), ctx.t("header.pass_rate"),
                  ctx.t("header.weakest")], rows,
                 numeric=[2, 3, 4, 5, 6], caption=ctx.t("qa.agents_caption"),
                 note=sentence("note.more_agents", ctx.locale, n=str(more)) if more > 0 else "")


COACHING_WORDS = ("coach", "training", "train ", "辅导", "培训")


def _coaching(ctx: b.ReportContext) -> Table | Absent:
    """QA score of the agents in a coaching action's scope: the 3 months before it opened against the
    months after (up to 3 after it was done, or up to the report's period while it is open)."""
    import polars as pl

    from toolkit.core.periods import day_range, month
    from toolkit.loop.actions import scope_filter
    from toolkit.report.monthly_actions import stored_actions

    actions = stored_actions(ctx)
    if actions is None:
        return Absent(ctx.t("absent.coaching"))
    title = pl.col("title").str.to_lowercase()
    coached = actions.filter(pl.any_horizontal([title.str.contains(w, literal=True) for w in COACHING_WORDS])
                             & pl.col("status").is_in(["open", "done"]) & (pl.col("opened_on") <= ctx.period.end))
    rows = []
    for a in coached.iter_rows(named=True):
        try:
            where = scope_filter(a.get("scope"), ctx.frames.get("interactions"))
        except CxtkError:
            continue
        if set(where) - {"team", "agent_id"}:
            continue
        opened = month(a["opened_on"].year, a["opened_on"].month)
        before = day_range(opened.shifted(-3).start, opened.shifted(-1).end)
        last = month(a["done_on"].year, a["done_on"].month).shifted(3) if a.get("done_on") else ctx.period
        after = day_range(opened.shifted(1).start, min(last.end, ctx.period.end))
        if after.start > after.end:
            continue
        by = tuple(where)
        got = []
        for p in (before, after):
            g = qa_summary_of(ctx, p, by).groups
            hit = g.filter(pl.all_horizontal([pl.col(k) == v for k, v in where.items()])) if g is not None and where else g
            r = hit.row(0, named=True) if hit is not None and hit.height else None
            got.append((p, r))
        (pb, rb), (pa, ra) = got
        if rb is None or ra is None:
            continue
        d = None if rb["score_mean"] is None or ra["score_mean"] is None else ra["score_mean"] - rb["score_mean"]
        good = b.improved("qa_score_mean", d)
        rows.append(Row([Cell(a["title"], "strong"), Cell(", ".join(where.values()) or ctx.t("word.centre"), "nowrap"),
                         Cell(ctx.t(f"status.{a['status']}")),
                         Cell(f"{_span(ctx, pb)}: {b.value_text(ctx, 'qa_score_mean', rb['score_mean'])} ({ctx.fmt.number(rb['reviews'])})"),
                         Cell(f"{_span(ctx, pa)}: {b.value_text(ctx, 'qa_score_mean', ra['score_mean'])} ({ctx.fmt.number(ra['reviews'])})"),
                         Cell(b.change_text(ctx, "qa_score_mean", d), "" if good is None else ("good" if good else "bad"))]))
    if not rows:
        return Absent(ctx.t("absent.coaching"))
    return Table([ctx.t("header.action"), ctx.t("header.scope"), ctx.t("header.status"), ctx.t("header.before"),
                  ctx.t("header.after"), ctx.t("header.change")], rows, numeric=[5], caption=ctx.t("qa.coaching_caption"))


def _span(ctx: b.ReportContext, p) -> str:
    """``"Jun–Aug 2026"`` / ``"2026年6–8月"`` for a range of whole months."""
    if ctx.zh:
        if p.start.year == p.end.year:
            return f"{p.start.year}年{p.start.month}–{p.end.month}月" if p.start.month != p.end.month else f"{p.start.year}年{p.start.month}月"
        return f"{p.start.year}年{p.start.month}月–{p.end.year}年{p.end.month}月"
    a, z = f"{p.start:%b}", f"{p.end:%b %Y}"
    return z if (p.start.year, p.start.month) == (p.end.year, p.end.month) else f"{a}–{z}"
