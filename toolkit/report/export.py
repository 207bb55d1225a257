"""Write KPI results as CSV, XLSX, Parquet or JSON.

Data units stay data units (fractions, points, seconds); only XLSX formats
rates as percentages for reading. CSV and XLSX neutralise formula injection in
text cells (``toolkit.core.safety``); numbers stay numbers. Free-text group keys
(team, queue, topic…; ``core.privacy.FREE_TEXT_FIELDS``) and notes are PII-masked
unless ``mask=False`` (``cxtk kpi --no-mask``); ids and numbers are kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from toolkit.core.errors import CxtkError
from toolkit.core.outputs import atomic_write, write_text

if TYPE_CHECKING:
    from toolkit.kpis.result import KpiResult

Format = Literal["csv", "xlsx", "parquet", "json"]
FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet", "json")


def write_kpis(result: KpiResult, fmt: Format, out: Path | None = None, *, mask: bool = True) -> None:
    """Write ``result`` in ``fmt`` to ``out`` (stdout for csv/json when out is None), free text masked."""
    if fmt not in FORMATS:
        raise CxtkError(f"unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    if fmt in ("xlsx", "parquet") and out is None:
        raise CxtkError(f"--format {fmt} writes a file: give it with --out FILE.{fmt}")
    if out is not None and out.parent and not out.parent.exists():
        raise CxtkError(f"{out}: folder {out.parent} does not exist")
    if mask:
        result = masked_result(result)
    if fmt == "json":
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
        _write_text(text + "\n", out)
    elif fmt == "csv":
        from toolkit.core.safety import neutralise_formulas

        text = neutralise_formulas(result.to_frame()).write_csv()
        _write_text(text, out)
    elif fmt == "parquet":
        with atomic_write(out) as tmp:  # type: ignore[arg-type]
            result.to_frame().write_parquet(tmp)
    else:
        with atomic_write(out) as tmp:  # type: ignore[arg-type]
            write_xlsx(result, tmp)


def masked_result(result: KpiResult) -> KpiResult:
    """A copy of ``result`` with its free-text group keys and its notes PII-masked."""
    from dataclasses import replace

    from toolkit.core.privacy import mask_keys, mask_text

    return replace(result, groups=[replace(g, keys=mask_keys(g.keys)) for g in result.groups],
                   notes=[mask_text(n) or "" for n in result.notes])


def write_rows(frame, fmt: str, out: Path, *, sheet: str = "rows") -> None:
    """Write a frame of records (``cxtk explain``) as CSV, XLSX or Parquet, every number to its last digit.

    Text cells that a spreadsheet would run as a formula are neutralised in CSV and XLSX.
    """
    from toolkit.core.safety import neutralise_formulas

    if fmt not in ("csv", "xlsx", "parquet"):
        raise CxtkError(f"unknown format '{fmt}'; choose one of: csv, xlsx, parquet")
    if out.parent and not out.parent.exists():
        raise CxtkError(f"{out}: folder {out.parent} does not exist")
    if fmt == "parquet":
        frame.write_parquet(out)
        return
    safe = neutralise_formulas(frame)
    if fmt == "csv":
        safe.write_csv(out)
        return
    import polars as pl
    import xlsxwriter

    # Excel has no time zones: times are written as the wall-clock time of their zone
    safe = safe.with_columns(
        [pl.col(c).dt.replace_time_zone(None) for c, t in safe.schema.items() if isinstance(t, pl.Datetime) and t.time_zone]
    )
    wb = xlsxwriter.Workbook(str(out))
    try:
        ws = wb.add_worksheet(sheet, worksheet_class=full_precision_sheet())
        safe.write_excel(workbook=wb, worksheet=ws, autofit=True, freeze_panes=(1, 0))
    finally:
        wb.close()


def _write_text(text: str, out: Path | None) -> None:
    if out is None:
        from toolkit.core.safety import terminal_text

        # a terminal shows escape sequences in the data as text, never runs them; a pipe gets the data
        sys.stdout.write(terminal_text(text) if sys.stdout.isatty() else text)
    else:
        write_text(out, text)


def write_xlsx(result: KpiResult, out: Path) -> None:
    """A formatted workbook: header style, frozen header, widths, percent format for rate rows."""
    from toolkit.core.safety import neutralise_text, xlsx_workbook
    from toolkit.kpis.registry import REGISTRY

    frame = result.to_frame()
    wb = xlsx_workbook(out)
    try:
        ws = wb.add_worksheet("KPIs", worksheet_class=full_precision_sheet())
        head = wb.add_format({"bold": True, "bg_color": "#0B5FFF", "font_color": "#FFFFFF", "border": 1})
        pct = wb.add_format({"num_format": "0.0%"})
        num = wb.add_format({"num_format": "#,##0.00"})
        cnt = wb.add_format({"num_format": "#,##0"})
        columns = frame.columns
        widths = [max(len(c), 8) for c in columns]
        for j, name in enumerate(columns):
            ws.write_string(0, j, name, head)
        value_cols = {"value", "target", "gap", "ci_lo", "ci_hi"}
        for i, row in enumerate(frame.iter_rows(named=True), start=1):
            unit = REGISTRY[row["kpi"]].unit
            for j, name in enumerate(columns):
                v = row[name]
                if v is None:
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(i, j, v)
                elif isinstance(v, (int, float)):
                    if name in value_cols:
                        fmt = pct if unit == "rate" else cnt if unit == "count" else num
                    elif name == "achievement":
                        fmt = pct
                    else:
                        fmt = cnt if isinstance(v, int) else num
                    ws.write_number(i, j, v, fmt)
                else:
                    text = neutralise_text(str(v)) or ""
                    ws.write_string(i, j, text)
                    widths[j] = min(max(widths[j], len(text) + 2), 60)
        for j, w in enumerate(widths):
            ws.set_column(j, j, w + 2)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(frame.height, 1), len(columns) - 1)
        _definitions_sheet(wb, head, result)
    finally:
        wb.close()


def full_precision_sheet():
    """An xlsxwriter worksheet class that stores every number to its last digit.

    xlsxwriter writes a cell's number with 16 significant digits (``%.16G``), which loses the last digit
    of about half of all doubles; the data sheets of cxtk carry full precision (kpis.md), so a number
    is written as Python's shortest exact form (``repr``), which Excel and every reader parse back to
    the same double.
    """
    from xlsxwriter.worksheet import Worksheet

    class FullPrecisionWorksheet(Worksheet):
        def _xml_number_element(self, number, attributes=()):
            attr = "".join(f' {key}="{self._escape_attributes(value)}"' for key, value in attributes)
            self.fh.write(f"<c{attr}><v>{float(number)!r}</v></c>")

    return FullPrecisionWorksheet


def _definitions_sheet(wb, head, result: KpiResult) -> None:
    from toolkit.core.safety import neutralise_text

    ws = wb.add_worksheet("Definitions")
    ws.write_string(0, 0, "definition", head)
    ws.write_string(0, 1, "value", head)
    rows = [("period", result.period.label), *((k, v) for k, v in result.definitions.items())]
    rows += [(f"method {k}", v) for k, v in result.methods.items()]
    for i, (k, v) in enumerate(rows, start=1):
        ws.write_string(i, 0, k)
        if isinstance(v, bool):
            ws.write_boolean(i, 1, v)
        elif isinstance(v, (int, float)):
            ws.write_number(i, 1, v)
        else:
            ws.write_string(i, 1, neutralise_text(str(v)) or "")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 40)
    ws.freeze_panes(1, 0)
