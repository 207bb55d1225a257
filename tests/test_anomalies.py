"""Anomalies: median ± 3.5 × MAD of the trailing 28 days (same kind of day), outages left out, special
reviews, data checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from toolkit.analysis.anomalies import find_anomalies, flag
from toolkit.core.config import Config
from toolkit.core.periods import parse_period
from toolkit.kpis.frames import frame_of

OCT = parse_period("2026-10")


def _day_calls(day: date, n: int, *, complaints: int = 0, hour: int = 14, prefix: str = "c", abandoned=False):
    rows = []
    for i in range(n):
        t = datetime(day.year, day.month, day.day, hour, i % 60)
        rows.append(
            {
                "interaction_id": f"{prefix}{day:%m%d}-{hour}-{i}",
                "channel": "phone",
                "team": "A",
                "topic": "账单" if i < complaints else "物流",
                "arrived_at": t.isoformat(" "),
                "answered_at": None if abandoned else (t + timedelta(seconds=10)).isoformat(" "),
                "ended_at": (t + timedelta(seconds=300)).isoformat(" "),
                "wait_s": 300.0 if abandoned else 10.0,
                "talk_s": None if abandoned else 200.0,
                "complaint": i < complaints,
            }
        )
    return rows


def test_flag_rule_by_hand():
    # 28 baseline days valued 4, 5, 6, 4, 5, 6, … → median 5, |x − 5| = 1, 0, 1 … → MAD 1.
    # Band 5 ± 3.5 = [1.5, 8.5]: 8 is inside, 9 is outside (high), 1 is outside (low).
    start = datetime(2026, 9, 1)
    vals = [4.0, 5.0, 6.0] * 9 + [5.0]
    pts = pl.DataFrame({"t": [start + timedelta(days=i) for i in range(31)], "asa_s": vals + [8.0, 9.0, 1.0]})
    f = flag(pts).filter(pl.col("t") >= start + timedelta(days=28))
    assert f["median"].to_list() == [5.0, 5.0, 5.0]
    assert f["mad"].to_list() == [1.0, 1.0, 1.0]
    assert f["anomaly"].to_list() == [False, True, True]
    assert f["side"].to_list() == [None, "high", "low"] or f["side"].to_list()[1:] == ["high", "low"]
    # the first days have too short a baseline: no judgement rather than a false alarm
    assert flag(pts)["anomaly"][0] is None
    # a count is never read as steadier than chance: its MAD is at least a Poisson count's,
    # 0.6745 × √5 = 1.508, so the band is 5 ± 5.28 and 9 or 1 contacts are ordinary
    counts = flag(pts.rename({"asa_s": "volume"})).filter(pl.col("t") >= start + timedelta(days=28))
    assert counts["mad"].to_list() == pytest.approx([0.6745 * 5 ** 0.5] * 3)
    assert counts["anomaly"].to_list() == [False, False, False]


def test_weekends_are_judged_against_weekends():
    """A centre that is quiet at weekends: 100 contacts every weekday, 30 on Saturdays and Sundays
    (September and October 2026). Against all 28 trailing days every weekend day would be "low";
    against the weekend days alone it is ordinary. Sunday 25 Oct with 60 contacts is twice the
    weekend norm (median 30, MAD 0 → 1 for counts, band 26.5–33.5): high."""
    start = datetime(2026, 9, 1)
    days = [start + timedelta(days=i) for i in range(61)]
    vols = [30.0 if d.weekday() >= 5 else 100.0 for d in days]
    vols[days.index(datetime(2026, 10, 25))] = 60.0
    f = flag(pl.DataFrame({"t": days, "volume": vols})).filter(pl.col("t") >= datetime(2026, 10, 1))
    hits = f.filter(pl.col("anomaly"))
    assert hits["t"].to_list() == [datetime(2026, 10, 25)] and hits["side"].to_list() == ["high"]
    sat = f.filter(pl.col("t") == datetime(2026, 10, 24)).row(0, named=True)
    assert (sat["median"], sat["n_baseline"], sat["anomaly"]) == (30.0, 8, False)
    mon = f.filter(pl.col("t") == datetime(2026, 10, 26)).row(0, named=True)
    assert (mon["median"], mon["n_baseline"], mon["anomaly"]) == (100.0, 20, False)


def test_planted_spike_and_outage():
    # 5 Sep – 31 Oct: 4/5/6 calls a day at 14:00 (1 complaint on every third day), so the daily median is 5, MAD 1.
    # Planted: 20 Oct has 20 calls of which 12 complaints (spike in volume and complaints);
    # 12 Oct has 30 extra calls abandoned inside the outage 09:00–11:30: left out, so 12 Oct is ordinary.
    rows = []
    day = date(2026, 9, 5)
    while day <= date(2026, 10, 31):
        k = (day - date(2026, 9, 5)).days
        if day == date(2026, 10, 20):
            rows += _day_calls(day, 20, complaints=12)
        else:
            rows += _day_calls(day, 4 + k % 3, complaints=1 if k % 3 == 0 else 0)
        day += timedelta(days=1)
    rows += _day_calls(date(2026, 10, 12), 30, hour=9, prefix="o", abandoned=True)
    cfg = Config(
        outages=[{"start": "2026-10-12 09:00", "end": "2026-10-12 11:30", "reason": "ACD failure"}],
        targets={"abandon_rate": {"target": 0.05, "weight": 1}, "asa_s": {"target": 30, "weight": 1}},
    )
    r = find_anomalies({"interactions": frame_of("interactions", rows)}, OCT, config=cfg)
    daily = r.anomalies.filter(pl.col("grain") == "day")
    hits = {(row["t"].date(), row["metric"]) for row in daily.to_dicts()}
    assert (date(2026, 10, 20), "volume") in hits
    assert (date(2026, 10, 20), "complaints") in hits
    assert not any(d == date(2026, 10, 12) for d, _ in hits)  # the outage is not an anomaly
    assert all(d == date(2026, 10, 20) for d, _ in hits)
    assert r.outages == [
        {"start": "2026-10-12T09:00:00", "end": "2026-10-12T11:30:00", "reason": "ACD failure", "contacts_excluded": 30}
    ]
    [review] = r.special_reviews
    assert review["start"] == review["end"] == "2026-10-20"
    assert review["complaints"] == 12 and review["top_topic"] == "账单"
    # every call was answered in 10 s outside the outage: ASA 10 s meets 30 s, abandonment 0 meets 5 %
    assert r.data_checks == []
    out = r.to_dict()
    assert out["special_reviews"][0]["complaints"] == 12 and "2026-10-20" in out["anomalies"][0]["t"]


def test_data_check_line_when_a_target_is_missed_by_half():
    # ASA 50 s against a target of 30 s: 50 ≥ 1.5 × 30 = 45 → a data-check line.
    rows = [
        {"interaction_id": str(i), "channel": "phone", "arrived_at": "2026-10-05 10:00",
         "answered_at": "2026-10-05 10:01", "wait_s": 50.0, "talk_s": 100.0}
        for i in range(3)
    ]
    cfg = Config(targets={"asa_s": {"target": 30, "weight": 1}})
    r = find_anomalies({"interactions": frame_of("interactions", rows)}, OCT, config=cfg)
    assert len(r.data_checks) == 1 and r.data_checks[0].startswith("verify: asa_s is 50")
    assert "outage" in r.data_checks[0]


def test_cli_anomalies(cli, tmp_path, monkeypatch):
    import json

    from toolkit.core.config import load_config
    from toolkit.ingest.pipeline import ingest_files

    rows = []
    day = date(2026, 9, 5)
    while day <= date(2026, 10, 31):
        k = (day - date(2026, 9, 5)).days
        rows += _day_calls(day, 20, complaints=12) if day == date(2026, 10, 20) else _day_calls(day, 4 + k % 3)
        day += timedelta(days=1)
    (tmp_path / "cxtk.yaml").write_text(
        'outages:\n  - {start: "2026-10-12 09:00", end: "2026-10-12 11:30", reason: "ACD failure"}\n', encoding="utf-8"
    )
    csv = tmp_path / "calls.csv"
    frame_of("interactions", rows).collect().drop("source").write_csv(csv)
    ingest_files(load_config(tmp_path / "cxtk.yaml"), "interactions", [csv])
    monkeypatch.chdir(tmp_path)
    r = cli("anomalies", "--period", "2026-10", "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["special_reviews"][0]["start"] == "2026-10-20"
    assert out["outages"][0]["reason"] == "ACD failure"
    r = cli("anomalies", "--period", "2026-10")
    assert r.code == 0 and "special review" in r.out and "outage excluded" in r.out and "2026-10-20" in r.out


def test_an_hour_with_few_calls_has_no_wait_or_abandonment_to_judge():
    from toolkit.analysis.anomalies import MIN_HOURLY_BASE, series

    rows = _day_calls(date(2026, 10, 5), 5, hour=8) + _day_calls(date(2026, 10, 5), MIN_HOURLY_BASE, hour=9)
    lo, hi = datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 10, 6, tzinfo=UTC)
    by_hour = series(frame_of("interactions", rows), lo, hi, config=Config(), grain="hour")
    assert by_hour.select(pl.col("t").dt.hour(), "volume", "asa_s", "abandon_rate").rows() == [
        (8, 5.0, None, None),  # 5 calls: too few to say anything about their wait
        (9, 20.0, 10.0, 0.0),
    ]
    # a day is judged whatever its size
    by_day = series(frame_of("interactions", rows[:5]), lo, hi, config=Config())
    assert by_day["asa_s"].to_list() == [10.0]
