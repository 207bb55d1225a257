"""Periods: parsing every accepted form, neighbours, bad text."""

from datetime import date

import pytest

from toolkit.core.errors import CxtkError
from toolkit.core.periods import parse_period


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31), "month"),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), "month"),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29), "month"),  # leap year
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "quarter"),
        ("2026-q4", date(2026, 10, 1), date(2026, 12, 31), "quarter"),
        # ISO week 41 of 2026: Monday 5 October .. Sunday 11 October
        ("2026-W41", date(2026, 10, 5), date(2026, 10, 11), "week"),
        # ISO week 1 of 2026 starts on Monday 29 December 2025
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 4), "week"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("2026-10-01..2026-10-15", date(2026, 10, 1), date(2026, 10, 15), "range"),
    ],
)
def test_parse(text, start, end, kind):
    p = parse_period(text)
    assert (p.start, p.end, p.kind) == (start, end, kind)


def test_labels_are_canonical():
    assert parse_period("2026-q3").label == "2026-Q3"
    assert parse_period(" 2026-10 ").to_dict() == {"label": "2026-10", "start": "2026-10-01", "end": "2026-10-31"}


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026-W54", "Oct 2026", "", "2026-10-15..2026-10-01", "26-10"])
def test_bad_text_lists_accepted_forms(text):
    with pytest.raises(CxtkError) as err:
        parse_period(text)
    assert "2026-Q3" in str(err.value) and "2026-W41" in str(err.value)


def test_previous_and_last_year():
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026-Q1").previous().label == "2025-Q4"
    assert parse_period("2026-W01").previous().label == "2025-W52"
    assert parse_period("2026").previous().label == "2025"
    # a 15-day range moves back by 15 days
    assert parse_period("2026-10-16..2026-10-30").previous().label == "2026-10-01..2026-10-15"
    assert parse_period("2026-10").same_last_year().label == "2025-10"
    assert parse_period("2026-Q3").same_last_year().label == "2025-Q3"
    assert parse_period("2026-W41").same_last_year().label == "2025-W41"
    # 2020 had 53 ISO weeks, 2019 had 52: week 53 falls back to the last one
    assert parse_period("2020-W53").same_last_year().label == "2019-W52"
    assert parse_period("2024-02-29..2024-02-29").same_last_year().label == "2023-02-28..2023-02-28"


def test_trailing():
    labels = [p.label for p in parse_period("2026-02").trailing(4)]
    assert labels == ["2025-11", "2025-12", "2026-01", "2026-02"]
    with pytest.raises(CxtkError):
        parse_period("2026-02").trailing(0)


def test_bounds_in_time_zone():
    lo, hi = parse_period("2026-10").bounds("Asia/Shanghai")
    assert lo.isoformat() == "2026-10-01T00:00:00+08:00"
    assert hi.isoformat() == "2026-11-01T00:00:00+08:00"
