"""Follow-up list and followup_24h_rate: the 24-hour boundary, complaints, detractors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from toolkit.survey.followups import followups

TZ = "Asia/Shanghai"
SH = ZoneInfo(TZ)
TS = pl.Datetime("us", TZ)


@dataclass
class Defs:
    low_score_max: int = 2
    followup_on_detractors: bool = False
    followup_hours: int = 24
    csat_satisfied_min: int = 4
    min_sample: int = 30


def t(day: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(2026, 10, day, hh, mm, ss, tzinfo=SH)


SURVEY_SCHEMA = {
    "response_id": pl.String,
    "interaction_id": pl.String,
    "customer_id": pl.String,
    "agent_id": pl.String,
    "team": pl.String,
    "channel": pl.String,
    "queue": pl.String,
    "survey": pl.String,
    "sent_at": TS,
    "responded_at": TS,
    "followed_up_at": TS,
    "csat": pl.Int8,
    "nps": pl.Int8,
    "ces": pl.Int8,
    "comment": pl.String,
    "source": pl.String,
}


def surveys(rows: list[dict]) -> pl.LazyFrame:
    full = [{k: r.get(k) for k in SURVEY_SCHEMA} for r in rows]
    return pl.LazyFrame(full, schema=SURVEY_SCHEMA)


def interactions(rows: list[dict]) -> pl.LazyFrame:
    schema = {
        "interaction_id": pl.String,
        "customer_id": pl.String,
        "agent_id": pl.String,
        "team": pl.String,
        "channel": pl.String,
        "arrived_at": TS,
        "complaint": pl.Boolean,
    }
    return pl.LazyFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema)


BASE = t(10, 10)  # responded 2026-10-10 10:00 → due 2026-10-11 10:00


def test_24_hour_boundary():
    sv = surveys(
        [
            {
                "response_id": "a",
                "csat": 1,
                "responded_at": BASE,
                "followed_up_at": t(11, 9, 59, 59),
            },  # 23:59:59
            {
                "response_id": "b",
                "csat": 2,
                "responded_at": BASE,
                "followed_up_at": t(11, 10),
            },  # 24:00:00 exactly
            {
                "response_id": "c",
                "csat": 2,
                "responded_at": BASE,
                "followed_up_at": t(11, 10, 0, 1),
            },  # 24:00:01
            {"response_id": "d", "csat": 3, "responded_at": BASE},  # not low: csat 3 > 2
        ]
    )
    out = followups(
        sv, None, Defs(), now=t(20), period_start=date(2026, 10, 1), period_end=date(2026, 10, 31)
    )
    by_id = {r["response_id"]: r for r in out.to_dicts()}
    assert set(by_id) == {"a", "b", "c"}
    assert by_id["a"]["status"] == "done in time"
    assert by_id["b"]["status"] == "done in time"
    assert by_id["c"]["status"] == "done late"
    assert by_id["a"]["due_at"] == t(11, 10)
    assert by_id["a"]["reason"] == "low CSAT 1"
    assert by_id["c"]["reason"] == "low CSAT 2"
    assert out["status"].to_list() == ["done late", "done in time", "done in time"]  # urgency first


def test_open_versus_overdue_by_now():
    sv = surveys([{"response_id": "x", "csat": 1, "responded_at": BASE}])
    args = {"period_start": date(2026, 10, 1), "period_end": date(2026, 10, 31)}
    assert followups(sv, None, Defs(), now=t(11, 9, 59, 59), **args)["status"].to_list() == ["open"]
    assert followups(sv, None, Defs(), now=t(11, 10), **args)["status"].to_list() == ["overdue"]
    # A now in another time zone is the same instant: 02:00 UTC = 10:00 Shanghai.
    utc_now = datetime(2026, 10, 11, 2, 0, tzinfo=ZoneInfo("UTC"))
    assert followups(sv, None, Defs(), now=utc_now, **args)["status"].to_list() == ["overdue"]


def test_period_filter_date_end_is_inclusive():
    sv = surveys(
        [
            {
                "response_id": "sep",
                "csat": 1,
                "responded_at": t(1) - (t(2) - t(1)) / 24 / 3600,
            },  # 09-30 23:59:59
            {"response_id": "first", "csat": 1, "responded_at": t(1)},
            {"response_id": "last", "csat": 1, "responded_at": t(31, 23, 59, 59)},
            {"response_id": "invited", "csat": None, "responded_at": None, "sent_at": t(5)},
        ]
    )
    out = followups(sv, None, Defs(), now=t(5), period_start=date(2026, 10, 1), period_end=date(2026, 10, 31))
    assert sorted(out["response_id"].to_list()) == ["first", "last"]


def test_complaint_with_and_without_survey_and_fill_from_contact():
    ix = interactions(
        [
            # complaint, no survey: clock from arrived_at, no follow-up recorded → overdue
            {
                "interaction_id": "i1",
                "customer_id": "c1",
                "agent_id": "A7",
                "team": "T1",
                "channel": "phone",
                "arrived_at": t(3, 9),
                "complaint": True,
            },
            # complaint with a (happy) survey that records the call-back 20 h later → done in time
            {
                "interaction_id": "i2",
                "customer_id": "c2",
                "agent_id": "A8",
                "team": "T2",
                "channel": "chat",
                "arrived_at": t(4, 12),
                "complaint": True,
            },
            # low-score survey without agent/team on the survey row: taken from here
            {
                "interaction_id": "i3",
                "customer_id": "c3",
                "agent_id": "A9",
                "team": "T3",
                "channel": "email",
                "arrived_at": t(5, 8),
                "complaint": False,
            },
            # complaint outside the period
            {"interaction_id": "i4", "arrived_at": datetime(2026, 11, 2, tzinfo=SH), "complaint": True},
        ]
    )
    sv = surveys(
        [
            {
                "response_id": "r2",
                "interaction_id": "i2",
                "csat": 5,
                "responded_at": t(4, 13),
                "followed_up_at": t(5, 8),
                "comment": "ok",
            },
            {
                "response_id": "r3",
                "interaction_id": "i3",
                "csat": 1,
                "responded_at": t(5, 9),
                "comment": "call me 13812345678",
            },
        ]
    )
    out = followups(sv, ix, Defs(), now=t(20), period_start=date(2026, 10, 1), period_end=date(2026, 10, 31))
    rows = {(r["reason"], r["interaction_id"]): r for r in out.to_dicts()}
    assert set(rows) == {("complaint", "i1"), ("complaint", "i2"), ("low CSAT 1", "i3")}
    c1 = rows[("complaint", "i1")]
    assert c1["response_id"] is None and c1["customer_id"] == "c1" and c1["team"] == "T1"
    assert c1["responded_at"] == t(3, 9) and c1["due_at"] == t(4, 9) and c1["status"] == "overdue"
    assert rows[("complaint", "i2")]["status"] == "done in time"  # 12:00 → follow-up next day 08:00
    r3 = rows[("low CSAT 1", "i3")]
    assert (r3["agent_id"], r3["team"], r3["channel"]) == ("A9", "T3", "email")
    assert r3["comment"] == "call me 138****5678"
    assert r3["status"] == "overdue"
    # Overdue first, then by due_at: i1 (due 04 09:00), i3 (due 06 09:00); then done.
    assert out["interaction_id"].to_list() == ["i1", "i3", "i2"]
    unmasked = followups(sv, ix, Defs(), t(20), date(2026, 10, 1), date(2026, 10, 31), mask=False)
    assert "call me 13812345678" in unmasked["comment"].to_list()


def test_detractors_only_when_configured():
    sv = surveys(
        [
            {"response_id": "d", "csat": 4, "nps": 3, "responded_at": BASE},
            {"response_id": "both", "csat": 1, "nps": 6, "responded_at": BASE},
            {"response_id": "passive", "csat": 4, "nps": 7, "responded_at": BASE},
        ]
    )
    args = {"now": t(10, 11), "period_start": date(2026, 10, 1), "period_end": date(2026, 10, 31)}
    off = followups(sv, None, Defs(), **args)
    assert off["response_id"].to_list() == ["both"]
    assert off["reason"].to_list() == ["low CSAT 1"]
    on = followups(sv, None, Defs(followup_on_detractors=True), **args)
    assert dict(zip(on["response_id"], on["reason"], strict=True)) == {
        "d": "detractor NPS 3",
        "both": "low CSAT 1; detractor NPS 6",
    }


def test_followup_hours_and_low_score_max_from_defs():
    sv = surveys([{"response_id": "a", "csat": 3, "responded_at": BASE, "followed_up_at": t(10, 14)}])
    out = followups(
        sv, None, Defs(low_score_max=3, followup_hours=4), t(20), date(2026, 10, 1), date(2026, 10, 31)
    )
    assert out["due_at"].to_list() == [t(10, 14)]
    assert out["status"].to_list() == ["done in time"]


def test_datetime_bounds_are_half_open():
    sv = surveys([{"response_id": "a", "csat": 1, "responded_at": t(10)}])
    assert followups(sv, None, Defs(), t(20), t(1), t(10)).height == 0
    assert followups(sv, None, Defs(), t(20), t(10), t(11)).height == 1


@pytest.mark.parametrize("mask", [True, False])
def test_empty_result_has_the_columns(mask):
    out = followups(surveys([]), None, Defs(), t(1), date(2026, 10, 1), date(2026, 10, 31), mask=mask)
    assert out.columns == [
        "response_id",
        "interaction_id",
        "customer_id",
        "reason",
        "responded_at",
        "due_at",
        "followed_up_at",
        "status",
        "agent_id",
        "team",
        "channel",
        "comment",
    ]
    assert out.height == 0


def test_a_contact_stored_twice_is_judged_by_its_first_row():
    """Two sources can store the same interaction_id; as for the survey link, the first row
    stands: X is not a complaint (its first row says no), Y is (its first row says yes)."""
    ix = interactions([
        {"interaction_id": "X", "team": "t1", "arrived_at": t(2), "complaint": False},
        {"interaction_id": "X", "team": "t2", "arrived_at": t(2, 1), "complaint": True},
        {"interaction_id": "Y", "team": "t3", "arrived_at": t(3), "complaint": True},
        {"interaction_id": "Y", "team": "t4", "arrived_at": t(3, 1), "complaint": False},
    ])  # fmt: skip
    out = followups(surveys([]), ix, Defs(), t(20), date(2026, 10, 1), date(2026, 10, 31))
    assert out.select("interaction_id", "team").rows() == [("Y", "t3")]
