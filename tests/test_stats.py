"""Intervals and significance tests of survey figures (kpis.md "Uncertainty"), checked against hand working."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.core.errors import CxtkError
from toolkit.core.stats import (
    TestResult,
    is_anomaly,
    mean_bounds_expr,
    mean_interval,
    nps_bounds_expr,
    nps_change_test,
    nps_expr,
    nps_interval,
    nps_standard_error,
    nps_value,
    nps_variance,
    robust_z,
    robust_z_expr,
    two_proportion_test,
    welch_t_test,
    wilson_bounds_expr,
    wilson_interval,
)

# --------------------------------------------------------------------------- Wilson


def test_wilson_published_check_45_of_50():
    # p = 0.9, z = 1.959964, z²/n = 0.076829
    # centre = (0.9 + 0.038415) / 1.076829 = 0.871462
    # half = 1.959964 / 1.076829 · √(0.0018 + 0.000384146) = 0.085064
    lo, hi = wilson_interval(45, 50)
    assert (round(lo, 4), round(hi, 4)) == (0.7864, 0.9565)


def test_wilson_stays_inside_0_1_at_the_extremes():
    # 0 of 10: centre = (0 + 0.19208)/1.38415 = 0.13877, half the same → lo exactly 0
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0
    assert hi == pytest.approx(0.27753, abs=1e-5)
    lo, hi = wilson_interval(10, 10)
    assert hi == 1.0  # exactly, not 0.9999…
    assert lo == pytest.approx(1 - 0.27753, abs=1e-5)


def test_wilson_empty_sample_has_no_interval():
    assert wilson_interval(0, 0) is None


def test_wilson_rejects_more_successes_than_n():
    with pytest.raises(CxtkError, match="between 0 and n"):
        wilson_interval(11, 10)


def test_wilson_99_percent_is_wider():
    lo95, hi95 = wilson_interval(45, 50)
    lo99, hi99 = wilson_interval(45, 50, confidence=0.99)
    assert lo99 < lo95 and hi99 > hi95


def test_bad_confidence_is_a_clear_error():
    with pytest.raises(CxtkError, match="confidence must be between 0 and 1"):
        wilson_interval(45, 50, confidence=95)


# --------------------------------------------------------------------------- mean (t)


def test_mean_interval_worked_by_hand():
    # mean 4.2, sd 0.8, n 25: t(0.975, 24) = 2.063899; margin = 2.063899 · 0.8 / 5 = 0.330224
    lo, hi = mean_interval(4.2, 0.8, 25)
    assert lo == pytest.approx(3.869776, abs=1e-6)
    assert hi == pytest.approx(4.530224, abs=1e-6)


def test_mean_interval_needs_two_answers():
    assert mean_interval(4.0, 0.0, 1) is None
    assert mean_interval(4.0, 0.0, 0) is None
    # two answers: t(0.975, 1) = 12.7062 → margin 12.7062 · 1 / √2 = 8.9846
    lo, hi = mean_interval(3.0, 1.0, 2)
    assert hi - 3.0 == pytest.approx(8.9846, abs=1e-4)


# --------------------------------------------------------------------------- NPS


def test_nps_published_check_50_30_20():
    # p = 0.5, d = 0.2 → NPS 30; Var = 0.5 + 0.2 − 0.3² = 0.61 (per respondent)
    # margin = 1.96 · √(0.61/100) · 100 = 15.31
    assert nps_value(50, 20, 100) == 30.0
    assert nps_variance(50, 20, 100) == pytest.approx(0.61)
    assert nps_standard_error(50, 20, 100) == pytest.approx(7.8102, abs=1e-4)
    lo, hi = nps_interval(50, 20, 100)
    assert round(30 - lo, 2) == 15.31
    assert round(hi - 30, 2) == 15.31


def test_nps_interval_is_clipped_to_plus_minus_100():
    # 9 promoters, 1 detractor of 10: NPS 80, Var = 1 − 0.64 = 0.36, margin = 1.96·0.1897·100 = 37.19 → hi clipped
    lo, hi = nps_interval(9, 1, 10)
    assert hi == 100.0
    assert lo == pytest.approx(80 - 37.19, abs=0.01)


def test_nps_everyone_promoter_has_zero_width():
    assert nps_variance(20, 0, 20) == 0.0
    assert nps_interval(20, 0, 20) == (100.0, 100.0)


def test_nps_counts_must_fit_in_n():
    with pytest.raises(CxtkError, match=r"promoters \+ detractors must be between 0 and n \(10\), got 12"):
        nps_interval(7, 5, 10)
    with pytest.raises(CxtkError, match="x2 must be between 0 and n"):
        two_proportion_test(5, 10, 11, 10)


@given(st.integers(0, 500), st.integers(1, 500))
@settings(max_examples=60, deadline=None)
def test_wilson_contains_the_observed_share(successes, n):
    successes = min(successes, n)
    lo, hi = wilson_interval(successes, n)
    assert 0.0 <= lo <= successes / n <= hi <= 1.0


def test_nps_empty_is_none():
    assert nps_value(0, 0, 0) is None
    assert nps_variance(0, 0, 0) is None
    assert nps_interval(0, 0, 0) is None


# --------------------------------------------------------------------------- change tests


def test_two_proportion_significant_change():
    # 180/200 = 0.90 → 150/200 = 0.75; pooled 330/400 = 0.825
    # SE = √(0.825 · 0.175 · (1/200 + 1/200)) = 0.037997; z = −0.15/0.037997 = −3.9477; p = 7.9e-5
    r = two_proportion_test(180, 200, 150, 200)
    assert r.statistic == pytest.approx(-3.9477, abs=1e-4)
    assert r.p_value == pytest.approx(7.89e-5, rel=1e-2)
    assert r.significant is True


def test_two_proportion_not_significant_change():
    # 45/50 = 0.90 → 42/50 = 0.84; pooled 0.87; SE = √(0.87 · 0.13 · 0.04) = 0.067261
    # z = −0.06/0.067261 = −0.8921; p = 2·(1 − Φ(0.8921)) = 0.3724
    r = two_proportion_test(45, 50, 42, 50)
    assert r.statistic == pytest.approx(-0.8921, abs=1e-4)
    assert r.p_value == pytest.approx(0.3724, abs=1e-4)
    assert r.significant is False


def test_two_proportion_no_test_without_variance_or_data():
    assert two_proportion_test(10, 10, 20, 20) == TestResult(None, None, None)
    assert two_proportion_test(0, 0, 5, 10) == TestResult(None, None, None)


def test_welch_worked_by_hand():
    # v1 = 0.9²/40 = 0.02025, v2 = 0.7²/35 = 0.014; t = 0.4/√0.03425 = 2.16137
    # df = 0.03425² / (0.02025²/39 + 0.014²/34) = 72.06; two-sided p = 0.0340
    r = welch_t_test(4.1, 0.9, 40, 4.5, 0.7, 35)
    assert r.statistic == pytest.approx(2.16137, abs=1e-5)
    assert r.p_value == pytest.approx(0.0340, abs=1e-4)
    assert r.significant is True
    # the same at 1 %: not significant
    assert welch_t_test(4.1, 0.9, 40, 4.5, 0.7, 35, alpha=0.01).significant is False


def test_welch_agrees_with_scipy():
    from scipy.stats import ttest_ind_from_stats

    # scipy tests first − second; ours is second − first, so swap the samples for the reference
    ref = ttest_ind_from_stats(3.9, 0.4, 8, 3.2, 1.1, 12, equal_var=False)
    r = welch_t_test(3.2, 1.1, 12, 3.9, 0.4, 8)
    assert r.statistic == pytest.approx(ref.statistic)
    assert r.p_value == pytest.approx(ref.pvalue)


def test_welch_no_test_cases():
    assert welch_t_test(4.0, 0.5, 1, 4.2, 0.5, 30) == TestResult(None, None, None)
    assert welch_t_test(4.0, 0.0, 10, 4.0, 0.0, 10) == TestResult(None, None, None)


def test_nps_change_worked_by_hand():
    # period 1: 50/30/20 of 100 → NPS 30, Var 0.61; period 2: 30/40/30 of 100 → NPS 0, Var 0.60
    # z = (0 − 0.30)/√(0.61/100 + 0.60/100) = −0.30/0.11 = −2.7273; p = 0.0064 → significant
    r = nps_change_test(50, 20, 100, 30, 30, 100)
    assert r.statistic == pytest.approx(-2.7273, abs=1e-4)
    assert r.p_value == pytest.approx(0.0064, abs=1e-4)
    assert r.significant is True


def test_nps_change_not_significant():
    # 50/30/20 → 45/30/25 of 100: Δ = −0.10; Var2 = 0.70 − 0.04 = 0.66; SE = √0.0127 = 0.11269
    # z = −0.8874; p = 0.375
    r = nps_change_test(50, 20, 100, 45, 25, 100)
    assert r.statistic == pytest.approx(-0.8874, abs=1e-4)
    assert r.significant is False


def test_nps_change_no_test_cases():
    assert nps_change_test(10, 0, 10, 20, 0, 20) == TestResult(None, None, None)
    assert nps_change_test(0, 0, 0, 20, 5, 40) == TestResult(None, None, None)


# --------------------------------------------------------------------------- anomalies


def test_robust_z_and_anomaly_rule():
    # median 100, MAD 10: 140 is 4 MADs out (anomaly at k 3.5), 130 is 3 (not)
    assert robust_z(140.0, 100.0, 10.0) == 4.0
    assert is_anomaly(140.0, 100.0, 10.0) is True
    assert is_anomaly(130.0, 100.0, 10.0) is False
    assert is_anomaly(60.0, 100.0, 10.0) is True
    assert robust_z(5.0, 0.0, 0.0) is None
    assert is_anomaly(5.0, 0.0, 0.0) is None


def test_robust_z_expr_nulls_zero_mad():
    df = pl.DataFrame({"v": [140.0, 5.0], "med": [100.0, 0.0], "mad": [10.0, 0.0]})
    assert df.select(robust_z_expr("v", "med", "mad")).to_series().to_list() == [4.0, None]


# --------------------------------------------------------------------------- Polars expressions


def test_expressions_match_scalar_functions_per_group():
    df = pl.DataFrame(
        {
            "team": ["A", "B", "C", "D"],
            "satisfied": [45, 0, 7, 1],
            "n": [50, 0, 10, 1],
            "promoters": [25, 0, 6, 1],
            "detractors": [10, 0, 1, 0],
            "mean": [4.2, None, 3.9, 5.0],
            "sd": [0.8, None, 1.1, 0.0],
        }
    )
    w_lo, w_hi = wilson_bounds_expr("satisfied", "n")
    m_lo, m_hi = mean_bounds_expr("mean", "sd", "n")
    n_lo, n_hi = nps_bounds_expr("promoters", "detractors", "n")
    out = df.with_columns(
        w_lo=w_lo,
        w_hi=w_hi,
        m_lo=m_lo,
        m_hi=m_hi,
        n_lo=n_lo,
        n_hi=n_hi,
        nps=nps_expr("promoters", "detractors", "n"),
    )
    for row in out.iter_rows(named=True):
        w = wilson_interval(row["satisfied"], row["n"])
        m = mean_interval(row["mean"], row["sd"], row["n"]) if row["mean"] is not None else None
        p = nps_interval(row["promoters"], row["detractors"], row["n"])
        for got, want in (
            ((row["w_lo"], row["w_hi"]), w),
            ((row["m_lo"], row["m_hi"]), m),
            ((row["n_lo"], row["n_hi"]), p),
        ):
            if want is None:
                assert got == (None, None), row["team"]
            else:
                assert got == pytest.approx(want), row["team"]
        assert row["nps"] == nps_value(row["promoters"], row["detractors"], row["n"])
    a = out.row(0, named=True)
    assert (round(a["w_lo"], 4), round(a["w_hi"], 4)) == (0.7864, 0.9565)
    # 25/15/10 of 50: NPS 30, Var 0.61, margin = 1.959964 · √(0.61/50) · 100 = 21.65
    assert round(a["n_hi"] - 30, 2) == 21.65
    # mean 4.2, sd 0.8, n 50: t(0.975, 49) = 2.009575 → margin = 2.009575 · 0.8 / √50 = 0.227357
    assert a["m_lo"] == pytest.approx(3.972643, abs=1e-6)


def test_mean_bounds_expr_inside_group_by():
    # one group of 4 answers [4.2, 1, 2, 3]: mean 2.55, sd = √(5.63/3) = 1.36991
    # t(0.975, 3) = 3.182446 → margin = 3.182446 · 1.36991 / 2 = 2.17984
    df = pl.DataFrame({"team": ["A"] * 4, "score": [4.2, 1.0, 2.0, 3.0]})
    lo, hi = mean_bounds_expr(pl.col("score").mean(), pl.col("score").std(), pl.len())
    out = df.group_by("team").agg(lo=lo, hi=hi).row(0, named=True)
    assert out["lo"] == pytest.approx(2.55 - 2.17984, abs=1e-5)
    assert out["hi"] == pytest.approx(2.55 + 2.17984, abs=1e-5)
    assert math.isfinite(out["hi"])
