"""Every remaining traceback becomes a one-line error (issue 11, item 10).

Each test writes the hostile file or state of the sweep — an unclosed quote, a GBK row in a UTF-8
file, bare-CR line ends, ``--by team,team``, a FIFO, an empty baseline — and asserts the outcome:
one line naming the file, the line and the field (or the rows read correctly), nothing stored when
the file is refused. The read-only store, --html to a read-only folder and the full disk are in
test_atomic_outputs.py and test_damaged_store.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from bounded import one_line
from helpers_fs import cxtk_env
from helpers_ingest import make_workspace, store_frame, store_rows

HEADER = "interaction_id,channel,team,arrived_at,answered_at,ended_at,talk_s,resolved,complaint\n"


def row(i: int, team: str = "客服一组", day: int = 1) -> str:
    return (f"c{i},phone,{team},2026-10-{day:02d} 08:{i % 60:02d}:00,2026-10-{day:02d} 08:{i % 60:02d}:20,"
            f"2026-10-{day:02d} 08:{i % 60:02d}:50,30,Y,N\n")


def rows(n: int, start: int = 1) -> str:
    return "".join(row(i) for i in range(start, start + n))


@pytest.fixture
def ws(tmp_path, monkeypatch):
    ws = make_workspace(tmp_path / "ws")
    monkeypatch.chdir(ws)
    return ws


def refused(cli, ws, name: str, *extra: str) -> str:
    """``cxtk ingest interactions NAME`` and ``kpi --input NAME``: both exit 1 with the same one line; nothing stored."""
    r = cli("ingest", "interactions", name, *extra)
    assert r.code == 1, r.out + r.err
    line = one_line(r.err)
    assert store_rows(ws) == 0
    k = cli("kpi", "--period", "2026-10", "--input", name)
    assert k.code == 1 and one_line(k.err) == line
    return line


# --- an unclosed quote -----------------------------------------------------------------------------


def test_an_unclosed_quote_in_a_small_file_names_its_line_and_field(cli, ws):
    """Was: a Polars traceback ("CSV malformed: expected 0 rows, actual 1 rows")."""
    (ws / "calls.csv").write_text(HEADER + rows(2) + 'c3,phone,A,2026-10-01 09:00:00,,,,N,"oops\n' + rows(1, 4),
                                  encoding="utf-8")
    assert refused(cli, ws, "calls.csv") == (
        "Error: calls.csv: line 4: the quote that opens field 'complaint' is never closed, so the rest of the file "
        "would be one cell — close the quote or export the file again"
    )


def test_a_quote_opened_in_the_first_64_kb_of_a_large_file_and_never_closed_is_named(cli, ws):
    """The sample ends inside the cell: the file is read on from that line to see the quote never closes."""
    (ws / "calls.csv").write_text(HEADER + rows(2) + 'c3,phone,"A,2026-10-01 09:00:00,,,,N,N\n' + rows(20_000, 4),
                                  encoding="utf-8")
    assert (ws / "calls.csv").stat().st_size > 1 << 20
    assert refused(cli, ws, "calls.csv") == (
        "Error: calls.csv: line 4: the quote that opens field 'team' is never closed, so the rest of the file "
        "would be one cell — close the quote or export the file again"
    )


def test_a_quote_that_swallows_lines_up_to_a_stray_quote_is_named_not_called_ragged(cli, ws):
    """Was: "line 4 has 4 fields, the header has 9" — true of the parse, not of the file."""
    (ws / "calls.csv").write_text(HEADER + rows(2) + 'c3,phone,"A,2026-10-01 09:00:00,,,,N,N\n' + rows(2, 4)
                                  + 'c6,phone,A",2026-10-01 09:00:00,,,,N,N\n', encoding="utf-8")
    assert refused(cli, ws, "calls.csv") == (
        "Error: calls.csv: line 4: the quote that opens field 'team' runs on to line 7, taking the lines between "
        "into one cell — an unclosed quote? Close it or export the file again"
    )


def test_an_unclosed_quote_after_the_first_64_kb_is_named_too(cli, ws):
    (ws / "calls.csv").write_text(HEADER + rows(2000) + 'c9,phone,A,"2026-10-01 09:00:00,,,,N,N\n' + rows(500, 3000),
                                  encoding="utf-8")
    assert refused(cli, ws, "calls.csv") == (
        "Error: calls.csv: line 2002: the quote that opens field 'arrived_at' is never closed, so the rest of the "
        "file would be one cell — close the quote or export the file again"
    )


# --- a GBK row in a UTF-8 file ------------------------------------------------------------------------

MIXED = ("Error: calls.csv: line {} is not valid UTF-8 text, although other lines are UTF-8; the file mixes "
         "encodings: re-export it as UTF-8")


def test_a_gbk_row_inside_the_first_64_kb_is_refused_never_read_as_mac_cyrillic(cli, ws):
    """Was: the sample failed UTF-8, charset-normalizer said mac-cyrillic, and 11 rows of mojibake were stored."""
    (ws / "calls.csv").write_bytes(HEADER.encode() + rows(3).encode() + row(9, "客服二组").encode("gbk")
                                   + rows(7, 4).encode())
    assert refused(cli, ws, "calls.csv") == MIXED.format(5)
    r = cli("ingest", "interactions", "calls.csv", "--encoding", "utf-8")  # said outright, the same answer
    assert r.code == 1 and one_line(r.err) == MIXED.format(5)


def test_a_gbk_row_after_the_first_64_kb_is_refused_naming_its_line(cli, ws):
    """Was: a Polars traceback ("invalid utf-8 sequence")."""
    (ws / "calls.csv").write_bytes(HEADER.encode() + rows(2000).encode() + row(9, "客服二组").encode("gbk")
                                   + rows(10, 3000).encode())
    assert refused(cli, ws, "calls.csv") == MIXED.format(2002)


def test_a_gbk_row_in_a_utf8_file_with_a_bom_is_refused_too(cli, ws):
    (ws / "calls.csv").write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + rows(3).encode()
                                   + row(9, "客服二组").encode("gbk"))
    assert refused(cli, ws, "calls.csv") == MIXED.format(5)


def test_a_whole_gbk_file_is_still_read_as_gb18030(cli, ws):
    (ws / "calls.csv").write_bytes((HEADER + rows(5)).encode("gbk"))
    r = cli("ingest", "interactions", "calls.csv", "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["files"][0]["encoding"] == "gb18030"
    assert set(store_frame(ws)["team"]) == {"客服一组"}


# --- bare CR line ends ------------------------------------------------------------------------------


def test_cr_only_line_ends_are_read_as_lines(cli, ws):
    """Was: 0 rows read, and nothing said."""
    (ws / "calls.csv").write_text((HEADER + rows(3)).replace("\n", "\r"), encoding="utf-8", newline="")
    (ws / "lf.csv").write_text(HEADER + rows(3), encoding="utf-8")
    r = cli("ingest", "interactions", "calls.csv", "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["accepted"] == 3
    assert store_rows(ws) == 3
    assert cli("kpi", "--period", "2026-10", "--input", "calls.csv", "--format", "json").out == \
        cli("kpi", "--period", "2026-10", "--input", "lf.csv", "--format", "json").out


def test_cr_only_files_larger_than_the_sample_keep_their_line_numbers(cli, ws):
    text = HEADER + rows(3000) + "c9,fax,A,2026-10-01 09:00:00,,,,N,N\n" + rows(10, 5000)
    (ws / "calls.csv").write_text(text.replace("\n", "\r"), encoding="utf-8", newline="")
    r = cli("ingest", "interactions", "calls.csv", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert (data["read"], data["accepted"], data["rejected"]) == (3011, 3010, 1)
    (rejects,) = (ws / "rejects").glob("calls.*.rejects.csv")
    assert "3002,c9,channel" in rejects.read_text(encoding="utf-8").replace('"', "")


# --- --by team,team ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ("kpi", "--period", "2026-10", "--by", "team,team"),
    ("kpi", "--period", "2026-10", "--kpi", "asa_s,asa_s"),
    ("compare", "--period", "2026-10", "--by", "team, team"),
    ("survey", "summary", "--period", "2026-10", "--by", "team,team"),
    ("qa", "summary", "--period", "2026-10", "--by", "team,team"),
    ("qa", "sample", "--period", "2026-10", "--size", "5", "--out", "s.xlsx", "--stratify", "team,team"),
], ids=lambda c: " ".join(c[:1] + c[-2:]))
def test_a_field_given_twice_is_a_usage_error(cli, ws, command):
    """Was: a Polars DuplicateError traceback ("group_by keys contained duplicate output name 'team'")."""
    (ws / "calls.csv").write_text(HEADER + rows(3), encoding="utf-8")
    assert cli("ingest", "interactions", "calls.csv").code == 0
    r = cli(*command)
    assert r.code == 2
    assert "Traceback" not in r.out + r.err
    name = command[-1].split(",")[0].strip()
    said = " ".join(re.sub("[│╭╮╰╯─]", " ", r.err).split())  # the usage box, unwrapped
    assert f"'{name}' is given twice in '{command[-1]}'; name each one once" in said


def test_the_library_refuses_a_repeated_group_field_too(ws):
    from toolkit.core.config import load_config
    from toolkit.core.errors import CxtkError
    from toolkit.core.periods import parse_period
    from toolkit.kpis.compute import compute_kpis

    with pytest.raises(CxtkError, match="'team' is given twice to group by; name each field once"):
        compute_kpis({}, parse_period("2026-10"), by=["team", "team"], config=load_config(ws / "cxtk.yaml"))


# --- a FIFO as input ----------------------------------------------------------------------------------

FIFO = "is a named pipe (FIFO), not a file: save the {} to a file and give that"


@pytest.mark.parametrize("command", [
    ("ingest", "interactions", "calls.csv"),
    ("kpi", "--period", "2026-10", "--input", "calls.csv"),
    ("mapping", "suggest", "calls.csv"),
    ("--config", "calls.csv", "kpi", "--period", "2026-10"),
], ids=lambda c: " ".join(c[:2]))
def test_a_fifo_is_refused_at_once_not_waited_on(ws, command):
    """Was: cxtk waited forever for a writer. Run in a subprocess: a hang is a timeout, not a stuck suite."""
    os.mkfifo(ws / "calls.csv")
    done = subprocess.run([sys.executable, "-m", "toolkit", *command], cwd=ws, env=cxtk_env(), capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 1
    what = "config" if command[0] == "--config" else "export"
    assert one_line(done.stderr) == "Error: calls.csv: " + FIFO.format(what)


def test_a_device_is_refused_too(ws, cli):
    r = cli("ingest", "interactions", "/dev/zero")
    assert r.code == 1
    assert one_line(r.err) == "Error: /dev/zero: is a device, not a file: save the export to a file and give that"


# --- an empty baseline -------------------------------------------------------------------------------


def test_compare_against_an_empty_last_year_shows_no_change_with_a_note(cli, ws):
    """Was: +25,485 contacts printed as a change against a baseline year with no data at all."""
    (ws / "calls.csv").write_text(HEADER + rows(25), encoding="utf-8")
    assert cli("ingest", "interactions", "calls.csv").code == 0
    r = cli("compare", "--period", "2026-10", "--against", "last-year", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["baseline_period"]["label"] == "2025-10"
    contacts = data["groups"][0]["kpis"]["contacts"]
    assert contacts["value"] == 25
    assert (contacts["baseline"], contacts["change"], contacts["direction"]) == (None, None, None)
    assert all(k["change"] is None for k in data["groups"][0]["kpis"].values())
    assert data["notes"] == ["no data for 2025-10 in the store: there is no baseline, so no change is shown"]
    table = cli("compare", "--period", "2026-10", "--against", "last-year")
    assert "+25" not in table.out
    assert table.err.strip() == "no data for 2025-10 in the store: there is no baseline, so no change is shown"


def test_compare_against_a_previous_month_with_data_still_shows_the_change(cli, ws):
    sept = "".join(row(i, day=2).replace("2026-10-", "2026-09-") for i in range(100, 110))
    (ws / "calls.csv").write_text(HEADER + rows(25) + sept, encoding="utf-8")
    assert cli("ingest", "interactions", "calls.csv").code == 0
    data = json.loads(cli("compare", "--period", "2026-10", "--against", "previous", "--format", "json").out)
    contacts = data["groups"][0]["kpis"]["contacts"]
    assert (contacts["value"], contacts["baseline"], contacts["change"]) == (25, 10, 15)
    assert data["notes"] == []
