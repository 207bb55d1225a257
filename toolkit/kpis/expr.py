"""Row-level Polars expressions named after the domain, composed into the KPI aggregations.

Each function takes the definitions in force and returns a boolean or numeric
expression over one canonical row. The compute step adds a helper column
before aggregating: ``_p`` (the row arrived in the period, outside any outage);
the SLA pass, keyed by due time, adds ``_sla_p`` (its SLA falls due in the
period, outside any outage); derived FCR adds ``_next_at`` (the customer's next
inbound contact strictly later).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Definitions

REALTIME = ("phone", "chat")
ASYNC = ("email", "ticket", "social")


def _pl():
    import polars as pl

    return pl


# --- interactions ---------------------------------------------------------


def inbound() -> pl.Expr:
    pl = _pl()
    return pl.col("direction").fill_null("inbound") == "inbound"


def _contact_row() -> pl.Expr:
    """An inbound interaction of the period other than an IVR session."""
    pl = _pl()
    return pl.col("_p") & inbound() & (pl.col("channel") != "ivr")


def _offered_row() -> pl.Expr:
    """A contact queued in real time for an agent (phone, chat)."""
    pl = _pl()
    return _contact_row() & pl.col("channel").is_in(REALTIME)


def _answered_flag_row() -> pl.Expr:
    pl = _pl()
    return pl.col("answered").fill_null(pl.col("answered_at").is_not_null())


def _answered_row() -> pl.Expr:
    return _offered_row() & _answered_flag_row()


def _abandoned_row() -> pl.Expr:
    return _offered_row() & ~_answered_flag_row()


def _wait_s_row() -> pl.Expr:
    """``wait_s``, else derived: to the answer, or to the hang-up when abandoned."""
    pl = _pl()
    derived = (
        pl.when(_answered_flag_row())
        .then(pl.col("answered_at") - pl.col("arrived_at"))
        .otherwise(pl.col("ended_at") - pl.col("arrived_at"))
    )
    return pl.col("wait_s").fill_null(derived.dt.total_microseconds() / 1e6)


def _short_abandoned_row(d: Definitions) -> pl.Expr:
    # A threshold of 0 counts every abandon (wait < 0 never holds).
    return _abandoned_row() & (_wait_s_row() < d.short_abandon_s).fill_null(False)


def _handled_row() -> pl.Expr:
    """Answered (phone/chat), or for email/ticket/social: with a first response or an end."""
    pl = _pl()
    touched = _answered_flag_row() | pl.col("ended_at").is_not_null()
    return _contact_row() & pl.when(pl.col("channel").is_in(REALTIME)).then(_answered_flag_row()).otherwise(touched)


def _parts() -> list[pl.Expr]:
    pl = _pl()
    return [pl.col("talk_s"), pl.col("hold_s"), pl.col("acw_s")]


def _handle_s_row() -> pl.Expr:
    """talk + hold + acw; a missing part counts 0 when another is present; all missing → ``handle_s`` column."""
    pl = _pl()
    any_part = pl.any_horizontal([p.is_not_null() for p in _parts()])
    summed = pl.sum_horizontal(_parts())
    return pl.when(any_part).then(summed).otherwise(pl.col("handle_s"))


def handle_part(name: str) -> pl.Expr:
    """One part of handle time, 0 when missing beside another present part."""
    pl = _pl()
    any_part = pl.any_horizontal([p.is_not_null() for p in _parts()])
    return pl.when(any_part).then(pl.col(name).fill_null(0.0))


def seconds_between(later: str, earlier: str) -> pl.Expr:
    pl = _pl()
    return (pl.col(later) - pl.col(earlier)).dt.total_microseconds() / 1e6


def awaits_response() -> pl.Expr:
    """A chat, e-mail or ticket contact: the population of first-response time."""
    pl = _pl()
    return contact() & pl.col("channel").is_in(("chat", "email", "ticket"))


def first_response() -> pl.Expr:
    """A chat/email/ticket contact with a first agent response: its response time in seconds."""
    pl = _pl()
    return pl.when(awaits_response() & pl.col("answered_at").is_not_null()).then(
        seconds_between("answered_at", "arrived_at")
    )


def resolved_case() -> pl.Expr:
    """A resolved ticket or e-mail: the population of resolution time."""
    pl = _pl()
    return contact() & pl.col("channel").is_in(("ticket", "email")) & (pl.col("resolved") == True)  # noqa: E712


def resolution_time() -> pl.Expr:
    """Seconds to close for resolved tickets and emails."""
    pl = _pl()
    return pl.when(resolved_case() & pl.col("ended_at").is_not_null()).then(seconds_between("ended_at", "arrived_at"))


def sla_due() -> pl.Expr:
    """A ticket/email whose SLA falls due in the period."""
    pl = _pl()
    return (
        pl.col("_sla_p")
        & inbound()
        & pl.col("channel").is_in(("ticket", "email"))
        & pl.col("sla_due_at").is_not_null()
    )


def sla_met() -> pl.Expr:
    """Closed by its due time and not marked unresolved; open or late ones are missed."""
    pl = _pl()
    closed_in_time = (pl.col("ended_at") <= pl.col("sla_due_at")).fill_null(False)
    return sla_due() & closed_in_time & (pl.col("resolved") != False).fill_null(True)  # noqa: E712


def complaint() -> pl.Expr:
    pl = _pl()
    return contact() & pl.col("complaint").fill_null(False)  # the base (ratio_of needs=) requires it known


def contained() -> pl.Expr:
    """An IVR/self-service session of the period finished without an agent."""
    pl = _pl()
    return pl.col("_p") & inbound() & (pl.col("channel") == "ivr") & pl.col("contained").fill_null(False)


def ivr_session() -> pl.Expr:
    """An inbound IVR/self-service session of the period (contained or not)."""
    pl = _pl()
    return pl.col("_p") & inbound() & (pl.col("channel") == "ivr")


def transferred() -> pl.Expr:
    """An answered phone/chat contact passed on at least once (the base of ``transfer_rate``)."""
    pl = _pl()
    return answered() & (pl.col("transfers").fill_null(0) > 0)


# --- FCR ------------------------------------------------------------------


def fcr_reported_known() -> pl.Expr:
    pl = _pl()
    return handled() & pl.col("first_contact_resolved").is_not_null()


def fcr_reported() -> pl.Expr:
    pl = _pl()
    return fcr_reported_known() & pl.col("first_contact_resolved")


def fcr_derived_known() -> pl.Expr:
    """A handled contact with a customer: the population of derived FCR (before provisional ones leave)."""
    pl = _pl()
    return handled() & pl.col("customer_id").is_not_null()


def repeat_contact(d: Definitions) -> pl.Expr:
    """Another inbound contact of the same customer strictly later and within the window."""

    gap = seconds_between("_next_at", "arrived_at")
    return (gap <= d.fcr_window_days * 86400).fill_null(False)


def marked_unresolved() -> pl.Expr:
    pl = _pl()
    return (pl.col("resolved") == False).fill_null(False)  # noqa: E712


def fcr_transferred(d: Definitions) -> pl.Expr:
    """Passed on at least once, which fails first-contact resolution when ``fcr_transfer_is_failure``
    (a contact whose export has no transfers count is not taken as transferred)."""
    pl = _pl()
    if not d.fcr_transfer_is_failure:
        return pl.lit(False)
    return (pl.col("transfers").fill_null(0) > 0).fill_null(False)


def fcr_failed(d: Definitions) -> pl.Expr:
    """Decided as not resolved at first contact: marked unresolved, transferred (by default) or repeated."""
    return marked_unresolved() | fcr_transferred(d) | repeat_contact(d)


def fcr_provisional(d: Definitions) -> pl.Expr:
    """Not decided yet: its repeat window is still open at the end of the stored data (``_window_open``)
    and no repeat (nor any other failure) has been seen."""
    pl = _pl()
    return fcr_derived_known() & pl.col("_window_open").fill_null(False) & ~fcr_failed(d)


def fcr_derived_counted(d: Definitions) -> pl.Expr:
    """The denominator of derived FCR: provisional contacts leave it with ``fcr_provisional: exclude``."""
    if d.fcr_provisional == "include":
        return fcr_derived_known()
    return fcr_derived_known() & ~fcr_provisional(d)


def fcr_derived(d: Definitions) -> pl.Expr:
    """The numerator of derived FCR: counted and not failed (provisional ones, when included, count as resolved)."""
    return fcr_derived_counted(d) & ~fcr_failed(d)


def fcr_unknown_customer() -> pl.Expr:
    pl = _pl()
    return handled() & pl.col("customer_id").is_null()


# --- surveys --------------------------------------------------------------


def invited() -> pl.Expr:
    pl = _pl()
    return pl.col("_p")


def responded() -> pl.Expr:
    pl = _pl()
    return pl.col("_p") & pl.col("responded_at").is_not_null()


def score(name: str) -> pl.Expr:
    """A survey score of a response of the period (null otherwise), as float."""
    pl = _pl()
    return pl.when(pl.col("_p")).then(pl.col(name).cast(pl.Float64))


def satisfied(d: Definitions) -> pl.Expr:
    return score("csat") >= d.csat_satisfied_min


def promoter() -> pl.Expr:
    return score("nps") >= 9


def detractor() -> pl.Expr:
    return score("nps") <= 6


def needs_followup(d: Definitions) -> pl.Expr:
    """A low score (or detractor, when configured) or a complaint on the linked contact."""
    pl = _pl()
    low = (score("csat") <= d.low_score_max).fill_null(False)
    if d.followup_on_detractors:
        low = low | detractor().fill_null(False)
    return pl.col("_p") & (low | pl.col("_complaint").fill_null(False))


def followup_pending() -> pl.Expr:
    """Not followed up and not yet due at the period's end (``_fu_pending`` of the survey preparation)."""
    return _pl().col("_fu_pending").fill_null(False)


def followup_untracked() -> pl.Expr:
    """From a source that never records a follow-up (``_fu_untracked`` of the survey preparation)."""
    return _pl().col("_fu_untracked").fill_null(False)


def followup_known(d: Definitions) -> pl.Expr:
    """An item needing follow-up whose outcome is known: not pending (not yet due) and from a source
    that records follow-ups."""
    return needs_followup(d) & ~followup_pending() & ~followup_untracked()


def followed_up_in_time(d: Definitions) -> pl.Expr:
    pl = _pl()
    since = pl.coalesce(pl.col("responded_at"), pl.col("sent_at"))
    delay = (pl.col("followed_up_at") - since).dt.total_microseconds() / 1e6
    return needs_followup(d) & (delay <= d.followup_hours * 3600).fill_null(False)


# --- QA -------------------------------------------------------------------


def in_period() -> pl.Expr:
    """A row of the period (surveys by sent_at, reviews by reviewed_at, agent status by date)."""
    pl = _pl()
    return pl.col("_p")


review = in_period


def qa_score() -> pl.Expr:
    pl = _pl()
    return pl.when(pl.col("_p")).then(pl.col("score").cast(pl.Float64))


def critical() -> pl.Expr:
    pl = _pl()
    return pl.col("_p") & (pl.col("severity") == "critical").fill_null(False)


# --- agent status ---------------------------------------------------------


def status_s(name: str) -> pl.Expr:
    """Seconds of one agent state for rows of the period (missing counts 0)."""
    pl = _pl()
    return pl.when(pl.col("_p")).then(pl.col(name).cast(pl.Float64).fill_null(0.0)).otherwise(0.0)


# --- row flags, computed once per row --------------------------------------
# Every KPI reads these flags; computing them once as columns (instead of
# repeating the whole expression tree inside ~30 aggregations) keeps the
# single aggregation pass cheap. Unused ones are pruned by projection pushdown.

_ROW_FLAGS = ("contact", "offered", "answered_flag", "answered", "abandoned", "wait_s", "handled", "handle_s")


def interaction_row_flags(d: Definitions) -> list[pl.Expr]:
    """The helper columns ``_contact``, ``_offered``… that the interaction KPIs read."""
    defs = {
        "contact": _contact_row(),
        "offered": _offered_row(),
        "answered_flag": _answered_flag_row(),
        "answered": _answered_row(),
        "abandoned": _abandoned_row(),
        "wait_s": _wait_s_row(),
        "handled": _handled_row(),
        "handle_s": _handle_s_row(),
        "short_abandoned": _short_abandoned_row(d),
    }
    return [e.alias(f"_x_{k}") for k, e in defs.items()]


def _flag(name: str) -> pl.Expr:
    return _pl().col(f"_x_{name}")


def contact() -> pl.Expr:
    """An inbound interaction of the period other than an IVR session."""
    return _flag("contact")


def offered() -> pl.Expr:
    """A contact queued in real time for an agent (phone, chat)."""
    return _flag("offered")


def answered_flag() -> pl.Expr:
    return _flag("answered_flag")


def answered() -> pl.Expr:
    return _flag("answered")


def abandoned() -> pl.Expr:
    return _flag("abandoned")


def wait_s() -> pl.Expr:
    return _flag("wait_s")


def handled() -> pl.Expr:
    """Answered (phone/chat), or for email/ticket/social: with a first response or an end."""
    return _flag("handled")


def handle_s() -> pl.Expr:
    return _flag("handle_s")


def short_abandoned(d: Definitions) -> pl.Expr:
    return _flag("short_abandoned")
