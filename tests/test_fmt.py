"""Formatter outputs, exact strings in both locales (worked by hand in the comments)."""

from datetime import date

import pytest

from toolkit.report.fmt import Formatter
from toolkit.report.labels import KPI_NAMES, all_keys, label

EN = Formatter("en", "Asia/Shanghai")
ZH = Formatter("zh-CN", "Asia/Shanghai")


@pytest.mark.parametrize(
    ("method", "args", "en", "zh"),
    [
        ("percent", (0.864,), "86.4 %", "86.4%"),
        ("points", (-3.6,), "−3.6 pts", "−3.6 个百分点"),
        ("duration", (312,), "5 min 12 s", "5分12秒"),  # 312 = 5·60 + 12
        ("duration", (45,), "45 s", "45秒"),
        ("duration", (31.24,), "31.2 s", "31.2秒"),  # short waits keep one decimal
        ("duration", (3720,), "1 h 02 min", "1小时02分"),  # 3720 = 3600 + 2·60
        ("duration", (300,), "5 min", "5分钟"),
        ("number", (12345.678, 1), "12,345.7", "12,345.7"),
        ("achievement", (30 / 45,), "66.7 %", "66.7%"),  # ASA 45 s vs target 30 s
        ("achievement", (0.72 / 0.85,), "84.7 %", "84.7%"),  # FCR 72 % vs 85 %
        ("month", ("2026-10",), "October 2026", "2026年10月"),
        ("period", ("2026-Q3",), "Q3 2026", "2026年第3季度"),
        ("date", (date(2026, 10, 14),), "14 October 2026", "2026年10月14日"),
    ],
)
def test_formats(method, args, en, zh):
    assert getattr(EN, method)(*args) == en
    assert getattr(ZH, method)(*args) == zh


@pytest.mark.parametrize(
    ("kpi", "value", "unit", "en"),
    [
        ("offered", 12345, "count", "12,345"),
        ("fcr_rate", 0.72, "rate", "72.0 %"),
        ("asa_s", 31.2, "seconds", "31.2 s"),
        ("csat_mean", 4.3, "score", "4.30"),  # 1–5 score, 2 dp
        ("nps", -12, "points", "−12.0"),  # points, true minus sign
    ],
)
def test_kpi_value(kpi, value, unit, en):
    assert EN.kpi_value(kpi, value, unit) == en


def test_signed_changes():
    assert EN.signed_change(-0.036, "rate") == "−3.6 pts"  # a rate change is in points: −0.036 × 100
    assert EN.signed_change(15, "seconds") == "+15 s"
    assert ZH.signed_change(-0.19, "score", "csat_mean") == "−0.19"
    assert EN.relative_change(0.052) == "+5.2 %"


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_is_a_dash_never_nan(missing):
    for f in (EN, ZH):
        assert f.percent(missing) == "—"
        assert f.duration(missing) == "—"
        assert f.kpi_value("nps", missing, "points") == "—"
        assert f.signed_change(missing, "rate") == "—"


def test_negative_zero_is_plain_zero():
    assert EN.number(-0.04, 1) == "0.0"


def test_every_kpi_and_key_has_both_languages():
    assert label("kpi.asa_s", "zh-CN") == "平均应答速度"
    assert label("kpi.sla_compliance", "zh-CN") == "工单处理及时率"
    assert label("kpi.adherence", "zh-CN") == "实际工作率"
    for key in all_keys():
        assert label(key, "en") and label(key, "zh-CN")
    assert {"asa_s", "aht_s", "fcr_rate", "csat_mean", "nps", "qa_critical_per_100"} <= set(KPI_NAMES)
