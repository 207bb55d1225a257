"""Compute KPIs for a period from lazy canonical frames: one ``group_by().agg()`` per dataset.

Each dataset gets helper columns (``_p`` = the row is in the period and outside
outages, group keys), then every requested KPI of that dataset contributes its
aggregation expressions to a single aggregation. The small aggregated frames
are then read into a :class:`KpiResult`, scored against targets.
"""

from __future__ import annotations

import math
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import CxtkError
from toolkit.core.periods import Period
from toolkit.kpis import expr as x
from toolkit.kpis import fcr
from toolkit.kpis.registry import DATASETS, KPI_IDS, REGISTRY, kpis_by_id
from toolkit.kpis.result import Group, KpiResult, KpiValue

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config, Definitions

GROUP_FIELDS = ("team", "agent_id", "channel", "queue", "topic", "month", "day", "hour")
TIME_KEYS = ("month", "day", "hour")
LINK_FIELDS = ("team", "agent_id", "channel", "queue", "topic")
_OWN_FIELDS = {
    "interactions": ("team", "agent_id", "channel", "queue", "topic"),
    "surveys": ("team", "agent_id", "channel", "queue"),
    "qa": ("team", "agent_id"),
    "agent-status": ("team", "agent_id"),
}
_SCHEMA_NAME = {
    "interactions": "interactions",
    "surveys": "surveys",
    "qa": "qa",
    "agent-status": "agent-status",
}
# The interaction KPIs keyed by sla_due_at: a pass of their own, merged into the interactions rows.
_DUE = "interactions:due"
_NO_DATA = {
    "interactions": "no interactions data",
    "surveys": "no surveys data",
    "qa": "no qa_reviews data",
    "agent-status": "no agent_status data",
}


def compute_kpis(
    frames: Mapping[str, pl.LazyFrame | None],
    period: Period,
    *,
    by: Sequence[str] = (),
    kpis: Sequence[str] | None = None,
    config: Config,
) -> KpiResult:
    """KPIs of ``period`` from canonical frames keyed "interactions", "surveys", "qa", "agent-status".

    A missing or None frame means no such data: its KPIs are null with a note,
    never 0. ``by`` groups by any of GROUP_FIELDS; ``kpis`` picks ids (default all).
    """
    import polars as pl

    d = config.definitions
    ids = tuple(KPI_IDS if kpis is None else [k.id for k in kpis_by_id(kpis)])
    by = tuple(by)
    bad = [f for f in by if f not in GROUP_FIELDS]
    if bad:
        raise CxtkError(f"cannot group by {', '.join(bad)}; choose from: {', '.join(GROUP_FIELDS)}")
    wanted = {ds: [k for k in ids if REGISTRY[k].dataset == ds] for ds in DATASETS}
    if "response_rate" in ids and not wanted["surveys"]:
        wanted["surveys"] = ["response_rate"]

    interactions = frames.get("interactions")
    tz = frame_tz(interactions, config.timezone)
    lo, hi = period.bounds(tz)
    broken = _damaged(frames, wanted, period, lo, hi, by)
    methods: dict[str, str] = {}
    fcr_kind: str | None = None
    aggregated: dict[str, pl.DataFrame | None] = {}
    unavailable: dict[str, list[str]] = {}
    queries: dict[str, pl.LazyFrame] = {}
    exprs_of: dict[str, list[pl.Expr]] = {}

    for ds in DATASETS:
        lf = frames.get(ds)
        if not wanted[ds] or lf is None or ds in broken:
            continue
        lf = with_canonical_columns(lf, ds, config.timezone)
        own = set(_OWN_FIELDS[ds]) | set(TIME_KEYS if ds != "agent-status" else ("month", "day", "hour"))
        linked = (
            ds in ("surveys", "qa") and interactions is not None and "interaction_id" in lf.collect_schema()
        )
        if linked:
            own |= set(LINK_FIELDS)
        missing = [f for f in by if f not in own]
        if missing:
            unavailable[ds] = missing
            continue
        due_keyed = [k for k in wanted[ds] if REGISTRY[k].time_field == "sla_due_at"]
        main = [k for k in wanted[ds] if k not in due_keyed]
        if ds == "interactions":
            fcr_method = fcr.fcr_method(lf, lo, hi) if "fcr_rate" in main else None
            if fcr_method == "derived":
                _warn_fcr_window(interactions, hi, d.fcr_window_days)
            if fcr_method:
                fcr_kind = fcr_method
                methods["fcr_rate"] = fcr.method_label(fcr_method, d)
            if due_keyed:
                # A second, small pass: tickets due in the period, keyed by their due time.
                due = _prepare_sla(lf, config, lo, hi).with_columns(_group_keys(by))
                queries[_DUE] = _aggregate(due, by, _agg_exprs(due_keyed, d))
        exprs = _agg_exprs(main, d)
        if ds == "interactions":
            prepared = prepare_interactions(lf, config, lo, hi, fcr_method == "derived", source=interactions)
            exprs += [pl.col("_outage").sum().alias("_outage"), _handled_count()]
            if "_misaligned" in prepared.collect_schema():
                exprs.append(pl.col("_misaligned").sum())
            queries[ds] = _aggregate(prepared.with_columns(_group_keys(by)), by, exprs)
            exprs_of[ds] = [e for e in exprs if e.meta.output_name() != "_misaligned"]
            continue
        elif ds == "surveys":
            prepared = _prepare_surveys(lf, interactions if linked else None, config, lo, hi)
            exprs += [pl.len().alias("_rows"), pl.col("responded_at").is_null().sum().alias("_unanswered")]
        elif ds == "qa":
            prepared = _prepare_qa(lf, interactions if linked else None, config, lo, hi)
        else:
            prepared = _prepare_agent_status(lf, period, by)
        prepared = prepared.with_columns(_time_keys(ds, by))
        queries[ds] = prepared.group_by(list(by)).agg(exprs) if by else prepared.select(exprs)

    names = list(queries)
    for name, df in zip(names, pl.collect_all([queries[n] for n in names]), strict=True):
        aggregated[name] = df
    ix = aggregated.get("interactions")
    if ix is not None and "_misaligned" in ix.columns and ix["_misaligned"].sum():
        # The second read of the store did not return rows in the order of the first (the
        # next-contact times would land on the wrong rows): redo with the exact window, and drop
        # what was kept for this frame (the store may have changed under it).
        _forget(interactions)
        lf = with_canonical_columns(interactions, "interactions", config.timezone)
        prepared = prepare_interactions(lf, config, lo, hi, True, exact=True).with_columns(_group_keys(by))
        aggregated["interactions"] = _aggregate(prepared, by, exprs_of["interactions"]).collect()
    for name in (_DUE, "interactions"):
        if aggregated.get(name) is not None:
            aggregated[name] = _label_keys(aggregated[name], by)

    responses_only = _responses_only(aggregated.get("surveys"))
    if (
        responses_only
        and "response_rate" in ids
        and interactions is not None
        and "interactions" not in aggregated
        and "interactions" not in broken
    ):
        if "interactions" not in unavailable:
            lf = with_canonical_columns(interactions, "interactions", config.timezone)
            prepared = prepare_interactions(lf, config, lo, hi, False).with_columns(_group_keys(by))
            aggregated["interactions"] = _label_keys(
                _aggregate(prepared, by, [_handled_count()]).collect(), by
            )

    rows = {ds: _rows(df, by) for ds, df in aggregated.items() if df is not None}
    for key, r in rows.pop(_DUE, {}).items():
        rows.setdefault("interactions", {}).setdefault(key, {}).update(r)
    keys = sorted({k for r in rows.values() for k in r}, key=_sort_key) if by else [()]
    groups: list[Group] = []
    for key in keys:
        values: dict[str, KpiValue] = {}
        for k in ids:
            values[k] = _kpi_value(k, key, rows, frames, unavailable, d, responses_only, fcr_kind, broken)
        groups.append(Group(keys=dict(zip(by, key, strict=True)), kpis=values))

    excluded: dict[str, Any] = {}
    if config.outages and "interactions" in rows:
        excluded["outage_contacts"] = int(sum(r.get("_outage") or 0 for r in rows["interactions"].values()))
        excluded["outages"] = [
            {"start": o.start.isoformat(), "end": o.end.isoformat(), "reason": o.reason}
            for o in config.outages
        ]
        for g, key in zip(groups, keys, strict=True):
            r = rows["interactions"].get(key)
            if r and r.get("_outage"):
                g.flags.append(f"outage_excluded:{int(r['_outage'])}")
    fcr_totals = _fcr_totals(groups)
    if fcr_totals:
        excluded.update(fcr_totals)
    notes = [f"{ds} cannot be grouped by {', '.join(f)}" for ds, f in unavailable.items()]

    from toolkit.kpis.scoring import score_groups

    score_groups(groups, config, by)
    return KpiResult(
        period=period,
        definitions=d.model_dump(),
        by=by,
        kpis=ids,
        groups=groups,
        methods=methods,
        excluded=excluded,
        notes=notes,
    )


def _damaged(
    frames: Mapping[str, pl.LazyFrame | None], wanted: Mapping[str, Sequence[str]], period: Period,
    lo: datetime, hi: datetime, by: Sequence[str],
) -> dict[str, Any]:
    """Datasets whose figures for ``[lo, hi)`` would need a damaged store month (``store.scan_store``
    leaves such a file out): their KPIs are null with a note naming the file, never a number short of
    that month, and a warning says so. Month by month, only that month's figures are missing.

    A command's own period never gets here damaged (``check_period_has_data`` and the like fail
    first); this is for the other periods a command reads: baselines, previous periods, trends.
    """
    from toolkit.ingest.store import damaged_in, warn_damaged

    if "month" in by:
        for ds, ids in wanted.items():
            if ids or ds == "interactions":
                warn_damaged(frames.get(ds), lo, hi, "its month has no figures in the month-by-month series")
        return {}
    contacts = damaged_in(frames.get("interactions"), lo, hi)
    broken: dict[str, Any] = {}
    for ds, ids in wanted.items():
        if not ids:
            continue
        # survey and QA rows are linked to their contacts (team, response rate): those count too
        found = damaged_in(frames.get(ds), lo, hi) or (contacts if ds in ("surveys", "qa") else [])
        if found:
            broken[ds] = found[0]
            source = frames.get(ds) if damaged_in(frames.get(ds), lo, hi) else frames.get("interactions")
            warn_damaged(source, lo, hi, f"the {ds} figures of {period.label} are not computed")
    return broken


def _warn_fcr_window(interactions: pl.LazyFrame | None, hi: datetime, days: float) -> None:
    """Derived FCR reads the days after the period for repeat contacts; a damaged month there is a warning."""
    from toolkit.ingest.store import warn_damaged

    effect = f"derived FCR of the period's last {days:g} days may miss repeat contacts in it"
    warn_damaged(interactions, hi, fcr.shifted(hi, timedelta(days=days)), effect)


def _agg_exprs(ids: Sequence[str], d: Definitions) -> list[pl.Expr]:
    """The named aggregations of these KPIs, aliased ``kpi:name``."""
    return [e.alias(f"{k}:{name}") for k in ids for name, e in REGISTRY[k].aggs(d).items()]


def _aggregate(lf: pl.LazyFrame, by: Sequence[str], exprs: list[pl.Expr]) -> pl.LazyFrame:
    return lf.group_by(list(by)).agg(exprs) if by else lf.select(exprs)


# --- preparation (also used by the analyses: anomalies, drivers, staffing by hour, QA) -------------


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


def localise(t: datetime, tz: str | None) -> datetime:
    """A period bound in the frame's zone (naive when the frame's times are naive)."""
    if tz is None:
        return t.replace(tzinfo=None) if t.tzinfo else t
    from zoneinfo import ZoneInfo

    return t.replace(tzinfo=ZoneInfo(tz)) if t.tzinfo is None else t.astimezone(ZoneInfo(tz))


def prepare_interactions(
    lf: pl.LazyFrame, config: Config, lo: datetime, hi: datetime, derived_fcr: bool, *, exact: bool = False,
    source: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """Interactions arriving in ``[lo, hi)`` with the row flags.

    With ``derived_fcr``, rows up to ``hi + fcr_window_days`` are read first (only later
    contacts can be repeats), each gets ``_next_at`` — the customer's next strictly later
    contact, the rule of fcr.py — and ``_provisional``; then the period is kept.
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
        times = None if exact else _per_source(source, key, lambda: _next_contact_times(rows, d))
        if times is None:
            rows = rows.with_columns(fcr.next_contact_at(d))
        else:
            # A scan keeps row order, so the times computed eagerly line up with this second read;
            # ``_misaligned`` counts rows whose time or customer hash says otherwise.
            rows = pl.concat([rows, times.lazy()], how="horizontal").with_columns(
                (pl.col("_seq_at").ne_missing(t) | pl.col("_seq_h").ne_missing(_customer_hash(d, 11))).alias(
                    "_misaligned"
                )
            )
        rows = rows.filter(t < hi)
        provisional = pl.lit(False) if latest is None else (t > pl.lit(fcr.shifted(latest, -window)))
    else:
        rows = lf.filter(_in("arrived_at", lo, hi)).with_columns(
            pl.lit(None, dtype=lf.collect_schema()["arrived_at"]).alias("_next_at")
        )
        provisional = pl.lit(False)
    out = in_outage(config, tz)
    return rows.with_columns(
        (~out).alias("_p"),
        (out & _is_contact()).alias("_outage"),
        t.alias("_t"),
        provisional.alias("_provisional"),
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


def _forget(source: pl.LazyFrame | None) -> None:
    for full in [k for k in _PER_SOURCE if k[0] == id(source)]:
        _PER_SOURCE.pop(full, None)


def _next_contact_times(narrow: pl.LazyFrame, d: Definitions) -> pl.DataFrame | None:
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


def _prepare_sla(lf: pl.LazyFrame, config: Config, lo: datetime, hi: datetime) -> pl.LazyFrame:
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


def _prepare_surveys(
    lf: pl.LazyFrame, interactions: pl.LazyFrame | None, config: Config, lo: datetime, hi: datetime
) -> pl.LazyFrame:
    import polars as pl

    t = pl.coalesce(pl.col("sent_at"), pl.col("responded_at"))
    lo_, hi_ = _match_tz(lf, "sent_at", lo, hi)
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


def _prepare_qa(
    lf: pl.LazyFrame, interactions: pl.LazyFrame | None, config: Config, lo: datetime, hi: datetime
) -> pl.LazyFrame:
    import polars as pl

    lo_, hi_ = _match_tz(lf, "reviewed_at", lo, hi)
    lf = lf.filter(_in("reviewed_at", lo_, hi_))
    if interactions is not None:
        have = lf.collect_schema()
        lf = lf.with_columns([pl.lit(None, dtype=pl.String).alias(f) for f in LINK_FIELDS if f not in have])
        lf = _link(
            lf, with_canonical_columns(interactions, "interactions", config.timezone), LINK_FIELDS, False
        )
    return lf.with_columns(pl.lit(True).alias("_p"), pl.col("reviewed_at").alias("_t"))


def _prepare_agent_status(lf: pl.LazyFrame, period: Period, by: Sequence[str] = ()) -> pl.LazyFrame:
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


def _match_tz(lf: pl.LazyFrame, col: str, lo: datetime, hi: datetime) -> tuple[datetime, datetime]:
    """Period bounds expressed in the zone of this frame's time column (naive if it is naive)."""
    import polars as pl

    dtype = lf.collect_schema().get(col)
    if isinstance(dtype, pl.Datetime):
        tz = dtype.time_zone
        wall_lo, wall_hi = lo.replace(tzinfo=None), hi.replace(tzinfo=None)
        return localise(wall_lo, tz), localise(wall_hi, tz)
    return lo, hi


def _time_keys(ds: str, by: Sequence[str]) -> list[pl.Expr]:
    import polars as pl

    t = pl.col("_t")
    out = []
    if "month" in by:
        out.append(t.dt.strftime("%Y-%m").alias("month"))
    if "day" in by:
        out.append(t.dt.strftime("%Y-%m-%d").alias("day"))
    if "hour" in by:
        out.append((pl.col("hour") if ds == "agent-status" else t.dt.hour()).cast(pl.Int64).alias("hour"))
    return out


def _group_keys(by: Sequence[str]) -> list[pl.Expr]:
    """Time keys of interaction passes as cheap numbers/dates (``_t``, local time);
    :func:`_label_keys` turns them into the ``YYYY-MM`` / ``YYYY-MM-DD`` labels after
    aggregating, so 10 M timestamps are never formatted as text."""
    import polars as pl

    t = pl.col("_t")
    out = []
    if "month" in by:
        out.append((t.dt.year() * 100 + t.dt.month()).alias("month"))
    if "day" in by:
        out.append(t.dt.date().alias("day"))
    if "hour" in by:
        out.append(t.dt.hour().cast(pl.Int64).alias("hour"))
    return out


def _label_keys(df: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    import polars as pl

    cols = []
    if "month" in by:
        m = pl.col("month")
        cols.append(pl.format("{}-{}", m // 100, (m % 100).cast(pl.String).str.zfill(2)).alias("month"))
    if "day" in by:
        cols.append(pl.col("day").dt.strftime("%Y-%m-%d").alias("day"))
    return df.with_columns(cols) if cols else df


def _handled_count() -> pl.Expr:
    from toolkit.kpis import expr as x

    return x.handled().fill_null(False).sum().alias("_handled")


# --- reading the aggregates -----------------------------------------------


def _rows(df: pl.DataFrame, by: Sequence[str]) -> dict[tuple, dict[str, Any]]:
    out = {}
    for row in df.iter_rows(named=True):
        out[tuple(row[f] for f in by)] = row
    return out


def _sort_key(key: tuple) -> tuple:
    return tuple((v is None, str(v) if not isinstance(v, int) else f"{v:08d}") for v in key)


def _responses_only(df: pl.DataFrame | None) -> bool:
    """True when the period has survey rows and none of them lacks a response."""
    if df is None or df.height == 0:
        return False
    return df["_rows"].sum() > 0 and df["_unanswered"].sum() == 0


def _finite(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _kpi_value(
    k: str,
    key: tuple,
    rows: dict[str, dict[tuple, dict[str, Any]]],
    frames: Mapping[str, Any],
    unavailable: dict[str, list[str]],
    d: Definitions,
    responses_only: bool,
    fcr_method: str | None,
    broken: Mapping[str, Any] | None = None,
) -> KpiValue:
    spec = REGISTRY[k]
    ds = spec.dataset
    if broken and ds in broken:
        d_ = broken[ds]
        return KpiValue(None, None, note=f"not computed: store file {d_.path} is damaged ({d_.reason}); "
                                         "run `cxtk store repair`")
    if frames.get(ds) is None:
        return KpiValue(None, None, note=_NO_DATA[ds])
    if ds in unavailable:
        return KpiValue(
            None, None, note=f"{_NO_DATA[ds][3:]} has no {', '.join(unavailable[ds])} to group by"
        )
    table = rows.get(ds, {})
    row = table.get(key)
    if row is None:
        zero = 0 if spec.is_count else None
        return KpiValue(zero, 0, note=None if spec.is_count else spec.empty_note)
    get = lambda name: row.get(f"{k}:{name}")  # noqa: E731
    extra: dict[str, Any] = {}
    note = None
    if k == "fcr_rate":
        if fcr_method == "reported":
            value, n = get("_reported_value"), get("_reported_n")
            extra["method"] = "reported"
        else:
            value, n = get("_derived_value"), get("_derived_n")
            extra["method"] = fcr.method_label("derived", d)
            extra["excluded_unknown_customer"] = int(get("_unknown_customer") or 0)
            extra["provisional"] = int(get("_provisional") or 0)
            parts = [extra["method"]]
            if extra["excluded_unknown_customer"]:
                parts.append(f"{extra['excluded_unknown_customer']} without customer_id excluded")
            if extra["provisional"]:
                parts.append(f"{extra['provisional']} provisional (repeat window still open)")
            note = "; ".join(parts)
    else:
        value, n = get("value"), get("n")
    if k == "response_rate" and responses_only:
        handled = (rows.get("interactions", {}).get(key) or {}).get("_handled")
        got = get("_successes") or 0
        extra["denominator"] = "answered contacts"
        if handled:
            value, n = got / handled, int(handled)
            note = "only responses were exported: responses ÷ answered contacts"
        else:
            value, n = None, 0
            note = "only responses were exported and there are no answered contacts to divide by"
    elif k == "response_rate":
        extra["denominator"] = "surveys sent"
    value = _finite(value)
    n = int(n) if n is not None else 0
    if spec.is_count:
        value = int(value or 0)
    elif n == 0 or value is None:
        return KpiValue(None, n, note=note or spec.empty_note, extra=extra)
    for name in ("median", "p90", "mean"):
        if f"{k}:{name}" in row:
            extra[name] = _finite(row[f"{k}:{name}"])
    small = (not spec.is_count) and n < d.min_sample
    return KpiValue(value, n, note=note, ci=_ci(k, row, value, n), small_sample=small, extra=extra)


def _ci(k: str, row: dict[str, Any], value: float, n: int) -> tuple[float, float] | None:
    if k not in ("csat", "csat_mean", "nps"):
        return None
    try:
        from toolkit.core import stats
    except ImportError:  # the statistics module lands with feat-stats
        return None
    if k == "csat":
        ci = stats.wilson_interval(int(row["csat:_successes"]), n)
    elif k == "csat_mean":
        sd = row.get("csat_mean:_sd")
        ci = None if sd is None else stats.mean_interval(value, sd, n)
    else:
        ci = stats.nps_interval(int(row["nps:_promoters"]), int(row["nps:_detractors"]), n)
    return None if ci is None else (float(ci[0]), float(ci[1]))


def _fcr_totals(groups: list[Group]) -> dict[str, int]:
    unknown = sum(
        g.kpis["fcr_rate"].extra.get("excluded_unknown_customer", 0) for g in groups if "fcr_rate" in g.kpis
    )
    prov = sum(g.kpis["fcr_rate"].extra.get("provisional", 0) for g in groups if "fcr_rate" in g.kpis)
    out = {}
    if any("fcr_rate" in g.kpis and "excluded_unknown_customer" in g.kpis["fcr_rate"].extra for g in groups):
        out = {"fcr_unknown_customer": unknown, "fcr_provisional": prov}
    return out
