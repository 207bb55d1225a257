"""Targets, achievement, composite score, ranking; property tests of the invariants."""

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.core.config import Config
from toolkit.core.periods import parse_period
from toolkit.kpis.compute import compute_kpis
from toolkit.kpis.frames import frame_of
from toolkit.kpis.registry import REGISTRY
from toolkit.kpis.result import Group, KpiValue
from toolkit.kpis.scoring import achievement, composite, rank, score_groups

OCT = parse_period("2026-10")


def test_achievement_examples_of_the_spec():
    assert achievement(45, 30, "down", 1.0) == pytest.approx(0.6667, abs=1e-4)  # ASA target 30 s, actual 45 s
    assert achievement(0.72, 0.85, "up", 1.0) == pytest.approx(0.8471, abs=1e-4)  # FCR target 85 %, actual 72 %
    assert achievement(0, 30, "down", 1.2) == 1.2  # nothing to wait for: met, at the cap


def test_targets_met_gap_and_composite_with_missing_kpi_and_cap():
    cfg = Config(targets={"asa_s": {"target": 30, "weight": 15}, "fcr_rate": {"target": 0.85, "weight": 25},
                          "csat_mean": {"target": 4.5, "weight": 15}, "aht_s": {"target": 300, "weight": 20}})
    g = Group(keys={}, kpis={"asa_s": KpiValue(45.0, 100), "fcr_rate": KpiValue(0.72, 100),
                             "csat_mean": KpiValue(None, 0), "aht_s": KpiValue(150.0, 100)})
    score_groups([g], cfg, ())
    asa, fcr = g.kpis["asa_s"], g.kpis["fcr_rate"]
    assert (asa.met, asa.gap) == (False, 15.0)
    assert fcr.met is False and fcr.gap == pytest.approx(-0.13)
    assert g.kpis["aht_s"].achievement == 2.0 and g.kpis["aht_s"].met
    # csat_mean has no value: dropped, weights renormalised over 15 + 25 + 20 = 60;
    # AHT's 2.0 counts as the cap 1.0: (15 × 0.6667 + 25 × 0.8471 + 20 × 1) / 60 × 100 = 51.18 / 60 × 100 = 85.29
    assert g.dropped == ["csat_mean"]
    assert g.score == pytest.approx((15 * 30 / 45 + 25 * 0.72 / 0.85 + 20) / 60 * 100)
    assert g.score == pytest.approx(85.29, abs=0.01)


def test_composite_without_weights_is_none():
    assert composite({"asa_s": KpiValue(10.0, 5)}, 1.0) == (None, [])


def test_ranking_leaves_small_samples_unranked_and_flags_top_and_bottom():
    groups = [Group(keys={"agent_id": a}, kpis={}, n=n, score=s)
              for a, n, s in [("a", 100, 90), ("b", 50, 80), ("c", 10, 95), ("d", 40, 60), ("e", 35, 50),
                              ("f", 30, 80)]]
    rank(groups, min_sample=30, reward_share=0.2)
    ranks = {g.keys["agent_id"]: g.rank for g in groups}
    # c has the best score but only 10 contacts: listed, not ranked; b and f tie at 80 → both rank 2
    assert ranks == {"a": 1, "b": 2, "f": 2, "c": None, "d": 4, "e": 5}
    flags = {g.keys["agent_id"]: g.flags for g in groups}
    # 5 ranked: top floor(0.2 × 5) = 1; bottom 3 of the ranked
    assert flags["a"] == ["top"] and flags["c"] == ["small_sample"]
    assert sorted(k for k, f in flags.items() if "bottom" in f) == ["d", "e", "f"]


def test_team_target_override_when_grouped_by_team():
    rows = [dict(interaction_id=str(i), channel="phone", team=t, arrived_at="2026-10-01 09:00",
                 answered_at="2026-10-01 09:00:35", wait_s=35.0) for i, t in enumerate("AB")]
    cfg = Config(targets={"asa_s": {"target": 30, "weight": 15}}, team_targets={"B": {"asa_s": {"target": 40}}})
    r = compute_kpis({"interactions": frame_of("interactions", rows)}, OCT, by=["team"], kpis=["asa_s"], config=cfg)
    a, b = r.group(team="A").kpis["asa_s"], r.group(team="B").kpis["asa_s"]
    assert (a.target, a.met, b.target, b.met) == (30, False, 40, True)
    assert b.weight == 15  # the override keeps the centre's weight
    assert a.achievement == pytest.approx(30 / 35) and b.achievement == pytest.approx(40 / 35)
    # both teams have 1 contact < min_sample: scored, not ranked
    assert r.group(team="A").rank is None and r.group(team="A").score == pytest.approx(100 * 30 / 35)


# --- properties ---------------------------------------------------------------------------

START = datetime(2026, 10, 1)
row = st.fixed_dictionaries({
    "channel": st.sampled_from(["phone", "chat", "email", "ticket", "ivr"]),
    "team": st.sampled_from(["A", "B", None]),
    "minute": st.integers(0, 31 * 24 * 60 - 1),
    "wait": st.one_of(st.none(), st.floats(0, 120)),
    "answered": st.booleans(),
    "talk": st.one_of(st.none(), st.floats(0, 900)),
    "complaint": st.booleans(),
    "resolved": st.one_of(st.none(), st.booleans()),
    "customer": st.sampled_from(["c1", "c2", "c3", None]),
    "csat": st.one_of(st.none(), st.integers(1, 5)),
    "nps": st.one_of(st.none(), st.integers(0, 10)),
})


def frames(rows):
    ix, sv = [], []
    for i, r in enumerate(rows):
        at = START + timedelta(minutes=r["minute"])
        ix.append(dict(interaction_id=str(i), channel=r["channel"], team=r["team"], arrived_at=at.isoformat(),
                       answered_at=(at + timedelta(seconds=r["wait"] or 0)).isoformat() if r["answered"] else None,
                       wait_s=r["wait"], talk_s=r["talk"], complaint=r["complaint"], resolved=r["resolved"],
                       customer_id=r["customer"], contained=r["channel"] == "ivr" and r["answered"]))
        sv.append(dict(response_id=str(i), team=r["team"], sent_at=at.isoformat(),
                       responded_at=at.isoformat() if r["csat"] or r["nps"] is not None else None,
                       csat=r["csat"], nps=r["nps"]))
    return {"interactions": frame_of("interactions", ix), "surveys": frame_of("surveys", sv)}


TARGETS = Config(targets={"asa_s": {"target": 30, "weight": 1}, "answer_rate": {"target": 0.8, "weight": 1},
                          "csat": {"target": 0.9, "weight": 1}, "nps": {"target": 20, "weight": 1},
                          "complaint_rate": {"target": 0.1, "weight": 1}})
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(row, min_size=1, max_size=40))
def test_invariants(rows):
    r = compute_kpis(frames(rows), OCT, by=["team"], config=TARGETS)
    total = compute_kpis(frames(rows), OCT, config=TARGETS)
    for g in r.groups + total.groups:
        for k, v in g.kpis.items():
            unit = REGISTRY[k].unit
            if v.value is None:
                continue
            if unit == "rate" and k != "response_rate":
                assert 0 <= v.value <= 1, k
            if k == "nps":
                assert -100 <= v.value <= 100
            if v.achievement is not None:
                assert v.met == (v.achievement >= 1 - 1e-12), k
    for k in ("contacts", "offered", "answered", "abandoned", "surveys_sent", "responses"):
        assert sum(g.kpis[k].value for g in r.groups) == total.value(k), k


@FAST
@given(st.lists(row, min_size=1, max_size=40))
def test_adjacent_periods_add_up(rows):
    f = frames(rows)
    ids = ["contacts", "offered", "answered", "surveys_sent"]
    first = compute_kpis(f, parse_period("2026-10-01..2026-10-15"), kpis=ids, config=Config())
    second = compute_kpis(f, parse_period("2026-10-16..2026-10-31"), kpis=ids, config=Config())
    whole = compute_kpis(f, OCT, kpis=ids, config=Config())
    for k in ids:
        assert first.value(k) + second.value(k) == whole.value(k)
