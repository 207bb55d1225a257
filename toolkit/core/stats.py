"""Uncertainty of survey figures: intervals and significance of changes (kpis.md "Uncertainty").

Pure functions on counts and moments, so any caller (KPI engine, comparisons,
reports) can attach a 95 % interval or a "not significant" note without
re-reading rows. Scalar functions return ``None`` when no interval applies
(n too small); tests return a ``TestResult`` whose fields are ``None`` then.

Conventions
-----------
- Proportions are fractions 0–1; NPS is in points −100…100.
- A change is always *second minus first* (period 2 − period 1, or team 2 −
  team 1), so a positive statistic means the figure went up.
- Polars helpers (``*_expr``) build the same numbers for many groups at once.

Heavy modules (scipy, polars) are imported inside functions so that importing
this module stays cheap.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

__all__ = [
    "TestResult",
    "z_quantile",
    "t_quantile",
    "wilson_interval",
    "mean_interval",
    "nps_value",
    "nps_variance",
    "nps_standard_error",
    "nps_interval",
    "two_proportion_test",
    "welch_t_test",
    "nps_change_test",
    "robust_z",
    "is_anomaly",
    "wilson_bounds_expr",
    "mean_bounds_expr",
    "nps_expr",
    "nps_bounds_expr",
    "robust_z_expr",
]


@dataclass(frozen=True)
class TestResult:
    """Outcome of a two-sample significance test.

    All three fields are ``None`` when no test applies (a sample is empty or
    too small, or neither side has any variance).
    """

    __test__ = False  # not a pytest test class, despite the name

    statistic: float | None
    p_value: float | None
    significant: bool | None


_NO_TEST = TestResult(None, None, None)


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        from toolkit.core.errors import CxtkError

        raise CxtkError(f"confidence must be between 0 and 1 (exclusive), got {confidence}; use e.g. 0.95.")


def _check_count(name: str, count: float, n: float) -> None:
    if not 0 <= count <= n:
        from toolkit.core.errors import CxtkError

        raise CxtkError(f"{name} must be between 0 and n ({n}), got {count}.")


def _check_nps_counts(promoters: float, detractors: float, n: float) -> None:
    _check_count("promoters", promoters, n)
    _check_count("detractors", detractors, n)
    _check_count("promoters + detractors", promoters + detractors, n)


def t_quantile(df: float, confidence: float = 0.95) -> float:
    """Two-sided Student-t quantile with ``df`` degrees of freedom: 2.0639 for df = 24 at 95 %."""
    return _t_quantile(float(df), 0.5 + confidence / 2) if _check_confidence(confidence) is None else math.nan


@functools.lru_cache(maxsize=1024)
def _t_quantile(df: float, p: float) -> float:
    # scipy's Student-t inverse CDF (what scipy.stats.t.ppf calls): scipy.special imports in a
    # fraction of the time of scipy.stats, which cost ~2 s of a 5 s `cxtk kpi` on a cold start
    from scipy.special import stdtrit

    return float(stdtrit(df, p))


def z_quantile(confidence: float = 0.95) -> float:
    """Two-sided standard-normal quantile: 1.959964 for 95 %."""
    from statistics import NormalDist  # stdlib: no scipy import on the common path

    _check_confidence(confidence)
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _two_sided_p(z: float) -> float:
    from statistics import NormalDist

    return 2 * (1 - NormalDist().cdf(abs(z)))


# --------------------------------------------------------------------------- intervals


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval of a proportion (``csat``), as fractions.

    Example: 45 satisfied of 50 → (0.7864, 0.9565). ``None`` when ``n == 0``.
    Wilson rather than the normal approximation because it stays inside [0, 1]
    and behaves at 0 % and 100 %, which small teams hit often.
    """
    if n <= 0:
        return None
    _check_count("successes", successes, n)
    z = z_quantile(confidence)
    p = successes / n
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # analytically exact at the extremes; pin them so 100 % of n shows an upper bound of 1, not 0.9999…
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return (lo, hi)


def mean_interval(mean: float, sd: float, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Interval of a mean (``csat_mean``): mean ± t(0.975, n−1)·sd/√n.

    ``sd`` is the sample standard deviation (ddof = 1). ``None`` when ``n < 2``
    (no spread can be estimated from one answer).
    """
    if n < 2:
        return None
    margin = t_quantile(n - 1, confidence) * sd / math.sqrt(n)
    return (mean - margin, mean + margin)


def nps_value(promoters: int, detractors: int, n: int) -> float | None:
    """NPS in points: 100·(promoters − detractors)/n. ``None`` when ``n == 0``."""
    if n <= 0:
        return None
    _check_nps_counts(promoters, detractors, n)
    return 100.0 * (promoters - detractors) / n


def nps_variance(promoters: int, detractors: int, n: int) -> float | None:
    """Per-respondent variance of the NPS score, on shares: p + d − (p − d)².

    Each respondent scores +1 (promoter), 0 (passive) or −1 (detractor); with
    p = promoters/n and d = detractors/n this is the variance of that score.
    It is *not* divided by n: the standard error of NPS/100 is √(Var/n), and the
    change test uses √(Var₁/n₁ + Var₂/n₂) (kpis.md). Example: 50/30/20 of 100 →
    0.5 + 0.2 − 0.09 = 0.61. ``None`` when ``n == 0``.
    """
    if n <= 0:
        return None
    _check_nps_counts(promoters, detractors, n)
    p, d = promoters / n, detractors / n
    # max() guards against a −1e-17 from rounding when everyone is a promoter
    return max(0.0, p + d - (p - d) ** 2)


def nps_standard_error(promoters: int, detractors: int, n: int) -> float | None:
    """Standard error of NPS in points: 100·√(Var/n). ``None`` when ``n == 0``."""
    var = nps_variance(promoters, detractors, n)
    if var is None:
        return None
    return 100.0 * math.sqrt(var / n)


def nps_interval(
    promoters: int, detractors: int, n: int, confidence: float = 0.95
) -> tuple[float, float] | None:
    """NPS ± z·√(Var/n)·100, in points, clipped to [−100, 100].

    Example: 50 promoters, 30 passives, 20 detractors → 30 ± 15.31 =
    (14.69, 45.31). ``None`` when ``n == 0``.
    """
    value = nps_value(promoters, detractors, n)
    se = nps_standard_error(promoters, detractors, n)
    if value is None or se is None:
        return None
    margin = z_quantile(confidence) * se
    return (max(-100.0, value - margin), min(100.0, value + margin))


# --------------------------------------------------------------------------- tests of a change


def _result(statistic: float, alpha: float) -> TestResult:
    p = _two_sided_p(statistic)
    return TestResult(statistic, p, p < alpha)


def two_proportion_test(x1: int, n1: int, x2: int, n2: int, alpha: float = 0.05) -> TestResult:
    """Pooled two-proportion z-test (``csat`` between two periods or teams).

    z = (p₂ − p₁) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)) with p̂ = (x₁ + x₂)/(n₁ + n₂);
    two-sided. No test when a side is empty or p̂ is 0 or 1 (no variance).
    """
    if n1 <= 0 or n2 <= 0:
        return _NO_TEST
    _check_count("x1", x1, n1)
    _check_count("x2", x2, n2)
    pooled = (x1 + x2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var <= 0:
        return _NO_TEST
    return _result((x2 / n2 - x1 / n1) / math.sqrt(var), alpha)


def welch_t_test(
    mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int, alpha: float = 0.05
) -> TestResult:
    """Welch's unequal-variance t-test (``csat_mean``), two-sided, from summary figures.

    t = (m₂ − m₁)/√(s₁²/n₁ + s₂²/n₂), Welch–Satterthwaite degrees of freedom.
    No test when a side has fewer than 2 answers or both sides have sd 0.
    """
    if n1 < 2 or n2 < 2:
        return _NO_TEST
    v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
    if v1 + v2 <= 0:
        return _NO_TEST
    from scipy.special import stdtr  # the Student-t CDF

    statistic = (mean2 - mean1) / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    p = float(2 * stdtr(df, -abs(statistic)))
    return TestResult(statistic, p, p < alpha)


def nps_change_test(p1: int, d1: int, n1: int, p2: int, d2: int, n2: int, alpha: float = 0.05) -> TestResult:
    """z-test of an NPS change: z = (NPS₂ − NPS₁)/100 / √(Var₁/n₁ + Var₂/n₂).

    ``p``/``d`` are promoter/detractor *counts*; Var is ``nps_variance`` (per
    respondent). No test when a side is empty or both variances are 0.
    """
    var1, var2 = nps_variance(p1, d1, n1), nps_variance(p2, d2, n2)
    if var1 is None or var2 is None:
        return _NO_TEST
    se = math.sqrt(var1 / n1 + var2 / n2)
    if se <= 0:
        return _NO_TEST
    delta = (p2 - d2) / n2 - (p1 - d1) / n1
    return _result(delta / se, alpha)


# --------------------------------------------------------------------------- anomalies


def robust_z(values: Any, median: Any, mad: Any) -> Any:
    """Distance from the median in MADs: (values − median)/mad.

    Works on a float, a NumPy array or a Polars Series. For a scalar, ``None``
    when ``mad`` is 0 (no spread to judge against). The anomaly rule of
    kpis.md is ``abs(robust_z) > 3.5``; the MAD is the raw median absolute
    deviation (not scaled by 1.4826), as the spec writes it.
    """
    if isinstance(mad, int | float) and mad == 0:
        return None
    return (values - median) / mad


def is_anomaly(value: float, median: float, mad: float, k: float = 3.5) -> bool | None:
    """True when ``value`` lies beyond median ± k·MAD; ``None`` when MAD is 0."""
    z = robust_z(value, median, mad)
    return None if z is None else abs(z) > k


# --------------------------------------------------------------------------- Polars expressions


def _expr(x: pl.Expr | str | float) -> pl.Expr:
    """A column name becomes ``pl.col``, a number a literal, an expression stays."""
    import polars as pl

    if isinstance(x, str):
        return pl.col(x)
    if isinstance(x, int | float):
        return pl.lit(float(x))
    return x


def wilson_bounds_expr(
    successes: pl.Expr | str, n: pl.Expr | str, confidence: float = 0.95
) -> tuple[pl.Expr, pl.Expr]:
    """(lo, hi) Wilson bounds as expressions; null where n is 0 or null.

    Example: ``df.with_columns(*(e.alias(a) for e, a in zip(wilson_bounds_expr("sat", "n"), ["lo", "hi"])))``.
    """
    import polars as pl

    s, m = _expr(successes).cast(pl.Float64), _expr(n).cast(pl.Float64)
    m_ok = pl.when(m > 0).then(m)  # null n stays null, 0 becomes null: no interval
    z = z_quantile(confidence)
    p = s / m_ok
    z2n = z * z / m_ok
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * (p * (1 - p) / m_ok + z * z / (4 * m_ok * m_ok)).sqrt()
    lo = pl.when(s == 0).then(0.0).otherwise((centre - half).clip(0.0, 1.0))
    hi = pl.when(s == m).then(1.0).otherwise((centre + half).clip(0.0, 1.0))
    # keep the interval null where n is 0 even though s == m there
    return pl.when(m > 0).then(lo), pl.when(m > 0).then(hi)


def mean_bounds_expr(
    mean: pl.Expr | str, sd: pl.Expr | str, n: pl.Expr | str, confidence: float = 0.95
) -> tuple[pl.Expr, pl.Expr]:
    """(lo, hi) bounds mean ± t(n−1)·sd/√n as expressions; null where n < 2.

    The t quantile depends on n, so it is computed with scipy once per
    distinct n in the batch (a handful of values even for thousands of agents).
    """
    import polars as pl

    _check_confidence(confidence)

    def t_for_n(s: pl.Series) -> pl.Series:
        import numpy as np
        from scipy.special import stdtrit

        arr = s.cast(pl.Float64).to_numpy()
        uniq, inverse = np.unique(arr, return_inverse=True)
        with np.errstate(invalid="ignore"):
            q = stdtrit(np.where(uniq >= 2, uniq - 1, np.nan), 0.5 + confidence / 2)
        return pl.Series(s.name, q[inverse], dtype=pl.Float64).fill_nan(None)

    m = _expr(n).cast(pl.Float64)
    tq = m.map_batches(t_for_n, return_dtype=pl.Float64, is_elementwise=True)
    margin = tq * _expr(sd).cast(pl.Float64) / m.sqrt()
    mu = _expr(mean).cast(pl.Float64)
    return mu - margin, mu + margin


def nps_expr(promoters: pl.Expr | str, detractors: pl.Expr | str, n: pl.Expr | str) -> pl.Expr:
    """NPS in points as an expression; null where n is 0."""
    import polars as pl

    m = _expr(n).cast(pl.Float64)
    return 100.0 * (_expr(promoters) - _expr(detractors)).cast(pl.Float64) / pl.when(m > 0).then(m)


def nps_bounds_expr(
    promoters: pl.Expr | str, detractors: pl.Expr | str, n: pl.Expr | str, confidence: float = 0.95
) -> tuple[pl.Expr, pl.Expr]:
    """(lo, hi) NPS bounds in points, clipped to [−100, 100]; null where n is 0."""
    import polars as pl

    m = _expr(n).cast(pl.Float64)
    m_ok = pl.when(m > 0).then(m)
    p = _expr(promoters).cast(pl.Float64) / m_ok
    d = _expr(detractors).cast(pl.Float64) / m_ok
    var = (p + d - (p - d) ** 2).clip(lower_bound=0.0)
    margin = z_quantile(confidence) * (var / m_ok).sqrt() * 100.0
    value = 100.0 * (p - d)
    return (value - margin).clip(-100.0, 100.0), (value + margin).clip(-100.0, 100.0)


def robust_z_expr(values: pl.Expr | str, median: pl.Expr | str, mad: pl.Expr | str) -> pl.Expr:
    """(values − median)/mad as an expression; null where mad is 0 (no spread to judge against)."""
    import polars as pl

    spread = _expr(mad).cast(pl.Float64)
    return (_expr(values) - _expr(median)).cast(pl.Float64) / pl.when(spread != 0).then(spread)
