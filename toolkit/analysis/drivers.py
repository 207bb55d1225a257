"""Drivers of a gap (kpis.md "Drivers of a gap"): who, when and which contacts make a centre miss a target.

- ``gap_drivers``: each group's (team's, queue's) contribution to the centre's
  gap = its volume share × (its value − the centre target). For a KPI that is
  a volume-weighted mean of its groups (means and ratios) the contributions
  add up exactly to the centre's gap.
- ``shift_share`` / ``mix_rate``: a change between two periods split into a
  mix effect Σ Δshare·rate₀ and a rate effect Σ share₁·Δrate (they sum to the change).
- ``gap_by_hour``: the same decomposition over hours of the day.
- ``example_contacts``: 10–20 failing contacts to review, chosen reproducibly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import CxtkError
from toolkit.core.periods import Period

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config


@dataclass
class GapDrivers:
    """A centre KPI against its target and the groups behind the gap.

    ``rows``: key, n, share (of the KPI's n), value, deviation (value − target),
    contribution (share × deviation), share_of_gap (contribution ÷ gap: offsetting
    groups are negative, so all rows sum to 1), share_of_excess (contribution ÷ the
    sum of the contributions on the gap's side: only those groups, summing to 1;
    0 for offsetting groups), offsets (the group works against the gap).
    """

    kpi: str
    by: str
    value: float | None
    target: float | None
    gap: float | None
    met: bool | None
    rows: pl.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {
            "kpi": self.kpi,
            "by": self.by,
            "value": self.value,
            "target": self.target,
            "gap": self.gap,
            "met": self.met,
            "drivers": self.rows.to_dicts(),
        }


def contributions(groups: pl.DataFrame, target: float, *, key: str = "key") -> pl.DataFrame:
    """From ``key, n, value`` rows: share, deviation, contribution, share_of_gap, share_of_excess, offsets.

    The gap is Σ contribution (= weighted centre value − target).
    """
    import polars as pl

    g = groups.filter(pl.col("value").is_not_null() & (pl.col("n") > 0))
    share = pl.col("n") / pl.col("n").sum()
    g = g.with_columns(share.alias("share"), (pl.col("value") - target).alias("deviation"))
    g = g.with_columns((pl.col("share") * pl.col("deviation")).alias("contribution"))
    gap = pl.col("contribution").sum()
    same_side = (pl.col("contribution") * gap) > 0
    on_side = pl.when(same_side).then(pl.col("contribution")).otherwise(0.0)
    out = g.with_columns(
        (pl.col("contribution") / pl.when(gap != 0).then(gap)).alias("share_of_gap"),
        (on_side / pl.when(on_side.sum() != 0).then(on_side.sum())).alias("share_of_excess"),
        (~same_side & (pl.col("contribution") != 0)).alias("offsets"),
    )
    # The group feeding the gap most comes first, whichever side the gap is on.
    return out.sort(pl.col("contribution") * pl.col("contribution").sum().sign(), descending=True).select(
        key, "n", "share", "value", "deviation", "contribution", "share_of_gap", "share_of_excess", "offsets"
    )


def _centre_and_groups(frames, period, kpi, by, config):
    from toolkit.kpis.compute import compute_kpis

    centre = compute_kpis(frames, period, kpis=[kpi], config=config).groups[0].kpis[kpi]
    grouped = compute_kpis(frames, period, by=[by], kpis=[kpi], config=config)
    return centre, grouped


def gap_drivers(
    frames: Mapping[str, pl.LazyFrame | None],
    period: Period,
    kpi: str,
    *,
    by: str = "team",
    config: Config,
    results: tuple[Any, Any] | None = None,
) -> GapDrivers:
    """Each group's contribution to the centre's gap on ``kpi`` (against the centre target).

    Example: ``gap_drivers(frames, oct, "aht_s", by="team", config=cfg).rows`` →
    "Team C accounts for 58 % of the AHT excess" reads from ``share_of_excess``.
    Contacts without the field (e.g. abandoned calls have no team) form a group ``None``.
    ``results``: the centre's and the ``by`` grouping's ``KpiResult`` when the caller has them
    already (a report computes each grouping once); they must hold ``kpi``.
    """
    import polars as pl

    from toolkit.kpis.registry import REGISTRY

    if kpi not in REGISTRY:
        raise CxtkError(f"unknown KPI '{kpi}'")
    target_spec = config.target_for(kpi)
    target = target_spec.target if target_spec else None
    if results is not None:
        centre, grouped = results[0].groups[0].kpis[kpi], results[1]
    else:
        centre, grouped = _centre_and_groups(frames, period, kpi, by, config)
    if target is None:
        raise CxtkError(f"{kpi} has no target in cxtk.yaml (targets: {kpi}: {{target: …}}): no gap to explain")
    rows = pl.DataFrame(
        {
            by: [None if g.keys[by] is None else str(g.keys[by]) for g in grouped.groups],
            "n": [g.kpis[kpi].n or 0 for g in grouped.groups],
            "value": [None if g.kpis[kpi].value is None else float(g.kpis[kpi].value) for g in grouped.groups],
        },
        schema={by: pl.String, "n": pl.Int64, "value": pl.Float64},
    )
    value = None if centre.value is None else float(centre.value)
    gap = None if value is None else value - target
    return GapDrivers(kpi, by, value, target, gap, centre.met, contributions(rows, target, key=by))


def unmet_kpis(result: Any) -> list[str]:
    """Ids of the centre KPIs of a ``KpiResult`` (first group) that have a target and miss it."""
    g = result.groups[0]
    return [k for k, v in g.kpis.items() if v.met is False]


# --- mix and rate ----------------------------------------------------------


def shift_share(before: pl.DataFrame, after: pl.DataFrame, *, key: str = "key") -> pl.DataFrame:
    """Mix and rate effects per group from two ``key, n, value`` frames.

    mix = (share₁ − share₀)·rate₀, rate = share₁·(rate₁ − rate₀); Σmix + Σrate =
    Σshare₁rate₁ − Σshare₀rate₀. A group present in one period only takes the
    other period's rate as its missing one (any value keeps the identity; this
    one puts its whole effect in mix).
    """
    import polars as pl

    def shares(df: pl.DataFrame, sfx: str) -> pl.DataFrame:
        df = df.filter(pl.col("value").is_not_null() & (pl.col("n") > 0))
        return df.select(
            pl.col(key),
            pl.col("n").alias(f"n{sfx}"),
            (pl.col("n") / pl.col("n").sum()).alias(f"share{sfx}"),
            pl.col("value").alias(f"rate{sfx}"),
        )

    j = shares(before, "0").join(shares(after, "1"), on=key, how="full", coalesce=True, nulls_equal=True)
    j = j.with_columns(
        pl.col("n0").fill_null(0),
        pl.col("n1").fill_null(0),
        pl.col("share0").fill_null(0.0),
        pl.col("share1").fill_null(0.0),
        pl.col("rate0").fill_null(pl.col("rate1")),
        pl.col("rate1").fill_null(pl.col("rate0")),
    )
    return j.with_columns(
        ((pl.col("share1") - pl.col("share0")) * pl.col("rate0")).alias("mix"),
        (pl.col("share1") * (pl.col("rate1") - pl.col("rate0"))).alias("rate"),
    ).with_columns((pl.col("mix") + pl.col("rate")).alias("total")).sort(key, nulls_last=True)


@dataclass
class MixRate:
    kpi: str
    by: str
    before: float | None
    after: float | None
    change: float | None
    mix_effect: float
    rate_effect: float
    rows: pl.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {
            "kpi": self.kpi,
            "by": self.by,
            "before": self.before,
            "after": self.after,
            "change": self.change,
            "mix_effect": self.mix_effect,
            "rate_effect": self.rate_effect,
            "groups": self.rows.to_dicts(),
        }


def _group_frame(result: Any, kpi: str, by: str) -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame(
        {
            "key": [None if g.keys[by] is None else str(g.keys[by]) for g in result.groups],
            "n": [g.kpis[kpi].n or 0 for g in result.groups],
            "value": [None if g.kpis[kpi].value is None else float(g.kpis[kpi].value) for g in result.groups],
        },
        schema={"key": pl.String, "n": pl.Int64, "value": pl.Float64},
    )


def mix_rate(
    frames: Mapping[str, pl.LazyFrame | None],
    before: Period,
    after: Period,
    kpi: str,
    *,
    by: str = "team",
    config: Config,
) -> MixRate:
    """The change of ``kpi`` from ``before`` to ``after`` split into mix and rate effects over ``by``."""
    from toolkit.kpis.compute import compute_kpis

    r0 = compute_kpis(frames, before, by=[by], kpis=[kpi], config=config)
    r1 = compute_kpis(frames, after, by=[by], kpis=[kpi], config=config)
    rows = shift_share(_group_frame(r0, kpi, by), _group_frame(r1, kpi, by)).rename({"key": by})
    mix, rate = float(rows["mix"].sum()), float(rows["rate"].sum())
    v0 = float((rows["share0"] * rows["rate0"]).sum()) if rows.height else None
    v1 = float((rows["share1"] * rows["rate1"]).sum()) if rows.height else None
    change = None if v0 is None or v1 is None else v1 - v0
    return MixRate(kpi, by, v0, v1, change, mix, rate, rows)


# --- hours of the day -------------------------------------------------------


def gap_by_hour(
    frames: Mapping[str, pl.LazyFrame | None], period: Period, kpi: str, *, config: Config, result: Any = None
) -> pl.DataFrame:
    """hour, n, share, value, deviation, contribution, share_of_gap, share_of_excess, offsets — the gap by hour of day.

    ``result``: the period's ``KpiResult`` by hour when the caller has it already (it must hold ``kpi``).
    """
    from toolkit.kpis.compute import compute_kpis

    target_spec = config.target_for(kpi)
    if target_spec is None or target_spec.target is None:
        raise CxtkError(f"{kpi} has no target in cxtk.yaml: no gap to place in the day")
    r = result if result is not None else compute_kpis(frames, period, by=["hour"], kpis=[kpi], config=config)
    rows = _group_frame(r, kpi, "hour").rename({"key": "hour"})
    import polars as pl

    rows = rows.with_columns(pl.col("hour").cast(pl.Int64))
    return contributions(rows, target_spec.target, key="hour")


# --- example contacts --------------------------------------------------------

# Why each KPI's failing contacts are failing, and how to rank them (None: a seeded random draw).
_FAILING: dict[str, tuple[str, str | None]] = {
    "asa_s": ("waited longer than the target", "wait_s"),
    "service_level": ("waited beyond the service-level threshold", "wait_s"),
    "aht_s": ("handled longer than the target", "handle_s"),
    "abandon_rate": ("abandoned", None),
    "answer_rate": ("abandoned", None),
    "fcr_rate": ("not resolved at first contact: came back within the FCR window, transferred or marked unresolved", None),
    "complaint_rate": ("complaint", None),
    "sla_compliance": ("missed its SLA", "late_s"),
    "transfer_rate": ("transferred", None),
}
EXAMPLE_COLUMNS = (
    "interaction_id", "arrived_at", "channel", "queue", "team", "agent_id", "topic",
    "customer_id", "wait_s", "handle_s", "reason",
)  # fmt: skip


def example_contacts(
    interactions: pl.LazyFrame,
    period: Period,
    kpi: str,
    *,
    config: Config,
    n: int = 15,
    seed: int = 0,
    scope: Mapping[str, str] | None = None,
    _exact: bool = False,
) -> pl.DataFrame:
    """``n`` failing contacts behind a KPI's gap, for review: the worst ones where a size ranks them
    (longest waits, longest handling, latest SLA misses), else a seeded random draw. Outage windows are left out.
    """
    import numpy as np
    import polars as pl

    from toolkit.kpis import expr as x
    from toolkit.kpis.prepare import frame_tz, in_outage, with_canonical_columns

    if kpi not in _FAILING:
        raise CxtkError(f"no example contacts for {kpi}; available for: {', '.join(_FAILING)}")
    reason, rank_by = _FAILING[kpi]
    d = config.definitions
    tz = frame_tz(interactions, config.timezone)
    lo, hi = period.bounds(tz)
    lf = with_canonical_columns(interactions, "interactions", config.timezone)
    target = config.target_for(kpi).target if config.target_for(kpi) else None
    t = pl.col("arrived_at")
    if kpi == "fcr_rate":
        # the KPI engine's own repeat test (the customer's next strictly later contact, read up to the
        # window past the period), shared with the KPI computed for the same period
        from toolkit.kpis.prepare import prepare_interactions

        lf = prepare_interactions(lf, config, lo, hi, True, exact=_exact, source=interactions)
    in_p = (t >= lo) & (t < hi)
    sla = kpi == "sla_compliance"
    if sla:
        in_p = (pl.col("sla_due_at") >= lo) & (pl.col("sla_due_at") < hi)
    lf = (
        lf.filter(in_p)
        .with_columns((in_p & ~in_outage(config, tz)).alias("_p"), in_p.alias("_sla_p"))
        .with_columns(x.interaction_row_flags(d))
        .with_columns(x.wait_s().alias("wait_s"), x.handle_s().alias("handle_s"))
    )
    fail = {
        "asa_s": x.answered() & (pl.col("wait_s") > (target if target is not None else 0)),
        "service_level": (x.offered() & ~x.short_abandoned(d))
        & (~x.answered_flag() | (pl.col("wait_s") > d.service_level_threshold_s)),
        "aht_s": x.answered() & (pl.col("handle_s") > (target if target is not None else 0)),
        "abandon_rate": x.abandoned() & ~x.short_abandoned(d),
        "answer_rate": x.abandoned(),
        "fcr_rate": x.fcr_derived_counted(d) & ~x.fcr_derived(d) if kpi == "fcr_rate" else pl.lit(False),
        "complaint_rate": x.complaint(),
        "sla_compliance": x.sla_due() & ~x.sla_met(),
        "transfer_rate": x.transferred(),
    }[kpi]
    failing = lf.filter(fail.fill_null(False) & pl.col("_p"))
    if scope:
        for k, v in scope.items():
            failing = failing.filter(pl.col(k) == v)
    if rank_by == "late_s":
        due = pl.col("sla_due_at")
        # still open: late until the end of the period
        late = pl.coalesce(pl.col("ended_at"), pl.lit(hi))
        failing = failing.with_columns((late - due).dt.total_seconds().alias("late_s"))
    if rank_by is not None:
        # sort + head in one lazy query: Polars keeps only the top n instead of sorting every failing row
        df = failing.sort([rank_by, "interaction_id"], descending=[True, False], nulls_last=True).head(n).collect()
    else:
        # Ids sorted first, so the draw depends only on the data and the seed; then only the drawn rows are read.
        checked = "_misaligned" in failing.collect_schema()  # FCR: the engine's alignment check
        found = failing.select("interaction_id", *(["_misaligned"] if checked else [])).collect()
        if checked and found["_misaligned"].any():
            return example_contacts(interactions, period, kpi, config=config, n=n, seed=seed, scope=scope, _exact=True)
        ids = found["interaction_id"].sort()
        drawn = ids.gather(np.random.default_rng(seed).permutation(ids.len())[:n].tolist())
        df = failing.filter(pl.col("interaction_id").is_in(drawn.implode())).collect().sort("arrived_at")
    return df.with_columns(pl.lit(reason).alias("reason")).select(
        [c for c in EXAMPLE_COLUMNS if c in df.columns or c == "reason"]
    )
