"""Built-in mappings of real platforms (issue 13, first slice; docs/platforms.md).

Each fixture of tests/data/platforms/ (written by make_fixtures.py in the platform's shape) goes in
with no --mapping: the mapping is chosen by its headers, the accounting balances, and the KPIs equal
the values worked by hand below. Workspaces are in UTC (七陌 in Asia/Shanghai), period 2026-10;
short abandons are waits under 5 s, the service level threshold is 20 s.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from helpers_ingest import assert_balanced, make_workspace, store_frame

PLATFORMS = Path(__file__).resolve().parent / "data" / "platforms"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_fixtures", PLATFORMS / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _ingest(cli, tmp_path, name: str, tz: str = "UTC"):  # type: ignore[no-untyped-def]
    ws = make_workspace(tmp_path / "ws", f"timezone: {tz}\n")
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", PLATFORMS / f"{name}.csv", "--format", "json")
    assert r.code == 0, r.err
    return ws, json.loads(r.out)


def _kpis(cli, ws) -> dict:  # type: ignore[no-untyped-def]
    r = cli("--config", ws / "cxtk.yaml", "kpi", "--period", "2026-10", "--format", "json")
    assert r.code == 0, r.err
    return {k: v["value"] for k, v in json.loads(r.out)["groups"][0]["kpis"].items()}


def _approx(x: float) -> object:
    return pytest.approx(x, abs=5e-5)  # the JSON output rounds rates to 4 places


def test_committed_fixtures_are_what_the_generator_writes(tmp_path):
    written = _generator().write_all(tmp_path)
    assert sorted(written) == sorted(p.name for p in PLATFORMS.glob("*.csv"))
    for name, path in written.items():
        assert path.read_bytes() == (PLATFORMS / name).read_bytes(), f"{name}: run make_fixtures.py"


@pytest.mark.parametrize(("name", "tz", "counts"), [
    # read, accepted, duplicate, skipped
    ("five9-call-log", "UTC", (13, 11, 1, 1)),
    ("zendesk-tickets", "UTC", (11, 11, 0, 0)),
    ("freshdesk-tickets", "UTC", (10, 10, 0, 0)),
    ("talkdesk-contacts", "UTC", (13, 11, 1, 1)),
    ("7moor-cdr", "Asia/Shanghai", (12, 10, 0, 2)),
])
def test_chosen_by_headers_and_accounting_balances(cli, tmp_path, name, tz, counts):
    ws, data = _ingest(cli, tmp_path, name, tz)
    (file,) = data["files"]
    assert file["mapping"] == name
    assert (data["read"], data["accepted"], data["duplicate"], data["skipped"]) == counts
    assert data["rejected"] == 0
    assert_balanced(data)
    assert store_frame(ws)["source"].unique().to_list() == [name]


def test_five9_call_log(cli, tmp_path):
    """Five9 Call Log, hand-worked.

    Rows: 13 read; 300000000001 repeated identically (duplicate); the '3rd party transfer' leg of
    300000000008 skipped; 11 accepted. Outbound 007 and Preview 009 leave the inbound KPIs.
    Inbound (contacts 9): 001, 002, 006, 008, 012 answered (TALK TIME > 0) = 5;
    003 (45 s in queue), 004 (3 s), 005 (IVR hang-up, 0 s), 011 (voicemail after 25 s) not answered = 4,
    of which 004 and 005 waited under 5 s (short abandons).
      abandon_rate = (4 - 2) / (9 - 2) = 2/7
      asa_s = (12 + 8.5 + 20 + 30 + 5) / 5 = 15.1            (QUEUE WAIT TIME, milliseconds kept)
      aht_s = (240+40 + 150+20 + 300+60 + 200+0 + 100+15) / 5 = 1125 / 5 = 225
              (TALK TIME already holds the hold time, so HOLD TIME is not added again)
      transfer_rate = 1/5 (002 has TRANSFERS 1; the blank TRANSFERS of the others are 0)
      service_level = answered within 20 s (001, 002, 006, 012) / (9 - 2) = 4/7
    """
    ws, _ = _ingest(cli, tmp_path, "five9-call-log")
    k = _kpis(cli, ws)
    assert (k["contacts"], k["answered"], k["abandoned"]) == (9, 5, 4)
    assert k["abandon_rate"] == _approx(2 / 7)
    assert k["asa_s"] == pytest.approx(15.1)
    assert k["aht_s"] == pytest.approx(225.0)
    assert k["transfer_rate"] == _approx(0.2)
    assert k["service_level"] == _approx(4 / 7)
    assert k["avg_hold_s"] is None  # not mapped (inside TALK TIME), so null, never 0
    stored = store_frame(ws)
    row = stored.filter(stored["interaction_id"] == "300000000001").row(0, named=True)
    assert (row["arrived_at"].hour, row["arrived_at"].second, row["agent_id"], row["queue"]) == (9, 5, "jdoe", "Sales")
    assert (row["customer_id"], row["wait_s"], row["transfers"]) == ("4155550101", 12.0, 0)
    none = stored.filter(stored["interaction_id"] == "300000000003").row(0, named=True)
    assert (none["agent_id"], none["abandoned"], none["answered"]) == (None, True, False)  # '[None]' is no agent
    out = stored.filter(stored["interaction_id"] == "300000000007").row(0, named=True)
    assert (out["direction"], out["customer_id"]) == ("outbound", "4155550101")  # the dialled number
    assert stored["hold_s"].null_count() == stored.height and stored["csat"].null_count() == stored.height


def test_zendesk_tickets_good_bad_csat(cli, tmp_path):
    """Zendesk tickets, hand-worked.

    11 tickets, all inbound: contacts 11; no phone or chat queue in a ticket export, so answered 0 and
    abandon_rate, asa_s null; no handle time column, so aht_s null; no first-reply timestamp, so
    first_response_s null.
    Satisfaction: Good on 1001, 1006, 1008, 1011 (-> 5), Bad on 1002, 1010 (-> 1); Offered,
    Not Offered and blank are no rating.   csat = 4 / 6;  csat_mean = (4*5 + 2*1) / 6 = 22/6.
    Resolution: 1001..1011 with Solved at are handled (8, with the reopened 1004); resolved ones are
    Solved/Closed (7): resolution_rate = 7/8. resolution_time_s = median over resolved tickets and
    e-mails (1005 Twitter is social and unsolved anyway) of 4, 24, 0.5, 48, 1, 12, 1 h = 4 h = 14400 s.
    """
    ws, data = _ingest(cli, tmp_path, "zendesk-tickets")
    assert data["files"][0]["linked"]["surveys"]["accepted"] == 6
    k = _kpis(cli, ws)
    assert (k["contacts"], k["answered"]) == (11, 0)
    assert k["abandon_rate"] is None and k["asa_s"] is None and k["aht_s"] is None
    assert k["first_response_s"] is None
    assert k["csat"] == _approx(4 / 6)
    assert k["csat_mean"] == pytest.approx(22 / 6, abs=0.005)
    assert k["resolution_rate"] == _approx(7 / 8)
    assert k["resolution_time_s"] == pytest.approx(14400.0)
    stored = store_frame(ws)
    by_id = {r["interaction_id"]: r for r in stored.iter_rows(named=True)}
    assert [by_id[i]["csat"] for i in ("1001", "1002", "1003", "1004", "1005")] == [5, 1, None, None, None]
    assert [by_id[i]["channel"] for i in ("1001", "1002", "1003", "1004", "1005")] == [
        "email", "ticket", "ticket", "ticket", "social"]
    assert (by_id["1004"]["resolved"], by_id["1009"]["ended_at"], by_id["1009"]["team"]) == (False, None, None)
    for absent in ("talk_s", "transfers", "complaint", "answered_at", "sla_due_at"):
        assert stored[absent].null_count() == stored.height, absent


def test_freshdesk_tickets(cli, tmp_path):
    """Freshdesk tickets, hand-worked.

    10 tickets; 2006 is an Outbound Email (not a contact): contacts 9, answered 0 (no queue).
    first_response_s = mean of Initial response − Created over chat/e-mail/ticket rows that have one:
      2001 30 min, 2002 2 h, 2003 5 min, 2004 1 min, 2007 1 h, 2008 1 h, 2009 30 min
      = (1800 + 7200 + 300 + 60 + 3600 + 3600 + 1800) / 7 = 18360 / 7 s   (2010 is social)
    resolution_time_s = median of 3 h, 48 h, 20 min, 9 h, 24 h (2001, 2002, 2003, 2008, 2009) = 9 h = 32400 s
    aht_s = Time tracked over handled tickets that have it: 2001 20 min, 2002 45 min, 2004 10 min,
      2007 5 min, 2008 30 min, 2009 1 h = 10200 / 6 = 1700 s (2003's 00:00:00 is untimed, 2010 blank)
    csat: Awesome 5, Not Good 1, Happy 4, Just Okay 3, Extremely Unhappy 1 -> csat = 2/5, mean 14/5
    sla_compliance: due in October, ticket/e-mail: 2001 ok, 2002 late, 2003 ok, 2004 open, 2005 open,
      2007 open, 2008 ok, 2009 ok = 4/8. resolution_rate = 6 resolved / 8 handled.
    """
    ws, _ = _ingest(cli, tmp_path, "freshdesk-tickets")
    k = _kpis(cli, ws)
    assert (k["contacts"], k["answered"]) == (9, 0)
    assert k["abandon_rate"] is None and k["asa_s"] is None
    assert k["first_response_s"] == pytest.approx(18360 / 7, abs=0.005)
    assert k["resolution_time_s"] == pytest.approx(32400.0)
    assert k["aht_s"] == pytest.approx(1700.0)
    assert k["csat"] == _approx(0.4) and k["csat_mean"] == pytest.approx(2.8)
    assert k["sla_compliance"] == _approx(0.5)
    assert k["resolution_rate"] == _approx(0.75)
    stored = store_frame(ws)
    by_id = {r["interaction_id"]: r for r in stored.iter_rows(named=True)}
    assert (by_id["2006"]["direction"], by_id["2003"]["talk_s"], by_id["2009"]["talk_s"]) == ("outbound", None, 3600.0)
    assert [by_id[i]["channel"] for i in ("2001", "2003", "2004", "2010")] == ["email", "ticket", "ticket", "social"]


def test_talkdesk_contacts(cli, tmp_path):
    """Talkdesk Explore Contacts, hand-worked.

    13 lines read: c…01 exported twice (duplicate), a blank line (skipped), 11 accepted; c…07 and c…08
    are outbound. Inbound contacts 9 (the transfer's second contact c…03 is a contact of its own, as
    Talkdesk counts them). Answered (Answered At set): c…01, 02, 03, 09, 10 = 5; not answered: c…04
    (50 s), 05 (3 s, short), 06 (25 s), 11 (8 s) = 4.
      abandon_rate = (4 - 1) / (9 - 1) = 3/8
      asa_s = (15 + 40 + 10 + 5 + 0) / 5 = 14               (Wait Time; c…09 written 00:00:05)
      aht_s = (180+20+30 + 300+0+60 + 120+0+20 + 200+10+0 + 60) / 5 = 1000 / 5 = 200
      transfer_rate = 1/5 (c…02 'Transfer Out' Yes);  avg_hold_s = (20 + 0 + 0 + 10) / 4 = 7.5 (c…10 blank)
    """
    ws, _ = _ingest(cli, tmp_path, "talkdesk-contacts")
    k = _kpis(cli, ws)
    assert (k["contacts"], k["answered"], k["abandoned"]) == (9, 5, 4)
    assert k["abandon_rate"] == _approx(3 / 8)
    assert k["asa_s"] == pytest.approx(14.0)
    assert k["aht_s"] == pytest.approx(200.0)
    assert k["transfer_rate"] == _approx(0.2)
    assert k["avg_hold_s"] == pytest.approx(7.5)
    stored = store_frame(ws)
    row = stored.filter(stored["interaction_id"] == "c0000000009").row(0, named=True)
    assert (row["talk_s"], row["wait_s"], row["agent_name"], row["team"]) == (200.0, 5.0, "Ben Ode", "Team A")


def test_talkdesk_api_spelling_of_the_headers_is_chosen_too(cli, tmp_path):
    """The Explore API writes interaction_id, started_at…: the same columns as the UI's 'Interaction ID'."""
    src = (PLATFORMS / "talkdesk-contacts.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = src[0].replace(" (Yes / No)", "").replace(" (Yes /No)", "").replace(" (Yes/No)", "")
    header = header.replace(" (Valid / Damaged)", "").replace(" (Forward)", "")
    snake = ",".join(h.strip().lower().replace(" ", "_") for h in header.split(",")) + "\r\n"
    f = tmp_path / "contacts_api.csv"
    f.write_text(snake + "".join(src[1:]), encoding="utf-8")
    ws = make_workspace(tmp_path / "ws")
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f, "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert (data["files"][0]["mapping"], data["accepted"]) == ("talkdesk-contacts", 11)
    stored = store_frame(ws)
    assert stored["transfers"].null_count() == stored.height  # 'transfer_out' is another column: not guessed


def test_7moor_cdr(cli, tmp_path):
    """容联七陌 CDR, hand-worked (Asia/Shanghai).

    12 records: the transfer leg 0008 and the blackList caller 0009 are skipped; 10 accepted.
    0005 (leak, IVR放弃) is an IVR session; 0007 and 0012 are dialout. Inbound phone contacts:
    0001, 0002, 0003, 0004, 0006, 0010, 0011 = 7; answered (dealing) 0001, 0002, 0010, 0011 = 4;
    0003 queueLeak (40 s), 0004 notDeal (4 s, short), 0006 voicemail (60 s) not answered = 3.
      abandon_rate = (3 - 1) / (7 - 1) = 1/3
      asa_s = BEGIN_TIME - OFFERING_TIME = (25 + 10 + 5 + 30) / 4 = 17.5
      aht_s = CALL_TIME_LENGTH = (300 + 120 + 600 + 120) / 4 = 285
      transfer_rate: null — the CDR has no transfer count (legs are separate records)
    """
    ws, _ = _ingest(cli, tmp_path, "7moor-cdr", "Asia/Shanghai")
    k = _kpis(cli, ws)
    assert (k["contacts"], k["answered"], k["abandoned"]) == (7, 4, 3)
    assert k["abandon_rate"] == _approx(1 / 3)
    assert k["asa_s"] == pytest.approx(17.5)
    assert k["aht_s"] == pytest.approx(285.0)
    assert k["transfer_rate"] is None
    stored = store_frame(ws)
    by_id = {r["interaction_id"]: r for r in stored.iter_rows(named=True)}
    assert (by_id["a1b2c3d4-0001"]["queue"], by_id["a1b2c3d4-0001"]["customer_id"]) == ("售后服务组", "13800000001")
    assert by_id["a1b2c3d4-0005"]["channel"] == "ivr"
    assert (by_id["a1b2c3d4-0007"]["direction"], by_id["a1b2c3d4-0007"]["customer_id"]) == ("outbound", "13900000007")
    assert by_id["a1b2c3d4-0001"]["arrived_at"].utcoffset().total_seconds() == 8 * 3600
    assert "a1b2c3d4-0008" not in by_id and "a1b2c3d4-0009" not in by_id


def test_header_key_ignores_case_spaces_and_underscores():
    from toolkit.ingest.mapping import header_key

    assert header_key("  Interaction  ID ") == header_key("interaction_id") == "interaction id"
    assert header_key("QUEUE WAIT TIME") == header_key("queue_wait_time")
    assert header_key("Wait Time") != header_key("WaitTime")


def test_a_mapping_whose_keep_or_sql_columns_are_missing_is_not_chosen():
    """Five9's mapping reads CALL TYPE in keep: and sql:, so a file without it is not a five9 call log."""
    from toolkit.ingest.mapping import choose_mapping, header_score

    full = _generator().FIVE9_HEADER
    assert choose_mapping("interactions", full).name == "five9-call-log"
    # the stock Call Log has no SKILL column (optional: the queue stays null)
    assert choose_mapping("interactions", [h for h in full if h != "SKILL"]).name == "five9-call-log"
    without = [h for h in full if h != "CALL TYPE"]
    chosen = choose_mapping("interactions", without)
    assert chosen is None or chosen.name != "five9-call-log"
    from toolkit.ingest.mapping import builtin_mappings

    assert header_score(builtin_mappings()["five9-call-log"], without) == 0.0
    # SQL names its columns exactly: a differently spelled CALL TYPE is not the column the SQL reads
    assert header_score(builtin_mappings()["five9-call-log"], [*without, "call_type"]) == 0.0


@pytest.mark.parametrize("name", ["five9-call-log", "zendesk-tickets", "freshdesk-tickets", "talkdesk-contacts",
                                  "7moor-cdr"])
def test_each_fixture_matches_only_its_own_mapping(name):
    """No other built-in mapping scores on a platform's headers (each export is told apart)."""
    from toolkit.ingest.mapping import builtin_mappings, header_score
    from toolkit.ingest.readers import read_table

    with read_table(PLATFORMS / f"{name}.csv") as t:
        headers = t.columns
    scores = {n: header_score(m, headers) for n, m in builtin_mappings().items() if m.dataset == "interactions"}
    assert max(scores, key=lambda n: scores[n]) == name
    assert all(s < 0.5 for n, s in scores.items() if n != name), scores
