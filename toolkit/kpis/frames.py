"""Small canonical frames from rows of plain values: for examples, tests and notebooks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any


def frame_of(dataset: str, rows: Sequence[dict[str, Any]], tz: str = "UTC"):
    """A lazy canonical frame of ``dataset`` (every field, typed as in the store) from dict rows.

    Datetimes may be ISO strings ("2026-10-01 09:00"), read as wall-clock time in ``tz``.
    """
    import polars as pl

    from toolkit.ingest.schema import dataset as lookup
    from toolkit.ingest.schema import polars_schema

    schema = polars_schema(lookup(dataset), tz)
    for row in rows:
        unknown = set(row) - set(schema)
        if unknown:
            raise ValueError(f"{dataset} has no field {', '.join(sorted(unknown))}")

    def cell(name: str, value: Any) -> Any:
        dtype = schema[name]
        if isinstance(value, str) and isinstance(dtype, pl.Datetime):
            return datetime.fromisoformat(value)
        if isinstance(value, str) and dtype == pl.Date:
            return date.fromisoformat(value)
        return value

    columns = {name: [cell(name, r.get(name)) for r in rows] for name in schema}
    naive = {k: (pl.Datetime("us") if isinstance(v, pl.Datetime) else v) for k, v in schema.items()}
    df = pl.DataFrame(columns, schema=naive)
    df = df.with_columns(
        [pl.col(k).dt.replace_time_zone(tz) for k, v in schema.items() if isinstance(v, pl.Datetime)]
    )
    return df.lazy()
