"""The QA report from real numbers: ``build_qa(config, "2026-10", locale) -> QaVM``.

Sample size, rubric scores by area (means of the stored rubric columns), QA
score and pass rate (KPI engine), problem categories with counts and shares,
severity mix, and agents ranked by problems. Before/after coaching needs the
actions analysis and is left out until it exists.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from toolkit.report import build as b
from toolkit.report.fmt import DASH
from toolkit.report.labels import sentence
from toolkit.report.viewmodel import Absent, Cell, Chart, QaVM, Row, Table

if TYPE_CHECKING:
    import polars as pl

    from toolkit.config import Config

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


def qa_from_context(ctx: b.ReportContext) -> QaVM:
    centre = ctx.kpis().groups[0]
    meta = b.meta_of(ctx, "qa")
    df = _reviews(ctx)
    if df is None:
        reason = Absent(ctx.t("absent.qa"))
        return QaVM(meta, [ctx.t("absent.qa")], reason, None, reason, None, reason, reason, reason)
    f = ctx.fmt
    reviewers = df["reviewer"].n_unique() if "reviewer" in df.columns else 0
    agents = df["agent_id"].n_unique()
    sample = [sentence("qa.sample", ctx.locale, n=f.number(df.height), agents=f.number(agents),
                       reviewers=f.number(reviewers)),
              sentence("qa.scores", ctx.locale, score=b.value_text(ctx, "qa_score_mean", centre.kpis["qa_score_mean"].value),
                       pass_rate=f.percent(centre.kpis["qa_pass_rate"].value),
                       mark=f.number(ctx.config.definitions.qa_pass_mark),
                       critical=b.value_text(ctx, "qa_critical_per_100", centre.kpis["qa_critical_per_100"].value)),
              ctx.t("qa.how_drawn")]
    problems, chart = _problems(ctx, df)
    return QaVM(meta, sample, _rubric(ctx, df), None, problems, chart, _severity(ctx, df), _agents(ctx, df),
                Absent(ctx.t("absent.coaching")))


def _rubric(ctx: b.ReportContext, df: pl.DataFrame) -> Table | Absent:
    import polars as pl

    from toolkit.schema import QA_RUBRIC_DEFAULT

    areas = [a for a in QA_RUBRIC_DEFAULT if a in df.columns and df[a].null_count() < df.height]
    if not areas:
        return Absent(ctx.t("absent.rubric"))
    stats = df.select([pl.col(a).mean().alias(f"{a}:mean") for a in areas]
                      + [(pl.col(a) <= 3).sum().alias(f"{a}:low") for a in areas]
                      + [pl.col(a).count().alias(f"{a}:n") for a in areas]).row(0, named=True)
    rows = [Row([Cell(ctx.t(f"rubric.{a}"), "strong"), Cell(ctx.fmt.number(stats[f"{a}:mean"], 2)),
                 Cell(ctx.fmt.number(stats[f"{a}:low"])), Cell(ctx.fmt.percent(stats[f"{a}:low"] / stats[f"{a}:n"]))])
            for a in areas]
    return Table([ctx.t("header.area"), ctx.t("header.mean"), ctx.t("qa.low_count"), ctx.t("header.share")], rows,
                 numeric=[1, 2, 3], caption=ctx.t("qa.rubric_caption"))


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


def _severity(ctx: b.ReportContext, df: pl.DataFrame) -> Table | Absent:
    import polars as pl

    from toolkit.schema import SEVERITIES

    if "severity" not in df.columns or df["severity"].null_count() == df.height:
        return Absent(ctx.t("absent.problems"))
    counts = dict(df.filter(pl.col("severity").is_not_null()).group_by("severity").len().iter_rows())
    total = sum(counts.values())
    rows = [Row([Cell(ctx.t(f"severity.{s}"), "strong"), Cell(ctx.fmt.number(counts.get(s, 0))),
                 Cell(ctx.fmt.percent(counts.get(s, 0) / total))], "unmet" if s == "critical" and counts.get(s) else "")
            for s in SEVERITIES]
    return Table([ctx.t("header.severity"), ctx.t("header.count"), ctx.t("header.share")], rows, numeric=[1, 2])


def _agents(ctx: b.ReportContext, df: pl.DataFrame) -> Table | Absent:
    """Agents with the most problems: reviews, problems, critical, QA score, pass rate."""
    import polars as pl

    has_cat = "issue_category" in df.columns
    per_agent = df.group_by("agent_id").agg(
        pl.len().alias("reviews"),
        (pl.col("issue_category").is_not_null().sum() if has_cat else pl.lit(0)).alias("problems"),
        (pl.col("severity") == "critical").sum().alias("critical") if "severity" in df.columns else pl.lit(0).alias("critical"),
    ).sort(["problems", "critical", "agent_id"], descending=[True, True, False])
    kpis = {g.keys["agent_id"]: g for g in ctx.kpis(by=("agent_id",), kpis=QA_KPIS).groups}
    directory = b.agent_directory(ctx)
    rows = []
    for r in per_agent.head(AGENTS_SHOWN).iter_rows(named=True):
        g = kpis.get(r["agent_id"])
        name, team = directory.get(r["agent_id"], ("", ""))
        rows.append(Row([Cell(f"{r['agent_id']} {name}".strip(), "strong"), Cell(team or DASH),
                         Cell(ctx.fmt.number(r["reviews"])), Cell(ctx.fmt.number(r["problems"])),
                         Cell(ctx.fmt.number(r["critical"])),
                         Cell(b.value_text(ctx, "qa_score_mean", g.kpis["qa_score_mean"].value) if g else DASH),
                         Cell(ctx.fmt.percent(g.kpis["qa_pass_rate"].value) if g else DASH)],
                        "small" if r["reviews"] < 3 else ""))
    more = per_agent.height - len(rows)
    return Table([ctx.t("header.agent"), ctx.t("header.team"), ctx.t("header.reviews"), ctx.t("header.problems"),
                  ctx.t("severity.critical"), ctx.name("qa_score_mean"), ctx.t("header.pass_rate")], rows,
                 numeric=[2, 3, 4, 5, 6], caption=ctx.t("qa.agents_caption"),
                 note=sentence("note.more_agents", ctx.locale, n=str(more)) if more > 0 else "")
