"""The five canonical datasets of data.md: fields, types and value rules.

Field names here are contracts (users' scripts read the store). Each dataset
names its id (the dedupe key, with ``source``) and the time field that decides
its month partition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["str", "datetime", "date", "float", "int", "bool", "score"]

CHANNELS = ("phone", "chat", "email", "ticket", "social", "ivr")
REALTIME_CHANNELS = ("phone", "chat")
DIRECTIONS = ("inbound", "outbound")
SEVERITIES = ("minor", "major", "critical")
ACTION_STATUSES = ("open", "done", "dropped")


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    lo: float | None = None  # inclusive bounds for numbers and scores
    hi: float | None = None
    default: Any = None
    note: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str  # as on the command line: interactions, surveys, qa, agent-status, actions
    folder: str  # under store/
    id_fields: tuple[str, ...]
    time_field: str | None  # decides the month partition; None = one unpartitioned file
    fields: tuple[Field, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def get(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


def _f(name: str, kind: Kind = "str", **kw: Any) -> Field:
    return Field(name, kind, **kw)


INTERACTIONS = Dataset(
    "interactions",
    "interactions",
    ("interaction_id",),
    "arrived_at",
    (
        _f("interaction_id", required=True),
        _f("source"),
        _f("channel", required=True, choices=CHANNELS),
        _f("direction", choices=DIRECTIONS, default="inbound"),
        _f("customer_id"),
        _f("agent_id"),
        _f("agent_name"),
        _f("team"),
        _f("queue"),
        _f("topic"),
        _f("arrived_at", "datetime", required=True),
        _f("answered_at", "datetime"),
        _f("answered", "bool"),
        _f("ended_at", "datetime"),
        _f("wait_s", "float", lo=0),
        _f("talk_s", "float", lo=0),
        _f("hold_s", "float", lo=0),
        _f("acw_s", "float", lo=0),
        _f("handle_s", "float", lo=0),
        _f("abandoned", "bool"),
        _f("transfers", "int", lo=0),  # null when the export has none: never a silent 0
        _f("resolved", "bool"),
        _f("first_contact_resolved", "bool"),
        _f("complaint", "bool"),  # null when the export has none
        _f("contained", "bool"),
        _f("sla_due_at", "datetime"),
        _f("csat", "score", lo=1, hi=5),
        _f("nps", "score", lo=0, hi=10),
    ),
)

SURVEYS = Dataset(
    "surveys",
    "surveys",
    ("response_id",),
    "sent_at",
    (
        _f("response_id", required=True),
        _f("source"),
        _f("interaction_id"),
        _f("customer_id"),
        _f("agent_id"),
        _f("team"),
        _f("channel", choices=CHANNELS),
        _f("queue"),
        _f("survey"),
        _f("sent_at", "datetime", required=True, note="or responded_at when only responses are exported"),
        _f("responded_at", "datetime"),
        _f("csat", "score", lo=1, hi=5),
        _f("nps", "score", lo=0, hi=10),
        _f("ces", "score", lo=1, hi=7),
        _f("comment"),
        _f("followed_up_at", "datetime"),
    ),
)

QA_RUBRIC_DEFAULT = ("attitude", "communication", "knowledge", "problem_solving")

QA_REVIEWS = Dataset(
    "qa",
    "qa_reviews",
    ("review_id",),
    "reviewed_at",
    (
        _f("review_id", required=True),
        _f("source"),
        _f("interaction_id"),
        _f("agent_id", required=True),
        _f("team"),
        _f("reviewer"),
        _f("reviewed_at", "datetime", required=True),
        *(_f(item, "float", lo=0) for item in QA_RUBRIC_DEFAULT),
        _f("score", "float", lo=0, hi=100),
        _f("issue_category"),
        _f("severity", choices=SEVERITIES),
        _f("comment"),
    ),
)

AGENT_STATUS = Dataset(
    "agent-status",
    "agent_status",
    ("agent_id", "date", "hour"),
    "date",
    (
        _f("agent_id", required=True),
        _f("source"),
        _f("team"),
        _f("date", "date", required=True),
        _f("hour", "int", lo=0, hi=23, note="set for interval rows; null for daily rows"),
        _f("scheduled_s", "float", lo=0),
        _f("logged_in_s", "float", lo=0),
        _f("ready_s", "float", lo=0),
        _f("handle_s", "float", lo=0),
        _f("not_ready_s", "float", lo=0),
    ),
)

ACTIONS = Dataset(
    "actions",
    "actions",
    ("action_id",),
    None,
    (
        _f("action_id", required=True),
        _f("source"),
        _f("kpi", required=True),
        _f("scope", default="all"),
        _f("title", required=True),
        _f("owner"),
        _f("opened_on", "date", required=True),
        _f("due_on", "date"),
        _f("status", choices=ACTION_STATUSES, default="open"),
        _f("done_on", "date"),
    ),
)

DATASETS: dict[str, Dataset] = {d.name: d for d in (INTERACTIONS, SURVEYS, QA_REVIEWS, AGENT_STATUS, ACTIONS)}


def dataset(name: str) -> Dataset:
    """Look a dataset up by its command-line name (``agent_status`` and ``qa_reviews`` also work)."""
    key = {"agent_status": "agent-status", "qa_reviews": "qa", "qa-reviews": "qa"}.get(name, name)
    if key not in DATASETS:
        from toolkit.core.errors import CxtkError

        raise CxtkError(f"unknown dataset '{name}'; choose one of: {', '.join(DATASETS)}")
    return DATASETS[key]


def polars_dtype(f: Field, tz: str) -> Any:
    """The Polars type a field is stored as (datetimes are tz-aware in the workspace time zone)."""
    import polars as pl

    return {
        "str": pl.String,
        "datetime": pl.Datetime("us", tz),
        "date": pl.Date,
        "float": pl.Float64,
        "int": pl.Int32,
        "bool": pl.Boolean,
        "score": pl.Int8,
    }[f.kind]


def polars_schema(ds: Dataset, tz: str) -> dict[str, Any]:
    return {f.name: polars_dtype(f, tz) for f in ds.fields}
