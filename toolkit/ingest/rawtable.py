"""The table every reader returns (``RawTable``), the scratch folder of one read, and what text, workbook and
structured readers share: header picking, column names, tidying, and locating a bad line after the fact."""

from __future__ import annotations

import contextlib
import csv
import re
import shutil
import tempfile
import unicodedata
import weakref
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.core.errors import CxtkError, InputError, disk_problem

if TYPE_CHECKING:
    import polars as pl


LINE = "__line"


SAMPLE_BYTES = 64 * 1024


HEADER_SEARCH_ROWS = 30


DELIMITERS = (",", ";", "\t", "|")


CHUNK = 1 << 20


#: No line of an expanded archive, and no quoted cell of a text export, is read past this.
MAX_CELL_BYTES = 8 << 20

# the csv module's own limit (128 KB a field) would raise where cxtk's, above, is meant to decide
csv.field_size_limit(max(csv.field_size_limit(), 2 * MAX_CELL_BYTES))


@dataclass
class RawTable:
    """An export opened as strings; ``close()`` (or ``with``) removes its temporary files."""

    path: Path
    frame: pl.LazyFrame
    columns: list[str]
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_line: int
    _scratch: Scratch | None = field(default=None, repr=False, compare=False)
    _read_path: Path | None = field(default=None, repr=False, compare=False)

    def close(self) -> None:
        """Remove temporary files (transcoded copies, extracted archives); ``frame`` is unusable after."""
        if self._scratch is not None:
            self._scratch.cleanup()

    def __enter__(self) -> RawTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Turn a Polars error raised while collecting ``frame`` into a one-line ``InputError``.

        Example::

            with read_table("calls.csv") as t, t.reading():
                df = t.frame.collect()
        """
        try:
            yield
        except CxtkError:
            raise
        except Exception as exc:
            import polars as pl

            # a full or read-only disk while writing is never the input's fault: it passes through
            if isinstance(exc, pl.exceptions.PolarsError) and disk_problem(exc) is None:
                raise self.explain(exc) from exc
            raise

    def explain(self, exc: BaseException) -> InputError:
        """The user-facing ``InputError`` for a Polars error raised while reading this table."""
        message = str(exc)
        first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
        src = self._read_path or self.path
        if "utf-8" in message.lower() or "utf8" in message.lower():
            line, utf8_before = first_bad_utf8_line(src)
            if line and utf8_before:
                return InputError(mixed_message(self.path, line))
            where = f"line {line} is" if line else "it is"
            return InputError(
                f"{self.path}: {where} not valid UTF-8 text — pass --encoding with the file's real "
                "encoding (e.g. gb18030, latin-1)"
            )
        if self.format == "csv" and ("more fields" in message or "could not parse" in message
                                     or "malformed" in message.lower() or "quote" in message.lower()):
            found = first_broken_record(self.path, src, self.delimiter or ",", self.header_line, self.columns)
            if found:
                return InputError(found)
        if self.format == "jsonl":
            found = first_bad_json_line(self.path, src)
            if found:
                return InputError(found)
        return InputError(f"{self.path}: cannot be read as {self.format}: {first}")


class Scratch:
    """A temporary folder created on first use and removed on cleanup or garbage collection.

    It lives in the run's scratch folder (``toolkit.core.scratch.run_dir``), so what a killed
    or aborted run leaves is removed by the next run.
    """

    def __init__(self) -> None:
        self.dir: Path | None = None
        self._finalizer: weakref.finalize | None = None

    def file(self, name: str) -> Path:
        if self.dir is None:
            from toolkit.core.scratch import run_dir

            self.dir = Path(tempfile.mkdtemp(prefix="read-", dir=run_dir()))
            self._finalizer = weakref.finalize(self, shutil.rmtree, self.dir, True)
        return self.dir / name

    def cleanup(self) -> None:
        if self._finalizer is not None:
            self._finalizer()


NUMERIC = re.compile(r"^[-+]?[\d.,\s]+%?$|^\d{1,4}[-/.:]\d{1,2}([-/.:]\d{1,4})?([ T].*)?$")


def is_text_label(cell: str) -> bool:
    return bool(cell) and not NUMERIC.match(cell)


def norm_header(cell: str) -> str:
    return unicodedata.normalize("NFKC", cell).strip().casefold()


def span(cells: Sequence[str | None]) -> int:
    """1 + index of the last non-empty cell."""
    for i in range(len(cells) - 1, -1, -1):
        if cells[i] is not None and str(cells[i]).strip():
            return i + 1
    return 0


def pick_header(rows: list[list[str]], expected_headers: Sequence[str]) -> int:
    """Index of the header among non-blank candidate rows: best match to the expected names, else by shape."""
    expected = {norm_header(h) for h in expected_headers if h and h.strip()}
    if expected:
        scores = [sum(1 for c in set(map(norm_header, row)) if c and c in expected) for row in rows]
        if max(scores, default=0) > 0:
            return scores.index(max(scores))
    spans = [span(r) for r in rows]
    modal = max(Counter(spans).most_common(), key=lambda kv: (kv[1], kv[0]))[0] if spans else 0
    for i, row in enumerate(rows):
        cells = [c.strip() for c in row[:modal]]
        if len(cells) == modal and all(is_text_label(c) for c in cells):
            return i
    for i, row in enumerate(rows):
        filled = [c.strip() for c in row if c.strip()]
        if span(row) == modal and all(is_text_label(c) for c in filled):
            return i
    return 0


def column_names(cells: Sequence[str | None]) -> list[str]:
    """Trimmed header names; blank -> ``column_N`` (1-based), repeated -> ``Name_2``, ``Name_3``..."""
    names: list[str] = []
    seen: set[str] = {LINE}
    for i, raw in enumerate(cells, start=1):
        base = (raw or "").strip() or f"column_{i}"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return names


def clear_of_line(names: Sequence[str]) -> list[str]:
    """``names`` with a source column called ``__line`` (cxtk's line number) renamed ``__line_2``, as
    ``column_names`` does for a text header; Polars refused the file with "duplicate column name"."""
    out = list(names)
    if LINE in out:
        n = 2
        while f"{LINE}_{n}" in out:
            n += 1
        out[out.index(LINE)] = f"{LINE}_{n}"
    return out


def ragged_message(path: Path, line: int, fields: int, width: int) -> str:
    return f"{path}: line {line} has {fields} fields, the header has {width} — wrong delimiter or a broken export?"


def tidy(frame: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """Trim cells, empty -> null, drop fully blank rows, ``__line`` as Int64 after the source columns."""
    import polars as pl

    trimmed = [pl.col(c).str.strip_chars().replace("", None).alias(c) for c in columns]
    return frame.select(*trimmed, pl.col(LINE).cast(pl.Int64)).filter(
        pl.any_horizontal(pl.col(c).is_not_null() for c in columns) if columns else pl.lit(False)
    )


def mixed_message(path: Path, line: int) -> str:
    return (f"{path}: line {line} is not valid UTF-8 text, although other lines are UTF-8; "
            "the file mixes encodings: re-export it as UTF-8")


def unclosed_quote(raw: str, delimiter: str) -> bool:
    """True when the record written as ``raw`` ends inside a quoted cell (the quote is never closed)."""
    try:
        for _ in csv.reader([raw], delimiter=delimiter, quotechar='"', strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def field_name(columns: Sequence[str], index: int) -> str:
    return f"field '{columns[index]}'" if 0 <= index < len(columns) else f"field {index + 1}"


def unclosed_message(path: Path, line: int, field: str, end: int | None) -> str:
    """A quote opened on ``line`` runs to the end of the file (``end`` None) or on to line ``end``."""
    if end is None:
        return (f"{path}: line {line}: the quote that opens {field} is never closed, so the rest of the file "
                "would be one cell — close the quote or export the file again")
    return (f"{path}: line {line}: the quote that opens {field} runs on to line {end}, taking the lines between "
            "into one cell — an unclosed quote? Close it or export the file again")


class RecordLines:
    """The lines a csv reader takes, kept until the record they make is handed out."""

    def __init__(self, f: Iterator[str]) -> None:
        self.f, self.taken, self.size = f, [], 0

    def __iter__(self) -> RecordLines:
        return self

    def __next__(self) -> str:
        line = next(self.f)
        self.taken.append(line)
        self.size += len(line)
        if self.size > MAX_CELL_BYTES:
            raise TooLong
        return line

    def record(self) -> str:
        raw, self.taken, self.size = "".join(self.taken), [], 0
        return raw


class TooLong(Exception):
    pass


def first_broken_record(path: Path, src: Path, delimiter: str, header_line: int, columns: Sequence[str]) -> str | None:
    """The message for the first record that is ragged or holds an unclosed quote; a slow pass for errors only."""
    width = len(columns)
    with open(src, encoding="utf-8-sig", errors="replace", newline="") as f:
        lines = RecordLines(f)
        reader = csv.reader(lines, delimiter=delimiter, quotechar='"')
        start = 1
        try:
            for cells in reader:
                raw = lines.record()
                end = reader.line_num
                if start > header_line and any(c.strip() for c in cells):
                    if unclosed_quote(raw, delimiter):
                        return unclosed_message(path, start, field_name(columns, len(cells) - 1), None)
                    if len(cells) != width and end > start:
                        cell = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), len(cells) - 1)
                        return unclosed_message(path, start, field_name(columns, cell), end)
                    if len(cells) > width:
                        return ragged_message(path, start, len(cells), width)
                start = end + 1
        except TooLong:
            return (f"{path}: line {start}: a record runs on for more than {MAX_CELL_BYTES >> 20} MiB "
                    "— an unclosed quote? Close it or export the file again")
        except csv.Error:
            return None
    return None


def first_bad_json_line(path: Path, src: Path) -> str | None:
    """The message for the first line of a JSON Lines file Python cannot read; a slow pass for errors only."""
    import json

    with open(src, encoding="utf-8-sig", errors="replace") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                json.loads(line)
            except json.JSONDecodeError as exc:
                return f"{path}: line {n} is not valid JSON ({exc.msg}) — expected one object per line"
            except RecursionError:
                return f"{path}: line {n} nests values too deep to read — not an export of records"
    return None


def first_bad_utf8_line(src: Path) -> tuple[int | None, bool]:
    """(the first line that is not UTF-8, whether a line before it held UTF-8 beyond ASCII)."""
    utf8_before = False
    with open(src, "rb") as f:
        for n, line in enumerate(f, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return n, utf8_before
            utf8_before = utf8_before or not line.isascii()
    return None, utf8_before
