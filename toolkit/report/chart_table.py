"""A chart with too many bars or points becomes a table (issue 11, item 4).

vl-convert overflows its stack on a Vega-Lite spec with ~1,500 categories (every
sort entry becomes a nested expression), and long before that a chart stops
being readable: a ranking of 300 teams is 5,400 px of bars. So a spec whose
category axis holds more than ``MAX_CATEGORIES`` distinct values is written as
an HTML table of the same data — the chart's title as caption, one row per bar
or point in the chart's order, the value formatted as the chart labels it —
which the report inlines where the SVG would go.
"""

from __future__ import annotations

import html
import re
from typing import Any

#: Most distinct categories (bars, points, labels) a chart draws; above it, a table.
MAX_CATEGORIES = 40

_D3_FORMAT = re.compile(r"^\.(\d+)([f%])$")


def _category_and_value(encoding: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    cat = next((encoding[c] for c in ("x", "y") if encoding.get(c, {}).get("type") in ("nominal", "ordinal")), None)
    val = next((encoding[c] for c in ("x", "y") if encoding.get(c, {}).get("type") == "quantitative"), None)
    return (cat, val) if cat and val and "field" in cat and "field" in val else None


def _title(channel: dict[str, Any]) -> str | None:
    return channel.get("title") or (channel.get("axis") or {}).get("title")


def _value_format(spec: dict[str, Any], field: str, axis_format: str | None) -> str | None:
    """The d3 format the chart writes ``field`` with: its text layer's, else its axis's."""
    for layer in spec.get("layer", []):
        text = layer.get("encoding", {}).get("text", {})
        if text.get("field") == field and text.get("format"):
            return text["format"]
    return axis_format


def _fmt(value: Any, d3: str | None) -> str:
    if value is None:
        return "—"
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    m = _D3_FORMAT.match(d3 or "")
    if m:
        digits, kind = int(m.group(1)), m.group(2)
        return f"{value * 100:,.{digits}f} %" if kind == "%" else f"{value:,.{digits}f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def overflow_table(spec: dict[str, Any], limit: int = MAX_CATEGORIES) -> str | None:
    """An HTML ``<table>`` of ``spec``'s data when its category axis has more than ``limit`` distinct
    values; ``None`` when the chart can be drawn. Every text is HTML-escaped."""
    values = spec.get("data", {}).get("values")
    layers = spec.get("layer") or [spec]
    pair = _category_and_value(layers[0].get("encoding", {}))
    if not isinstance(values, list) or pair is None:
        return None
    cat, val = pair
    order = cat.get("sort") if isinstance(cat.get("sort"), list) else None
    distinct = {str(v.get(cat["field"])) for v in values}
    if len(distinct) <= limit:
        return None
    if order is not None:
        rank = {str(k): i for i, k in enumerate(order)}
        values = sorted(values, key=lambda v: rank.get(str(v.get(cat["field"])), len(rank)))
    d3 = _value_format(spec, val["field"], (val.get("axis") or {}).get("format"))
    title = spec.get("title")
    title = title.get("text", "") if isinstance(title, dict) else (title or "")
    e = html.escape
    head = (f"<thead><tr><th>{e(str(_title(cat) or ''))}</th>"
            f"<th class=\"num\">{e(str(_title(val) or title))}</th></tr></thead>")
    rows = "".join(f"<tr><td>{e(str(v.get(cat['field'])))}</td><td class=\"num\">{e(_fmt(v.get(val['field']), d3))}</td></tr>"
                   for v in values)
    caption = f"<caption>{e(str(title))}</caption>" if title else ""
    return f"<table class=\"chart-table\">{caption}{head}<tbody>{rows}</tbody></table>"
