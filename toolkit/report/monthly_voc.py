"""Monthly report, voice of the customer: comment themes of the period and the themes of unhappy customers."""

from __future__ import annotations

from typing import Any

from toolkit.report import build as b
from toolkit.report.labels import sentence
from toolkit.report.viewmodel import (
    Absent,
    Chart,
    Theme,
    VocSection,
)

VOC_THEMES = 6


def unhappy_themes(ctx: b.ReportContext) -> list[str]:
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


def _theme_summary(ctx: b.ReportContext, surveys, examples: int = 3) -> list[dict[str, Any]]:
    from toolkit.survey.themes import theme_summary

    df = theme_summary(surveys, low_score_max=ctx.config.definitions.low_score_max, examples=examples, mask=True,
                       themes=ctx.themes())
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
    themes = ctx.memo("themes", lambda: period_themes(ctx.frames, ctx.period, config=ctx.config, mask=True,
                                                      themes_extra=ctx.themes_file()))
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


def voc(ctx: b.ReportContext) -> VocSection | Absent:
    return voc_section(ctx)


def _clip(text: str, limit: int = 180) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
