"""Which encoding a text export is in (BOMs, UTF-16 without BOM, GB18030 against Western code pages,
charset-normalizer as the last word), binary files refused, and transcoding to UTF-8 for Polars."""

from __future__ import annotations

import codecs
import contextlib
from pathlib import Path

from toolkit.core.errors import InputError
from toolkit.ingest.rawtable import CHUNK, MAX_CELL_BYTES, SAMPLE_BYTES, mixed_message

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


def codec_name(path: Path, encoding: str) -> str:
    """The canonical, friendly name of a codec the user asked for."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError as exc:
        raise InputError(
            f"{path}: unknown encoding {encoding!r} (try utf-8, gb18030, utf-16, latin-1)"
        ) from exc
    return FRIENDLY_CODEC.get(name, name)


def decode_sample(data: bytes, codec: str, complete: bool) -> str:
    """Strictly decode a sample; a multibyte character cut at the sample's end is tolerated."""
    try:
        return codecs.getincrementaldecoder(codec)("strict").decode(data, final=complete)
    except UnicodeDecodeError:
        raise
    except UnicodeError as exc:  # utf-16/utf-32 without a BOM raise a bare UnicodeError
        raise UnicodeDecodeError(codec, data, 0, min(len(data), 1), str(exc)) from None


def not_a_table(path: Path, what: str) -> InputError:
    return InputError(f"{path}: is {what}, not a table — check that you picked the right file")


def check_binary(path: Path, head: bytes) -> None:
    for magic, what in MAGIC:
        if head.startswith(magic):
            raise not_a_table(path, what)


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


def detect_encoding(path: Path, sample: bytes, complete: bool) -> str:
    """BOM, then strict UTF-8, GB18030, then charset-normalizer; never a lossy guess."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bomless = _utf16_without_bom(sample)
    if bomless:
        with contextlib.suppress(UnicodeDecodeError):
            decode_sample(sample, bomless, complete)
            return bomless
    if b"\x00" in sample:
        raise not_a_table(path, "binary data")
    with contextlib.suppress(UnicodeDecodeError):
        decode_sample(sample, "utf-8", complete)
        return "utf-8"
    mixed = mixed_utf8_line(sample, complete)
    if mixed:  # never guess one code page for the whole: the UTF-8 lines would become mojibake
        raise InputError(mixed_message(path, mixed))
    gb_text: str | None = None
    with contextlib.suppress(UnicodeDecodeError):
        gb_text = decode_sample(sample, "gb18030", complete)
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


def mixed_utf8_line(sample: bytes, complete: bool) -> int | None:
    """The first line that is not UTF-8 when most of the sample's non-ASCII text is (a UTF-8 file with a GBK or
    Latin-1 row pasted in); None when the non-UTF-8 lines carry at least as much of it (a file in one code page,
    a few of whose lines happen to be valid UTF-8).
    """
    lines = sample.split(b"\n")
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut inside a character
    good = bad = 0
    first: int | None = None
    for n, line in enumerate(lines, start=1):
        wide = sum(1 for b in line if b > 0x7F)
        if not wide:
            continue
        try:
            line.decode("utf-8")
            good += wide
        except UnicodeDecodeError:
            bad += wide
            first = first or n
    return first if first is not None and good > bad else None


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


def transcode(path: Path, src: Path, codec: str, out: Path, *, cr_lines: bool = False) -> None:
    """Stream ``src`` to UTF-8 in 1 MB chunks; any undecodable byte is an error, never replaced.

    ``cr_lines``: the file ends its lines with a bare CR (classic Mac OS, some exporters); they are
    written as LF, which is what Polars reads as a line end (it read such a file as 0 rows).
    """
    decoder = codecs.getincrementaldecoder(codec)("strict")
    lines = 0
    held = ""  # a CR at a chunk's end: its LF may open the next chunk
    with open(src, "rb") as fin, open(out, "w", encoding="utf-8", newline="") as fout:
        while True:
            chunk = fin.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                ends = chunk[: exc.start]
                line = lines + 1 + (ends.count(b"\r") - ends.count(b"\r\n") if cr_lines else 0) + ends.count(b"\n")
                raise InputError(
                    f"{path}: line {line} is not valid {codec} text — pass --encoding with the file's "
                    "real encoding (e.g. utf-8, gb18030, latin-1)"
                ) from exc
            if cr_lines:
                text = held + text
                held = "\r" if chunk and text.endswith("\r") else ""
                text = (text[:-1] if held else text).replace("\r\n", "\n").replace("\r", "\n")
            if text:
                # A BOM decoded by a BOM-less codec would otherwise glue itself to the first header.
                fout.write(text.lstrip("\ufeff") if lines == 0 and fout.tell() == 0 else text)
                lines += text.count("\n")
            if not chunk:
                break


def read_sample(src: Path, path: Path | None = None) -> tuple[bytes, bool]:
    """The first 64 KB and whether that is the whole file.

    When the first line is longer than that (a header of thousands of columns, a JSON line with a long
    text), the sample runs on to its end, for at most ``MAX_CELL_BYTES``: cut inside it, the header
    was read short and a valid JSON line said to be invalid.
    """
    with open(src, "rb") as f:
        data = f.read(SAMPLE_BYTES + 1)
        if len(data) <= SAMPLE_BYTES:
            return data, True
        if _line_end(data[:SAMPLE_BYTES]) >= 0:
            return data[:SAMPLE_BYTES], False
        while (end := _line_end(data)) < 0:
            more = f.read(CHUNK)
            if not more:
                return data, True
            data += more
            if len(data) > MAX_CELL_BYTES:
                raise InputError(f"{path or src}: line 1 is longer than {MAX_CELL_BYTES >> 20} MiB — not a table, "
                                 "or an export without line ends")
        return data[: end + 1], False


def _line_end(data: bytes) -> int:
    """The index of the first LF or CR in ``data``, or -1."""
    ends = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
    return min(ends) if ends else -1


def complete_lines(text: str, complete: bool) -> str:
    """Drop the partial last line of a sample cut at 64 KB (lines end in LF, CR LF or a bare CR)."""
    if complete:
        return text
    end = max(text.rfind("\n"), text.rfind("\r"))
    return text[: end + 1] if end >= 0 else text
