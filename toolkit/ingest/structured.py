"""Exports that carry their own structure: Parquet, YAML lists, JSON Lines; every value as text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import InputError
from toolkit.core.safety import literal_path

if TYPE_CHECKING:
    import polars as pl
from toolkit.ingest.encodings import (
    check_binary,
    complete_lines,
    decode_sample,
    detect_encoding,
    read_sample,
    transcode,
)
from toolkit.ingest.rawtable import LINE, RawTable, Scratch, clear_of_line, tidy


def _as_text(name: str, dtype: Any) -> pl.Expr:
    """One column as text: ISO datetimes, durations in seconds, nested values as JSON."""
    import polars as pl

    col = pl.col(name)
    if dtype == pl.String:
        return col
    if isinstance(dtype, pl.Datetime):
        fmt = "%Y-%m-%d %H:%M:%S%.f" + ("%:z" if dtype.time_zone else "")
        return col.dt.strftime(fmt)
    if dtype == pl.Date:
        return col.dt.strftime("%Y-%m-%d")
    if isinstance(dtype, pl.Duration):
        return (col.dt.total_microseconds() / 1e6).cast(pl.String)
    if isinstance(dtype, pl.Struct):
        return col.struct.json_encode()
    if isinstance(dtype, (pl.List, pl.Array)):
        # Wrap in a struct to reuse its JSON encoder, then strip the {"name": ... } wrapper.
        return pl.struct(col.alias("v")).struct.json_encode().str.strip_prefix('{"v":').str.strip_suffix("}")
    return col.cast(pl.String)


def read_parquet(path: Path, src: Path) -> RawTable:
    import polars as pl

    if src.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (0 bytes)")
    try:
        lf = pl.scan_parquet(src, glob=False)
        schema = lf.collect_schema()
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: is not a readable Parquet file ({str(exc).splitlines()[0]})") from exc
    columns = clear_of_line(schema.names())
    frame = lf.select(_as_text(c, t).alias(n) for (c, t), n in zip(schema.items(), columns, strict=True))
    frame = frame.with_row_index(LINE, offset=1)
    return RawTable(
        path=path,
        frame=tidy(frame, columns),
        columns=columns,
        format="parquet",
        encoding=None,
        delimiter=None,
        sheet=None,
        header_line=0,
        _read_path=src,
    )


def read_yaml(path: Path, src: Path) -> RawTable:
    """A YAML list of records (``- {action_id: …}``), or a mapping holding one list; ``__line`` is each record's line."""
    import polars as pl

    from toolkit.core.errors import ConfigError
    from toolkit.core.yamlio import MAX_YAML_STRING, compose_bounded, construct, read_yaml_text

    try:
        # bounded: a file whose aliases expand past the cap, or a huge value, is refused naming the file
        text = read_yaml_text(src)
        node = compose_bounded(text, str(path))
        data = construct(node, str(path))
    except ConfigError as exc:
        message = str(exc).replace(str(src), str(path))
        if "not UTF-8" in message:
            message = f"{path}: YAML files must be UTF-8 text"
        raise InputError(message) from None
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        node = node.value[0][1]
        data = next(iter(data.values()))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(f"{path}: expected a YAML list of records (- action_id: …), one per row")
    keys = list(dict.fromkeys(str(k) for r in data for k in r))
    columns = clear_of_line(keys)
    lines = [item.start_mark.line + 1 for item in node.value] if data else []
    rows = {c: [None if r.get(k) is None else _yaml_text(r.get(k)) for r in data] for k, c in zip(keys, columns, strict=True)}
    for c, values in rows.items():  # a list or mapping as one value is written out: it stays within the cap
        long = next((i for i, v in enumerate(values) if v is not None and len(v) > MAX_YAML_STRING), None)
        if long is not None:
            raise InputError(
                f"{path}, line {lines[long]}: field '{c}' is {len(values[long]):,} characters written out; "
                f"cxtk reads values of at most {MAX_YAML_STRING:,} characters"
            )
    frame = pl.DataFrame(rows, schema={c: pl.String for c in columns}).with_columns(
        pl.Series(LINE, lines, dtype=pl.Int64)
    )
    return RawTable(path=path, frame=frame.lazy(), columns=columns, format="yaml", encoding="utf-8",
                    delimiter=None, sheet=None, header_line=0, _read_path=src)


def _yaml_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_jsonl(path: Path, src: Path, scratch: Scratch, encoding: str | None) -> RawTable:
    import polars as pl

    raw, complete = read_sample(src, path)
    if not raw:
        raise InputError(f"{path}: the file is empty (0 bytes)")
    if encoding is None:
        check_binary(path, raw)
        encoding = detect_encoding(path, raw, complete)
    try:
        text = complete_lines(decode_sample(raw, encoding, complete).lstrip("\ufeff"), complete)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: is not valid {encoding} text — pass --encoding") from exc
    keys: dict[str, None] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}: line {n} is not valid JSON ({exc.msg}) — expected one object per line"
            ) from exc
        except RecursionError:
            raise InputError(f"{path}: line {n} nests values too deep to read — not an export of records") from None
        if not isinstance(obj, dict):
            raise InputError(f"{path}: line {n} is not a JSON object — expected one object per line")
        keys.update(dict.fromkeys(obj))
    if not keys:
        raise InputError(f"{path}: the file holds no JSON objects")
    read_path = src
    if encoding not in ("utf-8", "utf-8-sig"):
        read_path = scratch.file("utf8-" + src.name)
        transcode(path, src, encoding, read_path)
    columns = clear_of_line(list(keys))
    row = LINE + "__row"  # not LINE itself: the file may have a key of that name
    frame = pl.scan_ndjson(
        literal_path(read_path),  # scan_ndjson has no glob=False
        schema=dict.fromkeys(keys, pl.String), row_index_name=row, row_index_offset=1
    ).rename({**dict(zip(keys, columns, strict=True)), row: LINE})
    return RawTable(
        path=path,
        frame=tidy(frame, columns),
        columns=columns,
        format="jsonl",
        encoding=encoding,
        delimiter=None,
        sheet=None,
        header_line=0,
        _read_path=read_path,
    )
