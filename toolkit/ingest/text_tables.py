"""CSV/TSV/TXT exports: records of the first 64 KB, the delimiter, the header line (titles above it skipped),
ragged rows named by line, and the lazy Polars scan of the rest."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from toolkit.core.errors import InputError
from toolkit.ingest.encodings import (
    check_binary,
    complete_lines,
    decode_sample,
    detect_encoding,
    mixed_utf8_line,
    not_a_table,
    read_sample,
    transcode,
)
from toolkit.ingest.rawtable import (
    DELIMITERS,
    HEADER_SEARCH_ROWS,
    LINE,
    MAX_CELL_BYTES,
    RawTable,
    RecordLines,
    Scratch,
    TooLong,
    column_names,
    field_name,
    mixed_message,
    pick_header,
    ragged_message,
    unclosed_message,
    unclosed_quote,
)


@dataclass
class Record:
    """A parsed CSV record: its cells and the physical lines it spans."""

    cells: list[str]
    first_line: int
    last_line: int

    @property
    def blank(self) -> bool:
        return all(not c.strip() for c in self.cells)


def split_records(text: str, delimiter: str, limit: int | None = None) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    out: list[Record] = []
    start = 1
    try:
        for cells in reader:
            out.append(Record(cells, start, reader.line_num))
            start = reader.line_num + 1
            if limit is not None and len(out) >= limit:
                break
    except csv.Error:
        pass  # a quote left open at the sample's end: keep the records parsed so far
    return out


def _sniff_delimiter(text: str, preferred: str) -> str:
    """The delimiter giving the most records of one consistent width (> 1), wider on a tie."""
    best, best_score = preferred, (0, 0, 1)
    for d in DELIMITERS:
        widths = [len(r.cells) for r in split_records(text, d, 200) if not r.blank]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        score = (count, width, d == preferred)
        if score > best_score:
            best, best_score = d, score
    return best


def read_text(
    path: Path,
    src: Path,
    scratch: Scratch,
    encoding: str | None,
    header_row: int | Literal["auto"],
    expected_headers: Sequence[str],
) -> RawTable:
    import polars as pl

    raw, complete = read_sample(src, path)
    if not raw:
        raise InputError(f"{path}: the file is empty (0 bytes)")
    if encoding is None:
        check_binary(path, raw)
        encoding = detect_encoding(path, raw, complete)
    if encoding == "utf-8" and raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    try:
        text = decode_sample(raw, encoding, complete)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        mixed = mixed_utf8_line(raw, complete) if encoding in ("utf-8", "utf-8-sig") else None
        if mixed:  # mostly UTF-8, one row in another code page: no --encoding reads it whole
            raise InputError(mixed_message(path, mixed)) from exc
        raise InputError(
            f"{path}: line {line} is not valid {encoding} text — pass --encoding with the file's real "
            "encoding (e.g. utf-8, gb18030, latin-1)"
        ) from exc
    text = complete_lines(text.lstrip("\ufeff"), complete)
    if not text.strip():
        raise InputError(f"{path}: the file holds no table (only blank lines)")
    if _control_share(text) > 0.01:
        raise not_a_table(path, "binary data")

    # Lines ended mostly by a bare CR (classic Mac, some exporters): Polars reads only LF as a line end and
    # read such a file as 0 rows, or as one row, so they are rewritten.
    cr_lines = text.count("\r") - text.count("\r\n") > text.count("\n")
    preferred = "\t" if path.name.lower().removesuffix(".gz").endswith((".tsv", ".tab")) else ","
    delimiter = _sniff_delimiter(text, preferred)
    records = split_records(text, delimiter)
    header = _header_record(path, records, header_row, expected_headers)
    columns = column_names(header.cells)
    _check_quotes(path, src, encoding, text, complete, records, header, columns, delimiter)
    _check_widths(path, records, header, columns, delimiter)

    read_path = src
    if encoding not in ("utf-8", "utf-8-sig") or cr_lines:
        read_path = scratch.file("utf8-" + src.name)
        transcode(path, src, encoding, read_path, cr_lines=cr_lines)

    frame = pl.scan_csv(
        read_path,
        has_header=False,
        separator=delimiter,
        quote_char='"',
        skip_lines=header.last_line,
        schema=dict.fromkeys(columns, pl.String),
        row_index_name=LINE,
        row_index_offset=header.last_line + 1,
        raise_if_empty=False,
        # a blank line just below the header made Polars see one column and refuse the file; such a line is
        # read as a row of nulls (skipped as blank), a short row as one whose last cells are empty
        missing_columns="insert",
        glob=False,  # a file named 'calls[1].csv' is that file, never a pattern
    )
    return RawTable(
        path=path,
        # Polars reads empty fields as null; trimming and blank rows are left to validation,
        # which touches only the columns a mapping reads (the rest is never parsed).
        frame=frame.select(*columns, pl.col(LINE).cast(pl.Int64)),
        columns=columns,
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        sheet=None,
        header_line=header.first_line,
        _read_path=read_path,
    )


def _control_share(text: str) -> float:
    """Share of control characters other than tab/CR/LF/FF: high in binary data decoded by accident."""
    if not text:
        return 0.0
    bad = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\r\n\f")
    return bad / len(text)


def _header_record(
    path: Path, records: list[Record], header_row: int | Literal["auto"], expected_headers: Sequence[str]
) -> Record:
    if header_row == "auto":
        candidates = [r for r in records if not r.blank][:HEADER_SEARCH_ROWS]
        return candidates[pick_header([r.cells for r in candidates], expected_headers)]
    for r in records:
        if r.first_line == header_row:
            if r.blank:
                raise InputError(f"{path}: line {header_row}, given as the header row, is blank")
            return r
        if r.first_line > header_row:
            break
    raise InputError(
        f"{path}: header row {header_row} is not among the first {len(records)} lines the reader looked at"
    )


def _check_widths(path: Path, records: list[Record], header: Record, columns: list[str], delimiter: str) -> None:
    """Ragged rows in the sample fail now; later ones with extra fields fail when Polars reads them.

    A row that spans several lines and has the wrong width is a quote left open: said so, with its field.
    """
    width = len(columns)
    for r in records:
        if r.first_line <= header.last_line or r.blank:
            continue
        if r.last_line > r.first_line and (len(r.cells) != width or _swallows_rows(r, width, delimiter)):
            cell = next((i for i, c in enumerate(r.cells) if "\n" in c or "\r" in c), len(r.cells) - 1)
            raise InputError(unclosed_message(path, r.first_line, field_name(columns, cell), r.last_line))
        if len(r.cells) != width:
            raise InputError(ragged_message(path, r.first_line, len(r.cells), width))


def _swallows_rows(record: Record, width: int, delimiter: str) -> bool:
    """A cell across lines holding a whole line with a row's worth of delimiters: a quote left open took rows
    of the table into one cell (the parse has the right width again once a stray quote closes it)."""
    if width < 3:
        return False
    for cell in record.cells:
        inner = cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")[1:-1]  # whole lines inside the cell
        if any(line.count(delimiter) >= width - 1 for line in inner):
            return True
    return False


def _check_quotes(path: Path, src: Path, encoding: str, text: str, complete: bool, records: list[Record],
                  header: Record, columns: list[str], delimiter: str) -> None:
    """A quote opened in the sample and never closed is named by its line and field.

    The csv module, like Polars, would take the rest of the file into one cell (Polars then failed with
    "could not parse"). When the sample ends inside such a cell the file is read on until it closes,
    for at most ``MAX_CELL_BYTES``.
    """
    if not records or records[-1].first_line <= header.last_line:
        return
    last = records[-1]
    lines = io.StringIO(text, newline="").readlines()
    if not unclosed_quote("".join(lines[last.first_line - 1 : last.last_line]), delimiter):
        return
    field = field_name(columns, len(last.cells) - 1)
    end = "eof" if complete else _quoted_cell_end(src, encoding, delimiter, last.first_line)
    if end == "eof":
        raise InputError(unclosed_message(path, last.first_line, field, None))
    if end == "long":
        raise InputError(
            f"{path}: line {last.first_line}: the quote that opens {field} is still open "
            f"{MAX_CELL_BYTES >> 20} MiB later — an unclosed quote? Close it or export the file again"
        )


def _quoted_cell_end(src: Path, encoding: str, delimiter: str, first_line: int) -> str:
    """Read on from ``first_line``: "closed", "eof" (the quote never closes) or "long" (past the cap)."""
    with open(src, encoding=encoding, errors="replace", newline="") as f:
        for _ in range(first_line - 1):
            f.readline()
        lines = RecordLines(f)
        try:
            next(csv.reader(lines, delimiter=delimiter, quotechar='"'), None)
        except TooLong:
            return "long"
        return "eof" if unclosed_quote(lines.record(), delimiter) else "closed"
