"""Interaction KPIs, each worked by hand on a tiny frame (UTC, default definitions)."""

import pytest

from toolkit.core.config import Config
from toolkit.core.periods import parse_period
from toolkit.kpis.compute import compute_kpis
from toolkit.kpis.frames import frame_of

OCT = parse_period("2026-10")


def ix(rows):
    return frame_of("interactions", [{"interaction_id": str(i), **r} for i, r in enumerate(rows, 1)])


def run(rows, config=None, **kw):
    return compute_kpis({"interactions": ix(rows)}, OCT, config=config or Config(), **kw)


# Twelve rows on 5 October (working for every KPI below):
#  1 phone answered, wait 10, talk 100 hold 20 acw 30 (handle 150), resolved    team A
#  2 phone answered, wait 30, talk 200 only (handle 200), 1 transfer, unresolved, complaint  A
#  3 phone answered at once (wait 0), no handle parts (excluded from AHT)          B
#  4 phone abandoned after 3 s: a short abandon                                   A
#  5 phone abandoned after 40 s                                                   B
#  6 chat answered after 20 s, talk 300 (handle 300)                             B
#  7 ivr contained; 8 ivr not contained: self-service sessions, not contacts
#  9 email: first reply after 2 h, closed after 26 h, resolved, acw 600; SLA due after 24 h → missed  A
# 10 ticket: first reply after 1 h, still open, SLA due in October → missed          B
# 11 ticket: first reply after 30 min, closed after 10 h, resolved; due after 48 h → met  A
# 12 phone outbound: not a contact
D = "2026-10-05"
ROWS = [
    dict(channel="phone", team="A", arrived_at=f"{D} 08:00", answered_at=f"{D} 08:00:10", wait_s=10.0,
         talk_s=100.0, hold_s=20.0, acw_s=30.0, resolved=True),
    dict(channel="phone", team="A", arrived_at=f"{D} 08:10", answered_at=f"{D} 08:10:30", wait_s=30.0,
         talk_s=200.0, transfers=1, resolved=False, complaint=True),
    dict(channel="phone", team="B", arrived_at=f"{D} 08:20", answered_at=f"{D} 08:20", wait_s=0.0),
    dict(channel="phone", team="A", arrived_at=f"{D} 08:30", wait_s=3.0),
    dict(channel="phone", team="B", arrived_at=f"{D} 08:40", wait_s=40.0),
    dict(channel="chat", team="B", arrived_at=f"{D} 08:50", answered_at=f"{D} 08:50:20", wait_s=20.0,
         talk_s=300.0, hold_s=0.0, acw_s=0.0),
    dict(channel="ivr", arrived_at=f"{D} 09:00", contained=True),
    dict(channel="ivr", arrived_at=f"{D} 09:05", contained=False),
    dict(channel="email", team="A", arrived_at=f"{D} 10:00", answered_at=f"{D} 12:00",
         ended_at="2026-10-06 12:00", resolved=True, acw_s=600.0, sla_due_at="2026-10-06 10:00"),
    dict(channel="ticket", team="B", arrived_at=f"{D} 10:00", answered_at=f"{D} 11:00",
         sla_due_at="2026-10-20 10:00"),
    dict(channel="ticket", team="A", arrived_at=f"{D} 10:00", answered_at=f"{D} 10:30",
         ended_at=f"{D} 20:00", resolved=True, sla_due_at="2026-10-07 10:00"),
    dict(channel="phone", direction="outbound", team="A", arrived_at=f"{D} 11:00", answered_at=f"{D} 11:00:05"),
]
# The export has transfer and complaint columns: every row says 0 / no unless given above.
ROWS = [{"transfers": 0, "complaint": False, **r} for r in ROWS]

EXPECTED = {
    "contacts": 9,  # 1-6, 9-11
    "offered": 6,  # 1-6
    "answered": 4,  # 1, 2, 3, 6
    "abandoned": 2,  # 4, 5
    "short_abandoned": 1,  # 4 (3 s < 5 s)
    "answer_rate": 4 / 6,
    "service_level": 3 / 5,  # waits ≤ 20 s: 1, 3, 6 ÷ (6 offered − 1 short)
    "asa_s": 15.0,  # (10 + 30 + 0 + 20) / 4
    "abandon_rate": 1 / 5,  # (2 − 1) ÷ (6 − 1)
    "avg_abandon_wait_s": 40.0,  # row 5 only
    "aht_s": 312.5,  # (150 + 200 + 300 + 600) / 4; rows 3, 10, 11 have no handle time
    # a part's own average is over the contacts that have it (only AHT counts a missing part as 0)
    "avg_talk_s": 200.0,  # (100 + 200 + 300) / 3: rows 1, 2, 6
    "avg_hold_s": 10.0,  # (20 + 0) / 2: rows 1, 6
    "avg_acw_s": 210.0,  # (30 + 0 + 600) / 3: rows 1, 6, 9
    "transfer_rate": 1 / 4,  # row 2 of the 4 answered (1, 2, 3, 6); e-mails and tickets are not answered
    "resolution_rate": 3 / 4,  # resolved known on 1, 2, 9, 11; true on 1, 9, 11
    "first_response_s": 3155.0,  # chat 20, email 7200, tickets 3600 and 1800 → 12620 / 4
    "resolution_time_s": 64800.0,  # median of 93600 (email) and 36000 (ticket 11)
    "sla_compliance": 1 / 3,  # due: 9 (late), 10 (open), 11 (met)
    "complaint_rate": 1 / 9,
    "self_service_rate": 1 / 8,  # 1 contained ÷ (1 + 7 handled)
}


@pytest.fixture(scope="module")
def centre():
    return compute_kpis({"interactions": ix(ROWS)}, OCT, config=Config(), kpis=list(EXPECTED))


@pytest.mark.parametrize("kpi_id", list(EXPECTED))
def test_hand_worked_value(centre, kpi_id):
    assert centre.value(kpi_id) == pytest.approx(EXPECTED[kpi_id], abs=1e-9)


def test_extras_and_n(centre):
    g = centre.group()
    fr = g.kpis["first_response_s"]
    # sorted 20, 1800, 3600, 7200: median (1800 + 3600) / 2; p90 at 0.9 × 3 = 2.7 → 3600 + 0.7 × 3600
    assert (fr.extra["median"], fr.n) == (2700.0, 4) and fr.extra["p90"] == pytest.approx(6120.0)
    rt = g.kpis["resolution_time_s"]
    assert rt.extra["p90"] == pytest.approx(36000 + 0.9 * 57600) and rt.n == 2
    assert g.kpis["asa_s"].n == 4 and g.kpis["aht_s"].n == 4
    assert g.kpis["service_level"].n == 5
    # every rate rests on fewer than 30: flagged; counts never are
    assert g.kpis["asa_s"].small_sample and not g.kpis["contacts"].small_sample


def test_short_abandon_threshold_zero_counts_every_abandon():
    cfg = Config(definitions={"short_abandon_s": 0})
    r = run(ROWS, cfg, kpis=["short_abandoned", "abandon_rate", "service_level"])
    # nothing is short: abandon rate 2/6, service level 3/6
    assert r.value("short_abandoned") == 0
    assert r.value("abandon_rate") == pytest.approx(2 / 6)
    assert r.value("service_level") == pytest.approx(3 / 6)


def test_grouped_by_team_adds_up():
    r = run(ROWS, by=["team"], kpis=["contacts", "offered", "asa_s"])
    # team A: rows 1, 2, 4, 9, 11 = 5 contacts; B: 3, 5, 6, 10 = 4; the outbound row is not counted
    assert r.value("contacts", team="A") == 5 and r.value("contacts", team="B") == 4
    assert r.value("asa_s", team="A") == 20.0  # (10 + 30) / 2
    assert r.value("asa_s", team="B") == 10.0  # (0 + 20) / 2


def test_sla_counts_tickets_due_in_the_period_even_if_opened_before():
    rows = [
        # opened in September, due and closed in time in October: counts for October's SLA, not its contacts
        dict(channel="ticket", arrived_at="2026-09-29 10:00", answered_at="2026-09-29 11:00",
             ended_at="2026-10-01 09:00", resolved=True, sla_due_at="2026-10-01 10:00"),
        # opened in October, due in November: not due in October
        dict(channel="ticket", arrived_at="2026-10-30 10:00", sla_due_at="2026-11-02 10:00"),
    ]
    r = run(rows, kpis=["sla_compliance", "contacts"])
    assert r.value("sla_compliance") == 1.0 and r.group().kpis["sla_compliance"].n == 1
    assert r.value("contacts") == 1


def test_transfer_rate_counts_answered_phone_and_chat_only():
    rows = [
        # answered call, transferred twice: in numerator and denominator
        dict(channel="phone", arrived_at=f"{D} 08:00", answered_at=f"{D} 08:00:05", transfers=2),
        # answered chat, no transfer: denominator only
        dict(channel="chat", arrived_at=f"{D} 08:01", answered_at=f"{D} 08:01:05", transfers=0),
        # abandoned call carrying a transfer count: not answered, left out
        dict(channel="phone", arrived_at=f"{D} 08:02", wait_s=30.0, transfers=1),
        # handled e-mail and ticket, both transferred: handled but not "answered" (Volumes): left out
        dict(channel="email", arrived_at=f"{D} 09:00", answered_at=f"{D} 10:00", transfers=1),
        dict(channel="ticket", arrived_at=f"{D} 09:00", ended_at=f"{D} 12:00", transfers=3),
    ]
    # 1 transferred ÷ 2 answered (the old handled-based rule gave 3 ÷ 4)
    r = run(rows, kpis=["transfer_rate"])
    assert r.value("transfer_rate") == 0.5 and r.group().kpis["transfer_rate"].n == 2
    only_tickets = run(rows[3:], kpis=["transfer_rate"]).group().kpis["transfer_rate"]
    assert (only_tickets.value, only_tickets.n, only_tickets.note) == (None, 0, "no answered contacts")


SLA_ROWS = [
    # arrived 30 Sep, due 1 Oct 10:00, closed 1 Oct 09:00 resolved: met, October (day 01, hour 10)
    dict(channel="ticket", team="A", arrived_at="2026-09-30 10:00", ended_at="2026-10-01 09:00",
         resolved=True, sla_due_at="2026-10-01 10:00"),
    # arrived 5 Oct, due 7 Oct 10:00, still open: missed, day 07 hour 10 (not its arrival day 05)
    dict(channel="email", team="A", arrived_at=f"{D} 10:00", sla_due_at="2026-10-07 10:00"),
    # arrived 5 Oct, due 7 Oct 15:00, closed 7 Oct 16:00: late, missed, day 07 hour 15
    dict(channel="ticket", team="B", arrived_at=f"{D} 15:00", ended_at="2026-10-07 16:00",
         resolved=True, sla_due_at="2026-10-07 15:00"),
    # arrived 31 Oct, due 2 Nov: not due in October, whatever its arrival
    dict(channel="ticket", team="B", arrived_at="2026-10-31 09:00", sla_due_at="2026-11-02 09:00"),
    # a call of 5 Oct, so the arrival pass has a day of its own
    dict(channel="phone", team="A", arrived_at=f"{D} 08:00", answered_at=f"{D} 08:00:05"),
]


def test_sla_groups_by_due_time_not_arrival():
    r = run(SLA_ROWS, by=["month"], kpis=["sla_compliance", "contacts"])
    # one October group only (no September group for the ticket that arrived 30 Sep):
    # due in October = rows 1, 2, 3; met = row 1 → 1/3. Contacts by arrival: rows 2-5 = 4
    assert [g.keys for g in r.groups] == [{"month": "2026-10"}]
    assert r.value("sla_compliance", month="2026-10") == pytest.approx(1 / 3)
    assert r.group(month="2026-10").kpis["sla_compliance"].n == 3
    assert r.value("contacts", month="2026-10") == 4

    by_day = run(SLA_ROWS, by=["day", "team"], kpis=["sla_compliance", "contacts"])
    got = {(g.keys["day"], g.keys["team"]): (g.kpis["sla_compliance"].value, g.kpis["sla_compliance"].n,
                                             g.kpis["contacts"].value) for g in by_day.groups}
    assert got == {
        ("2026-10-01", "A"): (1.0, 1, 0),  # row 1: due and met on the 1st; it arrived in September
        ("2026-10-05", "A"): (None, 0, 2),  # rows 2 and 5 arrive on the 5th; nothing falls due that day
        ("2026-10-05", "B"): (None, 0, 1),  # row 3 arrives on the 5th
        ("2026-10-07", "A"): (0.0, 1, 0),  # row 2 due on the 7th, open
        ("2026-10-07", "B"): (0.0, 1, 0),  # row 3 due on the 7th, closed late
        ("2026-10-31", "B"): (None, 0, 1),  # row 4 arrives on the 31st, due in November
    }
    by_hour = run(SLA_ROWS, by=["hour"], kpis=["sla_compliance"])
    # due hours: 10 (rows 1 met, 2 missed) and 15 (row 3 missed); arrival hours 8, 9 have no SLA due
    sla = {g.keys["hour"]: (g.kpis["sla_compliance"].value, g.kpis["sla_compliance"].n) for g in by_hour.groups}
    assert sla[10] == (0.5, 2) and sla[15] == (0.0, 1)
    assert all(n == 0 for h, (_, n) in sla.items() if h not in (10, 15))


def test_absent_inputs_are_null_with_a_note():
    r = run(ROWS, kpis=["occupancy", "csat", "qa_score_mean", "contacts"])
    occ = r.group().kpis["occupancy"]
    assert occ.value is None and occ.note == "no agent_status data"
    assert r.group().kpis["csat"].note == "no surveys data"
    assert r.group().kpis["qa_score_mean"].note == "no qa_reviews data"
    # inputs present but nothing to measure: null with the reason, not 0
    r2 = run([dict(channel="phone", arrived_at=f"{D} 08:00", wait_s=40.0)], kpis=["asa_s", "sla_compliance"])
    assert r2.value("asa_s") is None and r2.group().kpis["asa_s"].note == "no answered contacts"
    assert r2.group().kpis["sla_compliance"].note == "no tickets or emails due in the period"


def test_outage_windows_are_excluded_and_counted():
    cfg = Config(outages=[{"start": "2026-10-05 08:05", "end": "2026-10-05 08:25", "reason": "ACD failure"}])
    r = run(ROWS, cfg, kpis=["offered", "asa_s"])
    # rows 2 (08:10) and 3 (08:20) arrive inside: offered 6 → 4, ASA (10 + 20) / 2
    assert r.value("offered") == 4
    assert r.value("asa_s") == 15.0
    assert r.excluded["outage_contacts"] == 2


def test_handle_time_all_parts_missing_uses_handle_s_column():
    rows = [
        dict(channel="phone", arrived_at=f"{D} 08:00", answered_at=f"{D} 08:00:05", handle_s=90.0),
        dict(channel="phone", arrived_at=f"{D} 08:01", answered_at=f"{D} 08:01:05"),
    ]
    # one contact has handle_s 90, the other nothing at all (excluded): AHT 90 over n 1
    r = run(rows, kpis=["aht_s"])
    assert r.value("aht_s") == 90.0 and r.group().kpis["aht_s"].n == 1


def test_by_hour_and_day_use_local_time():
    rows = [dict(channel="phone", arrived_at=f"{D} 08:00", answered_at=f"{D} 08:00:05", wait_s=5.0)]
    lf = frame_of("interactions", [{"interaction_id": "1", **rows[0]}], tz="Asia/Shanghai")
    r = compute_kpis({"interactions": lf}, OCT, by=["day", "hour"], kpis=["contacts"],
                     config=Config(timezone="Asia/Shanghai"))
    assert [g.keys for g in r.groups] == [{"day": "2026-10-05", "hour": 8}]
