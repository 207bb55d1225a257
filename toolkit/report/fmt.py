"""Human display of numbers, rates, durations and dates in ``en`` or ``zh-CN`` (Babel).

Only reports and tables call this module; data (JSON, CSV, the Python API) keeps
raw fractions, points and seconds. Every method turns ``None`` (and NaN) into an
em dash, so a KPI that could not be computed never shows as "nan" or "None".

Conventions (decided here, relied on by tests and templates):

* en percent: ``"86.4 %"`` (an ordinary space; the CSS keeps numeric cells on
  one line); zh-CN: ``"86.4%"``.
* negative numbers use the true minus sign U+2212 (``"−3.6 pts"``), which reads
  better than a hyphen in tables and is covered by the report fonts.
* durations: ``"45 s"``, ``"31.2 s"``, ``"5 min 12 s"``, ``"5 min"``, ``"1 h 02 min"``;
  zh-CN ``"45秒"``, ``"5分12秒"``, ``"5分钟"``, ``"1小时02分"``.
"""

from __future__ import annotations

import math
from datetime import date as _date
from datetime import datetime as _datetime
from typing import Literal

from toolkit.core.errors import CxtkError

Locale = Literal["en", "zh-CN"]
Unit = Literal["count", "rate", "seconds", "score", "points"]

DASH = "—"
MINUS = "−"
LOCALES: tuple[str, ...] = ("en", "zh-CN")
UNITS: tuple[str, ...] = ("count", "rate", "seconds", "score", "points")

# Decimal places of a "score" KPI when shown; csat_mean/ces_mean are 1–5 (or 1–7) scales.
_SCORE_DIGITS = {"csat_mean": 2, "ces_mean": 2, "qa_score_mean": 1}


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def babel_locale(locale: str) -> str:
    """Map a cxtk locale (``en`` / ``zh-CN``) to a Babel locale identifier."""
    if locale == "en":
        return "en"
    if locale == "zh-CN":
        return "zh_Hans_CN"
    raise CxtkError(f"unknown locale {locale!r}: use one of {', '.join(LOCALES)}")


class Formatter:
    """Formats values for one report: ``Formatter("zh-CN", "Asia/Shanghai").percent(0.864)`` → ``"86.4%"``.

    Parameters
    ----------
    locale:
        ``"en"`` or ``"zh-CN"``.
    tz:
        IANA time zone used for timestamps (``generated_at``), e.g. ``"Asia/Shanghai"``.
    """

    def __init__(self, locale: str = "en", tz: str = "UTC") -> None:
        self.locale = locale
        self.tz = tz
        self._babel = babel_locale(locale)
        self.zh = locale == "zh-CN"

    # -- numbers ---------------------------------------------------------------
    def number(self, x: float | int | None, digits: int = 0) -> str:
        """Grouped number with exactly ``digits`` decimals: ``12345.678, 1`` → ``"12,345.7"``."""
        if _missing(x):
            return DASH
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        text = format_decimal(round(float(x), digits) + 0.0, format=pattern, locale=self._babel)
        return self._minus(text)

    def percent(self, fraction: float | None, digits: int = 1) -> str:
        """A fraction as a percentage: ``0.864`` → ``"86.4 %"`` (en) / ``"86.4%"`` (zh-CN)."""
        if _missing(fraction):
            return DASH
        text = self.number(float(fraction) * 100, digits)
        return f"{text}%" if self.zh else f"{text} %"

    def points(self, delta: float | None, digits: int = 1) -> str:
        """A difference of rates in percentage points, signed: ``-3.6`` → ``"−3.6 pts"`` / ``"−3.6 个百分点"``.

        ``delta`` is already in points (multiply a difference of fractions by 100 first).
        """
        if _missing(delta):
            return DASH
        text = self._signed(self.number(delta, digits), delta)
        return f"{text} 个百分点" if self.zh else f"{text} pts"

    def duration(self, seconds: float | None) -> str:
        """Seconds as a human duration: ``312`` → ``"5 min 12 s"``, ``45`` → ``"45 s"``, ``3720`` → ``"1 h 02 min"``."""
        if _missing(seconds):
            return DASH
        s = float(seconds)
        sign = MINUS if s < 0 else ""
        s = abs(s)
        if round(s, 1) < 60:
            # Short waits (ASA around a 30 s target) need their decimal; longer ones do not.
            num = self.number(s, 0 if round(s, 1) == round(s) else 1)
            return sign + (f"{num}秒" if self.zh else f"{num} s")
        whole = int(round(s))
        h, rem = divmod(whole, 3600)
        m, sec = divmod(rem, 60)
        if h:
            return sign + (f"{h}小时{m:02d}分" if self.zh else f"{h} h {m:02d} min")
        if sec == 0:
            return sign + (f"{m}分钟" if self.zh else f"{m} min")
        return sign + (f"{m}分{sec}秒" if self.zh else f"{m} min {sec} s")

    def achievement(self, x: float | None) -> str:
        """An achievement ratio (actual ÷ target or its inverse) as a percentage: ``0.6667`` → ``"66.7 %"``."""
        return self.percent(x, 1)

    # -- KPI values --------------------------------------------------------------
    def kpi_value(self, kpi_id: str, value: float | None, unit: str) -> str:
        """A KPI value in its unit: rate ``0.864`` → ``"86.4 %"``, seconds ``31.2`` → ``"31.2 s"``,
        score (``csat_mean``) ``4.3`` → ``"4.30"``, points (``nps``) ``-12`` → ``"−12.0"``, count → ``"12,345"``.
        """
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r} for {kpi_id}: use one of {', '.join(UNITS)}")
        if _missing(value):
            return DASH
        if unit == "count":
            return self.number(value, 0)
        if unit == "rate":
            return self.percent(value, 1)
        if unit == "seconds":
            return self.duration(value)
        if unit == "score":
            return self.number(value, _SCORE_DIGITS.get(kpi_id, 2))
        return self.number(value, 1)  # points (NPS)

    def signed_change(self, delta: float | None, unit: str, kpi_id: str = "") -> str:
        """A change or gap in the KPI's unit, always signed: rate ``-0.036`` → ``"−3.6 pts"``,
        seconds ``15`` → ``"+15 s"``, score ``0.12`` → ``"+0.12"``, points ``-5`` → ``"−5.0"``, count ``120`` → ``"+120"``.
        """
        if _missing(delta):
            return DASH
        if unit == "rate":
            text = self.points(float(delta) * 100)
        elif unit == "seconds":
            text = (MINUS if delta < 0 else "+") + self.duration(abs(float(delta)))
        else:
            text = (MINUS if delta < 0 else "+") + self.kpi_value(kpi_id, abs(float(delta)), unit)
        # A change that rounds to zero has no direction to show ("−0.0 pts" reads as a fall).
        if not any(ch in "123456789" for ch in text):
            return text.lstrip("+" + MINUS)
        return text

    def relative_change(self, ratio: float | None, digits: int = 1) -> str:
        """A relative change (``0.052`` = +5.2 %), signed: ``"+5.2 %"`` / ``"+5.2%"``."""
        if _missing(ratio):
            return DASH
        return self._signed(self.percent(abs(float(ratio)), digits), ratio, force=True)

    # -- dates -----------------------------------------------------------------
    def date(self, d: _date | None) -> str:
        """A calendar date: ``"14 October 2026"`` (en) / ``"2026年10月14日"`` (zh-CN)."""
        if d is None:
            return DASH
        from babel.dates import format_date

        return format_date(d, "d MMMM y" if not self.zh else "y年M月d日", locale=self._babel)

    def datetime(self, dt: _datetime | None) -> str:
        """A timestamp in the report's time zone, ISO-like in both locales: ``"2026-11-02 09:30 (Asia/Shanghai)"``."""
        if dt is None:
            return DASH
        from zoneinfo import ZoneInfo

        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=ZoneInfo(self.tz))
        local = dt.astimezone(ZoneInfo(self.tz))
        return f"{local:%Y-%m-%d %H:%M} ({self.tz})"

    def month(self, period_label: str) -> str:
        """A month period ``"2026-10"`` → ``"October 2026"`` / ``"2026年10月"``."""
        try:
            year, mon = (int(p) for p in period_label.split("-"))
            d = _date(year, mon, 1)
        except ValueError as exc:
            raise CxtkError(f"bad month period {period_label!r}: expected YYYY-MM, e.g. 2026-10") from exc
        if self.zh:
            return f"{year}年{mon}月"
        from babel.dates import format_date

        return format_date(d, "LLLL y", locale=self._babel)

    def period(self, label: str) -> str:
        """Any period label: month → ``month()``, ``"2026-Q3"`` → ``"Q3 2026"`` / ``"2026年第3季度"``; others unchanged."""
        parts = label.split("-")
        if len(parts) == 2 and parts[1].isdigit() and len(parts[1]) == 2:
            return self.month(label)
        if len(parts) == 2 and parts[1].upper().startswith("Q") and parts[1][1:].isdigit():
            q = int(parts[1][1:])
            return f"{parts[0]}年第{q}季度" if self.zh else f"Q{q} {parts[0]}"
        return label

    # -- helpers -----------------------------------------------------------------
    @staticmethod
    def _minus(text: str) -> str:
        return text.replace("-", MINUS) if text.startswith("-") else text

    @staticmethod
    def _signed(text: str, value: float, force: bool = True) -> str:
        if value < 0 and not text.startswith(MINUS):
            return MINUS + text
        if value > 0 and force and not text.startswith("+"):
            return "+" + text
        return text
