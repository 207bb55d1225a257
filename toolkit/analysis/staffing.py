"""Staffing with Erlang C (kpis.md "Staffing (Erlang C)").

Traffic A = λ·AHT Erlangs; with N agents (N > A):

    Pw  = (Aᴺ/N! · N/(N−A)) / (Σₖ₌₀ᴺ⁻¹ Aᵏ/k! + Aᴺ/N! · N/(N−A))
    SL(T) = 1 − Pw · e^(−(N−A)·T/AHT)
    ASA = Pw · AHT / (N − A)
    occupancy = A / N

Everything is computed in log space (``lgamma`` and ``logsumexp``), so a
centre with hundreds or thousands of agents does not overflow. The work and
memory grow with the number of agents, so the inputs are bounded: at most
``MAX_TRAFFIC_ERLANGS`` (100,000) Erlangs of traffic and ``MAX_AGENTS``
(1,000,000) agents — far beyond any one queue; ``--volume 1e12`` once asked
for an array of 10¹¹ numbers and died out of memory. ``agents_needed``
finds the smallest N meeting the service-level target (and an occupancy cap),
and ``positions`` converts agents into rostered heads: ⌈N / (1 − shrinkage)⌉.

Example: 100 calls per 30 min, AHT 180 s, target 80 % in 20 s → 10 Erlangs,
14 agents, P(wait) 0.1741, SL 0.8884, ASA 7.84 s, occupancy 0.7143, and
20 positions at 30 % shrinkage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.core.errors import CxtkError, InputError

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

__all__ = [
    "ErlangResult",
    "traffic_erlangs",
    "erlang_c",
    "service_level",
    "asa",
    "occupancy",
    "positions",
    "evaluate",
    "agents_needed",
    "agents_needed_by_interval",
]


@dataclass(frozen=True)
class ErlangResult:
    """A staffing level and what it gives.

    ``asa_s`` is ``math.inf`` and ``service_level`` 0 when ``agents`` cannot
    carry the traffic (N ≤ A): the queue then grows without limit.
    ``positions`` is ``agents`` grossed up for shrinkage (rostered heads).
    """

    traffic_erlangs: float
    agents: int
    p_wait: float
    service_level: float
    asa_s: float
    occupancy: float
    positions: int


MAX_TRAFFIC_ERLANGS = 100_000
MAX_AGENTS = 1_000_000

# --------------------------------------------------------------------------- validation


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise CxtkError(message)


def _finite(x: float) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def _check_workload(volume: float, interval_s: float, aht_s: float) -> None:
    _require(
        _finite(volume) and volume > 0,
        f"volume must be greater than 0 (contacts offered per interval), got {volume}.",
    )
    _require(
        _finite(interval_s) and interval_s > 0,
        f"interval must be greater than 0 seconds (e.g. 1800 for 30 min), got {interval_s}.",
    )
    _require(_finite(aht_s) and aht_s > 0, f"aht must be greater than 0 seconds, got {aht_s}.")
    traffic = traffic_erlangs(volume, interval_s, aht_s)
    _require(
        traffic <= MAX_TRAFFIC_ERLANGS,
        f"the workload is {traffic:,.6g} Erlangs (volume {volume:g} per {interval_s:g} s × AHT {aht_s:g} s); "
        f"Erlang C here sizes at most {MAX_TRAFFIC_ERLANGS:,} Erlangs, far more than one queue carries — "
        "check the volume, interval and AHT (or split the queue).",
    )


def _check_agents(agents: int) -> None:
    _require(
        isinstance(agents, int) and not isinstance(agents, bool) and 1 <= agents <= MAX_AGENTS,
        f"agents must be a whole number of 1 or more (at most {MAX_AGENTS:,}), got {agents}.",
    )


def _check_threshold(threshold_s: float) -> None:
    _require(
        _finite(threshold_s) and threshold_s >= 0,
        f"threshold must be 0 seconds or more (answered within T s), got {threshold_s}.",
    )


def _check_shrinkage(shrinkage: float) -> None:
    _require(
        _finite(shrinkage) and 0 <= shrinkage < 1,
        f"shrinkage must be a fraction in [0, 1) (e.g. 0.3 for 30 %), got {shrinkage}.",
    )


def _check_target(target_sl: float, max_occupancy: float | None) -> None:
    _require(
        _finite(target_sl) and 0 < target_sl < 1,
        f"target service level must be a fraction strictly between 0 and 1 (e.g. 0.8 for 80 %), got {target_sl}.",
    )
    if max_occupancy is not None:
        _require(
            _finite(max_occupancy) and 0 < max_occupancy <= 1,
            f"max occupancy must be a fraction in (0, 1] (e.g. 0.85 for 85 %), got {max_occupancy}.",
        )


def _ceil(x: float) -> int:
    # 14 / 0.7 is 20.000000000000004 in floating point; a whole number must not round up to 21
    return math.ceil(round(x, 9))


# --------------------------------------------------------------------------- formulas


def traffic_erlangs(volume: float, interval_s: float, aht_s: float) -> float:
    """Offered traffic A = volume/interval · AHT, in Erlangs (100 calls/1800 s · 180 s = 10)."""
    return volume / interval_s * aht_s


def erlang_c(traffic: float, agents: int) -> float:
    """Probability that a contact waits (Erlang C), for ``traffic`` Erlangs and ``agents`` agents.

    1.0 when ``agents <= traffic`` (the queue never clears); 0.0 when there is no traffic.
    Computed in log space: A = 500, N = 550 works although 500⁵⁵⁰ overflows a float.
    """
    _require(_finite(traffic) and traffic >= 0, f"traffic must be 0 Erlangs or more, got {traffic}.")
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    _check_agents(agents)  # the sums below hold one number per agent
    import numpy as np
    from scipy.special import gammaln, logsumexp

    k = np.arange(agents, dtype=np.float64)
    log_a = math.log(traffic)
    log_terms = k * log_a - gammaln(k + 1)  # log(Aᵏ/k!), k < N
    log_last = agents * log_a - math.lgamma(agents + 1) + math.log(agents / (agents - traffic))
    log_den = logsumexp(np.append(log_terms, log_last))
    return float(math.exp(log_last - log_den))


def service_level(traffic: float, agents: int, aht_s: float, threshold_s: float) -> float:
    """Share of contacts answered within ``threshold_s``: 1 − Pw·e^(−(N−A)·T/AHT).

    0.0 when ``agents <= traffic``; 1.0 when there is no traffic.
    """
    if traffic == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return 1.0 - erlang_c(traffic, agents) * math.exp(-(agents - traffic) * threshold_s / aht_s)


def asa(traffic: float, agents: int, aht_s: float) -> float:
    """Average speed of answer in seconds: Pw·AHT/(N − A); ``math.inf`` when ``agents <= traffic``."""
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(traffic, agents) * aht_s / (agents - traffic)


def occupancy(traffic: float, agents: int) -> float:
    """Share of agents' time spent handling: A/N, at most 1 (agents cannot be busier than always)."""
    if agents <= 0:
        return 1.0 if traffic > 0 else 0.0
    return min(1.0, traffic / agents)


def positions(agents: int, shrinkage: float = 0.0) -> int:
    """Rostered heads for ``agents`` on the phones: ⌈N/(1 − shrinkage)⌉ (14 at 30 % → 20)."""
    _check_shrinkage(shrinkage)
    return _ceil(agents / (1 - shrinkage))


def _result(traffic: float, agents: int, aht_s: float, threshold_s: float, shrinkage: float) -> ErlangResult:
    pw = erlang_c(traffic, agents)
    return ErlangResult(
        traffic_erlangs=traffic,
        agents=agents,
        p_wait=pw,
        service_level=service_level(traffic, agents, aht_s, threshold_s),
        asa_s=asa(traffic, agents, aht_s),
        occupancy=occupancy(traffic, agents),
        positions=positions(agents, shrinkage),
    )


# --------------------------------------------------------------------------- staffing questions


def evaluate(
    volume: float,
    interval_s: float,
    aht_s: float,
    agents: int,
    threshold_s: float = 20,
    shrinkage: float = 0.0,
) -> ErlangResult:
    """What ``agents`` agents give for this workload: P(wait), SL at ``threshold_s``, ASA, occupancy.

    Example: ``evaluate(100, 1800, 180, 14)`` → SL 0.8884, ASA 7.84 s.
    """
    _check_workload(volume, interval_s, aht_s)
    _check_threshold(threshold_s)
    _check_shrinkage(shrinkage)
    _check_agents(agents)
    return _result(traffic_erlangs(volume, interval_s, aht_s), agents, aht_s, threshold_s, shrinkage)


def _smallest_agents(traffic: float, aht_s: float, target_sl: float, threshold_s: float, start: int) -> int:
    """Smallest N ≥ ``start`` whose SL meets the target; SL rises with N, so gallop then bisect."""

    def meets(n: int) -> bool:
        return service_level(traffic, n, aht_s, threshold_s) >= target_sl

    if meets(start):
        return start
    failing, step = start, 1
    while not meets(start + step):
        failing, step = start + step, step * 2
    passing = start + step
    while passing - failing > 1:
        mid = (failing + passing) // 2
        if meets(mid):
            passing = mid
        else:
            failing = mid
    return passing


def agents_needed(
    volume: float,
    interval_s: float,
    aht_s: float,
    target_sl: float,
    threshold_s: float,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> ErlangResult:
    """The smallest N > A meeting ``target_sl`` within ``threshold_s`` (and occupancy ≤ ``max_occupancy``).

    Example: ``agents_needed(100, 1800, 180, 0.8, 20, shrinkage=0.3)`` → 14 agents, 20 positions.
    Fractions throughout: ``target_sl`` 0.8, ``max_occupancy`` 0.85, ``shrinkage`` 0.3.
    """
    _check_workload(volume, interval_s, aht_s)
    _check_threshold(threshold_s)
    _check_shrinkage(shrinkage)
    _check_target(target_sl, max_occupancy)
    traffic = traffic_erlangs(volume, interval_s, aht_s)
    start = math.floor(traffic) + 1
    if max_occupancy is not None:
        start = max(start, _ceil(traffic / max_occupancy))
    n = _smallest_agents(traffic, aht_s, target_sl, threshold_s, start)
    return _result(traffic, n, aht_s, threshold_s, shrinkage)


def agents_needed_by_interval(
    frame: pl.DataFrame,
    *,
    target_sl: float,
    threshold_s: float,
    interval_s: float = 3600,
    volume: str = "volume",
    aht: str = "aht_s",
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> pl.DataFrame:
    """Agents needed for each row (e.g. hour of day) of ``frame``, from its volume and AHT columns.

    Adds ``traffic_erlangs``, ``agents_needed``, ``positions_needed``, ``expected_p_wait``,
    ``expected_service_level``, ``expected_asa_s`` and ``expected_occupancy``. A row with
    volume 0 needs 0 agents (its expected figures are null); a row with a null volume or
    AHT gets nulls. The Erlang search runs once per distinct (volume, AHT) pair, not per row.

    Example: hours with ``volume`` per hour and ``aht_s`` → ``interval_s=3600``; compare
    ``agents_needed`` with agents logged in to find the understaffed hours.
    """
    import polars as pl

    for col in (volume, aht):
        if col not in frame.columns:
            raise InputError(
                f"staffing by interval needs a column {col!r}; the frame has {', '.join(frame.columns) or 'none'}."
            )
    _require(
        _finite(interval_s) and interval_s > 0,
        f"interval must be greater than 0 seconds (e.g. 3600 for an hour), got {interval_s}.",
    )
    _check_threshold(threshold_s)
    _check_shrinkage(shrinkage)
    _check_target(target_sl, max_occupancy)

    v, a = pl.col(volume).cast(pl.Float64), pl.col(aht).cast(pl.Float64)
    keyed = frame.with_columns(__cxtk_v=v, __cxtk_a=a)
    bad = keyed.with_row_index("__cxtk_row").filter(
        (pl.col("__cxtk_v") < 0) | ((pl.col("__cxtk_v") > 0) & (pl.col("__cxtk_a") <= 0))
    )
    if bad.height:
        row = bad.row(0, named=True)
        raise InputError(
            f"row {row['__cxtk_row'] + 1}: {volume} {row['__cxtk_v']} with {aht} {row['__cxtk_a']} cannot be staffed "
            f"(volume must be ≥ 0 and AHT > 0); {bad.height} row(s) like this."
        )

    pairs = (
        keyed.filter(pl.col("__cxtk_v") > 0, pl.col("__cxtk_a").is_not_null())
        .select("__cxtk_v", "__cxtk_a")
        .unique()
    )
    # one Erlang search per distinct workload: the search is iterative, so it cannot be an expression
    results = [
        (
            vol,
            handle,
            agents_needed(vol, interval_s, handle, target_sl, threshold_s, max_occupancy, shrinkage),
        )
        for vol, handle in pairs.iter_rows()
    ]
    solved = pl.DataFrame(
        {
            "__cxtk_v": [r[0] for r in results],
            "__cxtk_a": [r[1] for r in results],
            "agents_needed": [r[2].agents for r in results],
            "positions_needed": [r[2].positions for r in results],
            "expected_p_wait": [r[2].p_wait for r in results],
            "expected_service_level": [r[2].service_level for r in results],
            "expected_asa_s": [r[2].asa_s for r in results],
            "expected_occupancy": [r[2].occupancy for r in results],
        },
        schema_overrides={
            "__cxtk_v": pl.Float64,
            "__cxtk_a": pl.Float64,
            "agents_needed": pl.Int64,
            "positions_needed": pl.Int64,
            "expected_p_wait": pl.Float64,
            "expected_service_level": pl.Float64,
            "expected_asa_s": pl.Float64,
            "expected_occupancy": pl.Float64,
        },
    )
    idle = pl.col("__cxtk_v") == 0
    return (
        keyed.join(solved, on=["__cxtk_v", "__cxtk_a"], how="left", maintain_order="left")
        .with_columns(
            traffic_erlangs=pl.when(idle)
            .then(0.0)
            .otherwise(pl.col("__cxtk_v") / interval_s * pl.col("__cxtk_a")),
            agents_needed=pl.when(idle).then(0).otherwise(pl.col("agents_needed")),
            positions_needed=pl.when(idle).then(0).otherwise(pl.col("positions_needed")),
        )
        .drop("__cxtk_v", "__cxtk_a")
        .select(
            *frame.columns,
            "traffic_erlangs",
            "agents_needed",
            "positions_needed",
            "expected_p_wait",
            "expected_service_level",
            "expected_asa_s",
            "expected_occupancy",
        )
    )
