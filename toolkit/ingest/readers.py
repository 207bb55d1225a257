"""Open any export (CSV/TSV/TXT, XLSX/XLS/ODS, Parquet, JSON Lines, gzip/zip of these) as a table of strings.

``read_table`` sniffs the encoding, delimiter and header line from the first 64 KB
only and returns a :class:`RawTable` whose ``frame`` is a lazy Polars frame: every
source column as ``pl.String`` (trimmed, empty -> null, fully blank rows dropped)
plus ``__line``, the 1-based line number a text editor or spreadsheet shows.

Polars reads the data itself, lazily, so a bad byte or a ragged row far into a
big file surfaces only when the frame is collected: do that inside
``with table.reading():`` to get the same one-line :class:`InputError` that
``read_table`` raises for problems it sees up front.

Decisions worth knowing:

- Excel cells formatted as dates come back as ISO text ``YYYY-MM-DD HH:MM:SS``;
  numeric cells keep their number text (``46001.25``), so a date stored as a plain
  serial number stays a serial number (the mapping's ``excel_serial: true``).
- Parquet and JSON Lines have no header line: ``header_line`` is 0 and ``__line``
  is the 1-based record number (for JSON Lines without blank lines, the line).
- Parquet datetimes become ``YYYY-MM-DD HH:MM:SS`` plus ``.fff`` when there are
  fractional seconds, plus ``+HH:MM`` when time-zone aware; durations become seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from toolkit.core.errors import InputError
from toolkit.core.safety import regular_file_problem
from toolkit.ingest.archives import unwrap
from toolkit.ingest.encodings import codec_name
from toolkit.ingest.rawtable import LINE, RawTable, Scratch
from toolkit.ingest.structured import read_jsonl, read_parquet, read_yaml
from toolkit.ingest.text_tables import read_text
from toolkit.ingest.workbooks import read_excel

__all__ = ["LINE", "RawTable", "read_table"]

EXCEL_FORMATS = {"xlsx", "xls", "ods"}


def read_table(
    path: Path | str,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    header_row: int | Literal["auto"] = "auto",
    expected_headers: Sequence[str] = (),
) -> RawTable:
    """Open an export as a lazy table of strings with its source line numbers.

    Parameters
    ----------
    path: the file the user named (``.csv``/``.tsv``/``.txt``, ``.xlsx``/``.xls``/``.ods``,
        ``.parquet``, ``.jsonl``, or any of these as ``.gz`` / inside a ``.zip``).
    encoding: codec for text files; ``None`` detects it (BOM, UTF-8, GB18030, then charset-normalizer).
    sheet: workbook sheet by name or 0-based index; default the first.
    header_row: ``"auto"`` finds the header among the first 30 rows; an int forces that 1-based line.
    expected_headers: header names a mapping expects; the row matching most of them is the header.

    Returns
    -------
    RawTable; raises ``InputError`` (one line starting with the file name) when the file is unusable.

    Example: ``with read_table("calls.csv", expected_headers=["呼叫时间"]) as t: t.frame.collect()``
    """
    path = Path(path)
    problem = regular_file_problem(path)  # a FIFO or a device would block or never end
    if problem:
        raise InputError(f"{path}: {problem}")
    if isinstance(header_row, int) and not isinstance(header_row, bool) and header_row < 1:
        raise InputError(f"{path}: header_row must be a 1-based line number (got {header_row})")
    if encoding is not None:
        encoding = codec_name(path, encoding)
    scratch = Scratch()
    try:
        fmt, src = unwrap(path, scratch)
        if fmt == "csv":
            table = read_text(path, src, scratch, encoding, header_row, expected_headers)
        elif fmt in EXCEL_FORMATS:
            table = read_excel(path, src, fmt, sheet, header_row, expected_headers)
        elif fmt == "parquet":
            table = read_parquet(path, src)
        elif fmt == "yaml":
            table = read_yaml(path, src)
        else:
            table = read_jsonl(path, src, scratch, encoding)
    except PermissionError:
        scratch.cleanup()
        raise InputError(f"{path}: cannot be read (permission denied); check the file's permissions") from None
    except BaseException:
        scratch.cleanup()
        raise
    table._scratch = scratch
    return table
