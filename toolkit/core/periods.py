"""Reporting periods: ``2026-10``, ``2026-Q3``, ``2026-W41``, ``2026``, ``2026-10-01..2026-10-15``.

A period is a range of calendar days (inclusive). Its bounds apply in the
workspace time zone: the stored datetimes already are in it, so a period starts
at local midnight of ``start`` and ends before local midnight after ``end``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from toolkit.core.errors import CxtkError

Kind = Literal["month", "quarter", "week", "year", "range"]

ACCEPTED = (
    "2026-10 (month), 2026-Q3 (quarter), 2026-W41 (ISO week), 2026 (year), 2026-10-01..2026-10-15 (days)"
)

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_WEEK = re.compile(r"^(\d{4})-[Ww](\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """A labelled range of days, ``start`` and ``end`` both included."""

    label: str
    start: date
    end: date
    kind: Kind

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self, tz: str | None = None) -> tuple[datetime, datetime]:
        """``[start, end)`` as datetimes at local midnight in ``tz`` (naive when tz is None)."""
        tzinfo = None
        if tz:
            from zoneinfo import ZoneInfo

            tzinfo = ZoneInfo(tz)
        lo = datetime(self.start.year, self.start.month, self.start.day, tzinfo=tzinfo)
        hi_day = self.end + timedelta(days=1)
        hi = datetime(hi_day.year, hi_day.month, hi_day.day, tzinfo=tzinfo)
        return lo, hi

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` periods later (negative: earlier) of the same kind."""
        if self.kind == "month":
            return month(*_add_months(self.start.year, self.start.month, steps))
        if self.kind == "quarter":
            y, m = _add_months(self.start.year, self.start.month, 3 * steps)
            return quarter(y, (m - 1) // 3 + 1)
        if self.kind == "week":
            monday = self.start + timedelta(weeks=steps)
            iso = monday.isocalendar()
            return week(iso.year, iso.week)
        if self.kind == "year":
            return year(self.start.year + steps)
        # A day range moves by its own length, so it stays comparable.
        delta = timedelta(days=self.days * steps)
        return day_range(self.start + delta, self.end + delta)

    def previous(self) -> Period:
        """The period just before (for a day range: the same number of days before)."""
        return self.shifted(-1)

    def same_last_year(self) -> Period:
        """The same period one year earlier (ISO week number kept for weeks)."""
        if self.kind == "month":
            return month(self.start.year - 1, self.start.month)
        if self.kind == "quarter":
            return quarter(self.start.year - 1, (self.start.month - 1) // 3 + 1)
        if self.kind == "week":
            iso = self.start.isocalendar()
            wk = min(iso.week, date(iso.year - 1, 12, 28).isocalendar().week)
            return week(iso.year - 1, wk)
        if self.kind == "year":
            return year(self.start.year - 1)
        return day_range(_minus_year(self.start), _minus_year(self.end))

    def trailing(self, n: int) -> list[Period]:
        """The ``n`` periods ending with this one, oldest first."""
        if n < 1:
            raise CxtkError(f"trailing periods: n must be at least 1, got {n}")
        return [self.shifted(-k) for k in range(n - 1, -1, -1)]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def to_dict(self) -> dict[str, str]:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _minus_year(d: date) -> date:
    # 29 February has no twin in a common year: the 28th stands in.
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def month(y: int, m: int) -> Period:
    last = calendar.monthrange(y, m)[1]
    return Period(f"{y:04d}-{m:02d}", date(y, m, 1), date(y, m, last), "month")


def quarter(y: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    last_month = first + 2
    return Period(
        f"{y:04d}-Q{q}",
        date(y, first, 1),
        date(y, last_month, calendar.monthrange(y, last_month)[1]),
        "quarter",
    )


def week(y: int, w: int) -> Period:
    monday = date.fromisocalendar(y, w, 1)
    return Period(f"{y:04d}-W{w:02d}", monday, monday + timedelta(days=6), "week")


def year(y: int) -> Period:
    return Period(f"{y:04d}", date(y, 1, 1), date(y, 12, 31), "year")


def day_range(start: date, end: date) -> Period:
    return Period(f"{start.isoformat()}..{end.isoformat()}", start, end, "range")


def _day(text: str) -> date:
    """A YYYY-MM-DD day; a day that is not in the calendar names itself (Python says only "out of range")."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a day of the calendar") from None


FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2101, 1, 1)


def _parse_period(text: str) -> Period:
    raw = (text or "").strip()
    try:
        if m := _MONTH.match(raw):
            y, mo = int(m[1]), int(m[2])
            if not 1 <= mo <= 12:
                raise ValueError(f"month {mo} does not exist")
            return month(y, mo)
        if m := _QUARTER.match(raw):
            return quarter(int(m[1]), int(m[2]))
        if m := _WEEK.match(raw):
            y, w = int(m[1]), int(m[2])
            weeks = date(y, 12, 28).isocalendar()[1]  # 28 December is always in the year's last ISO week
            if not 1 <= w <= weeks:
                raise ValueError(f"week {w} does not exist ({y} has ISO weeks 1–{weeks})")
            return week(y, w)
        if m := _YEAR.match(raw):
            return year(int(m[1]))
        if m := _RANGE.match(raw):
            lo, hi = _day(m[1]), _day(m[2])
            if hi < lo:
                raise ValueError(f"it ends ({hi}) before it starts ({lo})")
            return day_range(lo, hi)
    except ValueError as exc:
        raise CxtkError(f"period '{text}': {exc}; accepted forms: {ACCEPTED}") from None
    raise CxtkError(f"period '{text}' is not understood; accepted forms: {ACCEPTED}")


def parse_period(text: str) -> Period:
    """Parse a period as written on the command line; a bad one raises CxtkError listing the forms.

    Periods lie within 1970–2100, the years the store accepts (year 9999 has no following day to
    end on: it raised OverflowError deep inside a command).
    """
    p = _parse_period(text)
    if p.start < FIRST_DAY or p.end >= LAST_DAY:
        raise CxtkError(f"period '{text}' is outside 1970–2100, the years cxtk reads")
    return p


def quarter_of(period_text: str) -> str:
    """The quarter of a period: ``"2026-Q3"`` stays, ``"2026-08"`` → ``"2026-Q3"``."""
    p = parse_period(period_text)
    if p.kind == "quarter":
        return p.label
    if p.kind == "month":
        return f"{p.start.year}-Q{(p.start.month - 1) // 3 + 1}"
    raise CxtkError(f"period '{period_text}': a quarterly report needs a quarter (2026-Q3) or a month (2026-08)")


def last_complete_quarter(period_text: str) -> str:
    """The quarter containing a month when the month closes it, else the quarter before: 2026-10 → 2026-Q3."""
    p = parse_period(period_text)
    if p.kind == "quarter":
        return p.label
    q = (p.end.month - 1) // 3 + 1
    if p.end.month % 3 == 0:
        return quarter(p.end.year, q).label
    return quarter(p.end.year, q).previous().label
