"""Loading the data of a ``cxtk kpi`` run: the workspace store, or one file given with ``--input``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from toolkit.core.errors import CxtkError, StoreDamaged
from toolkit.kpis.result import KpiResult

DATASET_NAMES = ("interactions", "surveys", "qa", "agent-status")


def kpi_command(
    *,
    period: str,
    by: Sequence[str] = (),
    kpis: Sequence[str] | None = None,
    config_path: Path | None = None,
    input_file: Path | None = None,
    mapping: str | None = None,
) -> KpiResult:
    """Parse the period, load the frames, check the period has data, compute."""
    import polars as pl

    from toolkit.core.config import Config, resolve_config
    from toolkit.core.periods import parse_period
    from toolkit.kpis.compute import compute_kpis

    p = parse_period(period)
    if input_file is not None:
        from toolkit.ingest import opening as ingest

        found = resolve_config(config_path, required=False)
        config = found or Config()
        # a workspace, when there is one, lends its own mappings and time zone to --input
        frame = ingest.load_file(input_file, "interactions", mapping, found, tz=config.timezone)
        frames: dict[str, pl.LazyFrame | None] = {"interactions": frame.lazy()}
        where = str(input_file)
    else:
        from toolkit.ingest.store import scan_dataset

        config = resolve_config(config_path)
        frames = {name: scan_dataset(config, name) for name in DATASET_NAMES}
        where = "the store"
    check_period_has_any_data(frames, p, where, config.timezone)
    return compute_kpis(frames, p, by=by, kpis=kpis, config=config)


def explain_command(*, period: str, kpi: str, by: Sequence[str] = (), config_path: Path | None = None):
    """``cxtk explain``: the store's records behind one KPI of a period (``toolkit.kpis.explain``)."""
    from toolkit.core.config import resolve_config
    from toolkit.core.periods import parse_period
    from toolkit.ingest.store import scan_dataset
    from toolkit.kpis.explain import explain
    from toolkit.kpis.registry import kpi as lookup

    spec = lookup(kpi)
    p = parse_period(period)
    config = resolve_config(config_path)
    frames = {name: scan_dataset(config, name) for name in DATASET_NAMES}
    if frames.get(spec.dataset) is not None:  # else explain() says which data the KPI needs
        check_period_has_any_data({spec.dataset: frames[spec.dataset]}, p, "the store", config.timezone)
    return explain(frames, p, kpi, by=by, config=config)


def check_period_has_any_data(frames, period, where: str, tz: str) -> None:
    """Exit 1 when no dataset holds a row in the period (a workspace of surveys alone computes the survey
    KPIs); with interactions stored, the message is that of :func:`check_period_has_data`."""
    if frames.get("interactions") is not None:
        try:
            check_period_has_data(frames["interactions"], period, where, tz)
            return
        except StoreDamaged:
            raise  # a damaged month is named, never read as "no interactions": the other datasets do not help
        except CxtkError as exc:
            failure = exc
    else:
        failure = None
    spans = []
    for ds in DATASET_NAMES[1:]:
        lf = frames.get(ds)
        if lf is None:
            continue
        first, last, any_in = _span(lf, ds, period, tz)
        if any_in:
            return
        if first is not None:
            spans.append(f"{ds} {first:%Y-%m} … {last:%Y-%m}")
    if failure is not None:
        raise failure
    if not spans:
        check_period_has_data(None, period, where, tz)
    raise CxtkError(f"no data in {period.label} ({where} has {'; '.join(spans)})")


_TIME = {"surveys": ("sent_at", "responded_at"), "qa": ("reviewed_at",), "agent-status": ("date",)}


def _span(lf, ds: str, period, tz: str):
    """The first and last time of a dataset's rows and whether any falls in the period (the times
    compute.py puts a row in a period by: surveys by sent_at, else responded_at)."""
    import polars as pl

    from toolkit.kpis.prepare import match_tz

    cols = [c for c in _TIME[ds] if c in lf.collect_schema()]
    if not cols:
        return None, None, False
    t = pl.coalesce([pl.col(c) for c in cols])
    if ds == "agent-status":
        lo, hi = period.start, period.end
        inside = (t >= lo) & (t <= hi)
    else:
        lo, hi = match_tz(lf, cols[0], *period.bounds(tz))
        inside = (t >= lo) & (t < hi)
    row = lf.select(inside.any().alias("any"), t.min().alias("first"), t.max().alias("last")).collect().row(0)
    return row[1], row[2], bool(row[0])


def check_period_has_data(lf, period, where: str, tz: str) -> None:
    """Exit 1 with the months there are when the period holds no interactions."""
    import polars as pl

    if lf is None:
        raise CxtkError(f"no interactions in {where}; ingest some with `cxtk ingest interactions FILE`")
    from toolkit.ingest.damage import require_intact
    from toolkit.kpis.prepare import frame_tz

    lo, hi = period.bounds(frame_tz(lf, tz))
    require_intact(lf, lo, hi)  # a damaged month of the period is named, not read as "no data"
    t = pl.col("arrived_at")
    stats = lf.select(
        ((t >= lo) & (t < hi)).any().alias("any"), t.min().alias("first"), t.max().alias("last")
    ).collect()
    if stats["any"][0]:
        return
    first, last = stats["first"][0], stats["last"][0]
    span = f" ({where} has {first:%Y-%m} … {last:%Y-%m})" if first is not None else f" ({where} is empty)"
    raise CxtkError(f"no interactions in {period.label}{span}")
