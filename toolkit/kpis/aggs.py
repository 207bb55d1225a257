"""Aggregation shapes of the KPI registry: a count, a ratio, a mean (with sd and quantiles), a median, a share of
sums, and the composite KPIs whose parts feed intervals (NPS, FCR, QA critical errors, responses).

A shape is one definition read two ways. ``shape(definitions)`` returns the named Polars aggregations the
compute step runs (``value`` and ``n`` always, public extras such as ``median``, private ones such as
``_successes``); ``shape.rows(definitions)`` returns what each row contributes — ``in_denominator`` and
``in_numerator`` for a ratio, ``value`` for a mean or median, ``numerator`` and ``denominator`` for a share of
sums — which ``cxtk explain`` writes out. The aggregations are sums and means of those same row
expressions, so adding up an explain file gives the figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from toolkit.kpis import expr as x

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Definitions


Aggs = Callable[["Definitions"], dict[str, "pl.Expr"]]
RowExprs = Callable[["Definitions"], dict[str, "pl.Expr"]]
Kind = Literal["count", "ratio", "mean", "median", "sums"]


@dataclass(frozen=True)
class Shape:
    """How a KPI aggregates (``shape(d)``) and what each row contributes (``shape.rows(d)``)."""

    kind: Kind
    rows: RowExprs
    aggregate: Aggs
    # another way to compute the same KPI, chosen per period (FCR: "reported" beside "derived")
    variants: dict[str, Shape] = field(default_factory=dict)

    def __call__(self, d: Definitions) -> dict[str, pl.Expr]:
        return self.aggregate(d)


def count_of(mask: Callable[[], pl.Expr]) -> Shape:
    return count_where(lambda d: mask())


def count_where(mask: Callable[[Definitions], pl.Expr]) -> Shape:
    def rows(d: Definitions) -> dict[str, pl.Expr]:
        return {"in_denominator": mask(d).fill_null(False)}

    def aggs(d: Definitions) -> dict[str, pl.Expr]:
        c = rows(d)["in_denominator"].sum()
        return {"value": c, "n": c}

    return Shape("count", rows, aggs)


def ratio_of(num: Callable[[Definitions], pl.Expr], den: Callable[[Definitions], pl.Expr], *,
             needs: str | None = None, gate: Callable[[Definitions], pl.Expr] | None = None) -> Shape:
    """hits ÷ n over the rows of ``den``.

    ``needs``: only rows where that field is known count (an export without ``complaint`` or
    ``transfers`` gives n = 0 and a null rate, never 0 %); ``_base`` keeps how many rows would have
    counted, for the note that says why. ``gate``: a row condition that must hold for at least one row
    of the group, else nothing counts (self-service needs one IVR session whose outcome is known).
    """
    def rows(d: Definitions) -> dict[str, pl.Expr]:
        base = den(d).fill_null(False)
        out: dict[str, pl.Expr] = {}
        if needs is not None:
            out["_base"] = base
            base = base & known(needs)
        if gate is not None:
            out["_gate"] = gate(d).fill_null(False)
        return {"in_denominator": base, "in_numerator": (num(d) & base).fill_null(False), **out}

    def aggs(d: Definitions) -> dict[str, pl.Expr]:
        import polars as pl

        r = rows(d)
        n = r["in_denominator"].sum()
        hits = r["in_numerator"].sum()
        if "_gate" in r:
            n = pl.when(r["_gate"].any()).then(n).otherwise(0)
            hits = pl.when(r["_gate"].any()).then(hits).otherwise(0)
        out = {"value": hits / n, "n": n, "_successes": hits}
        if "_base" in r:
            out["_base"] = r["_base"].sum()
        return out

    return Shape("ratio", rows, aggs)


def pl_col(name: str) -> pl.Expr:
    """One canonical column (the registry imports Polars only when a KPI is computed)."""
    import polars as pl

    return pl.col(name)


def known(field: str) -> pl.Expr:
    """The row has a value for ``field`` (a column the export did not map is null throughout)."""
    import polars as pl

    if field == "wait_s":  # derived from the timestamps when the column is empty
        return x.wait_s().is_not_null()
    return pl.col(field).is_not_null()


def _values(values: Callable[[Definitions], pl.Expr]) -> RowExprs:
    def rows(d: Definitions) -> dict[str, pl.Expr]:
        v = values(d)
        return {"in_denominator": v.is_not_null(), "value": v}

    return rows


def mean_of(values: Callable[[Definitions], pl.Expr], *, sd: bool = False, quantiles: bool = False,
            base: Callable[[], pl.Expr] | None = None) -> Shape:
    """Mean of the non-null ``values``; ``base`` counts the rows that would count if the value were known."""
    def aggs(d: Definitions) -> dict[str, pl.Expr]:
        v = values(d)
        out = {"value": v.mean(), "n": v.count()}
        if base is not None:
            out["_base"] = base().fill_null(False).sum()
        if sd:
            out["_sd"] = sample_sd(v)
        if quantiles:
            out["median"] = v.median()
            out["p90"] = v.quantile(0.9, interpolation="linear")
        return out

    return Shape("mean", _values(values), aggs)


def sample_sd(v: pl.Expr) -> pl.Expr:
    """The sample standard deviation (ddof 1; null below 2 values) from Σv and Σv²: on scores these sums are
    exact whatever order the rows are added in, so the interval is the same to the last digit in every run
    (Polars' ``std()`` merges partial results in thread order, which moves the last digit)."""
    import polars as pl

    n = v.count().cast(pl.Float64)
    s1, s2 = v.sum(), (v * v).sum()
    var = (s2 - s1 * s1 / n) / (n - 1)
    return pl.when(n > 1).then(var.clip(lower_bound=0.0).sqrt())


def median_of(values: Callable[[Definitions], pl.Expr]) -> Shape:
    def aggs(d: Definitions) -> dict[str, pl.Expr]:
        v = values(d)
        return {
            "value": v.median(),
            "n": v.count(),
            "mean": v.mean(),
            "p90": v.quantile(0.9, interpolation="linear"),
        }

    return Shape("median", _values(values), aggs)


def share_of_sums(
    num: Callable[[], pl.Expr], den: Callable[[], pl.Expr], counted: Callable[[], pl.Expr]
) -> Shape:
    def rows(d: Definitions) -> dict[str, pl.Expr]:
        return {"in_denominator": counted(), "numerator": num(), "denominator": den()}

    def aggs(d: Definitions) -> dict[str, pl.Expr]:
        r = rows(d)
        total = r["denominator"].sum()
        return {"value": r["numerator"].sum() / total, "n": r["in_denominator"].sum(), "_den": total}

    return Shape("sums", rows, aggs)


def masked(mask: Callable[[], pl.Expr], values: Callable[[], pl.Expr]) -> Callable[[Definitions], pl.Expr]:
    def build(d: Definitions) -> pl.Expr:
        import polars as pl

        return pl.when(mask()).then(values())

    return build


def wait_where(mask: Callable[[Definitions], pl.Expr]) -> Callable[[Definitions], pl.Expr]:
    def build(d: Definitions) -> pl.Expr:
        import polars as pl

        return pl.when(mask(d)).then(x.wait_s())

    return build


def _queued(d: Definitions) -> pl.Expr:
    """Offered and not a short abandon: the base of service level and abandonment."""
    return x.offered() & ~x.short_abandoned(d)


# a contact whose wait is unknown cannot be judged: it leaves the denominator (an export without
# wait times gives a null service level, never 0 %)
service_level_aggs = ratio_of(
    lambda d: x.answered() & (x.wait_s() <= d.service_level_threshold_s), _queued, needs="wait_s"
)


abandon_rate_aggs = ratio_of(lambda d: x.abandoned() & ~x.short_abandoned(d), _queued)


_fcr_reported = ratio_of(lambda d: x.fcr_reported(), lambda d: x.fcr_reported_known())
_fcr_derived = ratio_of(x.fcr_derived, x.fcr_derived_counted)


def _fcr_aggs(d: Definitions) -> dict[str, pl.Expr]:
    # Both methods are prepared; compute.py keeps the one in force (fcr.py picks it).
    rep, der = _fcr_reported.aggregate(d), _fcr_derived.aggregate(d)
    return {
        "_reported_value": rep["value"],
        "_reported_n": rep["n"],
        "_derived_value": der["value"],
        "_derived_n": der["n"],
        "_unknown_customer": x.fcr_unknown_customer().fill_null(False).sum(),
        "_provisional": x.fcr_provisional(d).fill_null(False).sum(),
        "_transferred": (x.fcr_derived_known() & x.fcr_transferred(d)).fill_null(False).sum(),
    }


fcr_aggs = Shape(
    "ratio", _fcr_derived.rows, _fcr_aggs, variants={"reported": _fcr_reported, "derived": _fcr_derived}
)


def _nps_rows(d: Definitions) -> dict[str, pl.Expr]:
    import polars as pl

    s = x.score("nps")
    # each response's contribution: +100 a promoter, −100 a detractor, 0 a passive; NPS is their mean
    v = pl.when(x.promoter()).then(100.0).when(x.detractor()).then(-100.0).when(s.is_not_null()).then(0.0)
    return {"in_denominator": s.is_not_null(), "value": v}


def _nps_aggs(d: Definitions) -> dict[str, pl.Expr]:
    import polars as pl

    s = x.score("nps")
    n = s.count()
    # Signed counts: the difference of two unsigned sums would wrap around below zero.
    promoters = x.promoter().fill_null(False).sum().cast(pl.Int64)
    detractors = x.detractor().fill_null(False).sum().cast(pl.Int64)
    return {
        "value": (promoters - detractors) * 100.0 / n,
        "n": n,
        "_promoters": promoters,
        "_detractors": detractors,
    }


nps_aggs = Shape("mean", _nps_rows, _nps_aggs)


csat_aggs = ratio_of(x.satisfied, lambda d: x.score("csat").is_not_null())


def _responses_aggs(d: Definitions) -> dict[str, pl.Expr]:
    import polars as pl

    c = x.responded().fill_null(False).sum()
    # Rows of the period with no response: 0 in every group means only responses were exported.
    invited_only = (pl.col("_p") & pl.col("responded_at").is_null()).sum()
    return {"value": c, "n": c, "_unanswered": invited_only}


responses_aggs = Shape("count", count_of(x.responded).rows, _responses_aggs)


response_rate_aggs = ratio_of(lambda d: x.responded(), lambda d: x.invited())


def _qa_critical_rows(d: Definitions) -> dict[str, pl.Expr]:
    import polars as pl

    # each review's contribution: 100 with a critical issue, else 0; the KPI is their mean
    return {
        "in_denominator": x.review().fill_null(False),
        "value": pl.when(x.review()).then(pl.when(x.critical()).then(100.0).otherwise(0.0)),
    }


def _qa_critical_aggs(d: Definitions) -> dict[str, pl.Expr]:
    n = x.review().fill_null(False).sum()
    crit = x.critical().sum()
    return {"value": crit * 100.0 / n, "n": n}


qa_critical_aggs = Shape("mean", _qa_critical_rows, _qa_critical_aggs)


# without one IVR session whose outcome is known, the share is unknown, not 0 %
self_service_aggs = ratio_of(lambda d: x.contained(), lambda d: x.contained() | x.handled(),
                             gate=lambda d: x.ivr_session() & known("contained"))


def _resolution_known(d: Definitions) -> pl.Expr:
    import polars as pl

    return x.handled() & pl.col("resolved").is_not_null()


def _resolved(d: Definitions) -> pl.Expr:
    import polars as pl

    return _resolution_known(d) & pl.col("resolved")


resolution_rate_aggs = ratio_of(_resolved, _resolution_known)


def always(fn: Callable[[], pl.Expr]) -> Callable[[Definitions], pl.Expr]:
    return lambda d: fn()
