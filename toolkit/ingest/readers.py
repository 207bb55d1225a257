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

import codecs
import contextlib
import csv
import io
import json
import re
import shutil
import tempfile
import unicodedata
import weakref
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from toolkit.core.errors import CxtkError, InputError
from toolkit.core.safety import literal_path

if TYPE_CHECKING:
    import polars as pl

__all__ = ["RawTable", "read_table", "LINE"]

LINE = "__line"
SAMPLE_BYTES = 64 * 1024
HEADER_SEARCH_ROWS = 30
DELIMITERS = (",", ";", "\t", "|")
CHUNK = 1 << 20

TEXT_EXTS = {"csv": "csv", "tsv": "csv", "txt": "csv", "tab": "csv", "dat": "csv"}
FORMAT_EXTS = {
    **TEXT_EXTS,
    "yaml": "yaml",
    "yml": "yaml",
    "xlsx": "xlsx",
    "xlsm": "xlsx",
    "xls": "xls",
    "ods": "ods",
    "parquet": "parquet",
    "pq": "parquet",
    "jsonl": "jsonl",
    "ndjson": "jsonl",
    "json": "jsonl",
}
EXCEL_FORMATS = {"xlsx", "xls", "ods"}

# Signatures of files people rename to .csv by mistake; said by name, it is a clearer error.
MAGIC = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook?)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel/Office file (.xls?)"),
    (b"PAR1", "a Parquet file"),
    (b"\x7fELF", "a program"),
]

FRIENDLY_CODEC = {"iso8859-1": "latin-1", "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be"}
WESTERN = ("latin-1", "cp1252")


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
    _scratch: _Scratch | None = field(default=None, repr=False, compare=False)
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

            if isinstance(exc, pl.exceptions.PolarsError):
                raise self.explain(exc) from exc
            raise

    def explain(self, exc: BaseException) -> InputError:
        """The user-facing ``InputError`` for a Polars error raised while reading this table."""
        message = str(exc)
        first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
        src = self._read_path or self.path
        if self.format == "csv" and "more fields" in message:
            found = _first_ragged_line(src, self.delimiter or ",", self.header_line, len(self.columns))
            if found:
                line, n = found
                return InputError(_ragged_message(self.path, line, n, len(self.columns)))
        if "utf-8" in message.lower() or "utf8" in message.lower():
            line = _first_bad_utf8_line(src)
            where = f"line {line} is" if line else "it is"
            return InputError(
                f"{self.path}: {where} not valid UTF-8 text — pass --encoding with the file's real "
                "encoding (e.g. gb18030, latin-1)"
            )
        return InputError(f"{self.path}: cannot be read as {self.format}: {first}")


class _Scratch:
    """A temporary folder created on first use and removed on cleanup or garbage collection."""

    def __init__(self) -> None:
        self.dir: Path | None = None
        self._finalizer: weakref.finalize | None = None

    def file(self, name: str) -> Path:
        if self.dir is None:
            self.dir = Path(tempfile.mkdtemp(prefix="cxtk-read-"))
            self._finalizer = weakref.finalize(self, shutil.rmtree, self.dir, True)
        return self.dir / name

    def cleanup(self) -> None:
        if self._finalizer is not None:
            self._finalizer()


# ---------------------------------------------------------------------------- entry point


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
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    if isinstance(header_row, int) and not isinstance(header_row, bool) and header_row < 1:
        raise InputError(f"{path}: header_row must be a 1-based line number (got {header_row})")
    if encoding is not None:
        encoding = _codec_name(path, encoding)
    scratch = _Scratch()
    try:
        fmt, src = _unwrap(path, scratch)
        if fmt == "csv":
            table = _read_text(path, src, scratch, encoding, header_row, expected_headers)
        elif fmt in EXCEL_FORMATS:
            table = _read_excel(path, src, fmt, sheet, header_row, expected_headers)
        elif fmt == "parquet":
            table = _read_parquet(path, src)
        elif fmt == "yaml":
            table = _read_yaml(path, src)
        else:
            table = _read_jsonl(path, src, scratch, encoding)
    except PermissionError:
        scratch.cleanup()
        raise InputError(f"{path}: cannot be read (permission denied); check the file's permissions") from None
    except BaseException:
        scratch.cleanup()
        raise
    table._scratch = scratch
    return table


# ---------------------------------------------------------------------------- archives


def _format_of(name: str) -> str:
    """The table format a file name announces; unknown extensions are tried as text."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return FORMAT_EXTS.get(ext, "csv")


def _unwrap(path: Path, scratch: _Scratch) -> tuple[str, Path]:
    """(format, uncompressed local file): gzip and zip are expanded into the scratch folder."""
    lower = path.name.lower()
    if lower.endswith(".gz"):
        inner = path.name[:-3]
        out = scratch.file(Path(inner).name or "table")
        _gunzip(path, out)
        return _format_of(inner), out
    if lower.endswith(".zip"):
        member = _zip_member(path)
        out = scratch.file(Path(member).name)
        _unzip(path, member, out)
        return _format_of(member), out
    return _format_of(path.name), path


def _gunzip(path: Path, out: Path) -> None:
    import gzip
    import zlib

    try:
        with gzip.open(path, "rb") as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
    except (EOFError, zlib.error) as exc:
        raise InputError(
            f"{path}: the gzip file is truncated or damaged — download or export it again"
        ) from exc
    except gzip.BadGzipFile as exc:
        raise InputError(f"{path}: is not a gzip file although its name ends in .gz") from exc


def _zip_member(path: Path) -> str:
    """The single table inside a zip (folders and macOS metadata ignored)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = [
                i.filename
                for i in zf.infolist()
                if not i.is_dir()
                and not i.filename.startswith("__MACOSX/")
                and not Path(i.filename).name.startswith(".")
            ]
    except zipfile.BadZipFile as exc:
        raise InputError(f"{path}: is not a valid zip archive (truncated or damaged?)") from exc
    if not names:
        raise InputError(f"{path}: the zip archive holds no file")
    if len(names) > 1:
        raise InputError(
            f"{path}: the zip archive holds {len(names)} files ({', '.join(names)}) — unzip it and read one"
        )
    return names[0]


def _unzip(path: Path, member: str, out: Path) -> None:
    import zlib

    try:
        with zipfile.ZipFile(path) as zf, zf.open(member) as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: the zip archive is truncated or damaged — export it again") from exc
    except NotImplementedError as exc:
        raise InputError(f"{path}: the zip archive uses an unsupported compression or encryption") from exc


# ---------------------------------------------------------------------------- encodings


def _codec_name(path: Path, encoding: str) -> str:
    """The canonical, friendly name of a codec the user asked for."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError as exc:
        raise InputError(
            f"{path}: unknown encoding {encoding!r} (try utf-8, gb18030, utf-16, latin-1)"
        ) from exc
    return FRIENDLY_CODEC.get(name, name)


def _decode_sample(data: bytes, codec: str, complete: bool) -> str:
    """Strictly decode a sample; a multibyte character cut at the sample's end is tolerated."""
    try:
        return codecs.getincrementaldecoder(codec)("strict").decode(data, final=complete)
    except UnicodeDecodeError:
        raise
    except UnicodeError as exc:  # utf-16/utf-32 without a BOM raise a bare UnicodeError
        raise UnicodeDecodeError(codec, data, 0, min(len(data), 1), str(exc)) from None


def _not_a_table(path: Path, what: str) -> InputError:
    return InputError(f"{path}: is {what}, not a table — check that you picked the right file")


def _check_binary(path: Path, head: bytes) -> None:
    for magic, what in MAGIC:
        if head.startswith(magic):
            raise _not_a_table(path, what)


def _gb_plausible(text: str) -> bool:
    """GB18030 decodes many Latin-1/Big5 byte pairs too; real Chinese text is mostly GB2312 characters."""
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return True
    common = sum(1 for c in wide if _in_gb2312(c))
    return common >= 0.8 * len(wide)


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL, as in ASCII-heavy UTF-16 text."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _detect_encoding(path: Path, sample: bytes, complete: bool) -> str:
    """BOM, then strict UTF-8, GB18030, then charset-normalizer; never a lossy guess."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bomless = _utf16_without_bom(sample)
    if bomless:
        with contextlib.suppress(UnicodeDecodeError):
            _decode_sample(sample, bomless, complete)
            return bomless
    if b"\x00" in sample:
        raise _not_a_table(path, "binary data")
    with contextlib.suppress(UnicodeDecodeError):
        _decode_sample(sample, "utf-8", complete)
        return "utf-8"
    gb_text: str | None = None
    with contextlib.suppress(UnicodeDecodeError):
        gb_text = _decode_sample(sample, "gb18030", complete)
    if gb_text is not None and _gb_plausible(gb_text):
        return "gb18030"
    guess = _charset_normalizer_guess(sample, complete)
    if guess:
        return guess
    if gb_text is not None:
        return "gb18030"
    raise InputError(
        f"{path}: is not a table: binary data or text in an unknown encoding — pass --encoding if it is text"
    )


def _charset_normalizer_guess(sample: bytes, complete: bool) -> str | None:
    """charset-normalizer's best codec, preferring Latin-1/CP1252 when one of its candidates reads the same."""
    from charset_normalizer import from_bytes

    # Keep the sample whole-lined so a cut multibyte character does not mislead the detector.
    cut = sample if complete else sample[: sample.rfind(b"\n") + 1] or sample
    matches = [m.encoding for m in from_bytes(cut)]
    if not matches:
        return None
    western = "cp1252" if any(0x80 <= b <= 0x9F for b in cut) else "latin-1"
    with contextlib.suppress(UnicodeDecodeError):
        as_western = cut.decode(western)
        for name in matches:
            with contextlib.suppress(UnicodeDecodeError, LookupError):
                if cut.decode(name) == as_western:
                    # Western exports are far more common than Central-European or DOS code pages.
                    return western
    name = codecs.lookup(matches[0]).name
    return FRIENDLY_CODEC.get(name, name)


def _transcode(path: Path, src: Path, codec: str, out: Path) -> None:
    """Stream ``src`` to UTF-8 in 1 MB chunks; any undecodable byte is an error, never replaced."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    lines = 0
    with open(src, "rb") as fin, open(out, "w", encoding="utf-8", newline="") as fout:
        while True:
            chunk = fin.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                line = lines + 1 + chunk[: exc.start].count(b"\n")
                raise InputError(
                    f"{path}: line {line} is not valid {codec} text — pass --encoding with the file's "
                    "real encoding (e.g. utf-8, gb18030, latin-1)"
                ) from exc
            if text:
                # A BOM decoded by a BOM-less codec would otherwise glue itself to the first header.
                fout.write(text.lstrip("\ufeff") if lines == 0 and fout.tell() == 0 else text)
                lines += text.count("\n")
            if not chunk:
                break


# ---------------------------------------------------------------------------- text tables


def _read_sample(src: Path) -> tuple[bytes, bool]:
    """The first 64 KB and whether that is the whole file."""
    with open(src, "rb") as f:
        data = f.read(SAMPLE_BYTES + 1)
    return data[:SAMPLE_BYTES], len(data) <= SAMPLE_BYTES


def _complete_lines(text: str, complete: bool) -> str:
    """Drop the partial last line of a sample cut at 64 KB."""
    if complete:
        return text
    end = text.rfind("\n")
    return text[: end + 1] if end >= 0 else text


@dataclass
class _Record:
    """A parsed CSV record: its cells and the physical lines it spans."""

    cells: list[str]
    first_line: int
    last_line: int

    @property
    def blank(self) -> bool:
        return all(not c.strip() for c in self.cells)


def _records(text: str, delimiter: str, limit: int | None = None) -> list[_Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    out: list[_Record] = []
    start = 1
    try:
        for cells in reader:
            out.append(_Record(cells, start, reader.line_num))
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
        widths = [len(r.cells) for r in _records(text, d, 200) if not r.blank]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        score = (count, width, d == preferred)
        if score > best_score:
            best, best_score = d, score
    return best


NUMERIC = re.compile(r"^[-+]?[\d.,\s]+%?$|^\d{1,4}[-/.:]\d{1,2}([-/.:]\d{1,4})?([ T].*)?$")


def _is_text_label(cell: str) -> bool:
    return bool(cell) and not NUMERIC.match(cell)


def _norm(cell: str) -> str:
    return unicodedata.normalize("NFKC", cell).strip().casefold()


def _span(cells: Sequence[str | None]) -> int:
    """1 + index of the last non-empty cell."""
    for i in range(len(cells) - 1, -1, -1):
        if cells[i] is not None and str(cells[i]).strip():
            return i + 1
    return 0


def _pick_header(rows: list[list[str]], expected_headers: Sequence[str]) -> int:
    """Index of the header among non-blank candidate rows: best match to the expected names, else by shape."""
    expected = {_norm(h) for h in expected_headers if h and h.strip()}
    if expected:
        scores = [sum(1 for c in set(map(_norm, row)) if c and c in expected) for row in rows]
        if max(scores, default=0) > 0:
            return scores.index(max(scores))
    spans = [_span(r) for r in rows]
    modal = max(Counter(spans).most_common(), key=lambda kv: (kv[1], kv[0]))[0] if spans else 0
    for i, row in enumerate(rows):
        cells = [c.strip() for c in row[:modal]]
        if len(cells) == modal and all(_is_text_label(c) for c in cells):
            return i
    for i, row in enumerate(rows):
        filled = [c.strip() for c in row if c.strip()]
        if _span(row) == modal and all(_is_text_label(c) for c in filled):
            return i
    return 0


def _column_names(cells: Sequence[str | None]) -> list[str]:
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


def _ragged_message(path: Path, line: int, fields: int, width: int) -> str:
    return f"{path}: line {line} has {fields} fields, the header has {width} — wrong delimiter or a broken export?"


def _read_text(
    path: Path,
    src: Path,
    scratch: _Scratch,
    encoding: str | None,
    header_row: int | Literal["auto"],
    expected_headers: Sequence[str],
) -> RawTable:
    import polars as pl

    raw, complete = _read_sample(src)
    if not raw:
        raise InputError(f"{path}: the file is empty (0 bytes)")
    if encoding is None:
        _check_binary(path, raw)
        encoding = _detect_encoding(path, raw, complete)
    if encoding == "utf-8" and raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    try:
        text = _decode_sample(raw, encoding, complete)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}: line {line} is not valid {encoding} text — pass --encoding with the file's real "
            "encoding (e.g. utf-8, gb18030, latin-1)"
        ) from exc
    text = _complete_lines(text.lstrip("\ufeff"), complete)
    if not text.strip():
        raise InputError(f"{path}: the file holds no table (only blank lines)")
    if _control_share(text) > 0.01:
        raise _not_a_table(path, "binary data")

    preferred = "\t" if path.name.lower().removesuffix(".gz").endswith((".tsv", ".tab")) else ","
    delimiter = _sniff_delimiter(text, preferred)
    records = _records(text, delimiter)
    header = _header_record(path, records, header_row, expected_headers)
    columns = _column_names(header.cells)
    _check_widths(path, records, header, len(columns))

    read_path = src
    if encoding not in ("utf-8", "utf-8-sig"):
        read_path = scratch.file("utf8-" + src.name)
        _transcode(path, src, encoding, read_path)

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
    path: Path, records: list[_Record], header_row: int | Literal["auto"], expected_headers: Sequence[str]
) -> _Record:
    if header_row == "auto":
        candidates = [r for r in records if not r.blank][:HEADER_SEARCH_ROWS]
        return candidates[_pick_header([r.cells for r in candidates], expected_headers)]
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


def _check_widths(path: Path, records: list[_Record], header: _Record, width: int) -> None:
    """Ragged rows in the sample fail now; later ones with extra fields fail when Polars reads them."""
    for r in records:
        if r.first_line > header.last_line and not r.blank and len(r.cells) != width:
            raise InputError(_ragged_message(path, r.first_line, len(r.cells), width))


def _tidy(frame: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """Trim cells, empty -> null, drop fully blank rows, ``__line`` as Int64 after the source columns."""
    import polars as pl

    trimmed = [pl.col(c).str.strip_chars().replace("", None).alias(c) for c in columns]
    return frame.select(*trimmed, pl.col(LINE).cast(pl.Int64)).filter(
        pl.any_horizontal(pl.col(c).is_not_null() for c in columns) if columns else pl.lit(False)
    )


def _first_ragged_line(src: Path, delimiter: str, header_line: int, width: int) -> tuple[int, int] | None:
    """(line, fields) of the first record whose field count differs from ``width``; a slow pass for errors only."""
    with open(src, encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, quotechar='"')
        start = 1
        try:
            for cells in reader:
                if start > header_line and len(cells) > width and any(c.strip() for c in cells):
                    return start, len(cells)
                start = reader.line_num + 1
        except csv.Error:
            return None
    return None


def _first_bad_utf8_line(src: Path) -> int | None:
    with open(src, "rb") as f:
        for n, line in enumerate(f, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return n
    return None


# ---------------------------------------------------------------------------- workbooks


def _read_excel(
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
        non_blank = [i for i, row in enumerate(cells) if _span(row)]
        if not non_blank:
            raise InputError(f"{path}: sheet {chosen!r} has no header in its first {HEADER_SEARCH_ROWS} rows")
        idx = non_blank[_pick_header([cells[i] for i in non_blank], expected_headers)]
    else:
        idx = header_row - 1
        if idx >= len(cells) or not _span(cells[idx]):
            raise InputError(
                f"{path}: row {header_row}, given as the header row, is blank or past the sheet's end"
            )
    columns = _column_names(cells[idx])
    frame = grid.lazy().slice(idx + 1).rename(dict(zip(source, columns, strict=True)))
    return RawTable(
        path=path,
        frame=_tidy(frame, columns),
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


# ---------------------------------------------------------------------------- parquet and JSON Lines


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


def _read_parquet(path: Path, src: Path) -> RawTable:
    import polars as pl

    if src.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (0 bytes)")
    try:
        lf = pl.scan_parquet(src, glob=False)
        schema = lf.collect_schema()
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: is not a readable Parquet file ({str(exc).splitlines()[0]})") from exc
    columns = list(schema.names())
    frame = lf.select(_as_text(c, t).alias(c) for c, t in schema.items()).with_row_index(LINE, offset=1)
    return RawTable(
        path=path,
        frame=_tidy(frame, columns),
        columns=columns,
        format="parquet",
        encoding=None,
        delimiter=None,
        sheet=None,
        header_line=0,
        _read_path=src,
    )


def _read_yaml(path: Path, src: Path) -> RawTable:
    """A YAML list of records (``- {action_id: …}``), or a mapping holding one list; ``__line`` is each record's line."""
    import polars as pl
    import yaml

    try:
        text = src.read_text(encoding="utf-8-sig")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        node = yaml.compose(text, Loader=loader)
        data = yaml.load(text, Loader=loader)
    except UnicodeDecodeError:
        raise InputError(f"{path}: YAML files must be UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        node = node.value[0][1]
        data = next(iter(data.values()))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(f"{path}: expected a YAML list of records (- action_id: …), one per row")
    columns = list(dict.fromkeys(str(k) for r in data for k in r))
    lines = [item.start_mark.line + 1 for item in node.value] if data else []
    rows = {c: [None if r.get(c) is None else _yaml_text(r.get(c)) for r in data] for c in columns}
    frame = pl.DataFrame(rows, schema={c: pl.String for c in columns}).with_columns(
        pl.Series(LINE, lines, dtype=pl.Int64)
    )
    return RawTable(path=path, frame=frame.lazy(), columns=columns, format="yaml", encoding="utf-8",
                    delimiter=None, sheet=None, header_line=0, _read_path=src)


def _yaml_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _read_jsonl(path: Path, src: Path, scratch: _Scratch, encoding: str | None) -> RawTable:
    import polars as pl

    raw, complete = _read_sample(src)
    if not raw:
        raise InputError(f"{path}: the file is empty (0 bytes)")
    if encoding is None:
        _check_binary(path, raw)
        encoding = _detect_encoding(path, raw, complete)
    try:
        text = _complete_lines(_decode_sample(raw, encoding, complete).lstrip("\ufeff"), complete)
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
        if not isinstance(obj, dict):
            raise InputError(f"{path}: line {n} is not a JSON object — expected one object per line")
        keys.update(dict.fromkeys(obj))
    if not keys:
        raise InputError(f"{path}: the file holds no JSON objects")
    read_path = src
    if encoding not in ("utf-8", "utf-8-sig"):
        read_path = scratch.file("utf8-" + src.name)
        _transcode(path, src, encoding, read_path)
    columns = list(keys)
    frame = pl.scan_ndjson(
        literal_path(read_path),  # scan_ndjson has no glob=False
        schema=dict.fromkeys(columns, pl.String), row_index_name=LINE, row_index_offset=1
    )
    return RawTable(
        path=path,
        frame=_tidy(frame, columns),
        columns=columns,
        format="jsonl",
        encoding=encoding,
        delimiter=None,
        sheet=None,
        header_line=0,
        _read_path=read_path,
    )
