"""Aggregation shapes of the KPI registry: a count, a ratio, a mean (with sd and quantiles), a median, a share of
sums, and the composite KPIs whose parts feed intervals (service level, abandonment, FCR, NPS, CSAT, response
rate, QA critical errors, self-service, resolution). Each returns ``aggs(definitions) -> {name: pl.Expr}``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from toolkit.kpis import expr as x

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Definitions


Aggs = Callable[["Definitions"], dict[str, "pl.Expr"]]


def count_of(mask: Callable[[], pl.Expr]) -> Aggs:
    def aggs(d: Definitions) -> dict[str, pl.Expr]:
        c = mask().fill_null(False).sum()
        return {"value": c, "n": c}

    return aggs


def ratio_of(
    num: Callable[[Definitions], pl.Expr], den: Callable[[Definitions], pl.Expr], scale: float = 1.0,
    *, needs: str | None = None,
) -> Aggs:
    """hits ÷ n over the rows of ``den``; with ``needs``, only rows where that field is known count.

    An export without the field (``complaint``, ``transfers``) then gives n = 0 and a null rate,
    never 0 %; ``_base`` keeps how many rows would have counted, for the note that says why.
    """
    def aggs(d: Definitions) -> dict[str, pl.Expr]:
        base = den(d).fill_null(False)
        out: dict[str, pl.Expr] = {}
        if needs is not None:
            out["_base"] = base.sum()
            base = base & known(needs)
        n = base.sum()
        hits = (num(d) & base).fill_null(False).sum()
        return {**out, "value": hits * scale / n, "n": n, "_successes": hits}

    return aggs


def pl_col(name: str) -> pl.Expr:
    """One canonical column (the registry imports Polars only when a KPI is computed)."""
    import polars as pl

    return pl.col(name)


def known(field: str) -> pl.Expr:
    """The row has a value for ``field`` (a column the export did not map is null throughout)."""
    import polars as pl

    return pl.col(field).is_not_null()


def mean_of(values: Callable[[Definitions], pl.Expr], *, sd: bool = False, quantiles: bool = False,
            base: Callable[[], pl.Expr] | None = None) -> Aggs:
    """Mean of the non-null ``values``; ``base`` counts the rows that would count if the value were known."""
    def aggs(d: Definitions) -> dict[str, pl.Expr]:
        v = values(d)
        out = {"value": v.mean(), "n": v.count()}
        if base is not None:
            out["_base"] = base().fill_null(False).sum()
        if sd:
            out["_sd"] = v.std()
        if quantiles:
            out["median"] = v.median()
            out["p90"] = v.quantile(0.9, interpolation="linear")
        return out

    return aggs


def median_of(values: Callable[[Definitions], pl.Expr]) -> Aggs:
    def aggs(d: Definitions) -> dict[str, pl.Expr]:
        v = values(d)
        return {
            "value": v.median(),
            "n": v.count(),
            "mean": v.mean(),
            "p90": v.quantile(0.9, interpolation="linear"),
        }

    return aggs


def share_of_sums(
    num: Callable[[], pl.Expr], den: Callable[[], pl.Expr], rows: Callable[[], pl.Expr]
) -> Aggs:
    def aggs(d: Definitions) -> dict[str, pl.Expr]:
        total = den().sum()
        return {"value": num().sum() / total, "n": rows().sum(), "_den": total}

    return aggs


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


def service_level_aggs(d: Definitions) -> dict[str, pl.Expr]:
    queued = (x.offered() & ~x.short_abandoned(d)).fill_null(False)
    # a contact whose wait is unknown cannot be judged: it leaves the denominator (an export
    # without wait times gives a null service level, never 0 %)
    judged = queued & x.wait_s().is_not_null()
    n = judged.sum()
    fast = (judged & x.answered() & (x.wait_s() <= d.service_level_threshold_s)).fill_null(False).sum()
    return {"value": fast / n, "n": n, "_successes": fast, "_base": queued.sum()}


def abandon_rate_aggs(d: Definitions) -> dict[str, pl.Expr]:
    queued = (x.offered() & ~x.short_abandoned(d)).fill_null(False)
    n = queued.sum()
    lost = (x.abandoned() & ~x.short_abandoned(d)).fill_null(False).sum()
    return {"value": lost / n, "n": n, "_successes": lost}


def fcr_aggs(d: Definitions) -> dict[str, pl.Expr]:
    # Both methods are prepared; compute.py keeps the one in force (fcr.py picks it).
    known_r = x.fcr_reported_known().fill_null(False).sum()
    hits_r = x.fcr_reported().fill_null(False).sum()
    known_d = x.fcr_derived_known().fill_null(False).sum()
    hits_d = x.fcr_derived(d).fill_null(False).sum()
    return {
        "_reported_value": hits_r / known_r,
        "_reported_n": known_r,
        "_derived_value": hits_d / known_d,
        "_derived_n": known_d,
        "_unknown_customer": x.fcr_unknown_customer().fill_null(False).sum(),
        "_provisional": x.fcr_provisional().fill_null(False).sum(),
    }


def nps_aggs(d: Definitions) -> dict[str, pl.Expr]:
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


def csat_aggs(d: Definitions) -> dict[str, pl.Expr]:
    s = x.score("csat")
    n = s.count()
    hits = x.satisfied(d).fill_null(False).sum()
    return {"value": hits / n, "n": n, "_successes": hits}


def responses_aggs(d: Definitions) -> dict[str, pl.Expr]:
    import polars as pl

    c = x.responded().fill_null(False).sum()
    # Rows of the period with no response: 0 in every group means only responses were exported.
    invited_only = (pl.col("_p") & pl.col("responded_at").is_null()).sum()
    return {"value": c, "n": c, "_unanswered": invited_only}


def response_rate_aggs(d: Definitions) -> dict[str, pl.Expr]:
    sent = x.invited().fill_null(False).sum()
    got = x.responded().fill_null(False).sum()
    return {"value": got / sent, "n": sent, "_successes": got}


def qa_critical_aggs(d: Definitions) -> dict[str, pl.Expr]:
    n = x.review().fill_null(False).sum()
    crit = x.critical().sum()
    return {"value": crit * 100.0 / n, "n": n}


def self_service_aggs(d: Definitions) -> dict[str, pl.Expr]:
    import polars as pl

    kept = x.contained().fill_null(False).sum()
    agent = x.handled().fill_null(False).sum()
    # without a single IVR session whose outcome is known, the share is unknown, not 0 %
    sessions = x.ivr_session().fill_null(False) & known("contained")
    has_ivr = sessions.any()
    n = pl.when(has_ivr).then(kept + agent).otherwise(0)
    return {"value": kept / n, "n": n, "_successes": kept, "_base": agent}


def resolution_rate_aggs(d: Definitions) -> dict[str, pl.Expr]:
    import polars as pl

    known = (x.handled() & pl.col("resolved").is_not_null()).fill_null(False)
    n = known.sum()
    hits = (known & pl.col("resolved")).fill_null(False).sum()
    return {"value": hits / n, "n": n, "_successes": hits}


def always(fn: Callable[[], pl.Expr]) -> Callable[[Definitions], pl.Expr]:
    return lambda d: fn()
