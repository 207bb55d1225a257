"""Close the loop: unhappy customers and complaints to contact, with due time and status.

An item to follow up is

- a survey response in the period with CSAT ≤ ``low_score_max`` (default 2) or,
  when ``followup_on_detractors`` is set, NPS ≤ 6 — one item per response, its
  reasons joined ("low CSAT 1; detractor NPS 3"); the clock starts at ``responded_at``;
- a complaint: an interaction with ``complaint = true`` that arrived in the
  period, with or without a survey; the clock starts at ``arrived_at``. Its
  ``followed_up_at`` is the earliest one recorded on the surveys linked to that
  interaction (interactions carry no follow-up time of their own), so a
  complaint without a survey stays open until one is recorded.

A complaint whose contact also got a low score gives two items: two triggers,
each with its own clock, as ``followup_24h_rate`` counts them.

``due_at`` = trigger time + ``followup_hours``; a follow-up exactly at
``due_at`` is in time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

__all__ = ["STATUS_ORDER", "followups"]

#: Statuses, most urgent first (the order of the list).
STATUS_ORDER = ("overdue", "open", "done late", "done in time")

_COLUMNS = (
    "response_id",
    "interaction_id",
    "customer_id",
    "reason",
    "responded_at",
    "due_at",
    "followed_up_at",
    "status",
    "agent_id",
    "team",
    "channel",
    "comment",
)


def _tz_of(frame: pl.LazyFrame, column: str) -> str | None:
    import polars as pl

    dtype = frame.collect_schema().get(column)
    return dtype.time_zone if isinstance(dtype, pl.Datetime) else None


def _aware(moment: datetime, tz: str | None) -> datetime:
    """``moment`` in the frame's time zone; a naive one is read as already in it."""
    from zoneinfo import ZoneInfo

    if tz is None:
        # A frame without a time zone is taken to hold UTC wall-clock times.
        return moment if moment.tzinfo is None else moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    zone = ZoneInfo(tz)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def period_bounds(
    period_start: date | datetime, period_end: date | datetime, tz: str | None
) -> tuple[datetime, datetime]:
    """Half-open ``[start, end)`` instants of a period.

    A ``date`` end is inclusive (the whole day, as in ``"end": "2026-10-31"``);
    a ``datetime`` end is exclusive.
    """
    start = period_start if isinstance(period_start, datetime) else datetime.combine(period_start, time())
    if isinstance(period_end, datetime):
        end = period_end
    else:
        end = datetime.combine(period_end + timedelta(days=1), time())
    return _aware(start, tz), _aware(end, tz)


def _attr(defs: Any, name: str, default: Any) -> Any:
    return getattr(defs, name, default) if defs is not None else default


def _lit_time(moment: datetime, tz: str | None) -> pl.Expr:
    import polars as pl

    return pl.lit(moment, dtype=pl.Datetime("us", tz))


def _items(
    surveys: pl.LazyFrame,
    interactions: pl.LazyFrame | None,
    defs: Any,
    now: datetime,
    period_start: date | datetime,
    period_end: date | datetime,
) -> pl.LazyFrame:
    """All follow-up items with ``due_at`` and ``status``, comments unmasked, unsorted."""
    import polars as pl

    low_max = _attr(defs, "low_score_max", 2)
    detractors = bool(_attr(defs, "followup_on_detractors", False))
    hours = float(_attr(defs, "followup_hours", 24))
    tz = _tz_of(surveys, "responded_at")
    if tz is None and interactions is not None:
        tz = _tz_of(interactions, "arrived_at")
    ts = pl.Datetime("us", tz)
    start, end = period_bounds(period_start, period_end, tz)

    csat, nps = pl.col("csat"), pl.col("nps")
    low = (csat <= low_max).fill_null(False)
    det = (nps <= 6).fill_null(False) if detractors else pl.lit(False)
    responded = pl.col("responded_at").cast(ts)
    in_period = responded.is_between(_lit_time(start, tz), _lit_time(end, tz), closed="left")
    from_surveys = surveys.filter(in_period & (low | det)).select(
        pl.col("response_id").cast(pl.String),
        pl.col("interaction_id").cast(pl.String),
        pl.col("customer_id").cast(pl.String),
        reason=pl.concat_str(
            pl.when(low).then(pl.format("low CSAT {}", csat)),
            pl.when(det).then(pl.format("detractor NPS {}", nps)),
            separator="; ",
            ignore_nulls=True,
        ),
        responded_at=responded,
        followed_up_at=pl.col("followed_up_at").cast(ts),
        agent_id=pl.col("agent_id").cast(pl.String),
        team=pl.col("team").cast(pl.String),
        channel=pl.col("channel").cast(pl.String),
        comment=pl.col("comment").cast(pl.String),
    )
    parts = [from_surveys]
    if interactions is not None:
        contacts = interactions.select(
            pl.col("interaction_id").cast(pl.String),
            pl.col("customer_id").cast(pl.String),
            pl.col("agent_id").cast(pl.String),
            pl.col("team").cast(pl.String),
            pl.col("channel").cast(pl.String),
            arrived_at=pl.col("arrived_at").cast(ts),
            complaint=pl.col("complaint").fill_null(False),
        )
        # Surveys often lack agent/team/channel: take them from the linked contact (only the
        # contacts they name are de-duplicated: a unique() over every contact cost seconds at 10 M).
        named = from_surveys.select("interaction_id").drop_nulls().unique()
        from_surveys = from_surveys.join(
            contacts.join(named, on="interaction_id", how="semi", maintain_order="left")
            .unique(subset="interaction_id", keep="first", maintain_order=True)
            .select("interaction_id", i_agent="agent_id", i_team="team", i_channel="channel"),
            on="interaction_id",
            how="left",
        ).select(
            *[c for c in from_surveys.collect_schema().names() if c not in ("agent_id", "team", "channel")],
            agent_id=pl.coalesce("agent_id", "i_agent"),
            team=pl.coalesce("team", "i_team"),
            channel=pl.coalesce("channel", "i_channel"),
        )
        linked = (
            surveys.filter(pl.col("interaction_id").is_not_null())
            .group_by(pl.col("interaction_id").cast(pl.String))
            .agg(
                followed_up_at=pl.col("followed_up_at").cast(ts).min(),
                comment=pl.col("comment").cast(pl.String).drop_nulls().first(),
            )
        )
        arrived_in_period = pl.col("arrived_at").is_between(
            _lit_time(start, tz), _lit_time(end, tz), closed="left"
        )
        # A contact stored twice (two sources) is judged by its first row, as everywhere else: the
        # rows of the ids that have a complaint in the period, de-duplicated, then filtered again.
        flagged = contacts.filter(pl.col("complaint") & arrived_in_period).select("interaction_id").unique()
        complaints = (
            contacts.join(flagged, on="interaction_id", how="semi", maintain_order="left")
            .unique(subset="interaction_id", keep="first", maintain_order=True)
            .filter(pl.col("complaint") & arrived_in_period)
            .join(linked, on="interaction_id", how="left")
            .select(
                response_id=pl.lit(None, dtype=pl.String),
                interaction_id="interaction_id",
                customer_id="customer_id",
                reason=pl.lit("complaint"),
                responded_at="arrived_at",
                followed_up_at="followed_up_at",
                agent_id="agent_id",
                team="team",
                channel="channel",
                comment="comment",
            )
        )
        parts = [from_surveys, complaints]
    items = pl.concat(parts, how="diagonal_relaxed")
    due = pl.col("responded_at") + pl.duration(microseconds=round(hours * 3_600_000_000))
    done = pl.col("followed_up_at").is_not_null()
    return items.with_columns(due_at=due).with_columns(
        status=pl.when(done & (pl.col("followed_up_at") <= pl.col("due_at")))
        .then(pl.lit("done in time"))
        .when(done)
        .then(pl.lit("done late"))
        .when(_lit_time(_aware(now, tz), tz) < pl.col("due_at"))
        .then(pl.lit("open"))
        .otherwise(pl.lit("overdue"))
    )


def followups(
    surveys: pl.LazyFrame,
    interactions: pl.LazyFrame | None,
    defs: Any,
    now: datetime,
    period_start: date | datetime,
    period_end: date | datetime,
    mask: bool = True,
) -> pl.DataFrame:
    """The follow-up list of a period: who to contact, why, by when, and whether it was done.

    ``defs`` is any object with ``low_score_max``, ``followup_on_detractors`` and
    ``followup_hours``. ``status``: ``done in time`` (followed up at or before
    ``due_at``), ``done late``, ``open`` (not yet, ``now`` < ``due_at``),
    ``overdue`` (not yet, ``now`` ≥ ``due_at``). Sorted overdue, open, done late,
    done in time, then by ``due_at``. Comments and team names are PII-masked unless ``mask=False``.

    Example: ``followups(store.surveys, store.interactions, cfg.definitions,
    datetime.now(UTC), date(2026, 10, 1), date(2026, 10, 31))``.
    """
    import polars as pl

    from toolkit.core.privacy import mask_columns
    from toolkit.ingest.damage import require_intact

    end = period_end if isinstance(period_end, datetime) else period_end + timedelta(days=1)
    require_intact(surveys, period_start, end)
    require_intact(interactions, period_start, end)
    items = _items(surveys, interactions, defs, now, period_start, period_end)
    rank = pl.col("status").replace_strict(
        list(STATUS_ORDER), list(range(len(STATUS_ORDER))), return_dtype=pl.Int8
    )
    return (
        (mask_columns(items) if mask else items)
        .sort([rank, pl.col("due_at"), pl.col("interaction_id"), pl.col("response_id")], nulls_last=True)
        .select(_COLUMNS)
        .collect()
    )

