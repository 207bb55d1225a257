"""XLSX/XLS/ODS workbooks through fastexcel: the sheet, the header row, dates as ISO text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from toolkit.core.errors import InputError
from toolkit.ingest.rawtable import HEADER_SEARCH_ROWS, LINE, RawTable, column_names, pick_header, span, tidy


def read_excel(
    path: Path,
    src: Path,
    fmt: str,
    sheet: str | int | None,
    header_row: int | Literal["auto"],
    expected_headers: Sequence[str],
) -> RawTable:
    import fastexcel

    with open(src, "rb") as f:
        head = f.read(8)
    if not head:
        raise InputError(f"{path}: the file is empty (0 bytes)")
    if fmt in ("xlsx", "ods") and not head.startswith(b"PK\x03\x04"):
        raise InputError(
            f"{path}: is not a valid .{fmt} workbook (not a zip archive) — was it saved as another format?"
        )
    if fmt == "xls" and not head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path}: is not a valid .xls workbook — was it saved as another format?")
    if fmt in ("xlsx", "ods"):
        from toolkit.ingest.archives import check_workbook_expansion

        check_workbook_expansion(path, src)  # before the reader loads every part whole
    try:
        reader = fastexcel.read_excel(str(src))
    except Exception as exc:
        raise InputError(f"{path}: is not a readable .{fmt} workbook (damaged or encrypted?)") from exc
    names = reader.sheet_names
    chosen = _choose_sheet(path, names, sheet)
    try:
        # skip_rows=0 keeps leading empty rows, so row i is Excel row i + 1.
        grid = reader.load_sheet(chosen, header_row=None, dtypes="string", skip_rows=0).to_polars()
    except Exception as exc:
        raise InputError(f"{path}: sheet {chosen!r} cannot be read: {str(exc).splitlines()[0]}") from exc
    if grid.width == 0 or grid.height == 0:
        raise InputError(f"{path}: sheet {chosen!r} is empty")
    grid = grid.with_row_index(LINE, offset=1)
    source = grid.columns[1:]
    head_rows = grid.head(HEADER_SEARCH_ROWS if header_row == "auto" else max(header_row, 1)).rows()
    cells = [[("" if v is None else str(v)) for v in row[1:]] for row in head_rows]
    if header_row == "auto":
        non_blank = [i for i, row in enumerate(cells) if span(row)]
        if not non_blank:
            raise InputError(f"{path}: sheet {chosen!r} has no header in its first {HEADER_SEARCH_ROWS} rows")
        idx = non_blank[pick_header([cells[i] for i in non_blank], expected_headers)]
    else:
        idx = header_row - 1
        if idx >= len(cells) or not span(cells[idx]):
            raise InputError(
                f"{path}: row {header_row}, given as the header row, is blank or past the sheet's end"
            )
    columns = column_names(cells[idx])
    frame = grid.lazy().slice(idx + 1).rename(dict(zip(source, columns, strict=True)))
    return RawTable(
        path=path,
        frame=tidy(frame, columns),
        columns=columns,
        format=fmt,
        encoding=None,
        delimiter=None,
        sheet=chosen,
        header_line=idx + 1,
    )


def _choose_sheet(path: Path, names: list[str], sheet: str | int | None) -> str:
    listing = ", ".join(repr(n) for n in names)
    if sheet is None:
        if not names:
            raise InputError(f"{path}: the workbook has no sheets")
        return names[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return names[sheet]
        raise InputError(f"{path}: no sheet number {sheet} (0-based) — the sheets are: {listing}")
    if sheet in names:
        return sheet
    if sheet.strip().isdigit() and int(sheet) < len(names):
        return names[int(sheet)]
    raise InputError(f"{path}: no sheet {sheet!r} — the sheets are: {listing}")
