"""Report charts: Vega-Lite specs rendered to SVG text by vl-convert, inlined in the HTML.

Every chart has a title and axis titles with units, uses the brand palette
(``ChartStyle``) and the report's font (a CJK family for zh-CN, so no tofu), and
returns SVG text. Specs are written as plain Vega-Lite dicts (the grammar Altair
emits) rather than through Altair objects: same output, without Altair's
import and validation cost on every report. vl-convert is imported on first use.

``heat_table`` is not a picture: it returns a ``Table`` whose cells carry the
achievement bucket as a CSS class (``heat-0`` … ``heat-4``), which prints
crisper than a raster-like heat map and keeps the numbers selectable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.report.viewmodel import Cell, Row, Table

GREY = "#9AA3AE"
INK = "#1F2933"
GOOD = "#1E8E3E"
BAD = "#C62828"


@dataclass(frozen=True)
class ChartStyle:
    """Palette and font of a report's charts (from config ``brand:``)."""

    primary: str = "#0B5FFF"
    accent: str = "#FF8A00"
    font: str = "DejaVu Sans"
    width: int = 520
    height: int = 200


def _config(style: ChartStyle) -> dict[str, Any]:
    return {
        "font": style.font,
        "background": "white",
        "view": {"stroke": None},
        "title": {"fontSize": 13, "fontWeight": "bold", "color": INK, "anchor": "start", "offset": 10},
        "axis": {"labelFontSize": 10, "titleFontSize": 10, "titleColor": INK, "labelColor": INK,
                 "gridColor": "#E4E7EB", "domainColor": GREY, "tickColor": GREY, "titleFontWeight": "normal"},
        "legend": {"labelFontSize": 10, "titleFontSize": 10, "orient": "top", "title": None},
    }


def render_svg(spec: dict[str, Any], style: ChartStyle) -> str:
    """Render a Vega-Lite spec to SVG text with the report's font and sizes applied (an HTML table
    instead when it has more categories than ``chart_table.MAX_CATEGORIES``)."""
    import vl_convert as vlc

    from toolkit.core.privacy import mask_text
    from toolkit.core.safety import chart_label, chart_text
    from toolkit.report.chart_table import overflow_table

    # Every label: PII masked as in the rest of the report, control characters out (they abort vl-convert).
    spec = chart_text(spec, lambda s: chart_label(mask_text(s)))
    if (table := overflow_table(spec)) is not None:  # too many categories to draw (or for vl-convert's stack)
        return table
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "config": _config(style), **spec}
    svg = vlc.vegalite_to_svg(spec)
    # Drop any XML prolog: the SVG is inlined in HTML.
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)


def trend_chart(
    series: Sequence[dict[str, Any]],
    target: float | None,
    title: str,
    y_title: str,
    *,
    unit: str = "count",
    x_title: str = "Month",
    target_label: str = "Target",
    style: ChartStyle = ChartStyle(),
) -> str:
    """A 13-month line (``series`` = ``[{"period": "2025-10", "value": 31.2}, …]`` in order) with a
    dashed target line. ``unit="rate"`` formats the axis as percentages (values are fractions);
    ``y_title`` must carry the unit ("ASA (s)"). Missing values (None) leave a gap."""
    values = [{"period": str(p["period"]), "value": p["value"]} for p in series]
    order = [v["period"] for v in values]
    y_axis: dict[str, Any] = {"title": y_title}
    if unit == "rate":
        y_axis["format"] = ".0%"
    nums = [v["value"] for v in values if v["value"] is not None] + ([target] if target is not None else [])
    lo, hi = (min(nums), max(nums)) if nums else (0, 1)
    pad = (hi - lo) * 0.15 or abs(hi) * 0.1 or 1
    # Rates and durations read best against a zoomed but honest scale: zero only when close.
    domain = [0 if lo - pad < 0 or lo < (hi - lo) else lo - pad, hi + pad]
    x = {"field": "period", "type": "ordinal", "sort": order, "title": x_title,
         "axis": {"labelAngle": -40 if len(order) > 8 else 0}}
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "line", "point": {"filled": True, "size": 30}, "color": style.primary, "strokeWidth": 2},
         "encoding": {"x": x, "y": {"field": "value", "type": "quantitative", "axis": y_axis,
                                    "scale": {"domain": domain, "nice": True}}}},
    ]
    if target is not None:
        layers.append({"data": {"values": [{"target": target}]},
                       "mark": {"type": "rule", "color": style.accent, "strokeDash": [6, 4], "strokeWidth": 1.5},
                       "encoding": {"y": {"field": "target", "type": "quantitative"}}})
        layers.append({"data": {"values": [{"target": target, "label": target_label}]},
                       "mark": {"type": "text", "align": "right", "baseline": "bottom", "dy": -2, "x": "width",
                                "color": style.accent, "fontSize": 10},
                       "encoding": {"y": {"field": "target", "type": "quantitative"}, "text": {"field": "label"}}})
    spec = {"title": title, "width": style.width, "height": style.height,
            "data": {"values": values}, "layer": layers}
    return render_svg(spec, style)


def bar_ranking(
    items: Sequence[dict[str, Any]],
    title: str,
    x_title: str,
    *,
    top: int = 1,
    bottom: int = 1,
    target: float | None = None,
    style: ChartStyle = ChartStyle(),
) -> str:
    """Horizontal bars of ``[{"label": "Team A", "value": 91.2}, …]`` sorted best first; the ``top``
    best bars take the primary colour, the ``bottom`` worst the accent, the rest grey."""
    ranked = sorted(items, key=lambda d: d["value"], reverse=True)
    n = len(ranked)
    values = [{"label": d["label"], "value": d["value"],
               "group": "top" if i < top else ("bottom" if i >= n - bottom else "mid")}
              for i, d in enumerate(ranked)]
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "bar", "cornerRadiusEnd": 2},
         "encoding": {
             "y": {"field": "label", "type": "nominal", "sort": [v["label"] for v in values], "title": None},
             "x": {"field": "value", "type": "quantitative", "title": x_title},
             "color": {"field": "group", "type": "nominal", "legend": None,
                       "scale": {"domain": ["top", "mid", "bottom"], "range": [style.primary, GREY, style.accent]}}}},
        {"mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10, "color": INK},
         "encoding": {"y": {"field": "label", "type": "nominal", "sort": [v["label"] for v in values]},
                      "x": {"field": "value", "type": "quantitative"},
                      "text": {"field": "value", "type": "quantitative", "format": ".1f"}}},
    ]
    if target is not None:
        layers.append({"data": {"values": [{"t": target}]},
                       "mark": {"type": "rule", "color": INK, "strokeDash": [4, 3]},
                       "encoding": {"x": {"field": "t", "type": "quantitative"}}})
    spec = {"title": title, "width": style.width - 80, "height": max(18 * n, 60),
            "data": {"values": values}, "layer": layers}
    return render_svg(spec, style)


def achievement_class(achievement: float | None) -> str:
    """CSS class of an achievement ratio: met (≥ 100 %) ``heat-4``, ≥ 95 % ``heat-3``,
    ≥ 90 % ``heat-2``, ≥ 80 % ``heat-1``, below ``heat-0``; no value ``muted``."""
    if achievement is None:
        return "muted"
    for bound, cls in ((1.0, "heat-4"), (0.95, "heat-3"), (0.90, "heat-2"), (0.80, "heat-1")):
        if achievement >= bound - 1e-9:
            return cls
    return "heat-0"


def heat_table(
    teams: Sequence[str],
    kpi_names: Sequence[str],
    achievements: Sequence[Sequence[float | None]],
    fmt: Any,
    *,
    corner: str = "",
    caption: str = "",
) -> Table:
    """Team × KPI achievement as a ``Table`` whose cells are classed by ``achievement_class``.

    ``achievements[i][j]`` is team ``i``'s achievement on KPI ``j`` (a ratio, None when absent);
    ``fmt`` is a ``Formatter`` (its ``achievement`` method writes the cell text)."""
    rows = [Row([Cell(team, "strong")] + [Cell(fmt.achievement(a), "num " + achievement_class(a)) for a in achs])
            for team, achs in zip(teams, achievements, strict=True)]
    return Table([corner, *kpi_names], rows, numeric=list(range(1, len(kpi_names) + 1)), caption=caption)


def distribution_chart(
    counts: dict[str, int],
    title: str,
    x_title: str,
    y_title: str,
    *,
    low_max: int | None = None,
    high_min: int | None = None,
    style: ChartStyle = ChartStyle(),
) -> str:
    """Bars of a score distribution, ``{"1": 12, …, "5": 240}`` (CSAT) or ``{"0": …, "10": …}`` (NPS).
    Scores ≤ ``low_max`` are drawn in the accent (unhappy/detractors), ≥ ``high_min`` in the primary."""
    keys = sorted(counts, key=lambda k: int(k))
    values = [{"score": k, "n": counts[k],
               "band": "low" if low_max is not None and int(k) <= low_max
               else ("high" if high_min is not None and int(k) >= high_min else "mid")} for k in keys]
    spec = {
        "title": title, "width": style.width // 2 + 40, "height": style.height - 40,
        "data": {"values": values},
        "layer": [
            {"mark": {"type": "bar"},
             "encoding": {"x": {"field": "score", "type": "ordinal", "sort": keys, "title": x_title,
                                "axis": {"labelAngle": 0}},
                          "y": {"field": "n", "type": "quantitative", "title": y_title},
                          "color": {"field": "band", "type": "nominal", "legend": None,
                                    "scale": {"domain": ["low", "mid", "high"],
                                              "range": [style.accent, GREY, style.primary]}}}},
            {"mark": {"type": "text", "dy": -6, "fontSize": 9, "color": INK},
             "encoding": {"x": {"field": "score", "type": "ordinal", "sort": keys},
                          "y": {"field": "n", "type": "quantitative"}, "text": {"field": "n"}}},
        ],
    }
    return render_svg(spec, style)


def share_bars(
    items: Sequence[dict[str, Any]],
    title: str,
    x_title: str,
    *,
    style: ChartStyle = ChartStyle(),
) -> str:
    """Horizontal bars of shares, ``[{"label": "Long wait", "share": 0.31}, …]`` (fractions), largest first."""
    ranked = sorted(items, key=lambda d: d["share"], reverse=True)
    values = [{"label": d["label"], "share": d["share"]} for d in ranked]
    order = [v["label"] for v in values]
    spec = {
        "title": title, "width": style.width - 120, "height": max(18 * len(values), 60),
        "data": {"values": values},
        "layer": [
            {"mark": {"type": "bar", "color": style.primary, "cornerRadiusEnd": 2},
             "encoding": {"y": {"field": "label", "type": "nominal", "sort": order, "title": None},
                          "x": {"field": "share", "type": "quantitative", "title": x_title,
                                "axis": {"format": ".0%"}}}},
            {"mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10, "color": INK},
             "encoding": {"y": {"field": "label", "type": "nominal", "sort": order},
                          "x": {"field": "share", "type": "quantitative"},
                          "text": {"field": "share", "type": "quantitative", "format": ".1%"}}},
        ],
    }
    return render_svg(spec, style)


def staffing_chart(
    hours: Sequence[dict[str, Any]],
    title: str,
    x_title: str,
    y_title: str,
    *,
    needed_label: str = "Agents needed",
    logged_label: str = "Agents logged in",
    style: ChartStyle = ChartStyle(),
) -> str:
    """Agents needed (Erlang C, bars) vs agents logged in (line) by hour of day:
    ``[{"hour": 9, "needed": 42, "logged_in": 36}, …]``. Understaffed hours show as bars above the line."""
    values = [{"hour": f"{int(h['hour']):02d}", "needed": h["needed"], "logged_in": h["logged_in"],
               "short": "short" if h["logged_in"] < h["needed"] else "ok"} for h in hours]
    order = [v["hour"] for v in values]
    x = {"field": "hour", "type": "ordinal", "sort": order, "title": x_title, "axis": {"labelAngle": 0}}
    spec = {
        "title": title, "width": style.width, "height": style.height - 20,
        "data": {"values": values},
        "layer": [
            {"mark": {"type": "bar", "opacity": 0.85},
             "encoding": {"x": x, "y": {"field": "needed", "type": "quantitative", "title": y_title},
                          "color": {"field": "short", "type": "nominal",
                                    "scale": {"domain": ["short", "ok"], "range": [style.accent, "#C9D3DF"]},
                                    "legend": None}}},
            {"mark": {"type": "line", "color": style.primary, "strokeWidth": 2, "point": {"filled": True, "size": 20}},
             "encoding": {"x": x, "y": {"field": "logged_in", "type": "quantitative"}}},
            # A two-entry legend made of text, since the bars and the line use different encodings.
            {"data": {"values": [{"t": f"■ {needed_label}  ● {logged_label}"}]},
             "mark": {"type": "text", "align": "right", "baseline": "bottom", "x": "width", "y": -4,
                      "fontSize": 10, "color": INK},
             "encoding": {"text": {"field": "t"}}},
        ],
    }
    return render_svg(spec, style)
