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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import CxtkError, InputError
from toolkit.mapping import Mapping, all_mappings, choose_mapping, resolve_mapping
from toolkit.schema import DATASETS, Dataset, dataset, polars_schema
from toolkit.store import DATA_FILE, Transaction, partition_dir, write_lock

LINKED_SURVEY = "on-interaction"
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
    from toolkit.readers import read_table

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
    raw = read_table(path, encoding=encoding, sheet=sheet, expected_headers=expected)
    chosen = choose_mapping(ds.name, raw.columns, config)
    if chosen is None:
        other = _other_dataset(raw.columns, ds, config)
        raw.close()
        if other is not None:
            raise InputError(
                f"{path}: these look like {other.dataset} rows (mapping '{other.name}' matches its headers), "
                f"not {ds.name}; run `cxtk ingest {other.dataset} {path.name}`"
            )
        seen = ", ".join(raw.columns[:12]) + (" …" if len(raw.columns) > 12 else "")
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


def _other_dataset(headers: Sequence[str], ds: Dataset, config: Any) -> Mapping | None:
    for name in DATASETS:
        if name != ds.name:
            m = choose_mapping(name, headers, config)
            if m is not None:
                return m
    return None


def _month_expr(ds: Dataset) -> Any:
    import polars as pl

    if ds.time_field is None:
        return pl.lit(None, dtype=pl.String)
    return pl.col(ds.time_field).dt.strftime("%Y-%m")


# --- the store side: dedupe and partition writes -------------------------------------------------


def _content_hash(columns: Sequence[str]) -> Any:
    import polars as pl

    return pl.struct([pl.col(c) for c in columns]).hash(seed=7)


def _merge_into_store(
    txn: Transaction, store_dir: Path, ds: Dataset, rows: Any, tz: str, counts: Counts
) -> None:
    """Stage the partitions that change when ``rows`` (valid, unique per id) enter the store.

    Counts duplicates (identical to a stored row) and updates (a changed row replaces
    the stored one) into ``counts``; everything else in ``rows`` is new.
    """
    import polars as pl

    ids = list(ds.id_fields)
    key = ["source", *ids]
    cols = ds.names
    schema = polars_schema(ds, tz)
    month = _month_expr(ds)
    # Earlier files of this ingest are staged, not committed: merge with them as well.
    files = txn.current_files(ds)
    if files:
        stored = pl.scan_parquet([str(f) for f in files]).select(cols).with_columns(
            month.alias("__month"), _content_hash(cols).alias("__hash")
        )
        incoming = rows.with_columns(_content_hash(cols).alias("__hash"))
        matched = incoming.join(
            stored.select([*key, pl.col("__hash").alias("__old_hash"), pl.col("__month").alias("__old_month")]),
            on=key,
            how="left",
            nulls_equal=True,
        ).collect()
        is_dup = pl.col("__old_hash").is_not_null() & (pl.col("__old_hash") == pl.col("__hash"))
        is_upd = pl.col("__old_hash").is_not_null() & (pl.col("__old_hash") != pl.col("__hash"))
        counts.duplicate += matched.filter(is_dup).height
        counts.updated += matched.filter(is_upd).height
        changes = matched.filter(~is_dup)
        replaced_months = set(changes.filter(is_upd)["__old_month"].drop_nulls().to_list())
        replaced_keys = changes.filter(is_upd).select(key)
        new_rows = changes.with_columns(month.alias("__month")).drop("__hash", "__old_hash", "__old_month")
        months = set(new_rows["__month"].to_list()) | replaced_months
        for m in sorted(months, key=lambda x: (x is None, x)):
            final = partition_dir(store_dir, ds, m) / DATA_FILE
            current = txn.current(final)
            part_new = new_rows.filter(
                pl.col("__month").is_null() if m is None else pl.col("__month") == m
            ).drop("__month")
            parts = []
            if current is not None:
                old = pl.scan_parquet(str(current)).select(cols)
                if replaced_keys.height:
                    old = old.join(replaced_keys.lazy(), on=key, how="anti", nulls_equal=True)
                parts.append(old.collect())
            parts.append(part_new.select(cols).cast(schema))
            merged = pl.concat(parts, how="vertical")
            if merged.height == 0:
                txn.delete(final)
                continue
            merged.write_parquet(txn.temp_path(final), statistics=True)
        return
    # An empty store (the common first ingest): write partitions straight from the staged rows.
    staged = rows.with_columns(month.alias("__month"))
    months = staged.select(pl.col("__month").unique()).collect()["__month"].to_list()
    for m in sorted(months, key=lambda x: (x is None, x)):
        final = partition_dir(store_dir, ds, m) / DATA_FILE
        part = staged.filter(pl.col("__month").is_null() if m is None else pl.col("__month") == m)
        part.select(cols).cast(schema).sink_parquet(txn.temp_path(final), statistics=True)


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
    )


def _write_rejects(bad: Any, path: Path, out: Path) -> None:
    import polars as pl

    from toolkit.safety import neutralise_formulas

    frame = bad.select(
        pl.lit(str(path)).alias("file"),
        pl.col("__line").alias("line"),
        pl.col("__field").alias("field"),
        pl.col("__value").alias("value"),
        pl.col("__reason").alias("reason"),
    ).collect()
    out.parent.mkdir(parents=True, exist_ok=True)
    neutralise_formulas(frame).write_csv(out)


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
    """Ingest files into the workspace store (or, with ``dry_run``, only validate them)."""
    import polars as pl

    started = time.perf_counter()
    ds = dataset(dataset_name)
    tz = config.timezone
    store_dir: Path = config.store_dir
    chosen = mapping if isinstance(mapping, Mapping) or mapping is None else resolve_mapping(mapping, config)
    say = progress or (lambda _msg: None)
    results: list[FileResult] = []
    for p in paths:
        if not Path(p).is_file():
            raise InputError(f"{p}: file not found")
    with write_lock(store_dir) if not dry_run else _nullcontext():
        staging_root = Path(tempfile.mkdtemp(prefix="cxtk-", dir=None if dry_run else _staging(store_dir)))
        try:
            txn = Transaction(store_dir)
            for i, path in enumerate(Path(p) for p in paths):
                say(f"reading {path.name}")
                raw, m = _open(path, ds, chosen, config, encoding, sheet)
                try:
                    from toolkit.validate import validated_frame

                    src = source or m.name
                    frame = validated_frame(raw.frame, m, raw.columns, tz=tz, source=src, path=path)
                    staged = staging_root / f"{i}.parquet"
                    say(f"validating {path.name}")
                    try:
                        frame.sink_parquet(staged)
                    except pl.exceptions.PolarsError as exc:
                        raise raw.explain(exc) from None
                finally:
                    raw.close()
                result = _account_file(
                    txn, store_dir, ds, staged, path, m, raw.encoding, config, strict, dry_run, say, tz
                )
                results.append(result)
            if not dry_run:
                say("committing")
                txn.log = [
                    {
                        "dataset": ds.name,
                        "file": r.path,
                        "sha256": r.sha256,
                        "mapping": r.mapping,
                        "encoding": r.encoding,
                        **asdict(r.counts),
                        "rejects_file": r.rejects_file,
                        "linked": r.linked,
                        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    }
                    for r in results
                ]
                txn.commit()
        except BaseException:
            if not dry_run:
                txn.abort()
            raise
        finally:
            shutil.rmtree(staging_root, ignore_errors=True)
    return IngestResult(ds.name, results, dry_run=dry_run, store=None if dry_run else str(store_dir),
                        seconds=time.perf_counter() - started)


def _account_file(
    txn: Transaction, store_dir: Path, ds: Dataset, staged: Path, path: Path, m: Mapping,
    encoding: str | None, config: Any, strict: bool, dry_run: bool, say: Progress, tz: str,
) -> FileResult:
    import polars as pl

    frame = pl.scan_parquet(staged)
    tally = frame.select(
        pl.len().alias("read"),
        pl.col("__skip").sum().alias("skipped"),
        (~pl.col("__skip") & pl.col("__field").is_not_null()).sum().alias("rejected"),
    ).collect().row(0, named=True)
    counts = Counts(read=tally["read"], skipped=int(tally["skipped"] or 0), rejected=int(tally["rejected"] or 0))
    bad = frame.filter(~pl.col("__skip") & pl.col("__field").is_not_null())
    first = bad.select("__line", "__field", "__value", "__reason").head(5).collect().to_dicts()
    if strict and counts.rejected:
        f0 = first[0]
        raise InputError(
            f"{path}: {counts.rejected} row(s) rejected, first at line {f0['__line']}, field '{f0['__field']}': "
            f"{f0['__reason']}; nothing was written (--strict)"
        )
    result = FileResult(str(path), sha256_of(path), encoding, m.name, ds.name, counts, first_rejects=first)
    if counts.rejected and not dry_run:
        out = _rejects_path(config, path, ds, result.sha256)
        _write_rejects(bad, path, out)
        result.rejects_file = str(out)
    valid = frame.filter(~pl.col("__skip") & pl.col("__field").is_null()).drop(
        "__skip", "__field", "__value", "__reason"
    )
    key = ["source", *ds.id_fields]
    n_valid = counts.read - counts.skipped - counts.rejected
    n_unique = valid.select(pl.struct(key).n_unique()).collect().item() if n_valid else 0
    if n_unique != n_valid:
        # duplicates within the file: the last occurrence wins (a later row is the newer state)
        valid = valid.unique(subset=key, keep="last", maintain_order=True)
    counts.duplicate = n_valid - n_unique
    valid = valid.drop("__line")
    linked = None
    if ds.name == "interactions" and _has_ratings(valid):
        linked = _linked_surveys(valid)
    if dry_run:
        counts.accepted = n_unique
        if linked is not None:
            result.linked = {"surveys": {"rows": linked.select(pl.len()).collect().item()}}
        return result
    say(f"writing {path.name}")
    before = Counts(duplicate=counts.duplicate, updated=counts.updated)
    _merge_into_store(txn, store_dir, ds, valid, tz, counts)
    counts.accepted = n_unique - (counts.duplicate - before.duplicate)
    if linked is not None:
        sv = dataset("surveys")
        lc = Counts()
        lc.read = linked.select(pl.len()).collect().item()
        _merge_into_store(txn, store_dir, sv, linked.cast(polars_schema(sv, tz)), tz, lc)
        lc.accepted = lc.read - lc.duplicate
        result.linked = {"surveys": asdict(lc)}
    return result


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

    from toolkit.validate import validated_frame

    ds = dataset(dataset_name)
    chosen = resolve_mapping(mapping, config) if mapping is not None else None
    raw, m = _open(Path(path), ds, chosen, config, None, None)
    try:
        zone = tz or (config.timezone if config is not None else "UTC")
        frame = validated_frame(raw.frame, m, raw.columns, tz=zone, source=m.name, path=path)
        out = frame.filter(~pl.col("__skip") & pl.col("__field").is_null()).collect()
    finally:
        raw.close()
    return out.drop("__line", "__skip", "__field", "__value", "__reason").unique(
        subset=["source", *ds.id_fields], keep="last", maintain_order=True
    )


def check_accounting(result: IngestResult) -> None:
    """Raise if any file's accounting does not balance (it never should)."""
    for f in result.files:
        if not f.counts.balanced:
            raise CxtkError(f"{f.path}: accounting does not balance: {f.counts}")
