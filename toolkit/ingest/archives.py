"""The format of a file from its name, and gzip / zip members unwrapped into the scratch folder."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from toolkit.core.errors import InputError
from toolkit.ingest.rawtable import CHUNK, Scratch

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
