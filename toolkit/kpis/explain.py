"""``cxtk explain``: a KPI's figure, row by row (cli.md, "cxtk explain").

One row per record of the KPI's dataset in the period: its id, ``source``, the group keys, then what it
contributes — ``in_denominator`` always; ``in_numerator`` for a ratio; ``value`` for a mean or median
(NPS: +100 / 0 / −100 per response; critical issues: 100 / 0 per review); ``numerator`` and
``denominator`` for a share of sums (agent time) — and ``reason``, in words, why a row is not in the
denominator or the numerator ("short abandon (wait under 5 s)", "provisional: window open until …",
"transferred", "repeat within 7 days: I0123", "inside outage: ACD failure").

The rows are the KPI pass's own prepared rows (``kpis.prepare``) and the contributions are the
registry's own row expressions (``aggs.Shape.rows``), of which the KPI's aggregation is the sum or the
mean: adding up the file gives the figure. For a ratio Σ in_numerator ÷ Σ in_denominator is the value;
for a mean, the mean of ``value`` over the rows in the denominator; for a count, Σ in_denominator; for
agent time, Σ numerator ÷ Σ denominator — in every group. Only the ``reason`` is written here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import CxtkError
from toolkit.core.periods import Period
from toolkit.kpis import expr as x
from toolkit.kpis import fcr

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config, Definitions

Step = tuple["pl.Expr", Any]  # (the reason applies, its text: a str or a String expression)

CONTRIBUTION = ("in_denominator", "in_numerator", "value", "numerator", "denominator")

_TIMES = {
    "interactions": ("arrived_at",),
    "surveys": ("sent_at", "responded_at"),
    "qa": ("reviewed_at",),
    "agent-status": (),
}


def explain(
    frames: Mapping[str, pl.LazyFrame | None],
    period: Period,
    kpi_id: str,
    *,
    by: Sequence[str] = (),
    config: Config,
) -> pl.DataFrame:
    """The records behind ``kpi_id`` in ``period``, grouped columns ``by``, each with its contribution and reason."""

    from toolkit.ingest.schema import dataset
    from toolkit.kpis.compute import GROUP_FIELDS, group_fields, is_linked, time_keys
    from toolkit.kpis.prepare import frame_tz, with_canonical_columns
    from toolkit.kpis.registry import kpi

    spec = kpi(kpi_id)
    by = tuple(by)
    bad = [f for f in by if f not in GROUP_FIELDS]
    if bad:
        raise CxtkError(f"cannot group by {', '.join(bad)}; choose from: {', '.join(GROUP_FIELDS)}")
    ds = spec.dataset
    if frames.get(ds) is None:
        raise CxtkError(f"{kpi_id} is computed from {ds} data and there is none; ingest some with `cxtk ingest {ds} FILE`")
    d = config.definitions
    interactions = frames.get("interactions")
    lo, hi = period.bounds(frame_tz(interactions, config.timezone))
    lf = with_canonical_columns(frames[ds], ds, config.timezone)  # type: ignore[arg-type]
    linked = is_linked(ds, lf, interactions)
    missing = [f for f in by if f not in group_fields(ds, linked)]
    if missing:
        raise CxtkError(f"{ds} cannot be grouped by {', '.join(missing)}")

    shape = spec.aggs
    method = None
    if kpi_id == "fcr_rate":
        method = fcr.fcr_method(lf, lo, hi)
        shape = shape.variants[method]
    rows = _prepared(ds, spec.time_field, lf, interactions if linked else None, config, period, lo, hi,
                     derived_fcr=method == "derived", by=by)
    ids = list(dataset(ds).id_fields)
    times = ["arrived_at", "sla_due_at"] if spec.time_field == "sla_due_at" else list(_TIMES[ds])
    if kpi_id == "response_rate" and _responses_only(rows) and interactions is not None:
        return _responses_only_rows(rows, interactions, config, lo, hi, by)

    import polars as pl

    cols = shape.rows(d)
    keys = [f for f in by if f not in ids]
    in_den = cols["in_denominator"].fill_null(False)
    den_steps, num_steps = _steps(kpi_id, method, config, _zone(lo))
    rows = rows.with_columns(time_keys(ds, by))
    if "_gate" in cols:  # the KPI counts in a group only when one of its rows passes the gate
        gate = cols["_gate"].any()
        rows = rows.with_columns((gate.over(keys) if keys else gate).alias("__gate_ok"))
        in_den = in_den & pl.col("__gate_ok")
        den_steps = [(~pl.col("__gate_ok"), "no IVR session with a known outcome in this group"), *den_steps]
    counted = in_den & cols["in_numerator"].fill_null(False) if "in_numerator" in cols else in_den
    out = rows.with_columns(
        in_den.alias("in_denominator"),
        *[c.alias(name) for name, c in cols.items() if name != "in_denominator" and not name.startswith("_")],
        _reason(counted, in_den, den_steps, num_steps),
    )
    picked = [*ids, "source", *times, *keys, *[c for c in CONTRIBUTION if c in cols], "reason"]
    return out.sort(["_t", *ids], nulls_last=True).select(picked).collect()


def summary(frame: pl.DataFrame, kpi_id: str) -> str:
    """One line that adds the file up: "412 of 1,180 in the numerator = 0.34915…", "mean of 800 values = 31.2"."""
    from toolkit.kpis.registry import kpi

    kind = kpi(kpi_id).aggs.kind
    den = int(frame["in_denominator"].sum())
    if "in_numerator" in frame.columns:
        num = int(frame["in_numerator"].sum())
        return f"{num:,} in the numerator ÷ {den:,} in the denominator = {num / den!r}" if den else "empty denominator"
    if kind == "sums":
        total = frame["denominator"].sum()
        return f"Σ numerator ÷ Σ denominator = {frame['numerator'].sum() / total!r}" if total else "empty denominator"
    if "value" in frame.columns:
        values = frame.filter(frame["in_denominator"])["value"]
        figure = values.median() if kind == "median" else values.mean()
        return f"{kind} of {den:,} values = {figure!r}" if den else "no values"
    return f"{den:,} counted"


# --- the rows --------------------------------------------------------------------------------------


def _prepared(ds: str, time_field: str, lf: pl.LazyFrame, interactions: pl.LazyFrame | None, config: Config,
              period: Period, lo: Any, hi: Any, *, derived_fcr: bool, by: Sequence[str]) -> pl.LazyFrame:
    """The rows the KPI pass of compute.py aggregates, as it prepares them."""
    from toolkit.kpis import prepare

    if ds == "interactions":
        if time_field == "sla_due_at":
            return prepare.prepare_sla(lf, config, lo, hi)
        # the exact repeat window, which also names the repeat (the fast pass agrees: test_kpis_fcr)
        return prepare.prepare_interactions(lf, config, lo, hi, derived_fcr, exact=True, next_id=derived_fcr)
    if ds == "surveys":
        return prepare.prepare_surveys(lf, interactions, config, lo, hi)
    if ds == "qa":
        return prepare.prepare_qa(lf, interactions, config, lo, hi)
    return prepare.prepare_agent_status(lf, period, by)


def _responses_only(rows: pl.LazyFrame) -> bool:
    """As compute.py decides: the period has survey rows and every one of them is a response."""
    import polars as pl

    n, unanswered = rows.select(pl.len(), pl.col("responded_at").is_null().sum()).collect().row(0)
    return n > 0 and unanswered == 0


def _responses_only_rows(surveys: pl.LazyFrame, interactions: pl.LazyFrame, config: Config, lo: Any, hi: Any,
                         by: Sequence[str]) -> pl.DataFrame:
    """Only responses were exported: the rate is responses ÷ the period's handled contacts (compute.py), so the
    file holds both — the responses in the numerator, the contacts in the denominator."""
    import polars as pl

    from toolkit.kpis.compute import time_keys
    from toolkit.kpis.prepare import prepare_interactions, with_canonical_columns

    keys = list(by)
    ix = prepare_interactions(with_canonical_columns(interactions, "interactions", config.timezone), config, lo, hi,
                              False)
    contacts = ix.with_columns(time_keys("interactions", by)).select(
        pl.lit("interactions").alias("dataset"), pl.lit(None, pl.String).alias("response_id"), "interaction_id",
        "source", pl.col("_t").alias("at"), *keys,
        x.handled().fill_null(False).alias("in_denominator"), pl.lit(False).alias("in_numerator"),
        pl.when(x.handled().fill_null(False)).then(pl.lit("a contact: the denominator (only responses were exported)"))
        .otherwise(_not_handled_text(config, _zone(lo))).alias("reason"),
    )
    responses = surveys.with_columns(time_keys("surveys", by)).select(
        pl.lit("surveys").alias("dataset"), "response_id", pl.col("interaction_id").cast(pl.String), "source",
        pl.col("_t").alias("at"), *keys,
        pl.lit(False).alias("in_denominator"), x.responded().fill_null(False).alias("in_numerator"),
        pl.lit("a response: the numerator, divided by the handled contacts").alias("reason"),
    )
    both = pl.concat([responses, contacts.with_columns(pl.col("at").cast(responses.collect_schema()["at"]))],
                     how="vertical_relaxed")
    return both.sort("at", "dataset", "response_id", "interaction_id", nulls_last=True).collect()


def _not_handled_text(config: Config, tz: str | None) -> pl.Expr:
    """Why a row of the period is not a handled contact, in words."""
    import polars as pl

    e = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for cond, text in _contact(config, tz):
        e = e.when(cond.fill_null(False)).then(_text(text))
    return e.otherwise(_unhandled())


# --- the reasons -----------------------------------------------------------------------------------


def _zone(lo: Any) -> str | None:
    return lo.tzinfo.key if lo.tzinfo is not None else None


def _text(text: Any) -> pl.Expr:
    import polars as pl

    return pl.lit(text) if isinstance(text, str) else text


def _reason(counted: pl.Expr, in_den: pl.Expr, den_steps: list[Step], num_steps: list[Step]) -> pl.Expr:
    """Null for a row that counts in full; else the first reason that applies, in the order of the steps."""
    import polars as pl

    e = pl.when(counted).then(pl.lit(None, pl.String))
    for cond, text in den_steps:
        e = e.when(~in_den & cond.fill_null(False)).then(_text(text))
    e = e.when(~in_den).then(pl.lit("not in the denominator"))
    for cond, text in num_steps:
        e = e.when(cond.fill_null(False)).then(_text(text))
    return e.otherwise(pl.lit("not in the numerator")).alias("reason")


def _unless(hold: pl.Expr, text: Any) -> Step:
    return (~hold.fill_null(False), text)


def _outage(config: Config, tz: str | None, col: str = "arrived_at") -> pl.Expr:
    """"inside outage: ACD failure" — the first configured window the row's time falls in."""
    import polars as pl

    from toolkit.kpis.prepare import localise

    t = pl.col(col)
    e = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for o in config.outages:
        inside = (t >= localise(o.start, tz)) & (t < localise(o.end, tz))
        e = e.when(inside).then(pl.lit(f"inside outage: {o.reason}" if o.reason else "inside outage"))
    return e.otherwise(pl.lit("inside outage"))


def _contact(config: Config, tz: str | None) -> list[Step]:
    import polars as pl

    return [
        _unless(pl.col("_p"), _outage(config, tz)),
        _unless(x.inbound(), "outbound"),
        ((pl.col("channel") == "ivr"), "IVR session"),
    ]


def _offered(config: Config, tz: str | None) -> list[Step]:
    import polars as pl

    return _contact(config, tz) + [
        _unless(pl.col("channel").is_in(x.REALTIME), pl.format("not a call or chat ({})", pl.col("channel")))
    ]


def _short(d: Definitions) -> str:
    return f"short abandon (wait under {d.short_abandon_s:g} s)"


def _unhandled() -> pl.Expr:
    import polars as pl

    return pl.when(pl.col("channel").is_in(x.REALTIME)).then(pl.lit("abandoned")).otherwise(
        pl.lit("not handled (no response or end yet)")
    )


def _handled(config: Config, tz: str | None) -> list[Step]:
    return _contact(config, tz) + [_unless(x.handled(), _unhandled())]


def _no_score(name: str) -> Step:
    import polars as pl

    text = pl.when(pl.col("responded_at").is_null()).then(pl.lit("no response")).otherwise(pl.lit(f"no {name} score"))
    return _unless(x.score(name.lower()).is_not_null(), text)


def _steps(kpi_id: str, method: str | None, config: Config, tz: str | None) -> tuple[list[Step], list[Step]]:
    """Why a row is not in the denominator, then why a row of the denominator is not in the numerator (or
    has no value), in the order they are checked."""
    import polars as pl

    d = config.definitions
    always = pl.lit(True)
    answered = x.answered_flag()
    no_wait = _unless(x.wait_s().is_not_null(), "no wait time")
    no_time = "no talk, hold or after-contact time"
    offered, handled = _offered(config, tz), _handled(config, tz)
    queued = offered + [(x.short_abandoned(d), _short(d))]
    answered_rows = offered + [_unless(answered, "abandoned")]
    days = f"{d.fcr_window_days:g}"
    until = (pl.col("arrived_at") + timedelta(days=d.fcr_window_days)).dt.strftime("%Y-%m-%d %H:%M")
    steps: dict[str, tuple[list[Step], list[Step]]] = {
        "contacts": (_contact(config, tz), []),
        "offered": (offered, []),
        "answered": (answered_rows, []),
        "abandoned": (offered + [(answered, "answered")], []),
        "short_abandoned": (offered + [(answered, "answered"), _unless(
            x.short_abandoned(d), f"not a short abandon (waited {d.short_abandon_s:g} s or more, or wait unknown)")], []),
        "answer_rate": (offered, [(always, "abandoned")]),
        "service_level": (queued + [no_wait], [(~answered, "abandoned"),
                                               (always, f"answered after {d.service_level_threshold_s:g} s")]),
        "asa_s": (answered_rows + [no_wait], []),
        "abandon_rate": (queued, [(always, "answered")]),
        "avg_abandon_wait_s": (offered + [(answered, "answered"), (x.short_abandoned(d), _short(d)), no_wait], []),
        "aht_s": (handled + [(always, no_time)], []),
        "avg_talk_s": (handled + [(always, "no talk time")], []),
        "avg_hold_s": (handled + [(always, "no hold time")], []),
        "avg_acw_s": (handled + [(always, "no after-contact time")], []),
        "transfer_rate": (answered_rows + [_unless(pl.col("transfers").is_not_null(), "no transfers value")],
                          [(always, "not transferred")]),
        "resolution_rate": (handled + [_unless(pl.col("resolved").is_not_null(), "resolution unknown")],
                            [(always, "not resolved")]),
        "first_response_s": (_contact(config, tz) + [
            _unless(pl.col("channel").is_in(("chat", "email", "ticket")), "not a chat, e-mail or ticket"),
            (always, "no first response yet (answered_at)")], []),
        "resolution_time_s": (_contact(config, tz) + [
            _unless(pl.col("channel").is_in(("ticket", "email")), "not a ticket or e-mail"),
            _unless(pl.col("resolved") == True, "not resolved"),  # noqa: E712
            (always, "no end time (ended_at)")], []),
        "sla_compliance": ([_unless(pl.col("_sla_p"), _outage(config, tz)), _unless(x.inbound(), "outbound"),
                            _unless(pl.col("channel").is_in(("ticket", "email")), "not a ticket or e-mail")],
                           [(pl.col("ended_at").is_null(), "still open"),
                            (pl.col("ended_at") > pl.col("sla_due_at"), "closed after its due time"),
                            (always, "marked unresolved")]),
        "complaint_rate": (_contact(config, tz) + [_unless(pl.col("complaint").is_not_null(), "no complaint flag")],
                           [(always, "no complaint")]),
        "self_service_rate": ([_unless(pl.col("_p"), _outage(config, tz)), _unless(x.inbound(), "outbound"),
                               ((pl.col("channel") == "ivr"), "IVR session not contained"),
                               (always, _unhandled())], [(always, "handled by an agent")]),
        "responses": ([(always, "no response")], []),
        "response_rate": ([], [(always, "no response")]),
        "csat": ([_no_score("CSAT")], [(always, f"CSAT below {d.csat_satisfied_min}")]),
        "csat_mean": ([_no_score("CSAT")], []),
        "nps": ([_no_score("NPS")], []),
        "ces_mean": ([_no_score("CES")], []),
        "followup_24h_rate": ([_unless(x.needs_followup(d), "no low score or complaint"),
                               (x.followup_untracked(), "from an export that cannot record a follow-up"),
                               (x.followup_pending(), f"not yet due (within {d.followup_hours:g} h)")],
                              [(pl.col("followed_up_at").is_null(), "not followed up"),
                               (always, f"followed up after {d.followup_hours:g} h")]),
        "qa_score_mean": ([(always, "no score")], []),
        "qa_pass_rate": ([(always, "no score")], [(always, f"score below {d.qa_pass_mark:g}")]),
    }
    if kpi_id == "fcr_rate" and method == "reported":
        return (handled + [(always, "no first_contact_resolved value")],
                [(always, "reported not resolved at first contact")])
    if kpi_id == "fcr_rate":
        provisional = pl.format("provisional: window open until {}", until)
        repeat = pl.format(f"repeat within {days} days: {{}}", pl.col("_next_id"))
        return (handled + [_unless(pl.col("customer_id").is_not_null(), "unknown customer"),
                           (x.fcr_provisional(d), provisional)],
                [(x.marked_unresolved(), "marked unresolved"), (x.fcr_transferred(d), "transferred"),
                 (x.repeat_contact(d), repeat)])
    return steps.get(kpi_id, ([], []))
