"""Drivers of a gap: contributions, mix/rate split, hours, example contacts (kpis.md "Drivers of a gap")."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.analysis.drivers import (
    contributions,
    example_contacts,
    gap_by_hour,
    gap_drivers,
    mix_rate,
    shift_share,
)
from toolkit.core.config import Config
from toolkit.core.periods import parse_period
from toolkit.kpis.frames import frame_of

OCT, SEP = parse_period("2026-10"), parse_period("2026-09")
CFG = Config(targets={"aht_s": {"target": 300, "weight": 1}, "asa_s": {"target": 30, "weight": 1}})


def _call(i, team, talk, month="10", hour=10, wait=10.0, **kw):
    return {
        "interaction_id": f"{month}-{team}-{i}",
        "channel": "phone",
        "team": team,
        "arrived_at": f"2026-{month}-05 {hour:02d}:00",
        "answered_at": f"2026-{month}-05 {hour:02d}:01",
        "wait_s": wait,
        "talk_s": float(talk),
        **kw,
    }


def test_aht_gap_decomposed_by_team_shares_sum_to_the_gap():
    # A: 2 calls of 300 s (on target), B: 6 calls of 350 s, C: 2 calls of 500 s. n = 10.
    # centre AHT = (600 + 2100 + 1000)/10 = 370 → gap +70 s.
    # contributions: A 0.2·0 = 0, B 0.6·50 = 30, C 0.2·200 = 40 → 70 = gap. Shares of the gap: C 4/7, B 3/7.
    rows = [_call(i, "A", 300) for i in range(2)] + [_call(i, "B", 350) for i in range(6)]
    rows += [_call(i, "C", 500) for i in range(2)]
    g = gap_drivers({"interactions": frame_of("interactions", rows)}, OCT, "aht_s", config=CFG)
    assert g.value == 370 and g.gap == 70 and g.met is False
    r = {row["team"]: row for row in g.rows.to_dicts()}
    assert r["C"]["contribution"] == pytest.approx(40) and r["B"]["contribution"] == pytest.approx(30)
    assert g.rows["contribution"].sum() == pytest.approx(g.gap)
    assert r["C"]["share_of_gap"] == pytest.approx(4 / 7) and r["B"]["share_of_gap"] == pytest.approx(3 / 7)
    assert g.rows["share_of_gap"].sum() == pytest.approx(1.0)
    assert g.rows["team"].to_list()[0] == "C"  # the biggest driver first


def test_an_offsetting_team_gets_a_negative_share_of_the_gap():
    # A: 5 calls of 200 s (−100 each), B: 5 calls of 500 s (+200): centre 350, gap +50.
    # contributions A 0.5·(−100) = −50, B 0.5·200 = +100; share_of_gap: B 2, A −1 (sum 1);
    # share_of_excess counts only the side of the gap: B 1.0, A 0.
    frame = pl.DataFrame({"key": ["A", "B"], "n": [5, 5], "value": [200.0, 500.0]})
    c = {r["key"]: r for r in contributions(frame, 300).to_dicts()}
    assert c["A"]["contribution"] == -50 and c["B"]["contribution"] == 100
    assert c["B"]["share_of_gap"] == pytest.approx(2.0) and c["A"]["share_of_gap"] == pytest.approx(-1.0)
    assert c["B"]["share_of_excess"] == 1.0 and c["A"]["share_of_excess"] == 0.0
    assert c["A"]["offsets"] is True and c["B"]["offsets"] is False


def test_mix_and_rate_on_two_teams():
    # Before: A 80 contacts at 0.9, B 20 at 0.5 → 0.72+0.10 = 0.82.
    # After:  A 50 at 0.9, B 50 at 0.6 → 0.45+0.30 = 0.75. Change −0.07.
    # mix = (0.5−0.8)·0.9 + (0.5−0.2)·0.5 = −0.27 + 0.15 = −0.12; rate = 0.5·0 + 0.5·0.1 = +0.05; −0.12 + 0.05 = −0.07.
    before = pl.DataFrame({"key": ["A", "B"], "n": [80, 20], "value": [0.9, 0.5]})
    after = pl.DataFrame({"key": ["A", "B"], "n": [50, 50], "value": [0.9, 0.6]})
    s = shift_share(before, after)
    assert s["mix"].sum() == pytest.approx(-0.12)
    assert s["rate"].sum() == pytest.approx(0.05)
    assert s["total"].sum() == pytest.approx(0.75 - 0.82)


def test_mix_rate_from_frames_with_a_new_team():
    # September: A 2 calls 300 s. October: A 2 calls 300 s, B 2 calls 500 s → AHT 300 → 400.
    # B is new: its rate before is taken as 500, so its whole effect is mix: 0.5·500 = 250, A: −0.5·300 = −150.
    rows = [_call(i, "A", 300, month=m) for m in ("09", "10") for i in range(2)]
    rows += [_call(i, "B", 500) for i in range(2)]
    m = mix_rate({"interactions": frame_of("interactions", rows)}, SEP, OCT, "aht_s", config=CFG)
    assert (m.before, m.after, m.change) == (300, 400, 100)
    assert m.mix_effect == pytest.approx(100) and m.rate_effect == pytest.approx(0)


def test_asa_gap_concentrates_in_the_peak_hour():
    # 10:00: 4 calls waiting 90 s; 11:00 and 14:00: 4 calls each waiting 10 s. Centre ASA = (360+80)/12 = 36.67,
    # gap 6.67; 10:00 contributes (4/12)·60 = 20, the other hours (4/12)·(−20) = −6.67 each.
    rows = [_call(f"{h}{i}", "A", 200, hour=h, wait=90.0 if h == 10 else 10.0) for h in (10, 11, 14) for i in range(4)]
    h = gap_by_hour({"interactions": frame_of("interactions", rows)}, OCT, "asa_s", config=CFG)
    top = h.row(0, named=True)
    assert top["hour"] == 10 and top["contribution"] == pytest.approx(20)
    assert top["share_of_excess"] == 1.0
    assert h["contribution"].sum() == pytest.approx(440 / 12 - 30)


def test_example_contacts_longest_waits_and_seeded_repeats():
    rows = [_call(i, "A", 200, wait=float(w)) for i, w in enumerate([5, 50, 120, 40, 31, 29])]
    ix = frame_of("interactions", rows)
    ex = example_contacts(ix, OCT, "asa_s", config=CFG, n=3)
    # failing = waits above the 30 s target: 120, 50, 40, 31 → the three longest
    assert ex["wait_s"].to_list() == [120.0, 50.0, 40.0]
    assert set(ex["reason"]) == {"waited longer than the target"}
    # FCR: customer U1 calls back within 7 days three times; U2 once only
    fcr_rows = [
        {**_call(k, "A", 200), "customer_id": "U1", "arrived_at": f"2026-10-0{k + 1} 10:00",
         "answered_at": f"2026-10-0{k + 1} 10:01"}
        for k in range(4)
    ] + [{**_call(9, "B", 200), "customer_id": "U2"}]
    fx = frame_of("interactions", fcr_rows)
    a = example_contacts(fx, OCT, "fcr_rate", config=CFG, n=2, seed=1)
    b = example_contacts(fx, OCT, "fcr_rate", config=CFG, n=2, seed=1)
    assert a.equals(b) and a.height == 2
    # the first three of U1 are followed by a repeat; the last one of U1 and U2's single call are not
    full = example_contacts(fx, OCT, "fcr_rate", config=CFG, n=20)
    assert sorted(full["interaction_id"]) == ["10-A-0", "10-A-1", "10-A-2"]


def test_fcr_examples_redo_exactly_when_next_contact_times_are_misaligned(monkeypatch):
    """Times that land on the wrong rows (as if the store were re-read in another order) are caught
    by the engine's alignment check; the examples are then drawn from the exact window."""
    from toolkit.kpis import prepare

    rows = [{**_call(k, "A", 200), "customer_id": f"U{k % 3}", "arrived_at": f"2026-10-{k + 1:02d} 10:00",
             "answered_at": f"2026-10-{k + 1:02d} 10:01"} for k in range(12)]
    expected = sorted(example_contacts(frame_of("interactions", rows), OCT, "fcr_rate", config=CFG, n=20)
                      ["interaction_id"])
    real = prepare.next_contact_times
    monkeypatch.setattr(prepare, "next_contact_times", lambda narrow, d: real(narrow, d).reverse())
    got = sorted(example_contacts(frame_of("interactions", rows), OCT, "fcr_rate", config=CFG, n=20)["interaction_id"])
    assert got == expected and len(expected) == 9  # each customer's last call in the window is not a repeat
