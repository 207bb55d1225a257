"""Erlang C staffing (kpis.md "Staffing (Erlang C)") and `cxtk staffing erlang` (cli.md)."""

from __future__ import annotations

import json
import math
import time

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.analysis.staffing import (
    ErlangResult,
    agents_needed,
    agents_needed_by_interval,
    asa,
    erlang_c,
    evaluate,
    positions,
    service_level,
)
from toolkit.core.errors import CxtkError, InputError


def erlang_c_by_recurrence(a: float, n: int) -> float:
    """Independent reference: Erlang B by its stable recurrence, then C = N·B / (N − A(1 − B))."""
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return n * b / (n - a * (1 - b))


# --------------------------------------------------------------------------- published check


def test_published_check_100_calls_per_30_min():
    # A = 100/1800 · 180 = 10 Erlangs. 13 agents: P(wait) 0.2853,
    # SL = 1 − 0.2853·e^(−3·20/180) = 1 − 0.2853·0.7165 = 0.7956 < 0.8, so 14 is the smallest N.
    # 14 agents: Σₖ₌₀¹³ 10ᵏ/k! = 19 041.10, 10¹⁴/14! · 14/4 = 4 014.76 → Pw = 4014.76/23055.86 = 0.1741
    # SL = 1 − 0.1741·e^(−4·20/180) = 0.8884; ASA = 0.1741·180/4 = 7.84 s; occupancy 10/14 = 0.7143
    # positions = ⌈14/0.7⌉ = 20 (14/0.7 is 20.000000000000004 in floating point: must not become 21)
    r = agents_needed(100, 1800, 180, target_sl=0.8, threshold_s=20, shrinkage=0.3)
    assert r.traffic_erlangs == pytest.approx(10.0)
    assert r.agents == 14
    assert round(r.p_wait, 4) == 0.1741
    assert round(r.service_level, 4) == 0.8884
    assert round(r.asa_s, 2) == 7.84
    assert round(r.occupancy, 4) == 0.7143
    assert r.positions == 20
    below = evaluate(100, 1800, 180, 13, threshold_s=20)
    assert round(below.p_wait, 4) == 0.2853
    assert round(below.service_level, 4) == 0.7956


def test_evaluate_gives_the_same_figures_for_14_agents():
    r = evaluate(100, 1800, 180, 14, threshold_s=20, shrinkage=0.3)
    assert r == agents_needed(100, 1800, 180, 0.8, 20, shrinkage=0.3)


def test_formulas_one_by_one():
    assert erlang_c(10, 14) == pytest.approx(erlang_c_by_recurrence(10, 14), rel=1e-12)
    assert service_level(10, 14, 180, 0) == pytest.approx(1 - erlang_c(10, 14))
    assert asa(10, 14, 180) == pytest.approx(erlang_c(10, 14) * 45)
    assert positions(14, 0.0) == 14
    assert positions(14, 0.25) == 19  # 18.67 → 19


# --------------------------------------------------------------------------- log space, big centres


@pytest.mark.parametrize(("a", "n"), [(0.5, 1), (2.0, 3), (50.0, 60), (500.0, 550), (3000.0, 3050)])
def test_log_space_matches_recurrence_without_overflow(a, n):
    # 500⁵⁵⁰ ≈ 10¹⁴⁸⁴ overflows a float; the log-space value must still be the true one
    got = erlang_c(a, n)
    assert 0 < got < 1
    assert got == pytest.approx(erlang_c_by_recurrence(a, n), rel=1e-9)


def test_no_capacity_means_everyone_waits():
    assert erlang_c(10, 10) == 1.0
    assert erlang_c(10, 8) == 1.0
    assert service_level(10, 10, 180, 20) == 0.0
    assert asa(10, 9, 180) == math.inf
    r = evaluate(100, 1800, 180, 8)
    assert (r.p_wait, r.service_level, r.asa_s, r.occupancy) == (1.0, 0.0, math.inf, 1.0)


def test_large_centre_is_fast_and_sane():
    # 20 000 calls per 30 min at 300 s → A = 3 333.3 Erlangs; large pools run near full occupancy
    t0 = time.perf_counter()
    r = agents_needed(20000, 1800, 300, target_sl=0.8, threshold_s=20)
    assert time.perf_counter() - t0 < 2.0
    assert r.traffic_erlangs == pytest.approx(3333.333, abs=1e-3)
    assert 3334 <= r.agents <= 3400
    assert r.service_level >= 0.8
    # minimal: one fewer agent misses the target
    assert evaluate(20000, 1800, 300, r.agents - 1).service_level < 0.8


def test_occupancy_cap_raises_the_head_count():
    # cap 60 %: N ≥ 10/0.6 = 16.7 → 17, above the 14 the SL needs
    r = agents_needed(100, 1800, 180, 0.8, 20, max_occupancy=0.6)
    assert r.agents == 17
    assert r.occupancy <= 0.6
    # cap 0.5: 10/0.5 = 20 exactly (floating point must not push it to 21)
    assert agents_needed(100, 1800, 180, 0.8, 20, max_occupancy=0.5).agents == 20


def test_stricter_target_needs_more_agents():
    # 95 % in 20 s: 15 agents give 1 − 0.1020·e^(−100/180) = 0.9415, 16 give 1 − 0.0573·e^(−120/180) = 0.9706
    assert agents_needed(100, 1800, 180, 0.95, 20).agents == 16
    assert agents_needed(100, 1800, 180, 0.95, 20).service_level >= 0.95
    assert evaluate(100, 1800, 180, 15).service_level < 0.95


@given(
    volume=st.floats(1, 5000),
    aht_s=st.floats(20, 900),
    target_sl=st.floats(0.5, 0.99),
    threshold_s=st.sampled_from([0, 10, 20, 60]),
    max_occupancy=st.one_of(st.none(), st.floats(0.6, 1.0)),
)
@settings(max_examples=40, deadline=None)
def test_agents_needed_is_the_smallest_that_meets_the_targets(
    volume, aht_s, target_sl, threshold_s, max_occupancy
):
    r = agents_needed(volume, 1800, aht_s, target_sl, threshold_s, max_occupancy=max_occupancy)
    assert r.agents > r.traffic_erlangs
    assert r.service_level >= target_sl
    if max_occupancy is not None:
        assert r.occupancy <= max_occupancy + 1e-9
    fewer = r.agents - 1
    fewer_ok = (
        fewer > r.traffic_erlangs
        and service_level(r.traffic_erlangs, fewer, aht_s, threshold_s) >= target_sl
        and (max_occupancy is None or r.traffic_erlangs / fewer <= max_occupancy)
    )
    assert not fewer_ok


# --------------------------------------------------------------------------- invalid inputs


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"volume": 0}, "volume must be greater than 0"),
        ({"volume": -5}, "volume must be greater than 0"),
        ({"aht_s": 0}, "aht must be greater than 0"),
        ({"interval_s": 0}, "interval must be greater than 0"),
        ({"target_sl": 0}, "target service level must be a fraction strictly between 0 and 1"),
        ({"target_sl": 1}, "target service level must be a fraction strictly between 0 and 1"),
        ({"target_sl": 80}, "target service level must be a fraction strictly between 0 and 1"),
        ({"shrinkage": 1}, r"shrinkage must be a fraction in \[0, 1\)"),
        ({"shrinkage": -0.1}, r"shrinkage must be a fraction in \[0, 1\)"),
        ({"max_occupancy": 0}, r"max occupancy must be a fraction in \(0, 1\]"),
        ({"threshold_s": -1}, "threshold must be 0 seconds or more"),
    ],
)
def test_invalid_inputs_are_clear_errors(kwargs, message):
    args = {"volume": 100, "interval_s": 1800, "aht_s": 180, "target_sl": 0.8, "threshold_s": 20} | kwargs
    with pytest.raises(CxtkError, match=message):
        agents_needed(**args)


def test_evaluate_rejects_fractional_or_zero_agents():
    with pytest.raises(CxtkError, match="agents must be a whole number of 1 or more"):
        evaluate(100, 1800, 180, 0)
    with pytest.raises(CxtkError, match="agents must be a whole number"):
        evaluate(100, 1800, 180, 14.5)


# --------------------------------------------------------------------------- per interval


def test_agents_needed_by_interval():
    hours = pl.DataFrame(
        {
            "hour": [8, 9, 10, 11, 12],
            "volume": [200, 0, None, 200, 400],
            "aht_s": [180, 200, 180, 180, 90],
        }
    )
    out = agents_needed_by_interval(hours, target_sl=0.8, threshold_s=20, interval_s=3600, shrinkage=0.3)
    assert out.columns == [
        "hour",
        "volume",
        "aht_s",
        "traffic_erlangs",
        "agents_needed",
        "positions_needed",
        "expected_p_wait",
        "expected_service_level",
        "expected_asa_s",
        "expected_occupancy",
    ]
    assert out["hour"].to_list() == [8, 9, 10, 11, 12]  # order kept
    # 200 calls/hour at 180 s = 10 Erlangs (the published case); 400 at 90 s is the same traffic
    assert out["traffic_erlangs"].to_list() == [10.0, 0.0, None, 10.0, 10.0]
    # same Erlangs but shorter calls: 20 s is a larger share of a 90 s AHT, so 13 agents suffice:
    # SL = 1 − 0.2853·e^(−3·20/90) = 1 − 0.2853·0.5134 = 0.8535; positions ⌈13/0.7⌉ = ⌈18.57⌉ = 19
    assert out["agents_needed"].to_list() == [14, 0, None, 14, 13]
    assert out["positions_needed"].to_list() == [20, 0, None, 20, 19]
    sl = out["expected_service_level"].to_list()
    assert round(sl[0], 4) == 0.8884 and sl[1] is None and sl[2] is None
    assert round(sl[4], 4) == 0.8535


def test_by_interval_names_the_bad_row():
    hours = pl.DataFrame({"volume": [100, 50], "aht_s": [180, 0]})
    with pytest.raises(InputError, match=r"row 2: volume 50.0 with aht_s 0.0 cannot be staffed"):
        agents_needed_by_interval(hours, target_sl=0.8, threshold_s=20)
    with pytest.raises(InputError, match="needs a column 'aht_s'"):
        agents_needed_by_interval(pl.DataFrame({"volume": [1]}), target_sl=0.8, threshold_s=20)


# --------------------------------------------------------------------------- CLI

PUBLISHED = (
    "staffing",
    "erlang",
    "--volume",
    "100",
    "--interval-min",
    "30",
    "--aht",
    "180",
    "--target-sl",
    "0.8",
    "--threshold",
    "20",
    "--shrinkage",
    "0.3",
)


def test_cli_json_published_check(cli):
    r = cli(*PUBLISHED, "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out) == {
        "inputs": {
            "volume": 100.0,
            "interval_min": 30.0,
            "aht_s": 180.0,
            "target_sl": 0.8,
            "threshold_s": 20.0,
            "max_occupancy": None,
            "shrinkage": 0.3,
            "agents": None,
        },
        "traffic_erlangs": 10.0,
        "agents": 14,
        # full precision (issue 10, item 5): the published 0.1741, 0.8884, 7.84 s, 0.7143 to their digits
        "p_wait": pytest.approx(0.1741, abs=5e-5),
        "service_level": pytest.approx(0.8884, abs=5e-5),
        "asa_s": pytest.approx(7.84, abs=5e-3),
        "occupancy": 10 / 14,
        "positions": 20,
    }


def test_cli_percent_and_fraction_are_the_same(cli):
    as_fraction = json.loads(cli(*PUBLISHED, "--format", "json").out)
    args = list(PUBLISHED)
    args[args.index("0.8")] = "80"
    args[args.index("0.3")] = "30"
    as_percent = json.loads(cli(*args, "--format", "json").out)
    assert as_percent == as_fraction


def test_cli_table_has_human_units(cli):
    r = cli(*PUBLISHED)
    assert r.code == 0, r.err
    for text in ("10.00 Erlangs", "14", "20", "17.4 %", "88.8 %", "7.8 s", "71.4 %"):
        assert text in r.out, text


def test_cli_with_agents_evaluates_that_staffing(cli):
    # 13 agents: P(wait) 0.2853, SL 0.7956, ASA = 0.28527·180/3 = 17.12 s, occupancy 0.7692, ⌈13/0.7⌉ = 19
    r = cli(*PUBLISHED, "--agents", "13", "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["inputs"]["agents"] == 13
    assert {k: out[k] for k in ("agents", "p_wait", "service_level", "asa_s", "occupancy", "positions")} == {
        "agents": 13,
        "p_wait": pytest.approx(0.2853, abs=5e-5),
        "service_level": pytest.approx(0.7956, abs=5e-5),
        "asa_s": pytest.approx(out["p_wait"] * 180 / 3),
        "occupancy": 10 / 13,
        "positions": 19,
    }
    assert out["asa_s"] == pytest.approx(17.12, abs=5e-3)


def test_cli_with_agents_does_not_need_a_target(cli):
    args = [a for a in PUBLISHED if a not in ("--target-sl", "0.8")]
    r = cli(*args, "--agents", "14", "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["inputs"]["target_sl"] is None


def test_cli_too_few_agents_warns_and_has_no_asa(cli):
    r = cli(*PUBLISHED, "--agents", "9", "--format", "json")
    assert r.code == 0
    out = json.loads(r.out)
    assert (out["p_wait"], out["service_level"], out["asa_s"], out["occupancy"]) == (1.0, 0.0, None, 1.0)
    assert "9 agents cannot carry 10.00 Erlangs" in r.err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--volume", "0", "volume must be greater than 0"),
        ("--aht", "-3", "aht must be greater than 0"),
        ("--target-sl", "100", "target service level"),
        ("--target-sl", "0", "target service level"),
        ("--shrinkage", "100", "shrinkage"),
        ("--interval-min", "0", "interval must be greater than 0"),
    ],
)
def test_cli_bad_values_exit_1(cli, option, value, message):
    args = list(PUBLISHED)
    args[args.index(option) + 1] = value
    r = cli(*args)
    assert r.code == 1
    assert r.err.startswith("Error: ") and message in r.err
    assert r.err.count("\n") == 1  # one line


def test_cli_missing_option_exits_2(cli):
    args = [a for a in PUBLISHED if a not in ("--aht", "180")]
    r = cli(*args)
    assert r.code == 2
    assert "--aht" in r.err


def test_cli_missing_target_without_agents_exits_2(cli):
    args = [a for a in PUBLISHED if a not in ("--target-sl", "0.8")]
    r = cli(*args)
    assert r.code == 2
    assert "--target-sl" in r.err


def test_cli_unknown_format_exits_2(cli):
    r = cli(*PUBLISHED, "--format", "xml")
    assert r.code == 2


def test_erlang_result_is_frozen():
    r = ErlangResult(10.0, 14, 0.17, 0.88, 7.8, 0.71, 20)
    with pytest.raises(AttributeError):
        r.agents = 15  # type: ignore[misc]
