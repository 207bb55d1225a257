"""The follow-up list as CSV or XLSX (``cxtk survey followups --format csv|xlsx``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.core.errors import CxtkError

if TYPE_CHECKING:
    import polars as pl


def write_followups(items: pl.DataFrame, fmt: str, out: Path | None) -> str | None:
    """Write the follow-up list as ``csv`` (to ``out`` or returned as text) or ``xlsx`` (to ``out``).

    Text cells that a spreadsheet would run as a formula (``=cmd|…``) are
    neutralised; times are written in the workspace zone without offset in
    XLSX (Excel has no time zones) and as ISO 8601 with offset in CSV.
    """
    import polars as pl

    from toolkit.core.safety import neutralise_formulas

    if out is not None and not out.parent.exists():
        raise CxtkError(f"{out}: folder {out.parent} does not exist")
    safe = neutralise_formulas(items)
    if fmt == "csv":
        text = safe.with_columns(pl.col(pl.Datetime).dt.to_string("%Y-%m-%dT%H:%M:%S%:z")).write_csv()
        if out is None:
            return text
        out.write_text(text, encoding="utf-8")
        return None
    if fmt != "xlsx":
        raise CxtkError(f"unknown format '{fmt}'; choose table, csv or xlsx")
    if out is None:
        raise CxtkError("--format xlsx writes a file: give it with --out FILE.xlsx")
    _write_followups_xlsx(safe, out)
    return None


def _write_followups_xlsx(frame: pl.DataFrame, out: Path) -> None:
    import polars as pl
    import xlsxwriter

    local = frame.with_columns(pl.col(pl.Datetime).dt.replace_time_zone(None))
    wb = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        ws = wb.add_worksheet("Follow-ups")
        head = wb.add_format({"bold": True, "bg_color": "#0B5FFF", "font_color": "#FFFFFF", "border": 1})
        when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        fills = {
            "overdue": wb.add_format({"font_color": "#C00000", "bold": True}),
            "open": wb.add_format({"font_color": "#B8860B"}),
            "done late": wb.add_format({"font_color": "#7030A0"}),
            "done in time": wb.add_format({"font_color": "#00803C"}),
        }
        widths = [max(len(c), 10) for c in local.columns]
        for j, name in enumerate(local.columns):
            ws.write_string(0, j, name, head)
        for i, row in enumerate(local.iter_rows(named=True), start=1):
            for j, name in enumerate(local.columns):
                v = row[name]
                if v is None:
                    continue
                if isinstance(v, datetime):
                    ws.write_datetime(i, j, v, when)
                    widths[j] = 17
                elif name == "status":
                    ws.write_string(i, j, v, fills.get(v))
                else:
                    ws.write_string(i, j, str(v))
                    widths[j] = min(max(widths[j], len(str(v)) + 2), 60)
        for j, w in enumerate(widths):
            ws.set_column(j, j, w)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(local.height, 1), len(local.columns) - 1)
    finally:
        wb.close()
