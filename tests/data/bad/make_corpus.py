"""Write the bad-input corpus of ``tests/data/bad/`` (run once; its output is committed).

    /work/main/.venv/bin/python tests/data/bad/make_corpus.py

Each file carries one defect (or one awkward-but-valid form); ``expected.csv`` beside
this script says, by hand, what ``cxtk ingest`` must make of it. Files are tiny on
purpose. Binary fixtures (xlsx, gz, zip, utf-16, parquet) are written here so that
they can be regenerated; text fixtures too, so that every byte is explained.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CANON = ["interaction_id", "channel", "arrived_at", "answered_at", "ended_at", "talk_s", "resolved", "complaint"]
GOOD = [
    ["c1", "phone", "2026-10-01 08:00:00", "2026-10-01 08:00:20", "2026-10-01 08:05:00", "280", "Y", "N"],
    ["c2", "chat", "2026-10-01 09:00:00", "", "2026-10-01 09:01:00", "", "", ""],
]
# cn-acd needs every column it maps (none of them is optional).
CN = ["通话编号", "客户号", "呼叫类型", "技能组", "班组", "客服工号", "客服姓名", "业务类型", "呼叫时间", "接通时间",
      "挂机时间", "排队时长", "通话时长", "保持时长", "话后处理时长", "转接次数", "是否解决", "是否投诉", "满意度"]
SURVEY = ["response_id", "interaction_id", "sent_at", "responded_at", "csat", "nps", "comment"]


def cn_row(call_id: str, name: str = "张三", csat: str = "满意", talk: str = "0:03:25", resolved: str = "是") -> list[str]:
    return [call_id, "13800000000", "呼入", "普通", "一组", "1001", name, "咨询", "2026-10-01 08:00:00",
            "2026-10-01 08:00:15", "2026-10-01 08:04:00", "15", talk, "0", "10", "0", resolved, "否", csat]


def csv_text(header: list[str], rows: list[list[str]], sep: str = ",") -> str:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if (sep in v or '"' in v) else v

    return "".join(sep.join(cell(c) for c in r) + "\n" for r in [header, *rows])


def write(name: str, data: str | bytes, encoding: str = "utf-8") -> None:
    path = HERE / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


def xlsx(name: str, rows: list[list[object]]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(HERE / name))
    ws = wb.add_worksheet("明细")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    wb.close()


def main() -> None:
    good = csv_text(CANON, GOOD)
    # --- encodings (detected, reported) ---
    write("enc_gbk.csv", csv_text(CN, [cn_row("g1"), cn_row("g2", name="李四")]), "gbk")
    # 𠀀 (U+20000) exists in GB18030 only, not in GBK
    write("enc_gb18030.csv", csv_text(CN, [cn_row("h1", name="王𠀀"), cn_row("h2")]), "gb18030")
    write("enc_utf8_bom.csv", "\ufeff" + good)
    write("enc_utf16_excel.txt", "\ufeff" + csv_text(CANON, GOOD, sep="\t"), "utf-16-le")
    write("enc_latin1.csv", csv_text(CANON + ["agent_name"], [GOOD[0] + ["José Müller"], GOOD[1] + ["Zoë"]]),
          "latin-1")
    # --- Excel: title rows and a total row; serial dates ---
    xlsx("excel_title_total.xlsx", [
        ["2026年10月 呼叫明细报表"],
        ["导出时间：2026-11-01"],
        CN,
        cn_row("x1"),
        cn_row("x2"),
        ["合计"] + [None] * 11 + ["0:06:50"],
    ])
    xlsx("excel_serial.xlsx", [
        ["Call ID", "Start", "Answer", "Talk"],
        ["s1", 46296.5, 46296.500231481, 125],  # 2026-10-01 12:00:00, answered 20 s later
        ["s2", 46297.25, None, 0],
        ["s3", "not a date", None, 0],
    ])
    # --- durations ---
    write("dur_hms.csv", csv_text(["Call ID", "Start", "Talk", "Hold"], [
        ["d1", "2026-10-01 08:00:00", "0:03:25", "00:10"],
        ["d2", "2026-10-01 09:00:00", "125:00:00", "01:00"],
        ["d3", "2026-10-01 10:00:00", "3:25", "0"],
        ["d4", "2026-10-01 11:00:00", "abc", "0"],
    ]))
    write("dur_thousands.csv", csv_text(CANON, [GOOD[0][:5] + ["1,250.5", "Y", "N"]]))
    # --- yes/no spellings ---
    for tag, (yes, no) in {"yn": ("Y", "N"), "yesno": ("Yes", "No"), "cn": ("是", "否"), "10": ("1", "0"),
                           "truefalse": ("true", "false")}.items():
        rows = [GOOD[0][:6] + [yes, no], GOOD[1][:6] + [no, yes]]
        write(f"bool_{tag}.csv", csv_text(CANON, rows))
    write("bool_bad.csv", csv_text(CANON, [GOOD[0][:6] + ["maybe", "N"], GOOD[1]]))
    # --- bad values in rows ---
    write("survey_nps11.csv", csv_text(SURVEY, [
        ["r1", "c1", "2026-10-01 08:10:00", "2026-10-01 09:00:00", "5", "11", "great"],
        ["r2", "c2", "2026-10-01 08:10:00", "2026-10-01 09:00:00", "4", "9", ""],
    ]))
    write("survey_csat0.csv", csv_text(SURVEY, [
        ["r1", "c1", "2026-10-01 08:10:00", "", "0", "", ""],
        ["r2", "c2", "2026-10-01 08:10:00", "", "5", "", ""],
        ["r3", "c3", "2026-10-01 08:10:00", "", "6", "", ""],
    ]))
    write("survey_nps_decimal.csv", csv_text(SURVEY, [["r1", "", "2026-10-01 08:10:00", "", "", "8.5", ""]]))
    write("survey_responded_before_sent.csv", csv_text(SURVEY, [
        ["r1", "", "2026-10-02 08:00:00", "2026-10-01 08:00:00", "4", "", ""],
        ["r2", "", "2026-10-02 08:00:00", "2026-10-02 09:00:00", "4", "", ""],
    ]))
    write("neg_duration.csv", csv_text(CANON, [GOOD[0][:5] + ["-5", "Y", "N"], GOOD[1]]))
    write("answered_before_arrival.csv", csv_text(CANON, [
        ["c1", "phone", "2026-10-01 08:00:00", "2026-10-01 07:59:00", "2026-10-01 08:05:00", "280", "Y", "N"],
        GOOD[1],
    ]))
    write("ended_before_arrival.csv", csv_text(CANON, [
        ["c1", "phone", "2026-10-01 08:00:00", "", "2026-10-01 07:00:00", "", "", ""], GOOD[1],
    ]))
    write("bad_date.csv", csv_text(CANON, [
        ["c1", "phone", "2026-13-45 25:00:00", "", "", "", "", ""],
        ["c2", "phone", "yesterday", "", "", "", "", ""],
        GOOD[0],
    ]))
    write("unknown_channel.csv", csv_text(CANON, [GOOD[0], ["c9", "fax", *GOOD[1][2:]]]))
    write("required_empty.csv", csv_text(CANON, [["", *GOOD[0][1:]], GOOD[1]]))
    write("negative_transfers.csv", csv_text(CANON + ["transfers"], [GOOD[0] + ["-1"], GOOD[1] + ["2"]]))
    write("iso_offset.csv", csv_text(CANON, [["c1", "phone", "2026-10-01T08:00:00+08:00", "", "", "", "", ""],
                                             ["c2", "email", "2026-10-01T08:00:00Z", "", "", "", "", ""]]))
    write("cn_unlisted_label.csv", csv_text(CN, [cn_row("u1"), cn_row("u2", csat="很好")]))
    # --- duplicates ---
    write("dup_within.csv", csv_text(CANON, [GOOD[0], GOOD[1], GOOD[0]]))
    write("id_conflict.csv", csv_text(CANON, [GOOD[0], GOOD[1], ["c1", *GOOD[0][1:5], "300", "Y", "N"]]))
    # --- values out of range (issue 10 item 7, issue 11 item 9) ---
    write("nonfinite.csv", csv_text(CANON, [GOOD[0][:5] + ["inf", "Y", "N"], GOOD[1]]))
    write("date_9999.csv", csv_text(CANON, [["c1", "phone", "9999-12-31 23:00:00", "9999-12-31 23:00:10", "", "5",
                                             "", ""], GOOD[1]]))
    write("no_answer_signal.csv", csv_text(["interaction_id", "channel", "arrived_at"],
                                           [["c1", "phone", "2026-10-01 08:00:00"],
                                            ["c2", "email", "2026-10-01 09:00:00"]]))
    write("dup_across_a.csv", good)
    write("dup_across_b.csv", csv_text(CANON, [GOOD[1], ["c3", "email", "2026-10-03 10:00:00", "", "", "", "", ""]]))
    # --- skipped rows (keep:, skip_rows) ---
    write("keep_skip.csv", csv_text(["Call ID", "Start", "Outcome"], [
        ["k1", "2026-10-01 08:00:00", "Handled"],
        ["k2", "2026-10-01 08:01:00", "Test"],
        ["k3", "2026-10-01 08:02:00", "Lost"],
        ["Total", "", ""],
    ]))
    # --- files that are not usable as a whole ---
    write("empty.csv", b"")
    write("header_only.csv", ",".join(CANON) + "\n")
    write("blank_lines.csv", "\n\n\n")
    write("junk_binary.csv", bytes(range(256)) * 4)
    write("png_renamed.csv", b"\x89PNG\r\n\x1a\n" + bytes(64))
    write("pdf_renamed.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    write("truncated.csv.gz", gzip.compress(good.encode())[:-12])
    write("not_gzip.csv.gz", good)
    write("damaged.xlsx", b"PK\x03\x04" + bytes(40))
    write("wrong_delimiter.csv", ",".join(CANON) + "\n" + ";".join(GOOD[0]) + "\n")
    write("ragged.csv", good + "c3,phone,2026-10-01 10:00:00,,,,,,extra,cells\n")
    write("prose.txt", "Dear team,\nplease find the calls attached.\nRegards\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("calls.csv", good)
    write("zipped.csv.zip", buf.getvalue()[:-30])  # truncated archive
    write("good.csv.gz", gzip.compress(good.encode(), mtime=0))
    # --- missing column / wrong dataset ---
    write("missing_column.csv", csv_text([h if h != "呼叫时间" else "呼叫时刻" for h in CN], [cn_row("m1")]))
    write("missing_required_canonical.csv", csv_text(["interaction_id", "channel", "answered_at"],
                                                     [["c1", "phone", "2026-10-01 08:00:00"]]))
    write("survey_to_interactions.csv", csv_text(SURVEY, [["r1", "c1", "2026-10-01 08:10:00", "", "5", "", ""]]))
    # --- text that must stay text ---
    write("formula_text.csv", csv_text(SURVEY, [
        ["f1", "c1", "2026-10-01 08:10:00", "", "5", "", '=HYPERLINK("http://evil.example","click")'],
        ["f2", "c2", "2026-10-01 08:10:00", "", "4", "", "+1"],
        ["f3", "c3", "2026-10-01 08:10:00", "", "3", "", "@SUM(A1:A9)"],
        ["f4", "c4", "2026-10-01 08:10:00", "", "=1+1", "", "-2 bad score"],
        ["=cmd|' /C calc'!A0", "c5", "2026-10-01 08:10:00", "", "", "@SUM(A1)", "x"],
    ]))
    write("html_comment.csv", csv_text(SURVEY, [
        ["h1", "c1", "2026-10-01 08:10:00", "", "1", "0", "<script>alert('x')</script><b>bad</b>"],
        ["h2", "c2", "2026-10-01 08:10:00", "", "5", "10", '<img src="http://evil.example/x.png">'],
    ]))
    # --- other formats that are fine ---
    write("lines.jsonl", "".join(json.dumps(dict(zip(CANON, r)), ensure_ascii=False) + "\n" for r in GOOD))
    write("semicolon.csv", csv_text(CANON, GOOD, sep=";"))
    # --- issue 11, item 10: what once gave a traceback, a silent 0 or mojibake ---
    write("unclosed_quote.csv", good + 'c3,phone,"2026-10-01 10:00:00,,,,,\nc4,chat,2026-10-01 11:00:00,,,,,\n')
    write("cr_only.csv", good.replace("\n", "\r"))
    write("mixed_gbk_row.csv", (",".join(CANON + ["team"]) + "\n").encode()
          + "".join(",".join([*r, "客服一组"]) + "\n" for r in GOOD).encode()
          + (",".join(["c3", "phone", "2026-10-01 10:00:00", "", "", "", "", "", "客服二组"]) + "\n").encode("gbk"))
    write("blank_after_header.csv", ",".join(CANON) + "\n\n" + "".join(",".join(r) + "\n" for r in GOOD))
    write("long_first_line.jsonl", json.dumps({**dict(zip(CANON, GOOD[0])), "note": "x" * 70_000}) + "\n")


if __name__ == "__main__":
    main()
