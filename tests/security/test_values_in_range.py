"""Bad values are rejected, not absorbed (issue 10 item 7, issue 11 item 9).

Non-finite numbers, dates outside 1970–2100 (a 9999-12-31 went in and every later command died
with OverflowError), Excel serials far out of range (one of them failed the whole file), a local
time skipped by a spring-forward change, and a column mixing local times with offset instants.
"""

from __future__ import annotations

import csv
import json

import pytest
from helpers_ingest import assert_balanced, make_workspace, store_frame

HEADER = ["interaction_id", "channel", "arrived_at", "answered_at", "talk_s"]


def _ingest(cli, tmp_path, rows, config="timezone: UTC\n", header=HEADER, mapping=None):  # type: ignore[no-untyped-def]
    ws = make_workspace(tmp_path / "ws", config)
    f = tmp_path / "calls.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    args = ["--config", ws / "cxtk.yaml", "ingest", "interactions", f, "--format", "json"]
    if mapping:
        (tmp_path / "m.yaml").write_text(mapping, encoding="utf-8")
        args += ["--mapping", tmp_path / "m.yaml"]
    r = cli(*args)
    assert r.code == 0, r.err
    file = json.loads(r.out)["files"][0]
    assert_balanced(file)
    rejects = []
    if file["rejects_file"]:
        with open(file["rejects_file"], encoding="utf-8") as fh:
            rejects = [(x["line"], x["field"], x["value"], x["reason"]) for x in csv.DictReader(fh)]
    return ws, file, rejects


@pytest.mark.parametrize("text", ["inf", "NaN", "1e309", "-inf"])
def test_non_finite_numbers_are_rejected(cli, tmp_path, text):
    ws, file, rejects = _ingest(cli, tmp_path, [
        ["a", "phone", "2026-10-01 08:00:00", "2026-10-01 08:00:10", "100"],
        ["b", "phone", "2026-10-01 09:00:00", "2026-10-01 09:00:10", text],
    ])
    assert (file["accepted"], file["rejected"]) == (1, 1)
    shown = "'" + text if text.startswith("-") else text  # the rejects CSV neutralises formula-like cells
    assert rejects == [("3", "talk_s", shown, f"'{text}' is not a finite number")]


def test_dates_outside_1970_to_2100_are_rejected_and_commands_keep_working(cli, tmp_path):
    ws, file, rejects = _ingest(cli, tmp_path, [
        ["a", "phone", "2026-10-01 08:00:00", "2026-10-01 08:00:10", "100"],
        ["b", "phone", "9999-12-31 23:00:00", "9999-12-31 23:00:10", "100"],
        ["c", "phone", "1969-12-31 23:00:00", "", "0"],
    ])
    assert (file["accepted"], file["rejected"]) == (1, 2)
    assert rejects == [("3", "arrived_at", "9999-12-31 23:00:00", "date '9999-12-31 23:00:00' is outside 1970–2100"),
                       ("4", "arrived_at", "1969-12-31 23:00:00", "date '1969-12-31 23:00:00' is outside 1970–2100")]
    r = cli("--config", ws / "cxtk.yaml", "kpi", "--period", "2026-10", "--kpi", "contacts", "--format", "json")
    assert json.loads(r.out)["groups"][0]["kpis"]["contacts"]["value"] == 1


@pytest.mark.parametrize("period", ["9999", "9999-12", "1900-Q1"])
def test_a_period_outside_the_years_read_is_one_line(cli, tmp_path, period):
    ws = make_workspace(tmp_path / "ws")
    r = cli("--config", ws / "cxtk.yaml", "kpi", "--period", period)
    assert (r.code, r.err) == (1, f"Error: period '{period}' is outside 1970–2100, the years cxtk reads\n")


def test_one_bad_excel_serial_is_rejected_alone(cli, tmp_path):
    mapping = ("name: s\ndataset: interactions\nconstants: {channel: email}\n"
               "fields: {interaction_id: ID, arrived_at: {column: When, excel_serial: true}}\n")
    ws, file, rejects = _ingest(cli, tmp_path, [["a", "46296.5"], ["b", "1e20"], ["c", "2958465"]],
                                header=["ID", "When"], mapping=mapping)
    # 46296.5 is 2026-10-01 12:00; 1e20 is no date at all; 2958465 is 9999-12-31
    assert (file["accepted"], file["rejected"]) == (1, 2)
    assert [r[3] for r in rejects] == ["'1e20' is not an Excel serial date",
                                       "Excel serial 2958465 is a date outside 1970–2100"]
    assert str(store_frame(ws)["arrived_at"][0]) == "2026-10-01 12:00:00+00:00"


def test_a_time_skipped_by_the_clocks_is_named_as_such(cli, tmp_path):
    """Berlin, 29 March 2026: 02:00 became 03:00, so 02:30 never happened there."""
    ws, file, rejects = _ingest(cli, tmp_path, [
        ["a", "email", "2026-03-29 01:30:00", "", ""],
        ["b", "email", "2026-03-29 02:30:00", "", ""],
    ], config="timezone: Europe/Berlin\n")
    assert rejects == [("3", "arrived_at", "2026-03-29 02:30:00",
                        "'2026-03-29 02:30:00' does not exist in Europe/Berlin (the clocks went forward)")]


def test_a_column_mixing_local_times_and_offsets_is_read_row_by_row(cli, tmp_path):
    ws, file, rejects = _ingest(cli, tmp_path, [
        ["a", "email", "2026-10-01 08:00:00", "", ""],
        ["b", "email", "2026-10-01T08:00:00+08:00", "", ""],
    ], config="timezone: Asia/Shanghai\n")
    assert (file["accepted"], file["rejected"]) == (2, 0)
    got = [str(t) for t in store_frame(ws)["arrived_at"]]
    assert got == ["2026-10-01 08:00:00+08:00", "2026-10-01 08:00:00+08:00"]
