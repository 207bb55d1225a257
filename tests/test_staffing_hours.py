"""Staffing by hour of day: Erlang C on observed weekday traffic against agents logged in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from toolkit.analysis.staffing_hours import staffing_by_hour, understaffed_hours, weekdays
from toolkit.core.config import Config
from toolkit.core.errors import CxtkError
from toolkit.core.periods import parse_period
from toolkit.kpis.frames import frame_of

WEEK = parse_period("2026-10-05..2026-10-11")  # Monday 5 … Sunday 11 October: 5 weekdays


def _calls(day: date, hour: int, n: int) -> list[dict]:
    return [
        {
            "interaction_id": f"{day:%d}-{hour}-{i}",
            "channel": "phone",
            "arrived_at": f"{day} {hour:02d}:{i % 60:02d}",
            "answered_at": f"{day} {hour:02d}:{i % 60:02d}",
            "wait_s": 5.0,
            "talk_s": 150.0,
            "acw_s": 30.0,
        }
        for i in range(n)
    ]


def _status(day: date, hour: int, agents: int) -> list[dict]:
    return [
        {"agent_id": f"a{k}", "date": str(day), "hour": hour, "logged_in_s": 3600.0} for k in range(agents)
    ]


def test_planted_peak_is_understaffed():
    # Weekdays: 10:00 gets 100 calls of 180 s → A = 100·180/3600 = 5 Erlangs. Erlang C at 80 % in 20 s:
    #   N = 7: Pw = 0.298, SL = 1 − 0.298·e^(−2·20/180) = 0.761 < 0.8;  N = 8: Pw = 0.167, SL = 0.880 → 8 agents.
    # 11:00 gets 20 calls → A = 1: N = 2: SL = 1 − (1/3)·e^(−20/180) = 0.70;  N = 3: SL = 0.927 → 3 agents.
    # 4 agents logged in each hour → 10:00 short by 4, 11:00 one spare. The Sunday's 300 calls are ignored.
    ix, st = [], []
    for k in range(5):
        day = date(2026, 10, 5) + timedelta(days=k)
        ix += _calls(day, 10, 100) + _calls(day, 11, 20)
        st += _status(day, 10, 4) + _status(day, 11, 4)
    ix += _calls(date(2026, 10, 11), 10, 300)
    frames = {"interactions": frame_of("interactions", ix), "agent-status": frame_of("agent-status", st)}
    f = staffing_by_hour(frames, WEEK, config=Config())
    rows = {r["hour"]: r for r in f.to_dicts()}
    assert set(rows) == {10, 11}
    assert rows[10]["volume"] == 100 and rows[10]["aht_s"] == 180
    assert rows[10]["agents_needed"] == 8 and rows[10]["agents_logged_in"] == 4
    assert rows[10]["shortfall"] == 4 and rows[10]["understaffed"] is True
    assert rows[11]["agents_needed"] == 3 and rows[11]["shortfall"] == -1 and rows[11]["understaffed"] is False
    assert understaffed_hours(f)["hour"].to_list() == [10]
    # a stricter target from cxtk.yaml needs more agents at 10:00 (90 % → 9)
    strict = Config(targets={"service_level": {"target": 0.9, "weight": 1}})
    assert staffing_by_hour(frames, WEEK, config=strict).filter(hour=10)["agents_needed"][0] == 9


def test_without_interval_rows_logged_in_is_unknown():
    frames = {"interactions": frame_of("interactions", _calls(date(2026, 10, 5), 10, 100))}
    f = staffing_by_hour(frames, WEEK, config=Config())
    assert f["volume"][0] == 20  # 100 calls over 5 weekdays
    assert f["agents_logged_in"][0] is None and f["understaffed"][0] is None


def test_weekdays_and_errors():
    assert weekdays(parse_period("2026-10")) == 22
    with pytest.raises(CxtkError, match="needs interactions"):
        staffing_by_hour({}, WEEK, config=Config())
