"""Valid rows into the store: duplicates within the batch and against the store, updated rows, month
partitions, and the survey rows carried by an interaction export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from toolkit.ingest.damage import refuse_damaged
from toolkit.ingest.results import Counts, FileResult
from toolkit.ingest.schema import Dataset, dataset, polars_schema
from toolkit.ingest.store import Transaction

LINKED_SURVEY = "on-interaction"


# zstd level 1: the same size as the default level on contact data here, written ~30 % faster
STORE_PARQUET: dict[str, Any] = {"compression": "zstd", "compression_level": 1, "statistics": True}

# new rows of a month whose stored rows all stay are appended as a file of their own (the month is not
# rewritten); a month of this many files is rewritten as one when it next changes
MAX_FILES_PER_MONTH = 12


def month_expr(ds: Dataset) -> Any:
    """The month partition of a row; validated rows carry it already as ``__month``."""
    import polars as pl

    if ds.time_field is None:
        return pl.lit(None, dtype=pl.String)
    return pl.col(ds.time_field).dt.strftime("%Y-%m")


def content_hash(columns: Sequence[str]) -> Any:
    import polars as pl

    return pl.struct([pl.col(c) for c in columns]).hash(seed=7)


def merge_into_store(txn: Transaction, store_dir: Path, ds: Dataset, rows: Any, tz: str) -> dict[int, Counts]:
    """Stage the partitions that change when ``rows`` enter the store.

    ``rows`` are valid and unique per (source, id), with a ``__file`` index. Returns,
    per file index, the rows identical to a stored one (duplicate) and the rows that
    replace a changed stored one (updated); everything else is new. A month that loses
    rows (updated ones, moved or changed) is rewritten; new rows of another month are
    appended to it as a new file.
    """
    import polars as pl

    key = ["source", *ds.id_fields]
    cols = ds.names
    schema = polars_schema(ds, tz)
    month = month_expr(ds)
    files = txn.current_files(ds)  # committed partitions, or this transaction's staged ones
    refuse_damaged(store_dir, ds, files)
    per_file: dict[int, Counts] = {}
    has_month = "__month" in rows.collect_schema().names()
    if not files:
        # An empty store (the common first ingest): partitions straight from the staged rows.
        staged = rows if has_month else rows.with_columns(month.alias("__month"))
        months = staged.select(pl.col("__month").unique()).collect()["__month"].to_list()
        for m in sorted(months, key=lambda x: (x is None, x)):
            part = staged.filter(pl.col("__month").is_null() if m is None else pl.col("__month") == m)
            part.select(cols).cast(schema).sink_parquet(txn.replace(ds, m), **STORE_PARQUET)
        return per_file
    extra = [c for c in ("__cmp_hash", "__month") if c in rows.collect_schema().names()]
    incoming = rows.select([*cols, "__file", *extra]).cast(schema).with_columns(content_hash(cols).alias("__hash"))
    # only the stored rows whose key comes in are decoded whole and hashed: their keys first (two
    # columns), then a filter on the id that the Parquet reader applies before decoding the rest.
    # 1,000 rows against 10 M stored: 0.7 s and 0.2 GB here, against 2.0 s and 0.8 GB hashing them all
    source = pl.scan_parquet([str(f) for f in files], glob=False)
    hit = source.select(key).join(rows.select(key), on=key, how="semi", nulls_equal=True).collect()
    first = ds.id_fields[0]
    narrowed = source if hit[first].null_count() else source.filter(pl.col(first).is_in(hit[first].implode()))
    stored = (
        narrowed.select(cols)
        .join(hit.lazy(), on=key, how="semi", nulls_equal=True)
        .with_columns(month.alias("__month"), content_hash(cols).alias("__hash"))
    )
    if "__cmp_hash" not in incoming.collect_schema().names():
        incoming = incoming.with_columns(pl.col("__hash").alias("__cmp_hash"))
    matched = incoming.join(
        stored.select([*key, pl.col("__hash").alias("__old_hash"), pl.col("__month").alias("__old_month")]),
        on=key,
        how="left",
        nulls_equal=True,
    ).collect()
    known = pl.col("__old_hash").is_not_null()
    # counting follows the first occurrence in the batch (ingest order); writing follows the last
    counted_dup = known & (pl.col("__old_hash") == pl.col("__cmp_hash"))
    counted_upd = known & (pl.col("__old_hash") != pl.col("__cmp_hash"))
    tally = matched.group_by("__file").agg(counted_dup.sum().alias("dup"), counted_upd.sum().alias("upd"))
    for row in tally.iter_rows(named=True):
        per_file[row["__file"]] = Counts(duplicate=int(row["dup"]), updated=int(row["upd"]))
    is_dup = known & (pl.col("__old_hash") == pl.col("__hash"))
    is_upd = known & (pl.col("__old_hash") != pl.col("__hash"))
    changes = matched.filter(~is_dup).drop("__cmp_hash")
    replaced = changes.filter(is_upd)
    replaced_months = set(replaced["__old_month"].drop_nulls().to_list())
    replaced_keys = replaced.select(key)
    new_rows = changes if "__month" in changes.columns else changes.with_columns(month.alias("__month"))
    months = set(new_rows["__month"].to_list()) | replaced_months
    for m in sorted(months, key=lambda x: (x is None, x)):
        part_new = new_rows.filter(pl.col("__month").is_null() if m is None else pl.col("__month") == m)
        current = txn.month_files(ds, m)
        if m not in replaced_months and len(current) < MAX_FILES_PER_MONTH:
            if part_new.height:  # every stored row of the month stays: the new ones join it
                part_new.select(cols).write_parquet(txn.append(ds, m), **STORE_PARQUET)
            continue
        parts = []
        if current:
            old = pl.scan_parquet([str(f) for f in current], glob=False).select(cols)
            if replaced_keys.height:
                old = old.join(replaced_keys.lazy(), on=key, how="anti", nulls_equal=True)
            parts.append(old.collect())
        parts.append(part_new.select(cols))
        merged = pl.concat(parts, how="vertical")
        if merged.height == 0:
            txn.clear(ds, m)
            continue
        merged.write_parquet(txn.replace(ds, m), **STORE_PARQUET)
    return per_file


def _linked_surveys(valid: Any) -> Any:
    """Survey rows carried on an interaction export (a rating column yields linked responses)."""
    import polars as pl

    when = pl.coalesce([pl.col("ended_at"), pl.col("answered_at"), pl.col("arrived_at")])
    return valid.filter(pl.col("csat").is_not_null() | pl.col("nps").is_not_null()).select(
        pl.col("interaction_id").alias("response_id"),
        pl.col("source"),
        pl.col("interaction_id"),
        pl.col("customer_id"),
        pl.col("agent_id"),
        pl.col("team"),
        pl.col("channel"),
        pl.col("queue"),
        pl.lit(LINKED_SURVEY).alias("survey"),
        when.alias("sent_at"),
        when.alias("responded_at"),
        pl.col("csat"),
        pl.col("nps"),
        pl.lit(None, dtype=pl.Int8).alias("ces"),
        pl.lit(None, dtype=pl.String).alias("comment"),
        pl.lit(None, dtype=pl.Datetime("us", "UTC")).alias("followed_up_at"),
        pl.col("__file"),
    )


def dedupe_batch(parts: list[Any], ds: Dataset, results: list[FileResult]) -> Any:
    """One row per (source, id) across the files of one call, counted as if ingested in order.

    Within a file, a repeated id is a duplicate (its last row stands). Across files, a
    repeat identical to the previous file's row is a duplicate; a changed one is an
    update (accepted). The last occurrence is what gets stored; the first one is what is
    compared with the store, and that comparison is counted against the first one's file.
    """
    import polars as pl

    key = ["source", *ds.id_fields]
    rows = pl.concat(parts, how="vertical") if len(parts) > 1 else parts[0]
    n, n_unique = rows.select(pl.len(), pl.struct(key).n_unique()).collect().row(0)
    if n == n_unique:
        return rows.drop("__line")
    cols = ds.names
    # within one file a repeated id is a duplicate whatever its content: the last row is the file's state
    in_file = rows.with_columns(pl.struct([*key, "__file"]).is_last_distinct().alias("__last")).collect()
    for row in in_file.filter(~pl.col("__last")).group_by("__file").len().iter_rows(named=True):
        results[row["__file"]].counts.duplicate += int(row["len"])
    h = content_hash(cols)
    flagged = in_file.lazy().filter(pl.col("__last")).drop("__last").with_columns(
        h.alias("__hash"),
        pl.int_range(pl.len()).over(key).alias("__occ"),
        pl.len().over(key).alias("__n"),
    ).with_columns(
        pl.col("__hash").shift(1).over(key).alias("__prev"),
        pl.col("__hash").first().over(key).alias("__cmp_hash"),
        pl.col("__file").first().over(key).alias("__first_file"),
    ).collect()
    repeats = flagged.filter(pl.col("__occ") > 0)
    tally = repeats.group_by("__file").agg(
        (pl.col("__hash") == pl.col("__prev")).sum().alias("dup"),
        (pl.col("__hash") != pl.col("__prev")).sum().alias("upd"),
    )
    for row in tally.iter_rows(named=True):
        c = results[row["__file"]].counts
        c.duplicate += int(row["dup"])
        c.updated += int(row["upd"])
    last = flagged.filter(pl.col("__occ") == pl.col("__n") - 1)
    return last.with_columns(pl.col("__first_file").alias("__file")).drop(
        "__hash", "__occ", "__n", "__prev", "__first_file", "__line"
    ).lazy()


def ingest_linked_surveys(txn: Transaction, store_dir: Path, rows: Any, results: list[FileResult], tz: str,
                           dry_run: bool) -> None:
    """Ratings carried on an interaction export become linked survey rows, accounted per file."""
    import polars as pl

    if not _has_ratings(rows):
        return
    sv = dataset("surveys")
    linked = _linked_surveys(rows).cast(polars_schema(sv, tz))
    month = month_expr(sv)
    read = linked.group_by("__file").agg(
        pl.len().alias("len"), month.drop_nulls().unique().sort().alias("months")
    ).collect()
    per_file = {} if dry_run else merge_into_store(txn, store_dir, sv, linked, tz)
    for row in read.iter_rows(named=True):
        c = per_file.get(row["__file"], Counts())
        n = int(row["len"])
        lc = Counts(read=n, duplicate=c.duplicate, updated=c.updated, accepted=n - c.duplicate)
        results[row["__file"]].linked = {"surveys": asdict(lc)}
        results[row["__file"]].months[sv.name] = list(row["months"])
    del pl


def _has_ratings(valid: Any) -> bool:
    import polars as pl

    return bool(valid.select((pl.col("csat").is_not_null() | pl.col("nps").is_not_null()).any()).collect().item())
