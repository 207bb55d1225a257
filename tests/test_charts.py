"""Charts return inline SVG with their title, axis titles and the CJK text as text (not tofu)."""

import time

from toolkit.report import charts
from toolkit.report.fmt import Formatter

STYLE = charts.ChartStyle(primary="#0B5FFF", accent="#FF8A00", font="WenQuanYi Micro Hei")


def test_trend_chart_has_title_axes_and_target():
    series = [{"period": f"2026-{m:02d}", "value": 30 + m} for m in range(1, 11)]
    svg = charts.trend_chart(series, 30, "ASA trend", "ASA (s)", x_title="Month", target_label="Target 30 s")
    assert svg.startswith("<svg")
    for text in ("ASA trend", "ASA (s)", "Month", "Target 30 s"):
        assert text in svg
    assert "stroke-dasharray" in svg  # the dashed target rule


def test_zh_chart_keeps_chinese_text_and_font():
    svg = charts.bar_ranking([{"label": "A组", "value": 95.1}, {"label": "B组", "value": 79.4}],
                             "综合得分排名", "得分 (0–100)", style=STYLE)
    assert "综合得分排名" in svg and "B组" in svg and "WenQuanYi Micro Hei" in svg


def test_other_charts_render_fast():
    charts.share_bars([{"label": "x", "share": 0.5}], "warm-up", "Share")  # first call starts the engine
    start = time.perf_counter()
    out = [
        charts.distribution_chart({str(k): k * 10 for k in range(1, 6)}, "CSAT distribution", "Score (1–5)",
                                  "Responses", low_max=2, high_min=4),
        charts.share_bars([{"label": "Long wait", "share": 0.41}, {"label": "Repeat", "share": 0.18}],
                          "Themes", "Share of comments"),
        charts.staffing_chart([{"hour": h, "needed": 30, "logged_in": 26} for h in range(8, 12)],
                              "Understaffed hours", "Hour", "Agents"),
    ]
    assert (time.perf_counter() - start) / 3 < 0.5
    assert all(s.startswith("<svg") for s in out)
    assert "CSAT distribution" in out[0] and "Share of comments" in out[1] and "Understaffed hours" in out[2]


def test_heat_table_buckets():
    # 1.0 met → heat-4; 0.96 → heat-3; 0.91 → heat-2; 0.85 → heat-1; 0.5 → heat-0; None → muted
    tb = charts.heat_table(["A"], list("abcdef"), [[1.0, 0.96, 0.91, 0.85, 0.5, None]], Formatter("en"))
    cells = tb.rows[0].cells
    assert [c.cls.split()[-1] for c in cells[1:]] == ["heat-4", "heat-3", "heat-2", "heat-1", "heat-0", "muted"]
    assert cells[1].text == "100.0 %" and cells[6].text == "—"
