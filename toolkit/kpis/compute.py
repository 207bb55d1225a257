"""Compute KPIs for a period from lazy canonical frames: one ``group_by().agg()`` per dataset.

Each dataset gets helper columns (``_p`` = the row is in the period and outside
outages, group keys), then every requested KPI of that dataset contributes its
aggregation expressions to a single aggregation. The small aggregated frames
are then read into a :class:`KpiResult`, scored against targets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import CxtkError, named_once
from toolkit.core.periods import Period
from toolkit.kpis import expr as x
from toolkit.kpis import fcr
from toolkit.kpis.nulls import null_aggs, null_note
from toolkit.kpis.registry import DATASETS, KPI_IDS, REGISTRY, kpis_by_id
from toolkit.kpis.result import Group, KpiResult, KpiValue

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config, Definitions
from toolkit.kpis.prepare import (
    LINK_FIELDS,
    forget_frame,
    frame_tz,
    outage_exclusions,
    prepare_agent_status,
    prepare_interactions,
    prepare_qa,
    prepare_sla,
    prepare_surveys,
    with_canonical_columns,
)

GROUP_FIELDS = ("team", "agent_id", "channel", "queue", "topic", "month", "day", "hour")


TIME_KEYS = ("month", "day", "hour")


_OWN_FIELDS = {
    "interactions": ("team", "agent_id", "channel", "queue", "topic"),
    "surveys": ("team", "agent_id", "channel", "queue"),
    "qa": ("team", "agent_id"),
    "agent-status": ("team", "agent_id"),
}


# The interaction KPIs keyed by sla_due_at: a pass of their own, merged into the interactions rows.
_DUE = "interactions:due"


# The base of the response rate when a survey export holds only responses (kpis.md).
RESPONSES_ONLY_DENOMINATOR = "handled contacts"
_HANDLED_MEANS = "(answered calls and chats, e-mails and tickets with a response or an end)"


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
    shown = tuple(dict.fromkeys(KPI_IDS if kpis is None else [k.id for k in kpis_by_id(kpis)]))  # once each
    by = named_once(by, "group by")
    # The composite score and the ranking rest on every weighted KPI (and on each group's n): a subset
    # asked for with --kpi is computed beside them and shown alone, so the score does not move with it.
    ids = tuple(k for k in KPI_IDS if k in set(shown) | _scoring_ids(config, by))
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
        linked = is_linked(ds, lf, interactions)
        own = group_fields(ds, linked)
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
                due = prepare_sla(lf, config, lo, hi).with_columns(_group_keys(by))
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
            prepared = prepare_surveys(lf, interactions if linked else None, config, lo, hi)
            exprs += [pl.len().alias("_rows"), pl.col("responded_at").is_null().sum().alias("_unanswered")]
        elif ds == "qa":
            prepared = prepare_qa(lf, interactions if linked else None, config, lo, hi)
        else:
            prepared = prepare_agent_status(lf, period, by)
        prepared = prepared.with_columns(time_keys(ds, by))
        queries[ds] = prepared.group_by(list(by)).agg(exprs) if by else prepared.select(exprs)

    names = list(queries)
    for name, df in zip(names, pl.collect_all([queries[n] for n in names]), strict=True):
        aggregated[name] = df
    ix = aggregated.get("interactions")
    if ix is not None and "_misaligned" in ix.columns and ix["_misaligned"].sum():
        # The second read of the store did not return rows in the order of the first (the
        # next-contact times would land on the wrong rows): redo with the exact window, and drop
        # what was kept for this frame (the store may have changed under it).
        forget_frame(interactions)
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
        excluded["outages"] = outage_exclusions(
            with_canonical_columns(interactions, "interactions", config.timezone), config, lo, hi
        )
        for g, key in zip(groups, keys, strict=True):
            r = rows["interactions"].get(key)
            if r and r.get("_outage"):
                g.flags.append(f"outage_excluded:{int(r['_outage'])}")
    fcr_totals = _fcr_totals(groups)
    if fcr_totals:
        excluded.update(fcr_totals)
    shown_ds = {REGISTRY[k].dataset for k in shown} | ({"interactions"} if "response_rate" in shown else set())
    notes = [f"{ds} cannot be grouped by {', '.join(f)}" for ds, f in unavailable.items() if ds in shown_ds]

    from toolkit.kpis.scoring import score_groups

    score_groups(groups, config, by)
    if shown != ids:
        for g in groups:
            g.kpis = {k: g.kpis[k] for k in shown}
    return KpiResult(
        period=period,
        definitions=d.model_dump(),
        by=by,
        kpis=shown,
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
    from toolkit.ingest.damage import damaged_in, warn_damaged

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
    from toolkit.ingest.damage import warn_damaged

    effect = f"derived FCR of the period's last {days:g} days may miss repeat contacts in it"
    warn_damaged(interactions, hi, fcr.shifted(hi, timedelta(days=days)), effect)


def _scoring_ids(config: Config, by: Sequence[str]) -> set[str]:
    """The KPIs a group's score and rank rest on: those with a weighted target (centre or team), and,
    when grouped, the counts that decide whether a group is large enough to rank."""
    from toolkit.kpis.scoring import GROUP_N_KPIS

    weighted = {k for k, t in config.targets.items() if t.weight > 0}
    for team in config.team_targets.values():
        weighted |= {k for k, t in team.items() if t.weight > 0}
    weighted = {k for k in weighted if k in REGISTRY}
    return weighted | (set(GROUP_N_KPIS) if by else set())


def _agg_exprs(ids: Sequence[str], d: Definitions) -> list[pl.Expr]:
    """The named aggregations of these KPIs, aliased ``kpi:name``."""
    return [
        e.alias(f"{k}:{name}") for k in ids for name, e in (REGISTRY[k].aggs(d) | null_aggs(k, d)).items()
    ]


def _aggregate(lf: pl.LazyFrame, by: Sequence[str], exprs: list[pl.Expr]) -> pl.LazyFrame:
    return lf.group_by(list(by)).agg(exprs) if by else lf.select(exprs)


def is_linked(ds: str, lf: pl.LazyFrame, interactions: pl.LazyFrame | None) -> bool:
    """Survey and review rows that name their contact take its team, agent, channel… from it."""
    return ds in ("surveys", "qa") and interactions is not None and "interaction_id" in lf.collect_schema()


def group_fields(ds: str, linked: bool) -> set[str]:
    """The fields a dataset's rows can be grouped by (their own, the time keys, a linked contact's)."""
    return set(_OWN_FIELDS[ds]) | set(TIME_KEYS) | (set(LINK_FIELDS) if linked else set())


def time_keys(ds: str, by: Sequence[str]) -> list[pl.Expr]:
    """The month / day / hour labels of a row (``YYYY-MM``, ``YYYY-MM-DD``, 0–23) from its time ``_t``."""
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

    return x.handled().fill_null(False).sum().alias("_handled")


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
    if row is None and k == "response_rate" and responses_only:
        row = {}  # a group with contacts but no response: 0 responses ÷ its handled contacts
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
            extra.update(fcr_choices(d))
            extra["excluded_unknown_customer"] = int(get("_unknown_customer") or 0)
            extra["provisional"] = int(get("_provisional") or 0)
            extra["transferred"] = int(get("_transferred") or 0)
            note = fcr_note(extra)
    else:
        value, n = get("value"), get("n")
    if k == "response_rate" and responses_only:
        handled = (rows.get("interactions", {}).get(key) or {}).get("_handled")
        got = get("_successes") or 0
        # the contacts the engine counts as handled: answered calls and chats, e-mails and tickets with a
        # first response or an end (x.handled), named as such (a ticket export has no "answered" calls)
        extra["denominator"] = RESPONSES_ONLY_DENOMINATOR
        if handled:
            value, n = got / handled, int(handled)
            note = f"only responses were exported: responses ÷ {RESPONSES_ONLY_DENOMINATOR} {_HANDLED_MEANS}"
        elif frames.get("interactions") is None:
            value, n = None, 0
            note = "only responses were exported, and there is no interactions data to divide them by"
        else:
            value, n = None, 0
            note = f"only responses were exported and there are no {RESPONSES_ONLY_DENOMINATOR} to divide by"
    elif k == "response_rate":
        extra["denominator"] = "surveys sent"
    if k == "response_rate" and isinstance(value, float) and value > 1:
        got = int(get("_successes") or 0)
        extra["data_problem"] = (
            f"response rate above 100 % ({got:,} responses ÷ {int(n):,} {extra['denominator']}) is a data problem, "
            "not a result: "
            + ("the responses are not all replies to this period's contacts (link them by interaction_id, or "
               "export the invitations too)" if responses_only else "more responses than invitations were exported")
        )
        note = f"{note}; {extra['data_problem']}" if note else extra["data_problem"]
    value = _finite(value)
    n = int(n) if n is not None else 0
    if spec.is_count:
        value = int(value or 0)
    elif n == 0 or value is None:
        base = int(get("_base") or 0)
        missing = (f"not in the data: no {spec.needs} for these {base} contacts (the export has no such column)"
                   if spec.needs and base and n == 0 else None)  # rows were there, the field was not
        why = note or (null_note(k, get, d) if n == 0 else None) or missing or spec.empty_note
        return KpiValue(None, n, note=why, extra=extra)
    for name in ("median", "p90", "mean"):
        if f"{k}:{name}" in row:
            extra[name] = _finite(row[f"{k}:{name}"])
    small = (not spec.is_count) and n < d.min_sample
    return KpiValue(value, n, note=note, ci=_ci(k, row, value, n), small_sample=small, extra=extra)


def fcr_choices(d: Definitions) -> dict[str, Any]:
    """The method of derived FCR and the two choices in force, as named in every output."""
    return {
        "method": fcr.method_label("derived", d),
        "provisional_rule": d.fcr_provisional,
        "transfer_is_failure": d.fcr_transfer_is_failure,
    }


def fcr_note(extra: dict[str, Any]) -> str:
    """The note of derived FCR: its method, then what was left out or decided by the choices."""
    parts = [extra["method"]]
    if extra.get("excluded_unknown_customer"):
        parts.append(f"{extra['excluded_unknown_customer']:,} without customer_id excluded")
    if extra.get("provisional"):
        how = "left out" if extra["provisional_rule"] == "exclude" else "counted as resolved"
        parts.append(f"{extra['provisional']:,} provisional (repeat window still open) {how}")
    if extra.get("transferred"):
        parts.append(f"{extra['transferred']:,} transferred, counted as not resolved")
    return "; ".join(parts)


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


def _fcr_totals(groups: list[Group]) -> dict[str, Any]:
    """Derived FCR's exclusions over all groups, and the choices that decided them."""
    fcr_values = [g.kpis["fcr_rate"] for g in groups if "fcr_rate" in g.kpis]
    derived = [v for v in fcr_values if "excluded_unknown_customer" in v.extra]
    if not derived:
        return {}
    return {
        "fcr_unknown_customer": sum(v.extra["excluded_unknown_customer"] for v in derived),
        "fcr_provisional": sum(v.extra["provisional"] for v in derived),
        "fcr_provisional_rule": derived[0].extra["provisional_rule"],
        "fcr_transferred": sum(v.extra["transferred"] for v in derived),
        "fcr_transfer_is_failure": derived[0].extra["transfer_is_failure"],
    }
