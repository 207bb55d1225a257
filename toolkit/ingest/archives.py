"""The format of a file from its name, and gzip / zip members unwrapped into the scratch folder.

Unwrapping is streamed in 1 MiB chunks and bounded, because a small archive can stand for a huge
file (a 3 MB ``.gz`` once expanded to a 3 GiB cell, aborted the process and left 3.1 GB in /tmp):

- the expanded copy may be at most ``MAX_EXPANSION_RATIO`` (100) times the archive's size, once it
  is past ``FREE_EXPANSION`` (64 MiB) — real exports compress 5-20 times;
- one line of it may be at most ``MAX_LINE_BYTES`` (8 MiB), so no cell can be larger.

Either refusal is one line naming the archive; the partial copy goes with the scratch folder.
An .xlsx or .ods workbook is a zip too: its parts are held to the same cap from their declared
sizes before the workbook reader loads them whole.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from toolkit.core.errors import CxtkError, InputError, reason_of, write_hint
from toolkit.ingest.rawtable import CHUNK, MAX_CELL_BYTES, Scratch

MAX_EXPANSION_RATIO = 100
FREE_EXPANSION = 64 << 20
MAX_LINE_BYTES = MAX_CELL_BYTES

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


def format_of(name: str) -> str:
    """The table format a file name announces; unknown extensions are tried as text."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return FORMAT_EXTS.get(ext, "csv")


def unwrap(path: Path, scratch: Scratch) -> tuple[str, Path]:
    """(format, uncompressed local file): gzip and zip are expanded into the scratch folder."""
    lower = path.name.lower()
    if lower.endswith(".gz"):
        inner = path.name[:-3]
        out = scratch.file(Path(inner).name or "table")
        _gunzip(path, out)
        return format_of(inner), out
    if lower.endswith(".zip"):
        member = _zip_member(path)
        out = scratch.file(Path(member).name)
        _unzip(path, member, out)
        return format_of(member), out
    return format_of(path.name), path


def _mib(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):,.0f} MiB"
    return f"{n / 1024:,.0f} KiB" if n >= 1024 else f"{n:,} bytes"


def expand(path: Path, open_src: Callable[[], BinaryIO], out: Path) -> None:
    """Copy the uncompressed stream of ``path`` to ``out`` in chunks, within the ratio and line caps."""
    packed = max(path.stat().st_size, 1)
    allowed = max(FREE_EXPANSION, MAX_EXPANSION_RATIO * packed)
    written = 0
    line, run = 1, 0  # the current line's number and its length so far
    with open_src() as src:
        try:
            dst = open(out, "wb")
        except OSError as exc:
            raise _scratch_error(path, out, exc) from None
        with dst:
            while chunk := src.read(CHUNK):
                written += len(chunk)
                if written > allowed:
                    raise InputError(
                        f"{path}: expands to more than {_mib(allowed)}, over {MAX_EXPANSION_RATIO} times its own "
                        f"{_mib(packed)} (a compression bomb?); unpack it yourself if you trust it"
                    )
                first, last = chunk.find(b"\n"), chunk.rfind(b"\n")
                longest = run + (len(chunk) if first < 0 else first)
                if longest > MAX_LINE_BYTES:
                    raise InputError(
                        f"{path}: line {line} is longer than {_mib(MAX_LINE_BYTES)} once expanded; no cell of an "
                        "export is that large (a compression bomb or not a table?)"
                    )
                if first >= 0:
                    line += chunk.count(b"\n")
                    run = len(chunk) - last - 1
                else:
                    run = longest
                try:
                    dst.write(chunk)
                except OSError as exc:
                    raise _scratch_error(path, out, exc) from None


def check_workbook_expansion(path: Path, src: Path) -> None:
    """An .xlsx/.ods is a zip: refuse one whose parts would expand past the same cap as a .gz, before a
    workbook reader loads them whole (a 1.5 MB workbook of one 1.5 GB cell took 200 s and 16 GB)."""
    try:
        with zipfile.ZipFile(src) as zf:
            expanded = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the workbook reader says what is wrong with it
    packed = max(src.stat().st_size, 1)
    allowed = max(FREE_EXPANSION, MAX_EXPANSION_RATIO * packed)
    if expanded > allowed:
        raise InputError(
            f"{path}: its parts expand to {_mib(expanded)}, over {MAX_EXPANSION_RATIO} times the workbook's own "
            f"{_mib(packed)} (a compression bomb?); save it again in a spreadsheet program or export it as CSV"
        )


def _scratch_error(path: Path, out: Path, exc: OSError) -> CxtkError:
    """The scratch folder could not take the expanded copy: its problem, not the archive's."""
    return CxtkError(
        f"{out.parent}: cannot write the expanded copy of {path.name} there ({reason_of(exc)}); "
        f"{write_hint(exc)} (or set TMPDIR to a folder on a larger disk)"
    )


def _gunzip(path: Path, out: Path) -> None:
    import gzip
    import zlib

    try:
        expand(path, lambda: gzip.open(path, "rb"), out)
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
        with zipfile.ZipFile(path) as zf:
            expand(path, lambda: zf.open(member), out)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: the zip archive is truncated or damaged — export it again") from exc
    except NotImplementedError as exc:
        raise InputError(f"{path}: the zip archive uses an unsupported compression or encryption") from exc
