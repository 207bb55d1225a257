"""toolkit.ingest.readers: any export opened as a lazy table of strings with true line numbers."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import tracemalloc
import zipfile
from pathlib import Path

import polars as pl
import pytest

from toolkit.core.errors import InputError
from toolkit.ingest.readers import RawTable, read_table

ZH_HEADER = ["呼叫时间", "客服工号", "满意度"]
ZH_ROWS = [["2026-10-01 09:00:05", "A001", "非常满意"], ["2026-10-01 09:07:40", "A002", "满意"]]
FR_HEADER = ["Agent", "Ville", "Note"]
FR_ROWS = [["Renée", "Orléans", "5"], ["José", "Besançon", "4"]]


def write_text(path: Path, header, rows, encoding="utf-8", sep=",", above="", newline="\n") -> Path:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    path.write_bytes((above + newline.join(lines) + newline).encode(encoding))
    return path


def collect(t: RawTable) -> pl.DataFrame:
    with t.reading():
        return t.frame.collect()


def expected_frame(header, rows, first_line=2) -> pl.DataFrame:
    data = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    data["__line"] = list(range(first_line, first_line + len(rows)))
    return pl.DataFrame(data, schema={**dict.fromkeys(header, pl.String), "__line": pl.Int64})


# ---------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("header", "rows", "codec", "reported"),
    [
        (ZH_HEADER, ZH_ROWS, "utf-8", "utf-8"),
        (ZH_HEADER, ZH_ROWS, "utf-8-sig", "utf-8-sig"),
        (ZH_HEADER, ZH_ROWS, "utf-16", "utf-16"),  # Python writes the BOM, as Excel's "Unicode text" does
        (ZH_HEADER, ZH_ROWS, "gb18030", "gb18030"),
        (ZH_HEADER, ZH_ROWS, "gbk", "gb18030"),  # GBK is a subset of GB18030
        (FR_HEADER, FR_ROWS, "utf-8", "utf-8"),
        (FR_HEADER, FR_ROWS, "latin-1", "latin-1"),  # é = 0xE9 is not valid UTF-8 nor GB18030 before ','/'s'
        (FR_HEADER, FR_ROWS, "utf-16", "utf-16"),
    ],
)
def test_every_encoding_round_trips_to_the_same_frame(tmp_path, header, rows, codec, reported):
    f = write_text(tmp_path / "t.csv", header, rows, encoding=codec)
    with read_table(f) as t:
        assert t.encoding == reported
        assert (t.format, t.delimiter, t.header_line, t.columns) == ("csv", ",", 1, header)
        assert collect(t).equals(expected_frame(header, rows))


def test_utf16_with_crlf_like_excel_unicode_text(tmp_path):
    f = write_text(tmp_path / "t.txt", ZH_HEADER, ZH_ROWS, encoding="utf-16", sep="\t", newline="\r\n")
    with read_table(f) as t:
        assert (t.encoding, t.delimiter) == ("utf-16", "\t")
        assert collect(t).equals(expected_frame(ZH_HEADER, ZH_ROWS))


def test_encoding_override_is_used_and_reported(tmp_path):
    f = write_text(tmp_path / "t.csv", ZH_HEADER, ZH_ROWS, encoding="gbk")
    with read_table(f, encoding="GBK") as t:
        assert t.encoding == "gbk"
        assert collect(t).equals(expected_frame(ZH_HEADER, ZH_ROWS))
    # cp1252 reads 0x80 as the euro sign, which latin-1 would turn into a control character
    f2 = tmp_path / "eur.csv"
    f2.write_bytes("Agent,Montant\nRenée,\x80 5\n".encode("latin-1"))
    with read_table(f2, encoding="cp1252") as t:
        assert t.encoding == "cp1252"
        assert collect(t)["Montant"].to_list() == ["€ 5"]


def test_wrong_encoding_override_fails_naming_the_line(tmp_path):
    # GB18030 bytes of 呼 (0xBA 0xF4) are not UTF-8: line 1 fails in the sample check
    f = write_text(tmp_path / "t.csv", ZH_HEADER, ZH_ROWS, encoding="gb18030")
    with pytest.raises(InputError) as e:
        read_table(f, encoding="utf-8")
    assert str(e.value) == (
        f"{f}: line 1 is not valid utf-8 text — pass --encoding with the file's real encoding "
        "(e.g. utf-8, gb18030, latin-1)"
    )
    with pytest.raises(InputError, match=r"unknown encoding 'klingon'"):
        read_table(f, encoding="klingon")


def test_bad_utf8_past_the_sample_is_reworded_when_collected(tmp_path):
    f = tmp_path / "big.csv"
    body = "".join(f"{i},A{i:05d}\n" for i in range(1, 20001))  # ~230 KB of ASCII, sniffed as UTF-8
    f.write_bytes(b"id,agent\n" + body.encode() + b"20001,\xff\xfe\n")
    t = read_table(f)
    assert t.encoding == "utf-8"
    with pytest.raises(InputError) as e:
        collect(t)
    # header line 1 + 20000 rows => the bad row is on line 20002
    assert str(e.value) == (
        f"{f}: line 20002 is not valid UTF-8 text — pass --encoding with the file's real encoding "
        "(e.g. gb18030, latin-1)"
    )


def test_bad_gb18030_byte_past_the_sample_fails_while_transcoding(tmp_path):
    f = tmp_path / "big.csv"
    rows = "".join(f"{i},客服{i}\n" for i in range(1, 20001))
    f.write_bytes("编号,客服\n".encode("gb18030") + rows.encode("gb18030") + b"20001,\x81\x20\n")
    with pytest.raises(InputError) as e:
        read_table(f)
    # 0x81 must be followed by 0x30-0x39 or 0x40-0xFE; the row is line 1 + 20000 + 1
    assert str(e.value).startswith(f"{f}: line 20002 is not valid gb18030 text — pass --encoding")


def test_big_gb18030_file_is_transcoded_with_bounded_memory(tmp_path):
    f = tmp_path / "big.csv"
    with open(f, "w", encoding="gb18030", newline="") as out:
        out.write("呼叫时间,客服工号,技能组,备注\n")
        for i in range(200_000):
            out.write(f"2026-10-01 09:{i % 60:02d}:00,A{i:06d},售后服务组,客户来电咨询订单状态{i}\n")
    size = f.stat().st_size
    assert size > 12_000_000
    tracemalloc.start()
    try:
        t = read_table(f)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 1 MB chunks: a few MB of Python memory at most, never the 12+ MB file (nor its decoded text)
    assert peak < 8_000_000, peak
    with t:
        assert t.encoding == "gb18030"
        with t.reading():
            stats = t.frame.select(pl.len(), pl.col("__line").max(), pl.col("客服工号").last()).collect()
        assert stats.row(0) == (200_000, 200_001, "A199999")


# ---------------------------------------------------------------------------- delimiters and headers


def test_semicolon_file_with_decimal_commas_is_not_read_as_one_column(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("agent;talk_min;csat\nA1;3,5;4\nA2;12,25;5\nA3;7;3\n")
    with read_table(f) as t:
        assert (t.delimiter, t.columns) == (";", ["agent", "talk_min", "csat"])
        assert collect(t)["talk_min"].to_list() == ["3,5", "12,25", "7"]


def test_tab_delimited_with_quoted_fields(tmp_path):
    f = tmp_path / "t.tsv"
    f.write_text('id\tcomment\tagent\n1\t"said ""hi""\tthen left"\tA1\n2\tok\tA2\n')
    with read_table(f) as t:
        assert t.delimiter == "\t"
        assert collect(t)["comment"].to_list() == ['said "hi"\tthen left', "ok"]


def test_title_lines_above_header_and_blank_rows_keep_line_numbers(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text(
        "呼叫明细报表\n"  # 1
        "Report generated 2026-11-01\n"  # 2
        "\n"  # 3
        "呼叫时间,客服工号,通话时长\n"  # 4 header
        "2026-10-01 09:00,  A001 ,125\n"  # 5
        ",,\n"  # 6 fully blank
        "\n"  # 7 blank line
        "2026-10-01 09:05,A002,   \n"  # 8 whitespace-only cell
        "\r\n"  # 9
        '2026-10-01 09:09,"A003",7\n'  # 10
    )
    with read_table(f) as t:
        assert (t.header_line, t.columns) == (4, ["呼叫时间", "客服工号", "通话时长"])
        df = collect(t)
    # A CSV is read as it is, streamed: cells untrimmed, blank rows as all-null rows with their
    # line numbers. Validation trims the columns a mapping reads and counts blank rows as skipped
    # (test_ingest_*), so no column the mapping ignores is ever parsed.
    assert df.rows() == [
        ("2026-10-01 09:00", "  A001 ", "125", 5),
        (None, None, None, 6),
        (None, None, None, 7),
        ("2026-10-01 09:05", "A002", "   ", 8),
        (None, None, None, 9),
        ("2026-10-01 09:09", "A003", "7", 10),
    ]


def test_blank_rows_are_skipped_and_cells_trimmed_at_ingest(tmp_path):
    from toolkit.core.config import load_config
    from toolkit.ingest.pipeline import ingest_files
    from toolkit.ingest.store import scan_store

    (tmp_path / "cxtk.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    f = tmp_path / "calls.csv"
    f.write_text(
        "interaction_id,channel,arrived_at,agent_id\n"
        "C1,email,2026-10-01 09:00:00,  A001 \n"
        ",,,\n"
        "\n"
        "C2,email,2026-10-01 09:05:00,   \n"
    )
    result = ingest_files(load_config(tmp_path / "cxtk.yaml"), "interactions", [f])
    c = result.files[0].counts
    assert (c.read, c.accepted, c.skipped, c.rejected) == (4, 2, 2, 0)
    stored = scan_store(tmp_path / "store", "interactions").sort("interaction_id").collect()
    assert stored["agent_id"].to_list() == ["A001", None]


def test_expected_headers_pick_the_header_over_a_wider_title(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("Centre,North,Month,October\nCall ID,Agent,Wait\n1,A1,20\n2,A2,30\n")
    # the ragged title has 4 fields: the sample check would reject it as data, so it must be above the header
    with read_table(f, expected_headers=["call id", " AGENT "]) as t:
        assert (t.header_line, t.columns) == (2, ["Call ID", "Agent", "Wait"])
        assert collect(t)["__line"].to_list() == [3, 4]


def test_without_expected_headers_the_first_all_text_row_of_modal_width_wins(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("Daily export,,\n2026-11-01,,\nid,agent,wait\n1,A1,20\n2,A2,30\n3,A3,\n")
    # spans: 1, 1, 3, 3, 3, 2 -> modal 3; "id,agent,wait" is the first all-text row of width 3
    with read_table(f) as t:
        assert (t.header_line, t.columns) == (3, ["id", "agent", "wait"])


def test_header_row_forced_and_skips_lines_above(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("a,b\nx,y\n1,2\n")
    with read_table(f, header_row=2) as t:
        assert t.columns == ["x", "y"]
        assert collect(t).rows() == [("1", "2", 3)]
    assert raises(f, header_row=9) == f"{f}: header row 9 is not among the first 3 lines the reader looked at"
    assert raises(f, header_row=0) == f"{f}: header_row must be a 1-based line number (got 0)"


def test_blank_and_repeated_headers_are_named(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("Name,,Name,Name, \n1,2,3,4,5\n")
    with read_table(f) as t:
        assert t.columns == ["Name", "column_2", "Name_2", "Name_3", "column_5"]


def test_header_without_rows_is_an_empty_table(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("title\n\nid,agent\n")
    with read_table(f) as t:
        df = collect(t)
    assert df.shape == (0, 3) and df.columns == ["id", "agent", "__line"]


def test_crlf_line_endings(tmp_path):
    f = write_text(tmp_path / "t.csv", FR_HEADER, FR_ROWS, newline="\r\n")
    with read_table(f) as t:
        assert collect(t).equals(expected_frame(FR_HEADER, FR_ROWS))


# ---------------------------------------------------------------------------- other formats


def make_xlsx(path: Path) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("明细")
    wb.add_worksheet("Summary")
    dfmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.write(0, 0, "呼叫明细报表")  # row 1: title
    ws.write(1, 0, "导出时间 2026-11-01")  # row 2: subtitle; row 3 blank
    ws.write_row(3, 0, ["呼叫时间", "客服工号", "通话时长", "接通时间"])  # row 4: header
    ws.write_datetime(4, 0, dt.datetime(2026, 10, 1, 9, 30, 5), dfmt)  # row 5
    ws.write_string(4, 1, " A001 ")
    ws.write_number(4, 2, 125)
    ws.write_number(4, 3, 46296.396)  # a date kept as a plain serial number
    ws.write_row(6, 0, ["2026-10-02 10:00:00", "A002", 60.5])  # row 7 (row 6 blank)
    wb.close()
    return path


def test_xlsx_title_rows_date_and_number_cells(tmp_path):
    f = make_xlsx(tmp_path / "calls.xlsx")
    with read_table(f, expected_headers=["客服工号"]) as t:
        assert (t.format, t.sheet, t.header_line, t.encoding) == ("xlsx", "明细", 4, None)
        assert t.columns == ["呼叫时间", "客服工号", "通话时长", "接通时间"]
        df = collect(t)
    assert df.rows() == [
        ("2026-10-01 09:30:05", "A001", "125", "46296.396", 5),
        ("2026-10-02 10:00:00", "A002", "60.5", None, 7),
    ]
    with read_table(f) as t:  # the shape heuristic finds the same header
        assert t.header_line == 4


def test_xlsx_sheet_by_name_index_and_missing(tmp_path):
    f = make_xlsx(tmp_path / "calls.xlsx")
    with pytest.raises(InputError) as e:
        read_table(f, sheet="Summary")
    assert str(e.value) == f"{f}: sheet 'Summary' is empty"
    with pytest.raises(InputError) as e:
        read_table(f, sheet="Calls")
    assert str(e.value) == f"{f}: no sheet 'Calls' — the sheets are: '明细', 'Summary'"
    with pytest.raises(InputError) as e:
        read_table(f, sheet=5)
    assert str(e.value) == f"{f}: no sheet number 5 (0-based) — the sheets are: '明细', 'Summary'"
    with read_table(f, sheet=0) as t:
        assert t.sheet == "明细"
    with read_table(f, header_row=2) as t:  # forced: the subtitle becomes the header, row 3 is blank
        assert t.columns == ["导出时间 2026-11-01", "column_2", "column_3", "column_4"]
        assert collect(t)["__line"].to_list() == [4, 5, 7]


def test_parquet_columns_become_text(tmp_path):
    f = tmp_path / "t.parquet"
    pl.DataFrame(
        {
            "id": [1, 2],
            "at": [dt.datetime(2026, 10, 1, 9, 0), dt.datetime(2026, 10, 1, 9, 0, 1, 500000)],
            "day": [dt.date(2026, 10, 1), None],
            "ok": [True, False],
            "name": ["  a ", ""],
        }
    ).write_parquet(f)
    with read_table(f) as t:
        assert (t.format, t.header_line, t.columns) == ("parquet", 0, ["id", "at", "day", "ok", "name"])
        assert collect(t).rows() == [
            ("1", "2026-10-01 09:00:00", "2026-10-01", "true", "a", 1),
            ("2", "2026-10-01 09:00:01.500", None, "false", None, 2),
        ]


def test_jsonl_values_as_text(tmp_path):
    f = tmp_path / "t.jsonl"
    f.write_text(
        json.dumps({"id": 1, "agent": "A1", "csat": 5}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": 2, "agent": "客服", "nps": 9.5}, ensure_ascii=False)
        + "\n"
    )
    with read_table(f) as t:
        assert (t.format, t.encoding, t.columns) == ("jsonl", "utf-8", ["id", "agent", "csat", "nps"])
        assert collect(t).rows() == [("1", "A1", "5", None, 1), ("2", "客服", None, "9.5", 2)]


def test_gzip_and_zip_of_csv_and_xlsx(tmp_path):
    plain = write_text(tmp_path / "calls.csv", ZH_HEADER, ZH_ROWS, encoding="gb18030")
    gz = tmp_path / "calls.csv.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    zp = tmp_path / "calls.zip"
    with zipfile.ZipFile(zp, "w") as z:
        z.write(plain, "export/calls.csv")
        z.writestr("__MACOSX/._calls.csv", b"junk")
    for f in (gz, zp):
        with read_table(f) as t:
            assert (t.path, t.format, t.encoding) == (f, "csv", "gb18030")
            assert collect(t).equals(expected_frame(ZH_HEADER, ZH_ROWS))
            scratch = t._scratch.dir
        assert scratch is not None and not scratch.exists()  # close() removed the temporary copies
    xz = tmp_path / "book.zip"
    with zipfile.ZipFile(xz, "w") as z:
        z.write(make_xlsx(tmp_path / "calls.xlsx"), "calls.xlsx")
    with read_table(xz) as t:
        assert (t.format, t.header_line) == ("xlsx", 4)


# ---------------------------------------------------------------------------- errors


def raises(path, **kw) -> str:
    with pytest.raises(InputError) as e:
        read_table(path, **kw)
    return str(e.value)


def test_missing_and_empty_files(tmp_path):
    assert raises(tmp_path / "nope.csv") == f"{tmp_path / 'nope.csv'}: file not found"
    (tmp_path / "empty.csv").write_bytes(b"")
    assert raises(tmp_path / "empty.csv") == f"{tmp_path / 'empty.csv'}: the file is empty (0 bytes)"
    (tmp_path / "blank.csv").write_text("\n \n\n")
    assert (
        raises(tmp_path / "blank.csv")
        == f"{tmp_path / 'blank.csv'}: the file holds no table (only blank lines)"
    )


def test_not_a_table(tmp_path):
    png = tmp_path / "calls.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert raises(png) == f"{png}: is a PNG image, not a table — check that you picked the right file"
    junk = tmp_path / "junk.csv"
    junk.write_bytes(random.Random(7).randbytes(5000))
    assert raises(junk) == f"{junk}: is binary data, not a table — check that you picked the right file"
    high = tmp_path / "high.csv"  # no NUL byte, not UTF-8/GB18030, nothing charset-normalizer recognises
    high.write_bytes(bytes(random.Random(3).choices(range(0x20, 0x100), k=3000)))
    assert raises(high) == (
        f"{high}: is not a table: binary data or text in an unknown encoding — pass --encoding if it is text"
    )


def test_truncated_archives_and_fake_xlsx(tmp_path):
    data = gzip.compress(("id,agent\n" + "1,A1\n" * 5000).encode())
    gz = tmp_path / "t.csv.gz"
    gz.write_bytes(data[: len(data) // 2])
    assert raises(gz) == f"{gz}: the gzip file is truncated or damaged — download or export it again"
    zp = tmp_path / "t.zip"
    with zipfile.ZipFile(zp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("t.csv", "id,agent\n" + "".join(f"{i},{random.Random(i).random()}\n" for i in range(5000)))
    zp.write_bytes(zp.read_bytes()[:2000])  # the central directory at the end is gone
    assert raises(zp) == f"{zp}: is not a valid zip archive (truncated or damaged?)"
    crc = tmp_path / "crc.zip"
    with zipfile.ZipFile(crc, "w", zipfile.ZIP_STORED) as z:
        z.writestr("t.csv", "id,agent\n" + "1,A1\n" * 500)
    damaged = bytearray(crc.read_bytes())
    damaged[100] ^= 0xFF  # inside the stored member: the central directory still lists it
    crc.write_bytes(bytes(damaged))
    assert raises(crc) == f"{crc}: the zip archive is truncated or damaged — export it again"
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as z:
        z.writestr("a.csv", "x\n1\n")
        z.writestr("b.csv", "x\n2\n")
    assert raises(two) == f"{two}: the zip archive holds 2 files (a.csv, b.csv) — unzip it and read one"
    fake = tmp_path / "t.xlsx"
    fake.write_text("id,agent\n1,A1\n")
    assert raises(fake) == (
        f"{fake}: is not a valid .xlsx workbook (not a zip archive) — was it saved as another format?"
    )


def test_ragged_row_in_the_sample(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("a,b,c\n1,2,3\n4,5\n")
    assert raises(f) == f"{f}: line 3 has 2 fields, the header has 3 — wrong delimiter or a broken export?"


def test_ragged_row_past_the_sample_is_reworded_when_collected(tmp_path):
    f = tmp_path / "t.csv"
    body = "".join(f"{i},A{i:05d},x\n" for i in range(1, 10001))  # ~140 KB, beyond the 64 KB sample
    f.write_text("id,agent,note\n" + body + "10001,A,x,extra\n")
    t = read_table(f)
    with pytest.raises(InputError) as e:
        collect(t)
    assert (
        str(e.value)
        == f"{f}: line 10002 has 4 fields, the header has 3 — wrong delimiter or a broken export?"
    )
