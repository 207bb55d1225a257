"""Ingest: files → mapping → validated rows → store, with every row accounted for.

read = accepted + rejected + duplicate + skipped, always (updated ⊂ accepted).
A rejected row goes to a rejects CSV with file, line, field, value and reason.
Dedupe is on (source, id): a row identical to a stored one is a duplicate, a
changed one replaces it and is counted as updated.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from toolkit.core.errors import CxtkError, InputError, disk_problem
from toolkit.ingest.mapping import Mapping, all_mappings, choose_mapping, resolve_mapping
from toolkit.ingest.schema import DATASETS, Dataset, dataset, polars_schema
from toolkit.ingest.store import (
    DATA_FILE,
    Transaction,
    partition_dir,
    refuse_damaged,
    store_write_error,
    write_lock,
)
from toolkit.ingest.validate import reason_expr

LINKED_SURVEY = "on-interaction"
# zstd level 1: the same size as the default level on contact data here, written ~30 % faster
STORE_PARQUET: dict[str, Any] = {"compression": "zstd", "compression_level": 1, "statistics": True}
Progress = Callable[[str], None]


@dataclass
class Counts:
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0
    skipped: int = 0
    updated: int = 0

    def add(self, other: Counts) -> None:
        for k in ("read", "accepted", "rejected", "duplicate", "skipped", "updated"):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def balanced(self) -> bool:
        return self.read == self.accepted + self.rejected + self.duplicate + self.skipped


@dataclass
class FileResult:
    path: str
    sha256: str
    encoding: str | None
    mapping: str
    dataset: str
    counts: Counts
    rejects_file: str | None = None
    linked: dict[str, dict[str, int]] = field(default_factory=dict)
    first_rejects: list[dict[str, Any]] = field(default_factory=list)
    months: dict[str, list[str]] = field(default_factory=dict)  # dataset -> the partitions its rows went to

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "mapping": self.mapping,
        }
        out |= asdict(self.counts)
        out["rejects_file"] = self.rejects_file
        if self.linked:
            out["linked"] = self.linked
        return out


@dataclass
class IngestResult:
    dataset: str
    files: list[FileResult]
    dry_run: bool = False
    store: str | None = None
    seconds: float = 0.0

    @property
    def totals(self) -> Counts:
        total = Counts()
        for f in self.files:
            total.add(f.counts)
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            **asdict(self.totals),
            "dry_run": self.dry_run,
            "files": [f.to_dict() for f in self.files],
        }


# --- reading and validating one file -------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _open(path: Path, ds: Dataset, mapping: Mapping | None, config: Any, encoding: str | None,
          sheet: str | int | None) -> tuple[Any, Mapping]:
    """Read the file and pick its mapping (the given one, or the best match of its headers)."""
    from toolkit.ingest.readers import read_table

    if mapping is not None:
        raw = read_table(
            path,
            encoding=encoding or mapping.encoding,
            sheet=sheet if sheet is not None else mapping.sheet,
            header_row=mapping.header_row,
            expected_headers=mapping.expected_headers(),
        )
        if mapping.dataset != ds.name:
            raw.close()
            raise InputError(
                f"{path}: mapping '{mapping.name}' is for {mapping.dataset}, not {ds.name}; "
                f"run `cxtk ingest {mapping.dataset} {path.name} --mapping {mapping.name}` or choose another mapping"
            )
        return raw, mapping
    candidates = [m for m in all_mappings(config).values() if m.dataset == ds.name]
    expected = list(dict.fromkeys(h for m in candidates for h in m.expected_headers()))
    definitions = _survey_definitions(config) if ds.name == "surveys" else {}
    expected += [h for d in definitions.values() for h in _definition_headers(d)]
    raw = read_table(path, encoding=encoding, sheet=sheet, expected_headers=expected)
    chosen = choose_mapping(ds.name, raw.columns, config)
    if chosen is None and definitions:
        chosen = _survey_mapping(raw.columns, definitions, path)
    if chosen is None:
        other = _other_dataset(raw.columns, ds, config)
        raw.close()
        if other is not None:
            raise InputError(
                f"{path}: these look like {other.dataset} rows (mapping '{other.name}' matches its headers), "
                f"not {ds.name}; run `cxtk ingest {other.dataset} {path.name}`"
            )
        # a header cell can be the whole file when the encoding or delimiter is wrong: keep the line short
        seen = ", ".join(c if len(c) <= 40 else c[:39] + "…" for c in raw.columns[:12])
        seen += " …" if len(raw.columns) > 12 else ""
        missing = [f for f in ds.required if f not in raw.columns]
        raise InputError(
            f"{path}: no mapping fits its headers ({seen}); "
            + (f"the canonical {ds.name} mapping needs {', '.join(missing)}; " if missing else "")
            + f"write one with `cxtk mapping suggest {path.name}` and pass it with --mapping"
        )
    if chosen.header_row != "auto" or chosen.encoding or chosen.sheet is not None:
        raw.close()
        return _open(path, ds, chosen, config, encoding, sheet)
    return raw, chosen


def _survey_definitions(config: Any) -> dict[str, Any]:
    """Survey definitions shipped with cxtk plus the workspace's ``surveys/`` folder."""
    from toolkit.ingest.surveydefs import load_definitions

    extra = [config.root / "surveys"] if config is not None else []
    return load_definitions(extra)


def _definition_headers(defn: Any) -> list[str]:
    names: list[str] = []
    for aliases in defn.fields.values():
        names += list(aliases)
    for q in defn.questions:
        names += list(q.headers)
    return names


def _survey_mapping(headers: Sequence[str], definitions: dict[str, Any], path: Path) -> Mapping | None:
    """A survey batch matched by its question headers becomes a mapping (labels and scales as ``map:``)."""
    from toolkit.ingest.mapping import parse_mapping
    from toolkit.ingest.surveydefs import definition_to_mapping, match_definition

    defn = match_definition(headers, definitions)
    if defn is None:
        return None
    return parse_mapping(definition_to_mapping(defn, headers), f"{path} (survey definition '{defn.name}')")


def _other_dataset(headers: Sequence[str], ds: Dataset, config: Any) -> Mapping | None:
    for name in DATASETS:
        if name != ds.name:
            m = choose_mapping(name, headers, config)
            if m is not None:
                return m
    return None


def _month_expr(ds: Dataset) -> Any:
    """The month partition of a row; validated rows carry it already as ``__month``."""
    import polars as pl

    if ds.time_field is None:
        return pl.lit(None, dtype=pl.String)
    return pl.col(ds.time_field).dt.strftime("%Y-%m")


# --- the store side: dedupe and partition writes -------------------------------------------------


def _content_hash(columns: Sequence[str]) -> Any:
    import polars as pl

    return pl.struct([pl.col(c) for c in columns]).hash(seed=7)


def _merge_into_store(txn: Transaction, store_dir: Path, ds: Dataset, rows: Any, tz: str) -> dict[int, Counts]:
    """Stage the partitions that change when ``rows`` enter the store.

    ``rows`` are valid and unique per (source, id), with a ``__file`` index. Returns,
    per file index, the rows identical to a stored one (duplicate) and the rows that
    replace a changed stored one (updated); everything else is new.
    """
    import polars as pl

    key = ["source", *ds.id_fields]
    cols = ds.names
    schema = polars_schema(ds, tz)
    month = _month_expr(ds)
    files = txn.current_files(ds)  # committed partitions, or this transaction's staged ones
    refuse_damaged(store_dir, ds, files)
    per_file: dict[int, Counts] = {}
    has_month = "__month" in rows.collect_schema().names()
    if not files:
        # An empty store (the common first ingest): partitions straight from the staged rows.
        staged = rows if has_month else rows.with_columns(month.alias("__month"))
        months = staged.select(pl.col("__month").unique()).collect()["__month"].to_list()
        for m in sorted(months, key=lambda x: (x is None, x)):
            final = partition_dir(store_dir, ds, m) / DATA_FILE
            part = staged.filter(pl.col("__month").is_null() if m is None else pl.col("__month") == m)
            part.select(cols).cast(schema).sink_parquet(txn.temp_path(final), **STORE_PARQUET)
        return per_file
    stored = pl.scan_parquet([str(f) for f in files], glob=False).select(cols).with_columns(
        month.alias("__month"), _content_hash(cols).alias("__hash")
    )
    extra = [c for c in ("__cmp_hash", "__month") if c in rows.collect_schema().names()]
    incoming = rows.select([*cols, "__file", *extra]).cast(schema).with_columns(_content_hash(cols).alias("__hash"))
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
        final = partition_dir(store_dir, ds, m) / DATA_FILE
        part_new = new_rows.filter(pl.col("__month").is_null() if m is None else pl.col("__month") == m)
        parts = []
        current = txn.current(final)
        if current is not None:
            old = pl.scan_parquet(str(current), glob=False).select(cols)
            if replaced_keys.height:
                old = old.join(replaced_keys.lazy(), on=key, how="anti", nulls_equal=True)
            parts.append(old.collect())
        parts.append(part_new.select(cols))
        merged = pl.concat(parts, how="vertical")
        if merged.height == 0:
            txn.delete(final)
            continue
        merged.write_parquet(txn.temp_path(final), **STORE_PARQUET)
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


def _write_rejects(bad: Any, path: Path, out: Path) -> None:
    import polars as pl

    from toolkit.core.outputs import atomic_write
    from toolkit.core.safety import neutralise_formulas

    frame = bad.select(
        pl.lit(str(path)).alias("file"),
        pl.col("__line").alias("line"),
        pl.col("__field").alias("field"),
        pl.col("__value").alias("value"),
        reason_expr().alias("reason"),
    ).collect()
    with atomic_write(out, make_parents=True) as tmp:
        neutralise_formulas(frame).write_csv(tmp)


# --- the public entry point ----------------------------------------------------------------------


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
        if not Path(p).is_file():
            raise InputError(f"{p}: file not found")
    results: list[FileResult] = []
    with write_lock(store_dir) if not dry_run else _nullcontext():
        if not dry_run:
            refuse_damaged(store_dir, ds)  # before reading the files: they could not be merged
        try:
            staging_root = Path(tempfile.mkdtemp(prefix="cxtk-", dir=None if dry_run else _staging(store_dir)))
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
            rows = _dedupe_batch(valid_parts, ds, results)
            if not dry_run:
                say("writing the store")
                per_file = _merge_into_store(txn, store_dir, ds, rows, tz)
                for i, r in enumerate(results):
                    c = per_file.get(i, Counts())
                    r.counts.duplicate += c.duplicate
                    r.counts.updated += c.updated
            for r in results:
                c = r.counts
                c.accepted = c.read - c.skipped - c.rejected - c.duplicate
            if ds.name == "interactions":
                _ingest_linked_surveys(txn, store_dir, rows, results, tz, dry_run)
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

    raw, m = _open(path, ds, chosen, config, encoding, sheet)
    try:
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
    rejected = ~pl.col("__skip") & pl.col("__field").is_not_null()
    accepted = ~pl.col("__skip") & pl.col("__field").is_null()
    tally = frame.select(
        pl.len().alias("read"), pl.col("__skip").sum().alias("skipped"), rejected.sum().alias("rejected"),
        pl.col("__month").filter(accepted).drop_nulls().unique().sort().implode().alias("months"),
    ).collect().row(0, named=True)
    counts = Counts(read=tally["read"], skipped=int(tally["skipped"] or 0), rejected=int(tally["rejected"] or 0))
    bad = frame.filter(rejected)
    first = bad.select("__line", "__field", "__value", reason_expr().alias("__reason")).head(5).collect().to_dicts()
    if strict and counts.rejected:
        f0 = first[0]
        raise InputError(
            f"{path}: {counts.rejected} row(s) rejected, first at line {f0['__line']}, field '{f0['__field']}': "
            f"{f0['__reason']}; nothing was written (--strict)"
        )
    result = FileResult(str(path), digest, encoding, m.name, ds.name, counts, first_rejects=first,
                        months={ds.name: list(tally["months"] or [])})
    if counts.rejected and not dry_run:
        out = _rejects_path(config, path, ds, result.sha256)
        _write_rejects(bad, path, out)
        result.rejects_file = str(out)
    valid = frame.filter(~pl.col("__skip") & pl.col("__field").is_null()).drop(
        "__skip", "__field", "__value", "__reason"
    )
    return result, valid


def _dedupe_batch(parts: list[Any], ds: Dataset, results: list[FileResult]) -> Any:
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
    h = _content_hash(cols)
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


def _ingest_linked_surveys(txn: Transaction, store_dir: Path, rows: Any, results: list[FileResult], tz: str,
                           dry_run: bool) -> None:
    """Ratings carried on an interaction export become linked survey rows, accounted per file."""
    import polars as pl

    if not _has_ratings(rows):
        return
    sv = dataset("surveys")
    linked = _linked_surveys(rows).cast(polars_schema(sv, tz))
    month = _month_expr(sv)
    read = linked.group_by("__file").agg(
        pl.len().alias("len"), month.drop_nulls().unique().sort().alias("months")
    ).collect()
    per_file = {} if dry_run else _merge_into_store(txn, store_dir, sv, linked, tz)
    for row in read.iter_rows(named=True):
        c = per_file.get(row["__file"], Counts())
        n = int(row["len"])
        lc = Counts(read=n, duplicate=c.duplicate, updated=c.updated, accepted=n - c.duplicate)
        results[row["__file"]].linked = {"surveys": asdict(lc)}
        results[row["__file"]].months[sv.name] = list(row["months"])
    del pl


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


def _has_ratings(valid: Any) -> bool:
    import polars as pl

    return bool(valid.select((pl.col("csat").is_not_null() | pl.col("nps").is_not_null()).any()).collect().item())


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


def load_file(path: Path, dataset_name: str = "interactions", mapping: str | Path | None = None,
              config: Any = None, *, tz: str | None = None) -> Any:
    """Read one export into a canonical DataFrame without a workspace (ad hoc ``--input``).

    Rejected and skipped rows are left out; raises when nothing valid remains.
    """
    import polars as pl

    from toolkit.ingest.validate import validated_frame

    ds = dataset(dataset_name)
    chosen = resolve_mapping(mapping, config) if mapping is not None else None
    raw, m = _open(Path(path), ds, chosen, config, None, None)
    try:
        zone = tz or (config.timezone if config is not None else "UTC")
        frame = validated_frame(raw.frame, m, raw.columns, tz=zone, source=m.name, path=path)
        out = frame.filter(~pl.col("__skip") & pl.col("__field").is_null()).collect()
    finally:
        raw.close()
    return out.drop("__line", "__skip", "__field", "__value", "__reason", "__month").unique(
        subset=["source", *ds.id_fields], keep="last", maintain_order=True
    )


def check_accounting(result: IngestResult) -> None:
    """Raise if any file's accounting does not balance (it never should)."""
    for f in result.files:
        if not f.counts.balanced:
            raise CxtkError(f"{f.path}: accounting does not balance: {f.counts}")
