"""First-contact resolution: reported when the export has it, else derived from repeat contacts.

Derived rule (kpis.md): a handled contact is resolved at first contact when it
is not marked ``resolved = false`` and the same ``customer_id`` has no other
inbound contact (any channel but IVR, answered or not) arriving *strictly
later* and at most ``fcr_window_days`` × 24 h after it (on the same ``topic``
when ``fcr_same_topic``). Two contacts at the very same timestamp are not
repeats of each other: neither came after the other. Repeats are looked for in
all stored data; contacts without ``customer_id`` are excluded and counted;
contacts in the last ``fcr_window_days`` of the stored data are provisional.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Definitions

Method = Literal["reported", "derived"]


def method_label(method: Method, d: Definitions) -> str:
    if method == "reported":
        return "reported"
    days = f"{d.fcr_window_days:g}"
    topic = ", same topic" if d.fcr_same_topic else ""
    return f"derived (repeat contact within {days} days{topic})"


def fcr_method(lf: pl.LazyFrame, lo: datetime, hi: datetime) -> Method:
    """``reported`` when any contact of the period carries ``first_contact_resolved``, else ``derived``."""
    import polars as pl

    if "first_contact_resolved" not in lf.collect_schema().names():
        return "derived"
    t = pl.col("arrived_at")
    has = (
        lf.filter((t >= lo) & (t < hi))
        .select(pl.col("first_contact_resolved").is_not_null().any())
        .collect()
        .item()
    )
    return "reported" if has else "derived"


def latest_arrival(lf: pl.LazyFrame) -> datetime | None:
    """The last ``arrived_at`` in the stored data: the end of the observable repeat window."""
    import polars as pl

    return lf.select(pl.col("arrived_at").max()).collect().item()


def next_contact_at(d: Definitions) -> pl.Expr:
    """The customer's next inbound contact strictly later than this one (null when none).

    Sorted window per customer (and topic): the next row's time when it is
    later; rows tied on the timestamp take the answer of the last row of
    their tie, by back-filling.
    """
    import polars as pl

    t = pl.col("arrived_at")
    nxt = t.shift(-1)
    is_contact = (pl.col("direction").fill_null("inbound") == "inbound") & (pl.col("channel") != "ivr")
    partition = [pl.col("customer_id"), is_contact.alias("_is_contact")]
    if d.fcr_same_topic:
        partition.append(pl.col("topic"))
    return (
        pl.when(nxt > t)
        .then(nxt)
        .backward_fill()
        .over(partition, order_by=["arrived_at", "interaction_id"])
        .alias("_next_at")
    )


def next_contact_id(d: Definitions) -> pl.Expr:
    """The id of the contact :func:`next_contact_at` finds (null when none): the repeat an explain file names."""
    import polars as pl

    t = pl.col("arrived_at")
    is_contact = (pl.col("direction").fill_null("inbound") == "inbound") & (pl.col("channel") != "ivr")
    partition = [pl.col("customer_id"), is_contact.alias("_is_contact")]
    if d.fcr_same_topic:
        partition.append(pl.col("topic"))
    return (
        pl.when(t.shift(-1) > t)
        .then(pl.col("interaction_id").shift(-1))
        .backward_fill()
        .over(partition, order_by=["arrived_at", "interaction_id"])
        .alias("_next_id")
    )


def shifted(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta`` in elapsed time: Python adds to an aware datetime on the wall clock, so
    across a daylight-saving change "7 days later" would be 167 or 169 hours away."""
    if moment.tzinfo is None:
        return moment + delta
    from datetime import UTC

    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)

