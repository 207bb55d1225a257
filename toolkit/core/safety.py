"""Output and input safety: spreadsheet formula injection in CSV/XLSX exports; literal paths.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is run as a formula by Excel; prefixing an apostrophe keeps it text. Numbers are
left as numbers (a negative number is not text).
"""

from __future__ import annotations

from typing import Any

FORMULA_START = r"^[=+\-@\t\r]"


def neutralise_expr(expr: Any) -> Any:
    """Prefix ``'`` to strings that a spreadsheet would read as a formula."""
    import polars as pl

    return pl.when(expr.str.contains(FORMULA_START)).then(pl.lit("'") + expr).otherwise(expr)


def neutralise_formulas(frame: Any) -> Any:
    """Every string column of ``frame`` with formula-like cells neutralised."""
    import polars as pl

    return frame.with_columns(
        [neutralise_expr(pl.col(name)).alias(name) for name, dtype in frame.schema.items() if dtype == pl.String]
    )


def neutralise_text(value: str | None) -> str | None:
    import re

    if value is None:
        return None
    return "'" + value if re.match(FORMULA_START, value) else value


def literal_path(path: Any) -> str:
    """``path`` escaped so that a Polars reader without ``glob=False`` reads that one file.

    Polars expands ``*``, ``?`` and ``[...]`` in paths; a file named ``calls[1].csv`` would
    otherwise read ``calls1.csv``. Readers that take ``glob=False`` should use that instead.
    """
    import glob

    return glob.escape(str(path))
