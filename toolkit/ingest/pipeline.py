"""Ingest: files → mapping → validated rows → store, with every row accounted for.

read = accepted + rejected + duplicate + skipped, always (updated ⊂ accepted).
A rejected row goes to a rejects CSV with file, line, field, value and reason.
Dedupe is on (source, id): a row identical to a stored one is a duplicate, a
changed one replaces it and is counted as updated.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from toolkit.core.errors import CxtkError, InputError, disk_problem
from toolkit.core.safety import regular_file_problem
from toolkit.core.scratch import run_dir
from toolkit.ingest.damage import refuse_damaged
from toolkit.ingest.mapping import Mapping, resolve_mapping
from toolkit.ingest.merge import dedupe_batch, ingest_linked_surveys, merge_into_store
from toolkit.ingest.migrate import migrate_locked
from toolkit.ingest.opening import open_export
from toolkit.ingest.results import Counts, FileResult, IngestResult, Progress, sha256_of
from toolkit.ingest.schema import Dataset, dataset
from toolkit.ingest.store import Transaction, store_write_error, write_lock
from toolkit.ingest.validate import reason_expr


def same_id_rows(frame: Any, ds: Any, m: Mapping) -> tuple[Any, int, list[str]]:
    """Rows of one file that share an id: never merged silently (data.md, "Bad input").

    Identical repeats stay duplicates (the merge counts them). Repeats with different content
    are all rejected, each naming another line of its id; with the mapping's ``latest_by`` the
    latest version is kept and the others are superseded (counted as duplicates). Returns the
    frame with ``__superseded``, how many rows were superseded, and notes for the summary.
    One pass decides whether any id repeats; only then is a grouping paid for.
    """
    import polars as pl

    from toolkit.ingest.merge import content_hash

    key = list(ds.id_fields)
    ok = ~pl.col("__skip") & pl.col("__field").is_null()
    n, distinct = frame.filter(ok).select(pl.len(), pl.struct(key).n_unique()).collect().row(0)
    if n == distinct:
        return frame.with_columns(pl.lit(False).alias("__superseded")), 0, []
    if m.latest_by is not None:
        # the latest version of each id wins; a tie goes to the later line (the feed's last word)
        stamp = pl.col("__latest").fill_null(float("-inf"))
        newest = ok & (stamp == stamp.filter(ok).max().over(key))
        latest = newest & (pl.col("__line") == pl.col("__line").filter(newest).max().over(key))
        out = frame.with_columns((ok & ~latest.fill_null(False)).alias("__superseded"))
        superseded = int(out.select(pl.col("__superseded").sum()).collect().item())
        note = f"{superseded:,} earlier version(s) of repeated ids superseded by the latest {m.latest_by}"
        return out, superseded, [note] if superseded else []
    h = content_hash([c for c in ds.names if c != "source"])
    groups = frame.filter(ok).group_by(key).agg(
        h.n_unique().alias("__versions"), pl.col("__line").sort().head(2).alias("__lines")
    ).filter(pl.col("__versions") > 1).collect()
    if groups.height == 0:
        return frame.with_columns(pl.lit(False).alias("__superseded")), 0, []
    first, second = pl.col("__lines").list.get(0), pl.col("__lines").list.get(1)
    other = pl.when(pl.col("__line") == first).then(second).otherwise(first)
    conflict = ok & pl.col("__versions").is_not_null()
    out = frame.join(groups.lazy(), on=key, how="left", maintain_order="left").with_columns(
        pl.when(conflict).then(pl.lit(key[0])).otherwise(pl.col("__field")).alias("__field"),
        pl.when(conflict).then(pl.col("__id")).otherwise(pl.col("__value")).alias("__value"),
        pl.when(conflict).then(pl.lit("id {} repeats with different values (also line ")
                               + other.cast(pl.String) + pl.lit(")")).otherwise(pl.col("__reason")).alias("__reason"),
        pl.lit(False).alias("__superseded"),
    ).drop("__versions", "__lines")
    hint = (f"'{key[0]}' is not unique in this file: {groups.height:,} id(s) repeat with different values and "
            f"were rejected; if the id needs a second column, map it as {key[0]}: {{columns: [A, B]}}, or add "
            "latest_by: COLUMN when the export repeats a record to update it")
    return out, 0, [hint]


def _write_rejects(bad: Any, path: Path, out: Path) -> None:
    import polars as pl

    from toolkit.core.outputs import atomic_write
    from toolkit.core.safety import neutralise_formulas

    frame = bad.select(
        pl.lit(str(path)).alias("file"),
        pl.col("__line").alias("line"),
        pl.col("__id").alias("id"),
        pl.col("__field").alias("field"),
        pl.col("__value").alias("value"),
        reason_expr().alias("reason"),
    ).collect()
    with atomic_write(out, make_parents=True) as tmp:
        neutralise_formulas(frame).write_csv(tmp)


def ingest_files(
    config: Any,
    dataset_name: str,
    paths: Sequence[Path],
    *,
    mapping: str | Path | Mapping | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    strict: bool = False,
    dry_run: bool = False,
    source: str | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest files into the workspace store (or, with ``dry_run``, only validate them).

    All files of one call are validated first, then merged into the store in one
    atomic commit: duplicates across the files count as duplicates of the later file.
    """
    import polars as pl

    started = time.perf_counter()
    ds = dataset(dataset_name)
    tz = config.timezone
    store_dir: Path = config.store_dir
    chosen = mapping if isinstance(mapping, Mapping) or mapping is None else resolve_mapping(mapping, config)
    say = progress or (lambda _msg: None)
    for p in paths:
        if Path(p).is_dir():
            raise InputError(f"{p}: is a folder, not a file; give the export files inside it, e.g. {Path(p) / '*.csv'}")
        problem = regular_file_problem(p)  # a FIFO would block the checksum forever
        if problem:
            raise InputError(f"{p}: {problem}")
    results: list[FileResult] = []
    with write_lock(store_dir) if not dry_run else _nullcontext():
        if not dry_run:
            try:
                migrate_locked(store_dir)  # a store of the layout before Delta becomes Delta tables in place
            except OSError as exc:
                raise store_write_error(store_dir, exc) from None
            refuse_damaged(store_dir, ds)  # before reading the files: they could not be merged
        try:
            staging_root = Path(tempfile.mkdtemp(prefix="cxtk-", dir=run_dir() if dry_run else _staging(store_dir)))
        except OSError as exc:
            raise store_write_error(store_dir, exc) from None
        txn = Transaction(store_dir)
        try:
            valid_parts = []
            for i, path in enumerate(Path(p) for p in paths):
                say(f"reading {path.name}")
                staged = staging_root / f"{i}.parquet"
                # the file's checksum (for the ingest log) is read alongside validation
                with ThreadPoolExecutor(1) as pool:
                    sha = pool.submit(sha256_of, path)
                    m, encoding_used = _stage_file(path, ds, chosen, config, encoding, sheet, source, tz, staged)
                    digest = sha.result()
                result, valid = _account_file(staged, path, digest, m, encoding_used, ds, config, strict, dry_run)
                results.append(result)
                valid_parts.append(valid.with_columns(pl.lit(i, dtype=pl.Int32).alias("__file")))
            say("checking duplicates")
            rows = dedupe_batch(valid_parts, ds, results)
            if not dry_run:
                say("writing the store")
                per_file = merge_into_store(txn, store_dir, ds, rows, tz)
                for i, r in enumerate(results):
                    c = per_file.get(i, Counts())
                    r.counts.duplicate += c.duplicate
                    r.counts.updated += c.updated
            for r in results:
                c = r.counts
                c.accepted = c.read - c.skipped - c.rejected - c.duplicate
            if ds.name == "interactions":
                ingest_linked_surveys(txn, store_dir, rows, results, tz, dry_run)
            if not dry_run:
                say("committing")
                txn.log = [_log_entry(ds, r, source) for r in results]
                txn.commit()
        except BaseException as exc:
            if not dry_run:
                txn.abort()
            disk = disk_problem(exc)  # a full or read-only disk is never the input file's fault
            if disk is None or isinstance(exc, CxtkError):
                raise
            raise store_write_error(store_dir, disk, committed=txn.committed) from None
        finally:
            shutil.rmtree(staging_root, ignore_errors=True)
    return IngestResult(ds.name, results, dry_run=dry_run, store=None if dry_run else str(store_dir),
                        seconds=time.perf_counter() - started)


def _stage_file(path: Path, ds: Dataset, chosen: Mapping | None, config: Any, encoding: str | None,
                sheet: str | int | None, source: str | None, tz: str, staged: Path) -> tuple[Mapping, str | None]:
    """Validate one file in a streaming pass into a staging Parquet file; return its mapping and encoding."""
    import polars as pl

    from toolkit.ingest.validate import validated_frame

    raw, m = open_export(path, ds, chosen, config, encoding, sheet)
    try:
        with raw.reading():  # validation reads a sample of rows: a bad byte or quote there is named too
            frame = validated_frame(raw.frame, m, raw.columns, tz=tz, source=source or m.name, path=path)
        try:
            # a scratch file read once: not worth compressing
            frame.sink_parquet(staged, compression="uncompressed", statistics=False)
        except pl.exceptions.PolarsError as exc:
            if disk_problem(exc) is not None:
                raise  # the staging file could not be written: not the input's fault
            raise raw.explain(exc) from None
        return m, raw.encoding
    finally:
        raw.close()


def _account_file(staged: Path, path: Path, digest: str, m: Mapping, encoding: str | None, ds: Dataset, config: Any,
                  strict: bool, dry_run: bool) -> tuple[FileResult, Any]:
    """Count read / skipped / rejected rows of a staged file, write its rejects, return its valid rows."""
    import polars as pl

    frame = pl.scan_parquet(staged, glob=False)
    frame, superseded, notes = same_id_rows(frame, ds, m)
    rejected = ~pl.col("__skip") & pl.col("__field").is_not_null()
    accepted = ~pl.col("__skip") & pl.col("__field").is_null()
    tally = frame.select(
        pl.len().alias("read"), pl.col("__skip").sum().alias("skipped"), rejected.sum().alias("rejected"),
        pl.col("__month").filter(accepted).drop_nulls().unique().sort().implode().alias("months"),
    ).collect().row(0, named=True)
    counts = Counts(read=tally["read"], skipped=int(tally["skipped"] or 0), rejected=int(tally["rejected"] or 0),
                    duplicate=superseded)
    bad = frame.filter(rejected)
    first = bad.select("__line", "__field", "__value", reason_expr().alias("__reason")).head(5).collect().to_dicts()
    if strict and counts.rejected:
        f0 = first[0]
        raise InputError(
            f"{path}: {counts.rejected} row(s) rejected, first at line {f0['__line']}, field '{f0['__field']}': "
            f"{f0['__reason']}; nothing was written (--strict)"
        )
    result = FileResult(str(path), digest, encoding, m.name, ds.name, counts, first_rejects=first,
                        months={ds.name: list(tally["months"] or [])}, notes=notes)
    if counts.rejected and not dry_run:
        out = _rejects_path(config, path, ds, result.sha256)
        _write_rejects(bad, path, out)
        result.rejects_file = str(out)
    valid = frame.filter(~pl.col("__skip") & pl.col("__field").is_null() & ~pl.col("__superseded")).drop(
        "__skip", "__field", "__value", "__reason", "__id", "__superseded", "__latest", strict=False
    )
    return result, valid


def _log_entry(ds: Dataset, r: FileResult, source: str | None = None) -> dict[str, Any]:
    return {
        "dataset": ds.name,
        "file": r.path,
        "resolved": str(Path(r.path).resolve()),  # the file as given may be relative to where cxtk ran
        "sha256": r.sha256,
        "mapping": r.mapping,
        "encoding": r.encoding,
        **asdict(r.counts),
        "rejects_file": r.rejects_file,
        "linked": r.linked,
        "months": r.months,  # which partitions the file fed: `cxtk store repair` names what to re-ingest
        **({"source": source} if source else {}),  # --source, needed to ingest it again the same way
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _rejects_path(config: Any, path: Path, ds: Dataset, sha: str) -> Path:
    root = config.root if config is not None else Path.cwd()
    return root / "rejects" / f"{path.stem}.{ds.folder}.{sha[:8]}.rejects.csv"


def _staging(store_dir: Path) -> Path:
    staging = store_dir / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    return staging


def _polars_problem(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"cannot be read as a table ({text})"


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
