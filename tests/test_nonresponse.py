"""Non-response check on a planted frame: respondents waited less and were transferred less."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from toolkit.survey.nonresponse import nonresponse_check

SH = ZoneInfo("Asia/Shanghai")
TS = pl.Datetime("us", "Asia/Shanghai")
T = datetime(2026, 10, 5, 12, tzinfo=SH)

# (interaction_id, responded?, wait_s, handle_s, transfers, channel)
PLANTED = [
    ("r1", True, 10.0, 300.0, 0, "phone"),
    ("r2", True, 20.0, 310.0, 0, "phone"),
    ("r3", True, 30.0, 290.0, 0, "phone"),
    ("r4", True, 40.0, 300.0, 1, "phone"),
    ("r5", True, None, 300.0, 0, "phone"),  # no wait recorded: counts for the other metrics only
    ("n1", False, 30.0, 300.0, 1, "phone"),
    ("n2", False, 40.0, 300.0, 1, "phone"),
    ("n3", False, 50.0, 310.0, 0, "phone"),
    ("n4", False, 60.0, 290.0, 0, "chat"),
]


def _frames(rows=PLANTED):
    ix = pl.LazyFrame(
        {
            "interaction_id": [r[0] for r in rows] + ["r1"],  # a duplicate contact row is used once
            "wait_s": [r[2] for r in rows] + [999.0],
            "handle_s": [r[3] for r in rows] + [999.0],
            "transfers": [r[4] for r in rows] + [5],
            "channel": [r[5] for r in rows] + ["email"],
        },
        schema={
            "interaction_id": pl.String,
            "wait_s": pl.Float64,
            "handle_s": pl.Float64,
            "transfers": pl.Int32,
            "channel": pl.String,
        },
    )
    sv = pl.LazyFrame(
        {
            "response_id": [f"s{i}" for i in range(len(rows))] + ["x1", "x2"],
            "interaction_id": [r[0] for r in rows] + [None, "missing"],  # unlinked: ignored
            "responded_at": [T if r[1] else None for r in rows] + [T, None],
        },
        schema={"response_id": pl.String, "interaction_id": pl.String, "responded_at": TS},
    )
    return sv, ix


def test_planted_differences_are_found_and_explained():
    out = nonresponse_check(*_frames())
    assert out["metric"].to_list() == ["wait_s", "handle_s", "transfer_share", "phone_share"]
    rows = {r["metric"]: r for r in out.to_dicts()}

    # wait: respondents 10,20,30,40 → mean 25, var 500/3; non 30,40,50,60 → 45, var 500/3.
    # d = -20 / √(500/3) = -1.549 → warn; 20/45 = 44 % less.
    w = rows["wait_s"]
    assert (w["respondents"], w["non_respondents"], w["difference"]) == (25.0, 45.0, -20.0)
    assert w["std_difference"] == pytest.approx(-20 / math.sqrt(500 / 3))
    assert (w["n_respondents"], w["n_non_respondents"]) == (4, 4)
    assert w["warn"] is True
    assert (
        w["message_en"] == "Respondents waited 44 % less than non-respondents: satisfaction may be overstated"
    )
    assert w["message_zh"] == "作答客户的平均等待时长比未作答客户少 44%：满意度可能被高估"

    # handle: both means 300 → d = 0, no warning, no message.
    h = rows["handle_s"]
    assert h["difference"] == 0.0 and h["std_difference"] == 0.0
    assert h["warn"] is False and h["message_en"] is None and h["message_zh"] is None

    # transfers: respondents 1 of 5 = 0.2 (var 0.8/4 = 0.2); non 2 of 4 = 0.5 (var 1/3).
    # d = -0.3 / √((0.2 + 1/3)/2) = -0.581 → warn.
    t = rows["transfer_share"]
    assert t["respondents"] == pytest.approx(0.2) and t["non_respondents"] == pytest.approx(0.5)
    assert t["std_difference"] == pytest.approx(-0.3 / math.sqrt((0.2 + 1 / 3) / 2))
    assert t["message_en"] == (
        "20 % of respondents were transferred against 50 % of non-respondents: satisfaction may be overstated"
    )

    # phone: 5 of 5 vs 3 of 4: d = 0.25 / √((0 + 0.25)/2) = 0.707 → warn.
    p = rows["phone_share"]
    assert p["std_difference"] == pytest.approx(0.25 / math.sqrt(0.125))
    assert p["warn"] is True
    assert p["message_en"].startswith(
        "Phone contacts are 100 % of respondents against 75 % of non-respondents"
    )


def test_small_differences_do_not_warn():
    # Non-respondents wait 1 s more on average with a spread of ~13 s: d ≈ -0.08.
    rows = [(f"r{i}", True, w, 300.0, 0, "phone") for i, w in enumerate([10.0, 20.0, 30.0, 40.0])] + [
        (f"n{i}", False, w, 300.0, 0, "phone") for i, w in enumerate([11.0, 21.0, 31.0, 41.0])
    ]
    out = nonresponse_check(*_frames(rows))
    assert out.filter(pl.col("metric") == "wait_s")["std_difference"].item() == pytest.approx(
        -1 / math.sqrt(500 / 3)
    )
    assert out["warn"].to_list() == [False, False, False, False]


def test_longer_wait_reads_as_understated():
    rows = [
        ("r1", True, 60.0, 1, 0, "chat"),
        ("r2", True, 80.0, 1, 0, "chat"),
        ("n1", False, 30.0, 1, 0, "chat"),
        ("n2", False, 50.0, 1, 0, "chat"),
    ]
    out = nonresponse_check(*_frames(rows))
    # 70 vs 40: 75 % longer.
    assert (
        out["message_en"][0]
        == "Respondents waited 75 % longer than non-respondents: satisfaction may be understated"
    )


def test_only_responses_exported_gives_no_comparison():
    rows = [r for r in PLANTED if r[1]]
    out = nonresponse_check(*_frames(rows))
    assert out["non_respondents"].to_list() == [None] * 4
    assert out["n_non_respondents"].to_list() == [0] * 4
    assert out["warn"].to_list() == [False] * 4
    assert out["std_difference"].null_count() == 4


def test_a_responses_only_source_is_left_out():
    """Ratings carried on a ticket export have no non-respondents: they must not pass for respondents."""
    sv, ix = _frames()
    sv = sv.with_columns(source=pl.lit("surveys"))
    # 3 ticket responses that waited hours: kept, they would swing respondents' mean wait
    tickets_ix = pl.LazyFrame(
        {"interaction_id": ["t1", "t2", "t3"], "wait_s": [9000.0] * 3, "handle_s": [300.0] * 3,
         "transfers": [0] * 3, "channel": ["ticket"] * 3},
        schema=ix.collect_schema(),
    )  # fmt: skip
    tickets_sv = pl.LazyFrame(
        {"response_id": ["y1", "y2", "y3"], "interaction_id": ["t1", "t2", "t3"], "responded_at": [T] * 3,
         "source": ["helpdesk"] * 3},
        schema=sv.collect_schema(),
    )  # fmt: skip
    with_tickets = nonresponse_check(pl.concat([sv, tickets_sv]), pl.concat([ix, tickets_ix]))
    alone = nonresponse_check(sv, ix)
    # identical to the check without the helpdesk rows: respondents' wait stays (10+20+30+40)/4 = 25 s
    # parallel sums may differ in the last bit: compare to floating-point tolerance
    from polars.testing import assert_frame_equal

    assert_frame_equal(with_tickets, alone, check_exact=False)
    assert with_tickets.filter(pl.col("metric") == "wait_s")["respondents"].item() == pytest.approx(25.0)
