"""Absent is null, never 0 (issue 10, item 1): what the export does not have is not a number.

A call export with arrival, answer and talk time only: no transfers, complaint, hold,
ACW or IVR columns. Worked by hand:
  c1 answered after 10 s, talk 100;  c2 answered after 30 s, talk 200;  c3 abandoned after 40 s.
  asa_s = (10 + 30) / 2 = 20;  aht_s = (100 + 200) / 2 = 150 (talk alone);
  transfer_rate, complaint_rate, avg_hold_s, avg_acw_s, self_service_rate: null, the note naming the field.
"""

from __future__ import annotations

import json

from helpers_ingest import make_workspace, store_frame, write_csv

HEADER = ["interaction_id", "channel", "arrived_at", "answered_at", "ended_at", "talk_s"]
ROWS = [
    ["c1", "phone", "2026-10-01 08:00:00", "2026-10-01 08:00:10", "2026-10-01 08:02:00", "100"],
    ["c2", "phone", "2026-10-01 09:00:00", "2026-10-01 09:00:30", "2026-10-01 09:04:00", "200"],
    ["c3", "phone", "2026-10-01 10:00:00", "", "2026-10-01 10:00:40", ""],
]
TARGETS = """timezone: UTC
targets:
  asa_s: {target: 30, weight: 1}
  complaint_rate: {target: 0.02, weight: 1}
  transfer_rate: {target: 0.1, weight: 1}
"""
ABSENT = {"transfer_rate": "transfers", "complaint_rate": "complaint", "avg_hold_s": "hold_s",
          "avg_acw_s": "acw_s"}


def _kpis(cli, ws, *extra):  # type: ignore[no-untyped-def]
    r = cli("--config", ws / "cxtk.yaml", "kpi", "--period", "2026-10", "--format", "json", *extra)
    assert r.code == 0, r.err
    return json.loads(r.out)["groups"][0]


def test_unmapped_fields_are_null_in_the_store(cli, tmp_path):
    ws = make_workspace(tmp_path / "ws", TARGETS)
    f = write_csv(tmp_path / "calls.csv", HEADER, ROWS)
    assert cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f).code == 0
    stored = store_frame(ws)
    for field in ("transfers", "complaint", "hold_s", "acw_s", "contained"):
        assert stored[field].null_count() == 3, field


def test_kpis_without_their_field_are_null_with_a_note_naming_it(cli, tmp_path):
    ws = make_workspace(tmp_path / "ws", TARGETS)
    assert cli("--config", ws / "cxtk.yaml", "ingest", "interactions", write_csv(tmp_path / "c.csv", HEADER, ROWS)).code == 0
    g = _kpis(cli, ws)
    assert g["kpis"]["asa_s"]["value"] == 20.0 and g["kpis"]["aht_s"]["value"] == 150.0
    for kpi, field in ABSENT.items():
        v = g["kpis"][kpi]
        assert v["value"] is None, kpi
        assert "none with a" in v["note"] and f"({field})" in v["note"], (kpi, v["note"])
    assert g["kpis"]["self_service_rate"]["value"] is None
    # the unmet-or-met question is not asked of a null KPI: the complaint target is not "met"
    assert g["kpis"]["complaint_rate"]["met"] is None and g["kpis"]["transfer_rate"]["met"] is None


def test_a_null_kpi_leaves_the_composite(cli, tmp_path):
    """Only asa_s has a value: ASA 20 s against 30 s is met, so the score is asa's alone."""
    ws = make_workspace(tmp_path / "ws", TARGETS)
    assert cli("--config", ws / "cxtk.yaml", "ingest", "interactions", write_csv(tmp_path / "c.csv", HEADER, ROWS)).code == 0
    alone = make_workspace(tmp_path / "alone", "timezone: UTC\ntargets:\n  asa_s: {target: 30, weight: 1}\n")
    assert cli("--config", alone / "cxtk.yaml", "ingest", "interactions", tmp_path / "c.csv").code == 0
    assert _kpis(cli, ws)["score"] == _kpis(cli, alone)["score"] is not None


def test_no_wait_known_gives_null_service_level_and_asa(cli, tmp_path):
    """An export with no answer time and no wait column: answered from talk time, wait unknown."""
    ws = make_workspace(tmp_path / "ws")
    f = write_csv(tmp_path / "c.csv", ["interaction_id", "channel", "arrived_at", "talk_s"],
                  [["a", "phone", "2026-10-01 08:00:00", "120"], ["b", "phone", "2026-10-01 09:00:00", "60"]])
    assert cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f).code == 0
    g = _kpis(cli, ws, "--kpi", "service_level,asa_s,answered")
    assert g["kpis"]["answered"]["value"] == 2  # talk_s > 0 says answered
    assert g["kpis"]["service_level"]["value"] is None and g["kpis"]["asa_s"]["value"] is None
    assert g["kpis"]["service_level"]["note"] == "2 offered contacts, none with a wait time (wait_s or answered_at)"
    assert g["kpis"]["asa_s"]["note"] == "2 answered contacts, none with a wait time (wait_s or answered_at)"


def test_a_mapping_default_fills_blank_cells_of_a_mapped_column(tmp_path):
    from helpers_ingest import config_of

    from toolkit.ingest.mapping import parse_mapping
    from toolkit.ingest.pipeline import ingest_files

    ws = make_workspace(tmp_path / "ws")
    f = write_csv(tmp_path / "c.csv", ["ID", "Start", "Transfers"],
                  [["a", "2026-10-01 08:00:00", "2"], ["b", "2026-10-01 09:00:00", ""]])
    m = parse_mapping({"name": "t", "dataset": "interactions", "constants": {"channel": "email"},
                       "fields": {"interaction_id": "ID", "arrived_at": "Start",
                                  "transfers": {"column": "Transfers", "default": 0}}}, "t.yaml")
    ingest_files(config_of(ws), "interactions", [f], mapping=m)
    assert store_frame(ws)["transfers"].to_list() == [2, 0]


def test_a_phone_export_with_no_answered_signal_is_refused(cli, tmp_path):
    """Issue 10, item 2: every call used to become abandoned (abandonment 100 %)."""
    ws = make_workspace(tmp_path / "ws")
    f = write_csv(tmp_path / "c.csv", ["ID", "Start"], [["a", "2026-10-01 08:00:00"], ["b", "2026-10-01 09:00:00"]])
    m = tmp_path / "m.yaml"
    m.write_text("name: calls\ndataset: interactions\nconstants: {channel: phone}\n"
                 "fields: {interaction_id: ID, arrived_at: Start}\n", encoding="utf-8")
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f, "--mapping", m)
    assert r.code == 1
    assert r.err == (f"Error: {f}: mapping 'calls' says every row is a phone contact but maps none of answered, "
                     "answered_at, talk_s: it cannot tell answered from abandoned; map one of them\n")
    assert store_frame(ws) is None


def test_phone_rows_of_a_mixed_export_without_an_answered_signal_are_rejected_not_guessed(cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    f = write_csv(tmp_path / "c.csv", ["interaction_id", "channel", "arrived_at"],
                  [["a", "phone", "2026-10-01 08:00:00"], ["b", "email", "2026-10-01 09:00:00"]])
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f, "--format", "json")
    counts = json.loads(r.out)
    assert (counts["accepted"], counts["rejected"]) == (1, 1)
    assert store_frame(ws)["interaction_id"].to_list() == ["b"]
    rejects = next((ws / "rejects").iterdir()).read_text(encoding="utf-8")
    assert "a phone contact, but the mapping maps none of answered, answered_at, talk_s" in rejects


def test_talk_time_says_answered_and_abandon_flags_alone_say_not_abandoned(tmp_path):
    from helpers_ingest import config_of

    from toolkit.ingest.mapping import parse_mapping
    from toolkit.ingest.pipeline import ingest_files

    ws = make_workspace(tmp_path / "ws")
    f = write_csv(tmp_path / "c.csv", ["ID", "Start", "Lost"],
                  [["a", "2026-10-01 08:00:00", "N"], ["b", "2026-10-01 09:00:00", "Y"]])
    m = parse_mapping({"name": "t", "dataset": "interactions", "constants": {"channel": "phone"},
                       "fields": {"interaction_id": "ID", "arrived_at": "Start", "abandoned": "Lost"}}, "t.yaml")
    ingest_files(config_of(ws), "interactions", [f], mapping=m)
    s = store_frame(ws)
    assert s["answered"].to_list() == [True, False] and s["abandoned"].to_list() == [False, True]
