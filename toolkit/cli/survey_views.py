"""Terminal views of the survey commands: ``cxtk survey summary`` and ``cxtk survey followups``.

A view, so it lives with the CLI: it formats with the report's formatter and labels and
prints with rich; the figures come from ``toolkit.survey``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from toolkit.kpis.result import KpiValue
    from toolkit.survey.summary import Change, SurveySummary


# Words of the terminal table that the report labels do not have: (en, zh-CN).
_WORDS: dict[str, tuple[str, str]] = {
    "centre": ("centre", "全中心"),
    "interval": ("95 % interval", "95%置信区间"),
    "change": ("vs previous period", "与上期相比"),
    "distribution": ("Distribution", "评分分布"),
    "denominator": ("response rate ÷ {d}", "回收率分母:{d}"),
    "invitations": ("invitations", "发放问卷数"),
    "answered contacts": ("answered contacts", "已接通接触量"),
    "handled contacts": ("handled contacts", "已处理服务量"),
    "unlinked": (
        "{n} of {total} responses are not linked to a contact",
        "{total}份回复中有{n}份未关联到接触记录",
    ),
    "terms": ("Frequent terms", "高频词"),
    "example": ("Example", "示例"),
    "low_share": ("Low-score share", "低分占比"),
    "masked": ("personal data masked", "个人信息已脱敏"),
    "no_themes": ("No comments with a known theme.", "无可识别主题的评论。"),
}


def _word(key: str, locale: str, **values: Any) -> str:
    text = _WORDS[key][0 if locale == "en" else 1]
    return text.format(**values) if values else text


_BARS = "▁▂▃▄▅▆▇█"


def bar_line(counts: Mapping[str, int]) -> str:
    """A compact bar line of a distribution: ``{"1": 2, "2": 0, …}`` → ``"▂ ▁…"`` scaled to the largest.

    A zero count shows as a space so that "nobody" is not read as "a few".
    """
    top = max(counts.values(), default=0)
    if top == 0:
        return " " * len(counts)
    return "".join(
        " " if c == 0 else _BARS[min(len(_BARS) - 1, round(c / top * (len(_BARS) - 1)))]
        for c in counts.values()
    )


def _interval_text(kpi_id: str, v: KpiValue, fmt: Any) -> str:
    from toolkit.kpis.registry import REGISTRY

    if v.ci is None or v.value is None:
        return ""
    unit = REGISTRY[kpi_id].unit
    lo, hi = (fmt.kpi_value(kpi_id, x, unit) for x in v.ci)
    if kpi_id == "csat":  # Wilson intervals are not symmetric: the bounds say it honestly
        return f"[{lo}, {hi}]"
    margin = (v.ci[1] - v.ci[0]) / 2
    return f"± {fmt.kpi_value(kpi_id, margin, unit)} [{lo}, {hi}]"


def _change_text(kpi_id: str, c: Change | None, fmt: Any, locale: str) -> str:
    from toolkit.kpis.registry import REGISTRY
    from toolkit.report.labels import label

    if c is None or c.change is None:
        return ""
    text = fmt.signed_change(c.change, REGISTRY[kpi_id].unit, kpi_id)
    if c.significant is True:
        return f"{text} ({label('word.significant', locale)})"
    if c.significant is False:
        return f"{text} ({label('word.not_significant', locale)})"
    return text


def print_summary(summary: SurveySummary, locale: str = "en", tz: str = "UTC") -> None:
    """The terminal view of ``cxtk survey summary`` in ``locale`` (``en`` or ``zh-CN``)."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    from toolkit.core.safety import markup_text as escape
    from toolkit.kpis.registry import REGISTRY
    from toolkit.report.fmt import Formatter
    from toolkit.report.labels import kpi_name, label

    fmt = Formatter(locale, tz)
    console = Console()
    period = fmt.period(summary.period.label)
    for g in summary.groups:
        keys = ", ".join(f"{k}={v}" for k, v in g.keys.items()) or _word("centre", locale)
        table = Table(title=escape(f"{period} — {keys}"), title_justify="left")
        table.add_column(label("header.kpi", locale))
        table.add_column(label("header.value", locale), justify="right")
        table.add_column(_word("interval", locale), justify="right")
        table.add_column("n", justify="right")
        table.add_column(_word("change", locale), justify="right")
        table.add_column(label("header.remark", locale))
        for kpi_id, v in g.kpis.items():
            unit = REGISTRY[kpi_id].unit
            remark = []
            if v.small_sample:
                remark.append(label("word.small_sample", locale))
            if kpi_id == "response_rate" and v.extra.get("denominator"):
                from toolkit.survey.summary import DENOMINATOR

                den = DENOMINATOR.get(v.extra["denominator"], v.extra["denominator"])
                remark.append(_word("denominator", locale, d=_word(den, locale)))
            if v.note:
                remark.append(v.note)
            table.add_row(
                kpi_name(kpi_id, locale),
                fmt.kpi_value(kpi_id, v.value, unit),
                _interval_text(kpi_id, v, fmt),
                "" if v.n is None else fmt.number(v.n),
                escape(_change_text(kpi_id, g.change.get(kpi_id), fmt, locale)),
                escape("; ".join(remark)),
                style="dim" if v.small_sample else None,
            )
        console.print(table)
        d = g.distribution
        console.print(
            f"{_word('distribution', locale)}  CSAT 1–5 [{bar_line(d['csat'])}] "
            + " · ".join(f"{k}: {n}" for k, n in d["csat"].items())
        )
        console.print(
            f"{' ' * cell_len(_word('distribution', locale))}  NPS 0–10 [{bar_line(d['nps'])}] "
            + " · ".join(f"{k}: {n}" for k, n in d["nps"].items())
        )
    _print_themes(console, summary, locale, fmt)
    if summary.top_terms:
        console.print(
            f"{_word('terms', locale)}: " + escape(", ".join(f"{t} ({c})" for t, c in summary.top_terms[:10]))
        )
    for w in summary.nonresponse_warnings:
        console.print(f"[yellow]⚠ {escape(w['en'] if locale == 'en' else w['zh-CN'])}[/yellow]")
    if summary.unlinked_responses:
        console.print(
            _word(
                "unlinked",
                locale,
                n=fmt.number(summary.unlinked_responses),
                total=fmt.number(summary.responses),
            )
        )
    for note in summary.notes:
        console.print(f"[dim]{escape(note)}[/dim]")


def _print_themes(console: Any, summary: SurveySummary, locale: str, fmt: Any) -> None:
    from rich.table import Table

    from toolkit.core.safety import markup_text as escape
    from toolkit.report.labels import label

    if not summary.themes:
        console.print(_word("no_themes", locale))
        return
    title = label("section.themes", locale) + (f" ({_word('masked', locale)})" if summary.masked else "")
    table = Table(title=title, title_justify="left")
    table.add_column(label("header.theme", locale))
    table.add_column(label("header.count", locale), justify="right")
    table.add_column(label("header.share", locale), justify="right")
    table.add_column(_word("low_share", locale), justify="right")
    table.add_column(_word("example", locale))
    for t in summary.themes[:8]:
        example = t["examples"][0] if t["examples"] else ""
        if len(example) > 60:
            example = example[:59] + "…"
        table.add_row(
            escape(t["label"] if locale == "en" else t["label_zh"]),
            fmt.number(t["count"]),
            fmt.percent(t["share"]),
            fmt.percent(t["low_score_share"]),
            escape(example),
        )
    console.print(table)


# --- follow-up list output ----------------------------------------------------------------------

_STATUS_STYLE = {"overdue": "bold red", "open": "yellow", "done late": "magenta", "done in time": "green"}
_STATUS_ZH = {"overdue": "已逾期", "open": "待回访", "done late": "逾期完成", "done in time": "按时完成"}


def print_followups(items: pl.DataFrame, period_label: str, locale: str = "en", tz: str = "UTC") -> None:
    """The follow-up list as a table, most urgent first, status in colour."""
    from rich.console import Console
    from rich.table import Table

    from toolkit.core.safety import markup_text as escape
    from toolkit.report.labels import label

    console = Console()
    zh = locale != "en"
    if items.height == 0:
        console.print(f"{period_label}: " + ("无需回访的低分或投诉" if zh else "nothing to follow up"))
        return
    heads = [
        label("header.status", locale),
        label("header.due", locale),
        "原因" if zh else "Reason",
        label("header.agent", locale),
        label("header.team", locale),
        "客户" if zh else "Customer",
        label("header.contact", locale),
        "评论" if zh else "Comment",
    ]
    table = Table(title=f"{period_label} — " + (label("section.followups", locale)), title_justify="left")
    for h in heads:
        table.add_column(h)
    for r in items.iter_rows(named=True):
        status = r["status"]
        comment = r["comment"] or ""
        table.add_row(
            _STATUS_ZH.get(status, status) if zh else status,
            _when(r["due_at"]),
            escape(_reason(r["reason"] or "", zh)),
            escape(r["agent_id"] or ""),
            escape(r["team"] or ""),
            escape(r["customer_id"] or ""),
            escape(r["interaction_id"] or r["response_id"] or ""),
            escape(comment if len(comment) <= 50 else comment[:49] + "…"),
            style=_STATUS_STYLE.get(status),
        )
    console.print(table)
    counts = items.group_by("status").len()
    by_status = dict(counts.iter_rows())
    from toolkit.survey.followups import STATUS_ORDER

    console.print(" · ".join(f"{_STATUS_ZH[s] if zh else s}: {by_status.get(s, 0)}" for s in STATUS_ORDER))


_REASON_ZH = (("low CSAT", "满意度低分"), ("detractor NPS", "NPS贬损"), ("complaint", "投诉"))


def _reason(text: str, zh: bool) -> str:
    """The reason of a follow-up ("low CSAT 1; complaint") in the table's language."""
    if zh:
        for en, cn in _REASON_ZH:
            text = text.replace(en, cn)
    return text


def _when(t: datetime | None) -> str:
    return "" if t is None else f"{t:%Y-%m-%d %H:%M}"
