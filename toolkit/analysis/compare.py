"""Vertical and horizontal comparisons of KPIs (kpis.md "Comparisons", cli.md ``cxtk compare``).

``compare(frames, period, against, ...)`` sets the KPIs of ``period`` beside a
baseline: the previous period, the same period last year, the trailing 6 and 12
periods (trend), a configured benchmark, or (``teams``) the centre and the best
team. Each change gets a direction that knows whether higher is better, and a
significance test for the survey KPIs (``csat``: two-proportion z, ``csat_mean``:
Welch t, ``nps``: z on the NPS difference); ``significant`` is ``None`` elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import CxtkError
from toolkit.core.periods import Period
from toolkit.kpis.change import KpiChange, change_of, direction_of, finite

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config
    from toolkit.kpis.result import KpiResult

AGAINST = ("previous", "last-year", "trend", "benchmark[:NAME]", "teams")
SURVEY_TESTED = ("csat", "csat_mean", "nps")
TREND_WINDOWS = (6, 12)


@dataclass
class CompareGroup:
    keys: dict[str, Any]
    kpis: dict[str, KpiChange]


@dataclass
class CompareResult:
    period: Period
    against: str
    baseline_period: dict[str, str] | None
    groups: list[CompareGroup]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``cxtk compare --format json`` (cli.md)."""
        return {
            "period": self.period.to_dict(),
            "against": self.against,
            "baseline_period": self.baseline_period,
            "groups": [
                {"keys": dict(g.keys), "kpis": {k: v.to_dict() for k, v in g.kpis.items()}} for g in self.groups
            ],
            "notes": list(self.notes),
        }

    def to_frame(self) -> pl.DataFrame:
        """One row per group × KPI: keys…, kpi, value, baseline, change, change_rel, direction, significant."""
        import polars as pl

        rows = [
            {**{f"key_{k}": str(v) for k, v in g.keys.items()}, "kpi": k, **_flat(c)}
            for g in self.groups
            for k, c in g.kpis.items()
        ]
        return pl.DataFrame(rows, infer_schema_length=None)


def _flat(c: KpiChange) -> dict[str, Any]:
    return {
        "value": c.value,
        "baseline": c.baseline,
        "change": c.change,
        "change_rel": c.change_rel,
        "direction": c.direction,
        "significant": c.significant,
    }


# --- survey sufficient statistics -----------------------------------------


def survey_stats(
    surveys: pl.LazyFrame | None,
    interactions: pl.LazyFrame | None,
    period: Period,
    *,
    by: Sequence[str] = (),
    config: Config,
) -> dict[tuple, dict[str, float]]:
    """Per group: the counts a significance test needs (n, sum and sum of squares of CSAT, satisfied; NPS n, promoters, detractors).

    Surveys of the period by ``sent_at`` (``responded_at`` when not sent); a
    grouping field the survey row lacks is taken from its linked interaction.
    """
    import polars as pl

    if surveys is None:
        return {}
    lf = surveys
    have = lf.collect_schema()
    t = pl.coalesce(pl.col("sent_at"), pl.col("responded_at")) if "responded_at" in have else pl.col("sent_at")
    dtype = have.get("sent_at")
    tz = getattr(dtype, "time_zone", None)
    lo, hi = period.bounds(tz)
    lf = lf.filter((t >= lo) & (t < hi))
    by = tuple(b for b in by)
    need_link = [b for b in by if b not in have or b in ("team", "agent_id", "channel", "queue", "topic")]
    if need_link and interactions is not None and "interaction_id" in have:
        ix_have = interactions.collect_schema()
        take = [b for b in need_link if b in ix_have]
        if take:
            # only the contacts the period's surveys name (a unique() over every contact cost seconds at 10 M)
            named = lf.select("interaction_id").drop_nulls().unique()
            right = (
                interactions.select(["interaction_id", *take])
                .join(named, on="interaction_id", how="semi")
                .unique("interaction_id", keep="any")
            )
            right = right.rename({b: f"{b}__ix" for b in take})
            lf = lf.join(right, on="interaction_id", how="left")
            fills = [
                (pl.coalesce(pl.col(b), pl.col(f"{b}__ix")) if b in have else pl.col(f"{b}__ix")).alias(b)
                for b in take
            ]
            lf = lf.with_columns(fills).drop([f"{b}__ix" for b in take])
    missing = [b for b in by if b not in lf.collect_schema()]
    if missing:
        return {}
    d = config.definitions
    csat = pl.col("csat").cast(pl.Float64) if "csat" in have else pl.lit(None, dtype=pl.Float64)
    nps = pl.col("nps").cast(pl.Float64) if "nps" in have else pl.lit(None, dtype=pl.Float64)
    aggs = [
        csat.count().alias("csat_n"),
        csat.sum().alias("csat_sum"),
        (csat * csat).sum().alias("csat_sumsq"),
        (csat >= d.csat_satisfied_min).fill_null(False).sum().alias("csat_satisfied"),
        nps.count().alias("nps_n"),
        (nps >= 9).fill_null(False).sum().alias("nps_promoters"),
        (nps <= 6).fill_null(False).sum().alias("nps_detractors"),
    ]
    df = (lf.group_by(list(by)).agg(aggs) if by else lf.select(aggs)).collect()
    return {tuple(row[b] for b in by): row for row in df.iter_rows(named=True)}


def _mean_sd(s: Mapping[str, float]) -> tuple[float, float, int]:
    n = int(s["csat_n"])
    if n == 0:
        return math.nan, math.nan, 0
    mean = s["csat_sum"] / n
    var = (s["csat_sumsq"] - n * mean * mean) / (n - 1) if n > 1 else 0.0
    return mean, math.sqrt(max(var, 0.0)), n


def significance(kpi: str, base: Mapping[str, float] | None, now: Mapping[str, float] | None):
    """The 95 % test of a change of a survey KPI from ``base`` to ``now`` (stats from ``survey_stats``)."""
    from toolkit.core import stats

    if kpi not in SURVEY_TESTED or not base or not now:
        return stats.TestResult(None, None, None)
    if kpi == "csat":
        return stats.two_proportion_test(
            int(base["csat_satisfied"]), int(base["csat_n"]), int(now["csat_satisfied"]), int(now["csat_n"])
        )
    if kpi == "csat_mean":
        m1, s1, n1 = _mean_sd(base)
        m2, s2, n2 = _mean_sd(now)
        return stats.welch_t_test(m1, s1, n1, m2, s2, n2)
    return stats.nps_change_test(
        int(base["nps_promoters"]),
        int(base["nps_detractors"]),
        int(base["nps_n"]),
        int(now["nps_promoters"]),
        int(now["nps_detractors"]),
        int(now["nps_n"]),
    )


def _minus(total: Mapping[str, float], part: Mapping[str, float]) -> dict[str, float]:
    """The rest of the centre without one group (counts and sums subtract exactly)."""
    keys = ("csat_n", "csat_sum", "csat_sumsq", "csat_satisfied", "nps_n", "nps_promoters", "nps_detractors")
    return {k: (total.get(k) or 0) - (part.get(k) or 0) for k in keys}


def _with_test(kpi: str, c: KpiChange, base: Mapping | None, now: Mapping | None) -> KpiChange:
    if kpi in SURVEY_TESTED and c.change is not None:
        t = significance(kpi, base, now)
        c.significant, c.p_value = t.significant, t.p_value
    return c


# --- the comparisons -------------------------------------------------------


def compare(
    frames: Mapping[str, pl.LazyFrame | None],
    period: Period,
    against: str,
    *,
    by: Sequence[str] = (),
    kpis: Sequence[str] | None = None,
    config: Config,
) -> CompareResult:
    """KPIs of ``period`` against a baseline: ``previous``, ``last-year``, ``trend``, ``benchmark[:NAME]``, ``teams``.

    Example: ``compare(frames, parse_period("2026-10"), "previous", by=["team"], config=cfg).to_dict()``
    """
    against = (against or "").strip()
    by = tuple(by)
    if against in ("previous", "last-year"):
        base = period.previous() if against == "previous" else period.same_last_year()
        return _vertical(frames, period, base, against, by, kpis, config)
    if against == "trend":
        return _trend(frames, period, by, kpis, config)
    if against == "teams":
        return _teams(frames, period, by or ("team",), kpis, config)
    if against == "benchmark" or against.startswith("benchmark:"):
        return _benchmark(frames, period, against.partition(":")[2] or None, by, kpis, config)
    raise CxtkError(f"--against '{against}' is not understood; choose one of: {', '.join(AGAINST)}")


def _kpis(frames, period, by, kpis, config) -> KpiResult:
    from toolkit.kpis.compute import compute_kpis

    return compute_kpis(frames, period, by=by, kpis=kpis, config=config)


def _vertical(frames, period, base, against, by, kpis, config) -> CompareResult:
    now = _kpis(frames, period, by, kpis, config)
    then = _kpis(frames, base, by, kpis, config)
    s_now = survey_stats(frames.get("surveys"), frames.get("interactions"), period, by=by, config=config)
    s_then = survey_stats(frames.get("surveys"), frames.get("interactions"), base, by=by, config=config)
    # A baseline period without any data is absent, not zero: 25,485 contacts against an empty
    # last year is no change of +25,485 (its counts would otherwise read 0).
    absent = not _has_data(then)
    then_by_key = {} if absent else {tuple(g.keys.get(b) for b in by): g for g in then.groups}
    groups = []
    for g in now.groups:
        key = tuple(g.keys.get(b) for b in by)
        old = then_by_key.get(key)
        changes = {}
        for k, v in g.kpis.items():
            b = old.kpis[k].value if old is not None and k in old.kpis else None
            changes[k] = _with_test(k, change_of(k, v.value, b), s_then.get(key), s_now.get(key))
        groups.append(CompareGroup(dict(g.keys), changes))
    notes = [f"no data for {base.label} in the store: there is no baseline, so no change is shown"] if absent else []
    return CompareResult(period, against, base.to_dict(), groups, notes)


def _has_data(result: KpiResult) -> bool:
    """Whether any group of ``result`` rests on a contact, response or review."""
    return any(g.n for g in result.groups)


def _slope(values: Sequence[float | None]) -> tuple[float | None, int]:
    """Least-squares slope per period over the values that exist (index = period position)."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    n = len(pts)
    if n < 3:
        return None, n
    mx = sum(i for i, _ in pts) / n
    my = sum(v for _, v in pts) / n
    sxx = sum((i - mx) ** 2 for i, _ in pts)
    return sum((i - mx) * (v - my) for i, v in pts) / sxx, n


def _trend(frames, period, by, kpis, config) -> CompareResult:
    window = period.trailing(max(TREND_WINDOWS))
    results = [_kpis(frames, p, by, kpis, config) for p in window]
    current = results[-1]
    series: dict[tuple, dict[str, list[float | None]]] = {}
    for r in results:
        for g in r.groups:
            key = tuple(g.keys.get(b) for b in by)
            for k in g.kpis:
                series.setdefault(key, {}).setdefault(k, [None] * len(window))
    for i, r in enumerate(results):
        if not _has_data(r):
            continue  # a period without data has no values (its counts are not 0)
        for g in r.groups:
            key = tuple(g.keys.get(b) for b in by)
            for k, v in g.kpis.items():
                series[key][k][i] = None if v.value is None else float(v.value)
    labels = [p.label for p in window]
    groups = []
    for g in current.groups:
        key = tuple(g.keys.get(b) for b in by)
        changes = {}
        for k, v in g.kpis.items():
            vals = series[key][k]
            earlier = [x for x in vals[:-1] if x is not None]
            base = sum(earlier) / len(earlier) if earlier else None
            c = change_of(k, v.value, base)
            for w in TREND_WINDOWS:
                slope, n = _slope(vals[-w:])
                c.extra[f"trend_{w}"] = {
                    "slope_per_period": finite(slope),
                    "direction": direction_of(k, slope * (n - 1) if slope is not None else None),
                    "periods_with_data": n,
                }
            c.extra["series"] = [{"period": lab, "value": finite(x)} for lab, x in zip(labels, vals, strict=True)]
            changes[k] = c
        groups.append(CompareGroup(dict(g.keys), changes))
    base_period = {"label": f"{window[0].label}..{window[-2].label}", "start": window[0].start.isoformat(),
                   "end": window[-2].end.isoformat()}
    notes = ["baseline = mean of the 11 periods before this one; trend_6/trend_12 = least-squares slope "
             "over the last 6/12 periods (this one included), direction judged on slope × (periods − 1)"]
    return CompareResult(period, "trend", base_period, groups, notes)


def _teams(frames, period, by, kpis, config) -> CompareResult:
    from toolkit.kpis.registry import REGISTRY

    teams = _kpis(frames, period, by, kpis, config)
    centre = _kpis(frames, period, (), kpis, config).groups[0]
    s_teams = survey_stats(frames.get("surveys"), frames.get("interactions"), period, by=by, config=config)
    s_all = survey_stats(frames.get("surveys"), frames.get("interactions"), period, config=config).get(())
    best: dict[str, tuple[Any, float]] = {}
    for g in teams.groups:
        if any(g.keys.get(b) in (None, "") for b in by):
            continue  # contacts without a team (abandoned before routing) are no team to be best
        for k, v in g.kpis.items():
            spec = REGISTRY[k]
            if v.value is None or v.small_sample or spec.direction == "none":
                continue
            cur = best.get(k)
            better = cur is None or (v.value > cur[1] if spec.direction == "up" else v.value < cur[1])
            if better:
                best[k] = (g.keys, float(v.value))
    groups = []
    for g in teams.groups:
        key = tuple(g.keys.get(b) for b in by)
        changes = {}
        for k, v in g.kpis.items():
            mine = s_teams.get(key)
            rest = _minus(s_all, mine) if s_all and mine else None
            # A team is part of the centre: it is tested against the rest of the centre, not against itself.
            c = _with_test(k, change_of(k, v.value, centre.kpis[k].value), rest, mine)
            if k in best and v.value is not None:
                c.extra["best"] = finite(best[k][1])
                c.extra["best_keys"] = best[k][0]
                c.extra["gap_to_best"] = finite(float(v.value) - best[k][1])
            changes[k] = c
        groups.append(CompareGroup(dict(g.keys), changes))
    notes = ["baseline = the centre; significance of survey KPIs tests the group against the rest of the centre; "
             "best = the best group by the KPI's direction, small samples left out"]
    return CompareResult(period, "teams", period.to_dict(), groups, notes)


def _benchmark(frames, period, name, by, kpis, config) -> CompareResult:
    if not config.benchmarks:
        raise CxtkError("no benchmarks in cxtk.yaml; add e.g. `benchmarks: {industry: {fcr_rate: 0.90}}`")
    if name is not None and name not in config.benchmarks:
        raise CxtkError(f"no benchmark '{name}' in cxtk.yaml; configured: {', '.join(config.benchmarks)}")
    names = [name] if name else list(config.benchmarks)
    wanted = sorted({k for n in names for k in config.benchmarks[n]})
    if kpis is not None:
        wanted = [k for k in wanted if k in set(kpis)]
    result = _kpis(frames, period, by, wanted, config)
    groups = []
    for n in names:
        bench = config.benchmarks[n]
        for g in result.groups:
            changes = {k: change_of(k, v.value, bench[k]) for k, v in g.kpis.items() if k in bench}
            groups.append(CompareGroup({"benchmark": n, **g.keys}, changes))
    label = f"benchmark:{name}" if name else "benchmark"
    return CompareResult(period, label, None, groups, ["benchmarks are fixed figures: no significance test"])
