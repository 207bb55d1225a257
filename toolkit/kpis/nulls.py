"""Why a KPI is null: the rows that were there but lacked what the KPI needs, in words.

A KPI whose ``n`` is 0 gets the registry's ``empty_note`` ("no answered contacts") only when that
is the truth. When rows of its population were there but none carried the input it averages or
decides on — 317 abandons without a wait time, 267 low scores from an export that cannot record a
follow-up — the note says so instead. Each entry is ``(rows, sentence)``: the rows are counted in
the KPI pass (``_empty{i}``), and every sentence whose rows are there joins the note; ``{count}``
is their number and the definitions in force are named fields (``{short_abandon_s:g}``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from toolkit.kpis import expr as x

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Definitions

Reason = tuple[Callable[["Definitions"], "pl.Expr"], str]

_ALL_SHORT: Reason = (
    lambda d: x.offered(),
    "all {count} offered contacts were short abandons (wait under {short_abandon_s:g} s)",
)
_NO_HANDLE_TIME: Reason = (
    lambda d: x.handled(),
    "{count} handled contacts, none with a talk, hold or after-contact time",
)


def _no_part(part: str, words: str) -> Reason:
    return (lambda d: x.handled(), "{count} handled contacts, none with " + words + " (" + part + ")")


_NO_WAIT_QUEUED: Reason = (
    lambda d: x.offered() & ~x.short_abandoned(d),
    "{count} offered contacts, none with a wait time (wait_s or answered_at)",
)

REASONS: dict[str, tuple[Reason, ...]] = {
    "service_level": ((lambda d: x.offered() & x.short_abandoned(d), _ALL_SHORT[1]), _NO_WAIT_QUEUED),
    "abandon_rate": (_ALL_SHORT,),
    "asa_s": ((lambda d: x.answered(), "{count} answered contacts, none with a wait time (wait_s or answered_at)"),),
    "avg_abandon_wait_s": (
        (lambda d: x.abandoned() & ~x.short_abandoned(d), "{count} abandons, none with a wait time (wait_s or ended_at)"),
        (lambda d: x.short_abandoned(d), "{count} short abandons (wait under {short_abandon_s:g} s) left out"),
    ),
    "aht_s": (_NO_HANDLE_TIME,),
    "avg_talk_s": (_no_part("talk_s", "a talk time"),),
    "avg_hold_s": (_no_part("hold_s", "a hold time"),),
    "avg_acw_s": (_no_part("acw_s", "an after-contact time"),),
    "transfer_rate": ((lambda d: x.answered(), "{count} answered contacts, none with a transfers value (transfers)"),),
    "complaint_rate": ((lambda d: x.contact(), "{count} contacts, none with a complaint flag (complaint)"),),
    "resolution_rate": ((lambda d: x.handled(), "{count} handled contacts, none with a resolved value"),),
    "first_response_s": (
        (lambda d: x.awaits_response(), "{count} chats, e-mails or tickets, none with a first response (answered_at)"),
    ),
    "resolution_time_s": (
        (lambda d: x.resolved_case(), "{count} resolved tickets or e-mails, none with an end time (ended_at)"),
    ),
    "followup_24h_rate": (
        (
            lambda d: x.needs_followup(d) & x.followup_untracked(),
            "{count} low scores or complaints from an export that cannot record a follow-up (no followed_up_at)",
        ),
        (
            lambda d: x.needs_followup(d) & x.followup_pending() & ~x.followup_untracked(),
            "{count} low scores or complaints not yet due (within {followup_hours:g} h)",
        ),
    ),
    "qa_pass_rate": ((lambda d: x.review(), "{count} QA reviews, none with a score"),),
}


def null_aggs(kpi_id: str, d: Definitions) -> dict[str, pl.Expr]:
    """The counts behind the null reasons of one KPI, named ``_empty0``, ``_empty1`` …"""
    return {f"_empty{i}": mask(d).fill_null(False).sum() for i, (mask, _) in enumerate(REASONS.get(kpi_id, ()))}


def null_note(kpi_id: str, counts: Callable[[str], Any], d: Definitions) -> str | None:
    """The sentences of the reasons whose rows are there (``counts(name)``: an aggregated count), or None."""
    parts = []
    for i, (_mask, text) in enumerate(REASONS.get(kpi_id, ())):
        c = int(counts(f"_empty{i}") or 0)
        if c:
            parts.append(text.format(count=f"{c:,}", **d.model_dump()))
    return "; ".join(parts) or None
