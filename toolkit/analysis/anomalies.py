"""Anomalies of a period (kpis.md "Anomalies"; cli.md ``cxtk anomalies``).

Daily series (and hourly ones for the phone) of volume, ``asa_s``,
``abandon_rate`` and complaints. A point is an anomaly when it lies beyond
median ± 3.5 × MAD of the trailing 28 days before it, taking only days of
the same kind (weekdays with weekdays, Saturdays and Sundays with weekend days:
a quiet Sunday is not an anomaly) and, for hourly points, the same hour (the
intraday pattern would otherwise dominate). An hour's wait and abandonment are
judged only from 20 calls up, and a count's spread is never read as tighter than
chance (a Poisson count's MAD, 0.6745·√median). Contacts inside configured outage windows are left out of every
series and the windows are listed; a complaint surge becomes a "special
review" item; a KPI that misses its target by ≥ 50 % adds a data-check line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from toolkit.core.periods import Period

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config

METRICS = ("volume", "asa_s", "abandon_rate", "complaints")
COUNT_METRICS = ("volume", "complaints")
WINDOW_DAYS = 28
K = 3.5
MIN_BASELINE = 10  # fewer earlier points of the same kind of day than this: no judgement
MIN_BASELINE_WEEKEND = 6  # 28 days hold only 8 weekend days
MIN_HOURLY_BASE = 20  # calls an hour needs before its ASA or abandonment rate is judged


@dataclass
class AnomalyResult:
    period: Period
    anomalies: pl.DataFrame  # grain, t, channel, metric, value, median, mad, low, high, side
    special_reviews: list[dict[str, Any]] = field(default_factory=list)
    outages: list[dict[str, Any]] = field(default_factory=list)
    data_checks: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        rows = [{**r, "t": r["t"].isoformat()} for r in self.anomalies.to_dicts()]
        return {
            "period": self.period.to_dict(),
            "rule": f"beyond median ± {K} × MAD of the trailing {WINDOW_DAYS} days, same kind of day "
                    "(weekday or weekend; hourly: same hour)",
            "anomalies": rows,
            "special_reviews": self.special_reviews,
            "outages": self.outages,
            "data_checks": self.data_checks,
        }


def series(
    interactions: pl.LazyFrame, lo: Any, hi: Any, *, config: Config, grain: str = "day"
) -> pl.DataFrame:
    """Per day (or per hour, phone only) from ``lo`` to ``hi``: volume (contacts; offered calls by hour),
    asa_s, abandon_rate and complaints, outage windows left out."""
    import polars as pl

    from toolkit.kpis import expr as x
    from toolkit.kpis.prepare import frame_tz, in_outage, with_canonical_columns

    tz = frame_tz(interactions, config.timezone)
    d = config.definitions
    lf = with_canonical_columns(interactions, "interactions", config.timezone)
    t = pl.col("arrived_at")
    lf = (
        lf.filter((t >= lo) & (t < hi))
        .with_columns((~in_outage(config, tz)).alias("_p"))
        .with_columns(x.interaction_row_flags(d))
    )
    if grain == "hour":
        lf = lf.filter(pl.col("channel") == "phone")
        key = t.dt.truncate("1h").alias("t")
        volume = x.offered()
    else:
        key = t.dt.truncate("1d").alias("t")
        volume = x.contact()
    queued = (x.offered() & ~x.short_abandoned(d)).fill_null(False)
    lost = (x.abandoned() & ~x.short_abandoned(d)).fill_null(False)
    # An hour's average wait or abandonment over a handful of calls is noise, not a signal: below
    # MIN_HOURLY_BASE calls it is left out (neither judged nor part of another hour's baseline).
    floor = MIN_HOURLY_BASE if grain == "hour" else 1
    answered = x.answered().fill_null(False).sum()
    out = (
        lf.group_by(key)
        .agg(
            volume.fill_null(False).sum().cast(pl.Float64).alias("volume"),
            pl.when(answered >= floor).then(pl.when(x.answered()).then(x.wait_s()).mean()).alias("asa_s"),
            (lost.sum() / pl.when(queued.sum() >= floor).then(queued.sum())).alias("abandon_rate"),
            x.complaint().fill_null(False).sum().cast(pl.Float64).alias("complaints"),
        )
        .sort("t")
        .collect()
    )
    return out


def flag(points: pl.DataFrame, *, grain: str = "day", k: float = K, window_days: int = WINDOW_DAYS) -> pl.DataFrame:
    """Long frame t, metric, value, median, mad, low, high, n_baseline, anomaly, side for every point of ``points``.

    The baseline of a point is the points of the ``window_days`` days before it that fall on the
    same kind of day (Monday–Friday, or Saturday–Sunday), and for ``grain="hour"`` at the same hour.
    No judgement (null) with fewer than 10 baseline points (6 for a weekend day) or a MAD of 0
    (counts: a MAD of 0 counts as 1).
    """
    import polars as pl

    metrics = [m for m in METRICS if m in points.columns]
    long = points.unpivot(index="t", on=metrics, variable_name="metric", value_name="value").drop_nulls("value")
    long = long.with_columns(
        pl.col("t").dt.hour().alias("_h") if grain == "hour" else pl.lit(0).alias("_h"),
        (pl.col("t").dt.weekday() >= 6).alias("_w"),
    )
    other = long.rename({"t": "t_b", "value": "v_b"})
    # Pair each point with its trailing window (same metric, same kind of day, same hour for hourly points).
    pairs = long.join(other, on=["metric", "_h", "_w"], how="inner").filter(
        (pl.col("t_b") < pl.col("t")) & (pl.col("t_b") >= pl.col("t") - timedelta(days=window_days))
    )
    med = pairs.group_by("t", "metric").agg(pl.col("v_b").median().alias("median"), pl.len().alias("n_baseline"))
    mad = (
        pairs.join(med, on=["t", "metric"])
        .group_by("t", "metric")
        .agg((pl.col("v_b") - pl.col("median")).abs().median().alias("mad"))
    )
    judged = long.join(med, on=["t", "metric"], how="left").join(mad, on=["t", "metric"], how="left")
    # A count moves by whole units and by chance: its MAD is read as at least 1 (complaints mostly 0 a
    # day, else a surge from nothing could never be seen) and at least a Poisson count's own MAD,
    # 0.6745·√median (else 36 calls in an hour that usually has 28 would be "anomalous").
    # Rates with a MAD of 0 are left unjudged.
    poisson = 0.6745 * pl.col("median").clip(lower_bound=0).sqrt()
    judged = judged.with_columns(
        pl.when(pl.col("metric").is_in(COUNT_METRICS))
        .then(pl.max_horizontal(pl.col("mad"), poisson, pl.lit(1.0)))
        .otherwise(pl.col("mad")).alias("mad")
    )
    need = pl.when(pl.col("_w")).then(MIN_BASELINE_WEEKEND).otherwise(MIN_BASELINE)
    ok = (pl.col("n_baseline") >= need) & (pl.col("mad") > 0)
    return (
        judged.with_columns(
            (pl.col("median") - k * pl.col("mad")).alias("low"), (pl.col("median") + k * pl.col("mad")).alias("high")
        )
        .with_columns(
            pl.when(ok).then((pl.col("value") > pl.col("high")) | (pl.col("value") < pl.col("low"))).alias("anomaly"),
            pl.when(pl.col("value") > pl.col("median")).then(pl.lit("high")).otherwise(pl.lit("low")).alias("side"),
        )
        .drop("_h", "_w")
        .sort("t", "metric")
    )


def find_anomalies(
    frames: Mapping[str, pl.LazyFrame | None], period: Period, *, config: Config
) -> AnomalyResult:
    """The anomalies of ``period``: daily and hourly (phone) points, special reviews, outages, data checks.

    Example: ``find_anomalies({"interactions": lf}, parse_period("2026-10"), config=cfg).to_dict()``
    """
    import polars as pl

    from toolkit.ingest.damage import require_intact, warn_damaged
    from toolkit.kpis.prepare import frame_tz

    ix = frames.get("interactions")
    empty = pl.DataFrame(schema={"grain": pl.String, "t": pl.Datetime("us"), "metric": pl.String})
    if ix is None:
        return AnomalyResult(period, empty, data_checks=["no interactions data"])
    tz = frame_tz(ix, config.timezone)
    lo, hi = period.bounds(tz)
    early = lo - timedelta(days=WINDOW_DAYS)
    require_intact(ix, lo, hi)
    warn_damaged(ix, early, lo, f"the anomaly baselines of the period's first weeks have fewer days "
                                f"(a point is judged against the {WINDOW_DAYS} days before it)")
    found = []
    for grain in ("day", "hour"):
        f = flag(series(ix, early, hi, config=config, grain=grain), grain=grain)
        f = f.filter((pl.col("t") >= lo) & pl.col("anomaly").fill_null(False))
        found.append(f.with_columns(pl.lit(grain).alias("grain")))
    anomalies = pl.concat(found, how="diagonal").select(
        "grain", "t", "metric", "value", "median", "mad", "low", "high", "n_baseline", "side"
    )
    reviews = special_reviews(ix, anomalies, config=config)
    return AnomalyResult(
        period,
        anomalies,
        special_reviews=reviews,
        outages=outage_windows(ix, period, config=config),
        data_checks=data_checks(frames, period, config=config),
    )


def special_reviews(ix: pl.LazyFrame, anomalies: pl.DataFrame, *, config: Config) -> list[dict[str, Any]]:
    """One "special review" item per run of consecutive days with a complaint surge, with its main topic and queue."""
    import polars as pl

    from toolkit.kpis.prepare import with_canonical_columns

    days = anomalies.filter(
        (pl.col("grain") == "day") & (pl.col("metric") == "complaints") & (pl.col("side") == "high")
    ).sort("t")
    if days.height == 0:
        return []
    # consecutive days share a run id
    days = days.with_columns(
        ((pl.col("t").diff().dt.total_days().fill_null(1) != 1).cum_sum()).alias("run")
    )
    out = []
    lf = with_canonical_columns(ix, "interactions", config.timezone)
    for _run, part in days.group_by("run", maintain_order=True):
        start, end = part["t"].min(), part["t"].max()
        t = pl.col("arrived_at")
        comp = lf.filter((t >= start) & (t < end + timedelta(days=1)) & pl.col("complaint").fill_null(False))
        top = comp.group_by("topic").len().sort("len", descending=True).head(1).collect()
        queue = comp.group_by("queue").len().sort("len", descending=True).head(1).collect()
        total = int(part["value"].sum())
        out.append(
            {
                "kind": "special_review",
                "start": start.date().isoformat(),
                "end": end.date().isoformat(),
                "complaints": total,
                "usual_per_day": float(part["median"].mean()),
                "top_topic": top["topic"][0] if top.height else None,
                "top_queue": queue["queue"][0] if queue.height else None,
                "text": f"complaint surge {start:%Y-%m-%d}…{end:%Y-%m-%d}: {total} complaints "
                f"(usually ~{part['median'].mean():.0f} a day); open a special review",
            }
        )
    return out


def outage_windows(ix: pl.LazyFrame, period: Period, *, config: Config) -> list[dict[str, Any]]:
    """The configured outages that overlap ``period``, with the contacts left out of the KPIs (the KPI
    engine's own count, ``kpis.prepare.outage_exclusions``: the same number ``cxtk kpi`` prints)."""
    from toolkit.kpis.prepare import frame_tz, outage_exclusions, with_canonical_columns

    tz = frame_tz(ix, config.timezone)
    lo, hi = period.bounds(tz)
    return outage_exclusions(with_canonical_columns(ix, "interactions", config.timezone), config, lo, hi)


def data_checks(frames: Mapping[str, pl.LazyFrame | None], period: Period, *, config: Config) -> list[str]:
    """A line per centre KPI missing its target by ≥ 50 % (actual ≥ 1.5 × target when down, ≤ 0.5 × when up)."""
    from toolkit.kpis.compute import compute_kpis
    from toolkit.kpis.registry import REGISTRY

    wanted = [k for k, t in config.targets.items() if t.target is not None and k in REGISTRY]
    if not wanted:
        return []
    g = compute_kpis(frames, period, kpis=wanted, config=config).groups[0]
    lines = []
    for k in wanted:
        v = g.kpis[k]
        target = config.targets[k].target
        if v.value is None or not target:
            continue
        spec = REGISTRY[k]
        far = v.value >= 1.5 * target if spec.direction == "down" else v.value <= 0.5 * target
        if spec.direction != "none" and far:
            lines.append(
                f"verify: {k} is {v.value:.4g} against a target of {target:g} (missed by ≥ 50 %) — "
                "does this include an outage or a data problem?"
            )
    return lines
