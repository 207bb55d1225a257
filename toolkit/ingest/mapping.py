"""Mappings: how a real export's columns become a canonical dataset (config.md).

A mapping is YAML validated with pydantic. ``source_exprs`` turns it into one
Polars string expression per canonical field (``column``, ``columns``, ``sql``,
``map``, constants); ``toolkit.ingest.validate`` then parses and checks the values.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from toolkit.core.errors import ConfigError, InputError
from toolkit.ingest.schema import DATASETS, Dataset, dataset

if TYPE_CHECKING:
    import polars as pl

BUILTIN_DIR = Path(__file__).resolve().parent / "mappings"


class FieldSpec(BaseModel):
    """One canonical field: where its value comes from and how to read it."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    column: str | int | None = None  # header name, or 1-based position
    columns: list[str | int] | None = None  # joined with a space before parsing
    sql: str | None = None  # a Polars SQL expression over source columns
    value: Any = None  # a constant for this field
    map: dict[str, Any] | None = None  # source text -> value (null = unknown)
    unit: Literal["s", "ms", "min", "h", "hms"] | None = None
    format: str | None = None  # strftime format for dates
    excel_serial: bool = False  # numbers are Excel serial dates
    optional: bool = False  # a missing column leaves the field unmapped instead of failing
    default: Any = None  # the value of a blank cell of the mapped column (a platform that leaves "no" blank)

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        sources = [x for x in (self.column, self.columns, self.sql, self.value) if x is not None]
        if len(sources) != 1:
            raise ValueError("give exactly one of column, columns, sql or value")
        return self

    @field_validator("sql")
    @classmethod
    def _row_sql(cls, value: str | None) -> str | None:
        return _row_only(value)

    @field_validator("map", mode="before")
    @classmethod
    def _map_keys_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {("" if k is None else _as_text(k)): v for k, v in value.items()}
        return value

    def source_columns(self) -> list[str | int]:
        if self.column is not None:
            return [self.column]
        if self.columns is not None:
            return list(self.columns)
        return []


class SkipRows(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | int
    matches: str

    @field_validator("matches")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    dataset: Literal["interactions", "surveys", "qa", "agent-status", "actions"]
    description: str = ""
    header_row: int | Literal["auto"] = "auto"
    skip_rows: SkipRows | list[SkipRows] | None = None
    date_format: str | None = None
    encoding: str | None = None
    sheet: str | int | None = None
    constants: dict[str, Any] = Field(default_factory=dict)
    fields: dict[str, str | int | FieldSpec] = Field(default_factory=dict)
    keep: str | None = None
    latest_by: str | None = None  # a source column: of the rows sharing an id, the latest value wins

    @field_validator("keep")
    @classmethod
    def _row_keep(cls, value: str | None) -> str | None:
        return _row_only(value)

    @model_validator(mode="after")
    def _known_fields(self) -> Mapping:
        ds = dataset(self.dataset)
        unknown = [f for f in list(self.fields) + list(self.constants) if ds.get(f) is None]
        if unknown:
            raise ValueError(
                f"unknown field '{unknown[0]}' for dataset {self.dataset}; fields are: {', '.join(ds.names)}"
            )
        return self

    @property
    def ds(self) -> Dataset:
        return dataset(self.dataset)

    def specs(self) -> dict[str, FieldSpec]:
        """Every mapped field as a FieldSpec (shorthands expanded, constants included)."""
        out: dict[str, FieldSpec] = {}
        for name, spec in self.fields.items():
            out[name] = spec if isinstance(spec, FieldSpec) else FieldSpec(column=spec)
        for name, value in self.constants.items():
            out[name] = FieldSpec(value=value)
        return out

    def skip_rules(self) -> list[SkipRows]:
        if self.skip_rows is None:
            return []
        return self.skip_rows if isinstance(self.skip_rows, list) else [self.skip_rows]

    def expected_headers(self) -> list[str]:
        """Header names the mapping reads (used to find the header row and to match a file)."""
        names: list[str] = []
        for spec in self.specs().values():
            names += [c for c in spec.source_columns() if isinstance(c, str)]
        return list(dict.fromkeys(names))


def _row_only(sql: str | None) -> str | None:
    """``sql`` unchanged if it is an expression over the row's columns only (toolkit.ingest.sqlcheck)."""
    if sql is not None:
        from toolkit.ingest.sqlcheck import checked_sql

        checked_sql(sql)
    return sql


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- loading -------------------------------------------------------------------------------------


def parse_mapping(data: Any, source: str, lines: Any = None) -> Mapping:
    """Validate a mapping given as a dict (from YAML); errors name the source, line and key."""
    from toolkit.core.yamlio import Lines, validation_message

    if not isinstance(data, dict):
        raise ConfigError(f"{source}: a mapping must be a YAML mapping with name:, dataset: and fields:")
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(validation_message(source, exc, lines or Lines(), Mapping)) from None


def load_mapping_file(path: Path) -> Mapping:
    from toolkit.core.yamlio import load_yaml

    data, lines = load_yaml(path)
    return parse_mapping(data, str(path), lines)


def builtin_mappings() -> dict[str, Mapping]:
    """The mappings shipped with cxtk, by name."""
    found = {}
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        m = load_mapping_file(path)
        found[m.name] = m
    for name, ds in DATASETS.items():
        found.setdefault(_canonical_name(name), canonical_mapping(ds))
    return found


def _canonical_name(ds_name: str) -> str:
    return "canonical" if ds_name == "interactions" else f"canonical-{ds_name}"


def canonical_mapping(ds: Dataset) -> Mapping:
    """The identity mapping: a file whose headers are the canonical field names."""
    return Mapping(
        name=_canonical_name(ds.name),
        dataset=ds.name,  # type: ignore[arg-type]
        description=f"headers are the canonical {ds.name} field names (data.md)",
        fields={
            f.name: f.name if f.required else FieldSpec(column=f.name, optional=True)
            for f in ds.fields
            if f.name != "source"
        },
    )


def workspace_mappings(config: Any) -> dict[str, Mapping]:
    """Mappings listed under ``mappings:`` in cxtk.yaml (a file path or an inline mapping)."""
    found: dict[str, Mapping] = {}
    if config is None:
        return found
    for name, entry in config.mappings.items():
        if isinstance(entry, dict):
            m = parse_mapping({"name": name, **entry}, f"{config.root / 'cxtk.yaml'} (mappings.{name})")
        else:
            path = config.path(entry)
            m = load_mapping_file(path)
        found[m.name] = m
    return found


def all_mappings(config: Any = None) -> dict[str, Mapping]:
    return {**builtin_mappings(), **workspace_mappings(config)}


def resolve_mapping(spec: str | Path, config: Any = None) -> Mapping:
    """``--mapping NAME|FILE``: a mapping file path, or a built-in / workspace mapping name."""
    p = Path(spec)
    if p.suffix.lower() in (".yaml", ".yml") or p.is_file():
        if not p.is_file():
            raise ConfigError(f"{p}: mapping file not found")
        return load_mapping_file(p)
    known = all_mappings(config)
    if str(spec) in known:
        return known[str(spec)]
    hint = difflib.get_close_matches(str(spec), list(known), n=1)
    raise ConfigError(
        f"unknown mapping '{spec}'"
        + (f" (did you mean '{hint[0]}'?)" if hint else "")
        + f"; known mappings: {', '.join(sorted(known))} (or give a YAML file)"
    )


def header_key(name: str) -> str:
    """A header as matched: case, surrounding and repeated spaces, and ``_`` for a space do not count
    (``Interaction ID`` is ``interaction_id``: an export's UI and API spellings of one column)."""
    return " ".join(name.replace("_", " ").split()).casefold()


def _runs_on(m: Mapping, headers: Sequence[str]) -> bool:
    """The file has the columns ``skip_rows``, ``keep:`` and the ``sql:`` fields read (SQL names them exactly)."""
    have = {header_key(h) for h in headers}
    if any(isinstance(r.column, str) and header_key(r.column) not in have for r in m.skip_rules()):
        return False
    exprs = [m.keep] + [s.sql for s in m.specs().values() if s.sql is not None]
    return all(c in headers for sql in exprs if sql is not None for c in _sql_columns(sql))


def _sql_columns(sql: str) -> list[str]:
    import sqlglot
    from sqlglot import exp

    from toolkit.ingest.sqlcheck import DIALECT

    try:
        tree = sqlglot.parse_one(sql, read=DIALECT)
    except sqlglot.errors.SqlglotError:  # refused when the mapping was loaded; nothing to match here
        return []
    return [c.name for c in tree.find_all(exp.Column)]


def header_score(m: Mapping, headers: Sequence[str]) -> float:
    """Share of the mapping's named source columns present among ``headers`` (0 when a required one is absent,
    or one its ``keep:``, ``skip_rows`` or ``sql:`` expressions read)."""
    have = {header_key(h) for h in headers}
    required = set(m.ds.required)
    wanted: list[str] = []
    for name, spec in m.specs().items():
        cols = [c for c in spec.source_columns() if isinstance(c, str)]
        if name in required and any(header_key(c) not in have for c in cols):
            return 0.0
        # Optional columns may be absent (the canonical mappings list every field as optional),
        # so they do not count against a file that lacks them.
        if not spec.optional:
            wanted += cols
    if not _runs_on(m, headers):
        return 0.0
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return 0.0
    return sum(1 for w in wanted if header_key(w) in have) / len(wanted)


def choose_mapping(dataset_name: str, headers: Sequence[str], config: Any = None) -> Mapping | None:
    """The built-in or workspace mapping of this dataset whose headers match best (None if none fits)."""
    candidates = [m for m in all_mappings(config).values() if m.dataset == dataset(dataset_name).name]
    scored = sorted(((header_score(m, headers), m.name, m) for m in candidates), key=lambda t: (-t[0], t[1]))
    if scored and scored[0][0] >= 0.5:
        return scored[0][2]
    return None


# --- expressions over the source columns ---------------------------------------------------------


def resolve_column(col: str | int, headers: Sequence[str], m: Mapping, field: str, path: Any) -> str:
    """The actual header for a mapped column (exact, then as ``header_key`` matches), or a clear error."""
    if isinstance(col, int):
        if 1 <= col <= len(headers):
            return headers[col - 1]
        raise InputError(
            f"{path}: mapping '{m.name}' reads column {col} for '{field}', but the file has {len(headers)} columns"
        )
    if col in headers:
        return col
    folded = {header_key(h): h for h in headers}
    if header_key(col) in folded:
        return folded[header_key(col)]
    close = difflib.get_close_matches(col, list(headers), n=1, cutoff=0.6)
    seen = ", ".join(headers[:40]) + (" …" if len(headers) > 40 else "")
    raise InputError(
        f"{path}: missing column '{col}' (needed for '{field}' by mapping '{m.name}'); "
        f"headers seen: {seen}" + (f"; closest: '{close[0]}'" if close else "")
    )


def source_exprs(m: Mapping, headers: Sequence[str], path: Any) -> dict[str, Any]:
    """One pl.String expression per mapped field, read from the raw (all-string) frame.

    ``map:`` is applied here; the result column ``<field>`` holds the mapped text and
    ``<field>__raw`` the source text, so a bad value is reported as the user wrote it.
    """
    import polars as pl

    out: dict[str, Any] = {}
    for name, spec in m.specs().items():
        if spec.optional and not all(_has_column(c, headers) for c in spec.source_columns()):
            continue
        if spec.value is not None:
            raw = pl.lit(None if spec.value is None else _as_text(spec.value), dtype=pl.String)
        elif spec.sql is not None:
            raw = _sql_expr(spec.sql, m, name, path, headers).cast(pl.String)
        else:
            cols = [resolve_column(c, headers, m, name, path) for c in spec.source_columns()]
            if len(cols) == 1:
                raw = pl.col(cols[0])
            else:
                raw = pl.concat_str([pl.col(c) for c in cols], separator=" ", ignore_nulls=True)
                raw = pl.when(raw.str.len_chars() > 0).then(raw)
        out[name + "__raw"] = raw
        if spec.map:
            # Listed values are replaced (null = unknown); others pass through to be parsed,
            # so an unlisted label on a typed field is rejected with the value the user wrote.
            keys = list(spec.map)
            values = [None if v is None else _as_text(v) for v in spec.map.values()]
            key = raw.fill_null("")
            out[name] = recode(key, dict(zip(keys, values, strict=True)), default=raw)
        else:
            out[name] = raw
    return out


RECODE_BRANCHES = 32


def recode(text: pl.Expr, pairs: dict[str, str | None], default: pl.Expr) -> pl.Expr:
    """``text`` looked up in ``pairs`` (value → replacement), else ``default``.

    A when/then chain with one branch per distinct replacement: Polars' ``replace`` is not
    streamed row by row (it buffered ~1.3 GB per 2 M rows of an ingest), this chain is.
    A very large map (many distinct replacements) keeps ``replace_strict``, where the chain
    would be slow.
    """
    import polars as pl

    by_target: dict[str | None, list[str]] = {}
    for key, value in pairs.items():
        by_target.setdefault(value, []).append(key)
    if not by_target:
        return default
    if len(by_target) > RECODE_BRANCHES:
        return text.replace_strict(list(pairs), list(pairs.values()), default=default, return_dtype=pl.String)
    chain: Any = pl
    for value, keys in by_target.items():
        chain = chain.when(text.is_in(keys)).then(pl.lit(value, dtype=pl.String))
    return chain.otherwise(default)


def _has_column(col: str | int, headers: Sequence[str]) -> bool:
    if isinstance(col, int):
        return 1 <= col <= len(headers)
    return col in headers or header_key(col) in {header_key(h) for h in headers}


def mapped_fields(m: Mapping, headers: Sequence[str]) -> set[str]:
    """The fields a mapping really provides for a file (optional columns may be absent)."""
    return {
        name for name, spec in m.specs().items()
        if not (spec.optional and not all(_has_column(c, headers) for c in spec.source_columns()))
    }


def _sql_expr(sql: str, m: Mapping, field: str, path: Any, headers: Sequence[str] | None = None) -> Any:
    """The Polars expression of a mapping's ``sql:``; with ``headers``, also checked against the file.

    A wrong column name or type only shows when the frame is collected, deep inside ingest, as a
    page of query plan; trying the expression on an empty all-text frame of the file's headers
    turns it into one line naming the mapping, the field and the file.
    """
    import polars as pl

    from toolkit.ingest.sqlcheck import UnsafeSQL, checked_sql

    try:
        # Polars runs the SQL sqlglot wrote back from the checked tree, never the user's text.
        expr = pl.sql_expr(checked_sql(sql))
    except UnsafeSQL as exc:
        raise ConfigError(f"mapping '{m.name}', field '{field}': SQL expression {sql!r} {exc}") from None
    except Exception as exc:  # polars raises several types for bad SQL
        raise ConfigError(
            f"mapping '{m.name}', field '{field}': invalid SQL expression {sql!r}: {str(exc).splitlines()[0]}"
        ) from None
    if headers is None:
        return expr
    missing = [c for c in expr.meta.root_names() if c not in headers]
    if missing:
        seen = ", ".join(headers[:40]) + (" …" if len(headers) > 40 else "")
        raise ConfigError(
            f"{path}: mapping '{m.name}', field '{field}': SQL expression {sql!r} uses column "
            f"'{missing[0]}', which this file does not have; headers seen: {seen}"
        )
    try:
        pl.LazyFrame(schema={h: pl.String for h in headers}).select(expr.cast(pl.String)).collect()
    except Exception as exc:  # the same errors polars would raise at ingest, now while they can be named
        raise ConfigError(
            f"{path}: mapping '{m.name}', field '{field}': SQL expression {sql!r} fails on this file "
            f"(every column is read as text): {str(exc).splitlines()[0]}"
        ) from None
    return expr


def skip_expr(m: Mapping, headers: Sequence[str], path: Any) -> Any:
    """True for rows the mapping drops (total rows, ``keep:``); they are counted as skipped."""
    import polars as pl

    skip = pl.lit(False)
    for rule in m.skip_rules():
        col = resolve_column(rule.column, headers, m, "skip_rows", path)
        skip = skip | pl.col(col).fill_null("").str.contains(rule.matches)
    if m.keep:
        keep = _sql_expr(m.keep, m, "keep", path, headers)
        skip = skip | ~keep.fill_null(False)
    return skip
