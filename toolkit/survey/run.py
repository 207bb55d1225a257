"""Survey commands as the CLI runs them: load the store (or one export), check the period, summarise.

The terminal views are in ``toolkit.cli.survey_views``; the follow-up export in
``toolkit.report.followups_export``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import CxtkError
from toolkit.survey.summary import SurveySummary, survey_summary

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config
    from toolkit.core.periods import Period


def check_period_has_surveys(surveys: pl.LazyFrame | None, period: Period, where: str, tz: str) -> None:
    """Raise ``CxtkError`` naming the months there are when ``period`` holds no survey row."""
    import polars as pl

    if surveys is None:
        raise CxtkError(f"no survey data in {where}; ingest some with `cxtk ingest surveys FILE`")
    t = pl.coalesce(pl.col("sent_at"), pl.col("responded_at"))
    dtype = surveys.collect_schema().get("sent_at")
    # Bounds in the zone the times are stored in (naive bounds for naive times).
    lo, hi = period.bounds(dtype.time_zone if isinstance(dtype, pl.Datetime) else tz)
    from toolkit.ingest.damage import require_intact

    require_intact(surveys, lo, hi)  # a damaged month of the period is named, not read as "no data"
    found = surveys.select(
        ((t >= lo) & (t < hi)).any().alias("any"), t.min().alias("first"), t.max().alias("last")
    ).collect()
    if found["any"][0]:
        return
    first, last = found["first"][0], found["last"][0]
    span = f" ({where} has {first:%Y-%m} … {last:%Y-%m})" if first is not None else f" ({where} is empty)"
    raise CxtkError(f"no survey data in {period.label}{span}; pick another --period or ingest that month")


def summary_command(
    *,
    period: str,
    by: Sequence[str] = (),
    config_path: Path | None = None,
    input_file: Path | None = None,
    mapping: str | None = None,
    mask: bool = True,
) -> SurveySummary:
    """Load the store (or one survey export with ``input_file``), check the period, summarise."""
    from toolkit.core.config import Config, resolve_config
    from toolkit.core.periods import parse_period

    p = parse_period(period)
    if input_file is not None:
        from toolkit.ingest.opening import load_file

        config = resolve_config(config_path, required=False) or Config()
        frame = load_file(input_file, "surveys", mapping, None, tz=config.timezone)
        frames: dict[str, Any] = {"surveys": frame.lazy(), "interactions": None}
        where = str(input_file)
    else:
        from toolkit.ingest.store import scan_dataset

        config = resolve_config(config_path)
        frames = {name: scan_dataset(config, name) for name in ("surveys", "interactions")}
        where = "the store"
    check_period_has_surveys(frames["surveys"], p, where, config.timezone)
    from toolkit.survey.themes import workspace_themes_file

    extra = workspace_themes_file(config) if input_file is None else None
    return survey_summary(frames, p, by=by, config=config, mask=mask, themes_extra=extra)


def followups_command(
    *, period: str, now: datetime | None = None, config_path: Path | None = None, mask: bool = True
) -> tuple[pl.DataFrame, Config]:
    """The follow-up list of a period from the store (``toolkit.survey.followups.followups``)."""
    from datetime import UTC

    from toolkit.core.config import resolve_config
    from toolkit.core.periods import parse_period
    from toolkit.ingest.store import scan_dataset
    from toolkit.survey.followups import followups

    p = parse_period(period)
    config = resolve_config(config_path)
    surveys = scan_dataset(config, "surveys")
    interactions = scan_dataset(config, "interactions")
    if surveys is None:
        raise CxtkError("no survey data in the store; ingest some with `cxtk ingest surveys FILE`")
    moment = now if now is not None else datetime.now(UTC)
    items = followups(surveys, interactions, config.definitions, moment, p.start, p.end, mask=mask)
    return items, config
