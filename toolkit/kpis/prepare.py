"""The rows a KPI pass aggregates, prepared per dataset: canonical columns, times in the workspace zone,
outage windows, the period's rows, derived-FCR next-contact times (shared per frame and period), survey and QA
rows linked to their contact, SLA-due rows. Analyses reuse these by public name."""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from toolkit.core.periods import Period
from toolkit.kpis import expr as x
from toolkit.kpis import fcr

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config, Definitions


LINK_FIELDS = ("team", "agent_id", "channel", "queue", "topic")


_SCHEMA_NAME = {
    "interactions": "interactions",
    "surveys": "surveys",
    "qa": "qa",
    "agent-status": "agent-status",
}


def frame_tz(lf: pl.LazyFrame | None, default: str) -> str | None:
    """The time zone of a frame's ``arrived_at`` (None for naive times; ``default`` with no frame)."""
    import polars as pl

    if lf is None:
        return default
    dtype = lf.collect_schema().get("arrived_at")
    if isinstance(dtype, pl.Datetime):
        return dtype.time_zone
    return default


def with_canonical_columns(lf: pl.LazyFrame, ds: str, tz: str) -> pl.LazyFrame:
    """Add the canonical fields an export lacks as typed nulls, so every expression resolves."""
    import polars as pl

    from toolkit.ingest.schema import dataset, polars_schema

    have = lf.collect_schema()
    time_tz = tz
    for _name, dtype in have.items():
        if isinstance(dtype, pl.Datetime):
            time_tz = dtype.time_zone
            break
    extra = ["_complaint"] if ds == "surveys" else []
    missing = {k: v for k, v in polars_schema(dataset(_SCHEMA_NAME[ds]), time_tz).items() if k not in have}
    cols = [pl.lit(None, dtype=v).alias(k) for k, v in missing.items()]
    cols += [pl.lit(None, dtype=pl.Boolean).alias(k) for k in extra if k not in have]
    return lf.with_columns(cols) if cols else lf


def _in(col: str, lo: Any, hi: Any) -> pl.Expr:
    import polars as pl

    return (pl.col(col) >= lo) & (pl.col(col) < hi)


def in_outage(config: Config, tz: str | None) -> pl.Expr:
    """True for rows arriving inside a configured outage window (naive times: the workspace zone)."""
    import polars as pl

    cond = pl.lit(False)
    for o in config.outages:
        cond = cond | _in("arrived_at", localise(o.start, tz), localise(o.end, tz))
    return cond


def outage_exclusions(lf: pl.LazyFrame, config: Config, lo: datetime, hi: datetime) -> list[dict[str, Any]]:
    """The configured outages that overlap ``[lo, hi)``, each with the contacts it takes out of the KPIs.

    The one count of contacts excluded by an outage that ``cxtk kpi``, ``cxtk anomalies`` and the reports
    print: inbound interactions other than IVR sessions (the ``contacts`` KPI's rows) arriving inside
    the window and inside the period. A contact inside two overlapping windows counts in both windows
    (the KPI's own total counts it once).
    """

    tz = lo.tzinfo.key if lo.tzinfo is not None else None  # type: ignore[union-attr]
    windows = [(o, localise(o.start, tz), localise(o.end, tz)) for o in config.outages]
    windows = [(o, s, e) for o, s, e in windows if e > lo and s < hi]
    if not windows:
        return []
    base = _in("arrived_at", lo, hi) & _is_contact()
    counts = (
        lf.select([(base & _in("arrived_at", s, e)).sum().alias(str(i)) for i, (_, s, e) in enumerate(windows)])
        .collect()
        .row(0)
    )
    return [
        {"start": o.start.isoformat(), "end": o.end.isoformat(), "reason": o.reason, "contacts_excluded": int(n)}
        for (o, _, _), n in zip(windows, counts, strict=True)
    ]


def localise(t: datetime, tz: str | None) -> datetime:
    """A period bound in the frame's zone (naive when the frame's times are naive)."""
    if tz is None:
        return t.replace(tzinfo=None) if t.tzinfo else t
    from zoneinfo import ZoneInfo

    return t.replace(tzinfo=ZoneInfo(tz)) if t.tzinfo is None else t.astimezone(ZoneInfo(tz))


def prepare_interactions(
    lf: pl.LazyFrame, config: Config, lo: datetime, hi: datetime, derived_fcr: bool, *, exact: bool = False,
    source: pl.LazyFrame | None = None, next_id: bool = False,
) -> pl.LazyFrame:
    """Interactions arriving in ``[lo, hi)`` with the row flags.

    With ``derived_fcr``, rows up to ``hi + fcr_window_days`` are read first (only later
    contacts can be repeats), each gets ``_next_at`` — the customer's next strictly later
    contact, the rule of fcr.py — and ``_window_open`` (its window reaches past the stored data); then the period is kept.
    ``next_id`` adds ``_next_id``, the id of that next contact (the exact window: for ``cxtk explain``).
    """
    import polars as pl

    d = config.definitions
    tz = lo.tzinfo.key if lo.tzinfo is not None else None  # type: ignore[union-attr]
    t = pl.col("arrived_at")
    if derived_fcr:
        window = timedelta(days=d.fcr_window_days)
        latest = _per_source(source, ("latest",), lambda: fcr.latest_arrival(lf))
        rows = lf.filter((t >= lo) & (t < fcr.shifted(hi, window)))
        key = ("next", lo, hi, d.fcr_window_days, d.fcr_same_topic)
        times = None if exact or next_id else _per_source(source, key, lambda: next_contact_times(rows, d))
        if times is None:
            rows = rows.with_columns(fcr.next_contact_at(d), *([fcr.next_contact_id(d)] if next_id else []))
        else:
            # A scan keeps row order, so the times computed eagerly line up with this second read;
            # ``_misaligned`` counts rows whose time or customer hash says otherwise.
            rows = pl.concat([rows, times.lazy()], how="horizontal").with_columns(
                (pl.col("_seq_at").ne_missing(t) | pl.col("_seq_h").ne_missing(_customer_hash(d, 11))).alias(
                    "_misaligned"
                )
            )
        rows = rows.filter(t < hi)
        # the repeat window of a contact later than this is still open at the end of the stored data
        window_open = pl.lit(False) if latest is None else (t > pl.lit(fcr.shifted(latest, -window)))
    else:
        rows = lf.filter(_in("arrived_at", lo, hi)).with_columns(
            pl.lit(None, dtype=lf.collect_schema()["arrived_at"]).alias("_next_at")
        )
        window_open = pl.lit(False)
    out = in_outage(config, tz)
    return rows.with_columns(
        (~out).alias("_p"),
        (out & _is_contact()).alias("_outage"),
        t.alias("_t"),
        window_open.alias("_window_open"),
    ).with_columns(x.interaction_row_flags(d))


def _is_contact() -> pl.Expr:
    import polars as pl

    return (pl.col("direction").fill_null("inbound") == "inbound") & (pl.col("channel") != "ivr")


_PER_SOURCE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


_PER_SOURCE_MAX = 6


def _per_source(source: pl.LazyFrame | None, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """``make()`` once per interactions frame and ``key``: a report asks for the KPIs of one period
    several times (centre, teams, agents, drivers), and each derived-FCR pass costs about a second
    at 10 M contacts. An entry lives as long as its frame (and at most the last few are kept); a
    stale one (the store changed under the same frame) is caught by the alignment check, which drops
    the frame's entries."""
    if source is None:
        return make()
    full = (id(source), *key)
    if full in _PER_SOURCE:
        _PER_SOURCE.move_to_end(full)
        return _PER_SOURCE[full]
    value = _PER_SOURCE[full] = make()
    weakref.finalize(source, _PER_SOURCE.pop, full, None)
    while len(_PER_SOURCE) > _PER_SOURCE_MAX:
        _PER_SOURCE.popitem(last=False)
    return value


def forget_frame(source: pl.LazyFrame | None) -> None:
    for full in [k for k in _PER_SOURCE if k[0] == id(source)]:
        _PER_SOURCE.pop(full, None)


def next_contact_times(narrow: pl.LazyFrame, d: Definitions) -> pl.DataFrame | None:
    """``_next_at`` for each row of ``narrow`` (in its order), or None when two customers share a hash.

    A window partitioned by customer (fcr.py) sorts or hashes 10 M strings. Here only the time and
    two 64-bit hashes of the customer (and topic) are read and sorted — by time, then stably by
    the first hash, so that each customer's contacts are consecutive and in time order — then put
    back in row order. It runs eagerly: on these three columns the in-memory sort is several times
    faster than the same plan inside the lazy query. Two customers sharing the first hash (about
    once in 10⁷ stores of 2 M customers) show as neighbours with equal first and different second
    hashes; then None sends the caller to the exact window.
    """
    import polars as pl

    t, h, g = pl.col("arrived_at"), pl.col("_h1"), pl.col("_h2")
    seq = (
        narrow.select(t, _customer_hash(d, 11).alias("_h1"), _customer_hash(d, 29).alias("_h2"))
        .collect()
        .with_row_index("_i")
    )
    if not seq["arrived_at"].is_sorted():  # a store written month by month usually is
        seq = seq.sort("arrived_at")
    seq = seq.sort("_h1", maintain_order=True, nulls_last=True)
    if seq.select(((h.shift(-1) == h) & g.shift(-1).ne_missing(g)).fill_null(False).any()).item():
        return None
    nxt = t.shift(-1)
    same = ((h.shift(-1) == h) & (g.shift(-1) == g)).fill_null(False)
    # Later contact of the same customer: that time. Tie (same instant, not "later"): take the
    # answer of the tie's last row by back-filling. Last contact of a customer: a far-future stop
    # value, so the back-fill never crosses into the next customer; it is nulled afterwards.
    stop = pl.lit(datetime(9999, 1, 1), dtype=pl.Datetime("us")).dt.replace_time_zone(
        seq.schema["arrived_at"].time_zone
    )
    nxt_at = pl.when(same).then(pl.when(nxt > t).then(nxt)).otherwise(stop).backward_fill()
    return (
        seq.select("_i", nxt_at.alias("_next_at"), t.alias("_seq_at"), h.alias("_seq_h"))
        .sort("_i")
        .select(
            pl.when(pl.col("_next_at") < stop).then(pl.col("_next_at")).alias("_next_at"), "_seq_at", "_seq_h"
        )
    )


def _customer_hash(d: Definitions, seed: int) -> pl.Expr:
    """A 64-bit hash of the contact's customer (and topic, with ``fcr_same_topic``); null when the
    row has no repeat sequence: no customer, or not a contact (only inbound non-IVR contacts repeat).

    As in fcr.py's window, a null topic is a topic of its own.
    """
    import polars as pl

    key = pl.struct("customer_id", "topic") if d.fcr_same_topic else pl.col("customer_id")
    return pl.when(pl.col("customer_id").is_not_null() & _is_contact()).then(key.hash(seed))


def prepare_sla(lf: pl.LazyFrame, config: Config, lo: datetime, hi: datetime) -> pl.LazyFrame:
    """Interactions whose SLA falls due in ``[lo, hi)``, timed (``_t``) by ``sla_due_at``.

    A ticket opened 30 September and due 1 October counts for October, in October's
    group: it is judged when it falls due, not when it arrived. Outages still go by arrival.
    """
    import polars as pl

    tz = lo.tzinfo.key if lo.tzinfo is not None else None  # type: ignore[union-attr]
    return lf.filter(_in("sla_due_at", lo, hi)).with_columns(
        (~in_outage(config, tz)).alias("_sla_p"),
        pl.lit(False).alias("_p"),
        pl.col("sla_due_at").alias("_t"),
    )


def _link(
    lf: pl.LazyFrame, interactions: pl.LazyFrame, fields: Sequence[str], complaint: bool
) -> pl.LazyFrame:
    """Fill a survey/review row's team, agent, channel… from its linked interaction when missing."""
    import polars as pl

    ix = interactions.collect_schema().names()
    take = [f for f in fields if f in ix]
    if complaint and "complaint" in ix:
        take.append("complaint")
    if not take:
        return lf
    # Only the contacts these rows name: a unique() over every stored contact cost seconds at 10 M.
    wanted = lf.select("interaction_id").drop_nulls().unique()
    right = (
        interactions.select(["interaction_id", *take])
        .join(wanted, on="interaction_id", how="semi")
        .unique("interaction_id", keep="any")
    )
    right = right.rename({f: f"{f}__ix" for f in take})
    joined = lf.join(right, on="interaction_id", how="left")
    fills = [pl.coalesce(pl.col(f), pl.col(f"{f}__ix")).alias(f) for f in take if f != "complaint"]
    if "complaint" in take:
        fills.append(pl.col("complaint__ix").alias("_complaint"))
    return joined.with_columns(fills).drop([f"{f}__ix" for f in take])


def prepare_surveys(
    lf: pl.LazyFrame, interactions: pl.LazyFrame | None, config: Config, lo: datetime, hi: datetime
) -> pl.LazyFrame:
    import polars as pl

    t = pl.coalesce(pl.col("sent_at"), pl.col("responded_at"))
    lo_, hi_ = match_tz(lf, "sent_at", lo, hi)
    # judged over all of a source's rows, so a month without any follow-up still counts its misses
    lf = lf.with_columns((~pl.col("followed_up_at").is_not_null().any().over("source")).alias("_fu_untracked_all"))
    lf = lf.filter((t >= lo_) & (t < hi_))
    if interactions is not None:
        if "topic" not in lf.collect_schema():
            lf = lf.with_columns(pl.lit(None, dtype=pl.String).alias("topic"))
        lf = _link(
            lf, with_canonical_columns(interactions, "interactions", config.timezone), LINK_FIELDS, True
        )
    return lf.with_columns(pl.lit(True).alias("_p"), t.alias("_t"), *_followup_flags(config, hi_))


def _followup_flags(config: Config, hi: datetime) -> list[pl.Expr]:
    """``_fu_pending``: not followed up and not yet due at the period's end (or now, if sooner);
    ``_fu_untracked``: from a source that never records a follow-up (a rating carried on a contact
    export). Neither is a miss: the outcome is not known yet, or cannot be (toolkit.survey.followups agrees)."""
    from datetime import UTC
    from datetime import datetime as _dt

    import polars as pl

    as_of = min(hi, _dt.now(tz=UTC).astimezone(hi.tzinfo)) if hi.tzinfo else hi
    since = pl.coalesce(pl.col("responded_at"), pl.col("sent_at"))
    due = since + pl.duration(seconds=config.definitions.followup_hours * 3600)
    done = pl.col("followed_up_at").is_not_null()
    return [
        (~done & (due > pl.lit(as_of))).alias("_fu_pending"),
        pl.col("_fu_untracked_all").alias("_fu_untracked"),
    ]


def prepare_qa(
    lf: pl.LazyFrame, interactions: pl.LazyFrame | None, config: Config, lo: datetime, hi: datetime
) -> pl.LazyFrame:
    import polars as pl

    lo_, hi_ = match_tz(lf, "reviewed_at", lo, hi)
    lf = lf.filter(_in("reviewed_at", lo_, hi_))
    if interactions is not None:
        have = lf.collect_schema()
        lf = lf.with_columns([pl.lit(None, dtype=pl.String).alias(f) for f in LINK_FIELDS if f not in have])
        lf = _link(
            lf, with_canonical_columns(interactions, "interactions", config.timezone), LINK_FIELDS, False
        )
    return lf.with_columns(pl.lit(True).alias("_p"), pl.col("reviewed_at").alias("_t"))


def prepare_agent_status(lf: pl.LazyFrame, period: Period, by: Sequence[str] = ()) -> pl.LazyFrame:
    """Agent-status rows of the period, each agent-day counted once.

    A store may hold daily rows (``hour`` null) and interval rows for the same days;
    daily rows win, interval rows fill the days without one (``--by hour`` uses interval rows).
    """
    import polars as pl

    lf = lf.filter((pl.col("date") >= period.start) & (pl.col("date") <= period.end))
    if "hour" in lf.collect_schema().names():
        hourly = lf.filter(pl.col("hour").is_not_null())
        if "hour" in by:
            lf = hourly
        else:
            daily = lf.filter(pl.col("hour").is_null())
            covered = daily.select("agent_id", "date").unique()
            lf = pl.concat([daily, hourly.join(covered, on=["agent_id", "date"], how="anti")], how="vertical")
    return lf.with_columns(pl.lit(True).alias("_p"), pl.col("date").alias("_t"))


def match_tz(lf: pl.LazyFrame, col: str, lo: datetime, hi: datetime) -> tuple[datetime, datetime]:
    """Period bounds expressed in the zone of this frame's time column (naive if it is naive)."""
    import polars as pl

    dtype = lf.collect_schema().get(col)
    if isinstance(dtype, pl.Datetime):
        tz = dtype.time_zone
        wall_lo, wall_hi = lo.replace(tzinfo=None), hi.replace(tzinfo=None)
        return localise(wall_lo, tz), localise(wall_hi, tz)
    return lo, hi
