"""Staffing by hour of day (kpis.md "Staffing (Erlang C)"): which hours lacked agents, and how many.

Observed weekday traffic per hour of day (offered phone and chat, averaged over
the weekdays of the period, outage windows left out) and its AHT → agents
needed by Erlang C at the target service level → against the agents logged in
that hour (``agent_status`` interval rows: logged_in_s ÷ 3600, summed per day
and averaged over the same weekdays) → the shortfall.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from toolkit.core.errors import CxtkError
from toolkit.core.periods import Period

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config

DEFAULT_TARGET_SL = 0.8


def weekdays(period: Period) -> int:
    """Monday–Friday days in the period."""
    from datetime import timedelta

    return sum(1 for i in range(period.days) if (period.start + timedelta(days=i)).weekday() < 5)


def staffing_by_hour(
    frames: Mapping[str, pl.LazyFrame | None],
    period: Period,
    *,
    config: Config,
    target_sl: float | None = None,
) -> pl.DataFrame:
    """hour, volume, aht_s, agents_needed, agents_logged_in, shortfall, understaffed — weekday averages.

    ``target_sl`` defaults to the ``service_level`` target of cxtk.yaml, else 0.8; the
    threshold is ``definitions.service_level_threshold_s``. ``shortfall`` = needed −
    logged in (negative: spare agents); ``understaffed`` when the shortfall is ≥ 1 agent.
    ``agents_logged_in`` is null when there are no interval rows for the period.
    """
    import polars as pl

    from toolkit.analysis.staffing import agents_needed_by_interval
    from toolkit.kpis import expr as x
    from toolkit.kpis.prepare import frame_tz, in_outage, with_canonical_columns

    ix = frames.get("interactions")
    if ix is None:
        raise CxtkError("staffing by hour needs interactions; ingest some with `cxtk ingest interactions FILE`")
    days = weekdays(period)
    if days == 0:
        raise CxtkError(f"{period.label} has no weekday: staffing by hour averages weekdays")
    if target_sl is None:
        t = config.target_for("service_level")
        target_sl = t.target if t is not None and t.target is not None else DEFAULT_TARGET_SL
    tz = frame_tz(ix, config.timezone)
    lo, hi = period.bounds(tz)
    lf = with_canonical_columns(ix, "interactions", config.timezone)
    at = pl.col("arrived_at")
    lf = (
        lf.filter((at >= lo) & (at < hi) & (at.dt.weekday() <= 5))
        .with_columns((~in_outage(config, tz)).alias("_p"))
        .with_columns(x.interaction_row_flags(config.definitions))
    )
    traffic = (
        lf.group_by(at.dt.hour().cast(pl.Int64).alias("hour"))
        .agg(
            (x.offered().fill_null(False).sum() / days).alias("volume"),
            pl.when(x.answered()).then(x.handle_s()).mean().alias("aht_s"),
        )
        .collect()
    )
    hours = pl.DataFrame({"hour": list(range(24))}, schema={"hour": pl.Int64})
    traffic = hours.join(traffic, on="hour", how="left").with_columns(pl.col("volume").fill_null(0.0))
    # An hour whose offered contacts were all abandoned has no AHT of its own: it still needs agents,
    # so it takes the mean AHT of the other hours rather than failing the whole table.
    traffic = traffic.filter(pl.col("volume") > 0).with_columns(pl.col("aht_s").fill_null(pl.col("aht_s").mean()))
    traffic = traffic.filter(pl.col("aht_s").is_not_null() & (pl.col("aht_s") > 0))
    needed = agents_needed_by_interval(
        traffic,
        target_sl=target_sl,
        threshold_s=config.definitions.service_level_threshold_s,
        interval_s=3600,
    ).select("hour", "volume", "aht_s", "agents_needed")
    logged = _logged_in_by_hour(frames.get("agent-status"), period, days)
    out = needed.join(logged, on="hour", how="left") if logged is not None else needed.with_columns(
        pl.lit(None, dtype=pl.Float64).alias("agents_logged_in")
    )
    return out.with_columns(
        (pl.col("agents_needed") - pl.col("agents_logged_in")).alias("shortfall"),
    ).with_columns((pl.col("shortfall") >= 1).alias("understaffed")).sort("hour")


def _logged_in_by_hour(status: pl.LazyFrame | None, period: Period, days: int) -> pl.DataFrame | None:
    import polars as pl

    if status is None or "hour" not in status.collect_schema():
        return None
    rows = status.filter(
        pl.col("hour").is_not_null()
        & (pl.col("date") >= period.start)
        & (pl.col("date") <= period.end)
        & (pl.col("date").dt.weekday() <= 5)
    )
    got = (
        rows.group_by(pl.col("hour").cast(pl.Int64))
        .agg(
            (pl.col("logged_in_s").fill_null(0.0).sum() / 3600).alias("_agent_hours"),
            pl.col("date").n_unique().alias("_days"),
        )
        .collect()
    )
    if got.height == 0:
        return None
    # Days that have interval data at all: an hour nobody worked that day counts 0, a day without data does not count.
    covered = rows.select(pl.col("date").n_unique()).collect().item()
    return got.select("hour", (pl.col("_agent_hours") / min(covered, days)).alias("agents_logged_in"))


def understaffed_hours(frame: pl.DataFrame) -> pl.DataFrame:
    """The understaffed rows of ``staffing_by_hour``, the largest shortfall first."""
    import polars as pl

    return frame.filter(pl.col("understaffed").fill_null(False)).sort("shortfall", descending=True)
