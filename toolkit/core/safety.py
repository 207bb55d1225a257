"""Output and input safety: spreadsheet formula injection and hyperlinks in CSV/XLSX exports; literal
paths; control characters and markup in text bound for a chart or a terminal.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is run as a formula by Excel; prefixing an apostrophe keeps it text. Numbers are
left as numbers (a negative number is not text).
"""

from __future__ import annotations

import re
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


def regular_file_problem(path: Any) -> str | None:
    """Why ``path`` cannot be read as an input file (missing, a folder, a pipe, a device), or None.

    A FIFO given as an input made cxtk wait forever for a writer; a device never ends. Only
    regular files (or links to them) are read.
    """
    import os
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "file not found"
    except NotADirectoryError:
        return "file not found (a part of the path is a file, not a folder)"
    except PermissionError:
        return "cannot be read (permission denied); check the file's permissions"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return f"is {kind}, not a file: save the export to a file and give that"


# -- text that cannot break a renderer or a terminal ------------------------------------------
#
# Data is printed to terminals and drawn into charts. A C0/C1 control character made vl-convert
# panic (SIGABRT); an ESC or OSC sequence in a team name reaches the terminal as a command (colours,
# window title, hyperlinks, clearing the screen); U+2028/9 broke Vega's expression parser; a lone
# surrogate cannot be encoded at all. Such characters are shown as escapes (``\u001b``, ``\u202e``):
# visible, ASCII, never acted on, and the same character in JSON, Python and JavaScript notation.

_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: Line breaks and tabs, which a chart label turns into a space.
_LABEL_SPACES = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")


def _visible(ch: str) -> str:
    return f"\\u{ord(ch):04x}"


def escape_controls(text: str, keep: str = "") -> str:
    """``text`` with control characters (C0, DEL, C1, U+2028/9, bidi overrides, lone surrogates) written
    as visible escapes, except those in ``keep``: ``escape_controls("A\\x1b[31mB")`` → ``"A\\\\u001b[31mB"``."""
    return _CONTROLS.sub(lambda m: m.group() if m.group() in keep else _visible(m.group()), text)


def chart_label(text: str) -> str:
    """A label vl-convert can draw: line breaks and tabs become a space, other controls visible escapes."""
    return _CONTROLS.sub(lambda m: " " if m.group() in _LABEL_SPACES else _visible(m.group()), text)


def chart_text(spec: Any, clean: Any = chart_label) -> Any:
    """Every string value in a chart spec (data, sort lists, titles) passed through ``clean``
    (default :func:`chart_label`); dict keys and non-strings are kept. Use it on the whole spec so the
    data and the sort order of a channel stay the same strings."""
    if isinstance(spec, str):
        return clean(spec)
    if isinstance(spec, dict):
        return {k: chart_text(v, clean) for k, v in spec.items()}
    if isinstance(spec, list | tuple):
        return [chart_text(v, clean) for v in spec]
    return spec


def terminal_text(value: Any) -> str:
    """``str(value)`` safe to print: ESC/OSC/CSI and other controls shown as escapes, tabs and line
    breaks kept. For text printed without rich (``print``, ``typer.echo``); JSON stays valid JSON."""
    return escape_controls(str(value), keep="\t\n")


def markup_text(value: Any) -> str:
    """``str(value)`` safe inside a rich markup string or a rich ``Table`` cell: controls shown as
    escapes (:func:`terminal_text`) and ``[`` escaped, so ``"[/bold]"`` prints as itself."""
    from rich.markup import escape

    return escape(terminal_text(value))


# -- spreadsheets ------------------------------------------------------------------------------

#: xlsxwriter options of every workbook cxtk writes: text stays text. Without them ``write()`` (and
#: Polars' ``write_excel``) turns ``http://…``, ``file:///c:\…`` or ``mailto:`` cells into live
#: hyperlinks and ``=…`` into formulas.
XLSX_OPTIONS: dict[str, Any] = {"strings_to_urls": False, "strings_to_formulas": False, "strings_to_numbers": False}


def xlsx_workbook(out: Any, options: dict[str, Any] | None = None) -> Any:
    """An ``xlsxwriter.Workbook`` at ``out`` with :data:`XLSX_OPTIONS` (and ``options``); close it."""
    import xlsxwriter

    return xlsxwriter.Workbook(str(out), {**(options or {}), **XLSX_OPTIONS})
