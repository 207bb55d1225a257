"""Ids are never merged silently (issue 10, item 3; data.md "Bad input").

A real call log repeats call_id once per VRU line: half the calls were counted as duplicates
and dropped. Now rows of one file sharing an id but not their content are all rejected, each
naming another line of its id, and the summary says the id is not unique; `latest_by` keeps
the latest version of an at-least-once feed.
"""

from __future__ import annotations

import csv
import json

from helpers_ingest import assert_balanced, make_workspace, store_frame

HEADER = ["interaction_id", "channel", "arrived_at", "answered_at", "talk_s"]


def _csv(path, rows, header=HEADER):  # type: ignore[no-untyped-def]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_same_id_different_content_is_rejected_naming_the_other_line(cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    f = _csv(tmp_path / "calls.csv", [
        ["c1", "phone", "2026-10-01 08:00:00", "2026-10-01 08:00:10", "100"],   # line 2
        ["c2", "phone", "2026-10-01 09:00:00", "2026-10-01 09:00:05", "50"],    # line 3: c2, first version
        ["c2", "phone", "2026-10-01 09:30:00", "2026-10-01 09:30:09", "70"],    # line 4: c2, another call
        ["c1", "phone", "2026-10-01 08:00:00", "2026-10-01 08:00:10", "100"],   # line 5: c1 again, identical
    ])
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f, "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    file = out["files"][0]
    assert_balanced(file)
    assert (file["read"], file["accepted"], file["rejected"], file["duplicate"]) == (4, 1, 2, 1)
    assert file["notes"][0].startswith("'interaction_id' is not unique in this file: 1 id(s) repeat with different "
                                       "values and were rejected; if the id needs a second column, map it as "
                                       "interaction_id: {columns: [A, B]}")
    assert store_frame(ws)["interaction_id"].to_list() == ["c1"]
    with open(file["rejects_file"], encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    assert [(x["line"], x["id"], x["field"], x["reason"]) for x in rejects] == [
        ("3", "c2", "interaction_id", "id c2 repeats with different values (also line 4)"),
        ("4", "c2", "interaction_id", "id c2 repeats with different values (also line 3)"),
    ]


def test_the_summary_says_the_id_is_not_unique(cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    f = _csv(tmp_path / "calls.csv", [["c2", "phone", "2026-10-01 09:00:00", "2026-10-01 09:00:05", "50"],
                                      ["c2", "phone", "2026-10-01 09:30:00", "2026-10-01 09:30:09", "70"]])
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f)
    assert r.code == 0
    assert "'interaction_id' is not unique in this file" in " ".join(r.out.split())


def test_latest_by_keeps_the_latest_version_and_counts_the_others_as_duplicates(cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    f = _csv(tmp_path / "feed.csv", [
        ["ID", "Start", "Answered", "Talk", "Updated"],
        ["a", "2026-10-01 08:00:00", "", "", "2026-10-01T08:00:05Z"],                  # still queued
        ["a", "2026-10-01 08:00:00", "2026-10-01 08:00:30", "120", "2026-10-01T08:03:00Z"],  # final
        ["a", "2026-10-01 08:00:00", "2026-10-01 08:00:30", "", "2026-10-01T08:00:31Z"],    # answered, late in file
        ["b", "2026-10-01 09:00:00", "2026-10-01 09:00:10", "60", "2026-10-01T09:02:00Z"],
    ][1:], header=["ID", "Start", "Answered", "Talk", "Updated"])
    m = tmp_path / "m.yaml"
    m.write_text("name: feed\ndataset: interactions\nconstants: {channel: phone}\nlatest_by: Updated\n"
                 "fields: {interaction_id: ID, arrived_at: Start, answered_at: Answered, talk_s: Talk}\n",
                 encoding="utf-8")
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f, "--mapping", m, "--format", "json")
    assert r.code == 0, r.err
    file = json.loads(r.out)["files"][0]
    assert (file["read"], file["accepted"], file["rejected"], file["duplicate"]) == (4, 2, 0, 2)
    s = store_frame(ws)
    assert s["interaction_id"].to_list() == ["a", "b"] and s["talk_s"].to_list() == [120.0, 60.0]
