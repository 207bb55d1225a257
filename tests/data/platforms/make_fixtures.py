"""Small exports in the exact shape of each platform's file (issue 13, docs/platforms.md).

One function per platform writes its file; ``python tests/data/platforms/make_fixtures.py`` rewrites
the copies kept beside this script (tests/test_platforms.py checks that they are what this writes).
Each file carries the awkward cases its platform produces: blanks where the platform leaves them,
abandoned and short-abandoned calls, IVR hang-ups, transfer legs, outbound rows, a repeated row,
blank rows, Chinese text. The KPIs are worked by hand in tests/test_platforms.py.
"""

from __future__ import annotations

import csv
import sys
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _write(path: Path, header: list[str], rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    """Rows as dicts (missing keys are blank cells), quoted where the data needs it, CRLF as exports are."""
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        for row in rows:
            unknown = set(row) - set(header)
            if unknown:
                raise ValueError(f"{path.name}: columns not in the header: {sorted(unknown)}")
            w.writerow([row.get(h, "") for h in header])
    return path


# --- Five9 -----------------------------------------------------------------------------------------

FIVE9_HEADER = [
    "CALL ID", "TIMESTAMP", "CAMPAIGN", "CALL TYPE", "SKILL", "AGENT", "AGENT NAME", "DISPOSITION", "ANI",
    "CUSTOMER NAME", "DNIS", "CALL TIME", "BILL TIME (ROUNDED)", "COST", "IVR TIME", "QUEUE WAIT TIME",
    "RING TIME", "TALK TIME", "HOLD TIME", "PARK TIME", "AFTER CALL WORK TIME", "TRANSFERS", "CONFERENCES",
    "HOLDS", "ABANDONED", "RECORDINGS",
]


def _five9_time(day: int, hh: int, mm: int, ss: int = 0) -> str:
    """'Thu, 01 Oct 2026 09:00:00': the report's TIMESTAMP (the weekday must be the date's own)."""
    return datetime(2026, 10, day, hh, mm, ss).strftime("%a, %d %b %Y %H:%M:%S")


def five9_call_log(path: Path) -> Path:
    """Five9 Call Log report: one row per call, hh:mm:ss durations, '[None]' for no agent, blanks for none."""
    t = _five9_time
    inbound = {"CAMPAIGN": "Customer Care - Inbound", "CALL TYPE": "Inbound", "DNIS": "8005550100"}
    rows = [
        # answered: 12 s in queue, talk 4:00 (30 s of it on hold), ACW 0:40
        {**inbound, "CALL ID": "300000000001", "TIMESTAMP": t(1, 9, 0, 5), "SKILL": "Sales", "AGENT": "jdoe",
         "AGENT NAME": "Jane Doe", "DISPOSITION": "Sale", "ANI": "4155550101", "CUSTOMER NAME": "Pat Lee",
         "CALL TIME": "00:05:10", "BILL TIME (ROUNDED)": "00:05:12", "COST": "0.0312", "IVR TIME": "00:00:18",
         "QUEUE WAIT TIME": "00:00:12.000", "RING TIME": "00:00:04", "TALK TIME": "00:04:00",
         "HOLD TIME": "00:00:30", "PARK TIME": "00:00:00", "AFTER CALL WORK TIME": "00:00:40", "HOLDS": "1",
         "ABANDONED": "0", "RECORDINGS": "09:00:39(4:00)"},
        # answered after 8.5 s (milliseconds as the report writes them), transferred once by the agent
        {**inbound, "CALL ID": "300000000002", "TIMESTAMP": t(1, 10, 15), "SKILL": "Support", "AGENT": "asmith",
         "AGENT NAME": "Al Smith", "DISPOSITION": "Transferred", "ANI": "4155550102", "CALL TIME": "00:03:00",
         "QUEUE WAIT TIME": "00:00:08.500", "RING TIME": "00:00:03", "TALK TIME": "00:02:30",
         "HOLD TIME": "00:00:00", "PARK TIME": "00:00:00", "AFTER CALL WORK TIME": "00:00:20", "TRANSFERS": "1",
         "ABANDONED": "0"},
        # abandoned in the queue after 45 s
        {**inbound, "CALL ID": "300000000003", "TIMESTAMP": t(2, 11, 0), "SKILL": "Sales", "AGENT": "[None]",
         "DISPOSITION": "Abandon", "ANI": "4155550103", "CALL TIME": "00:01:05", "IVR TIME": "00:00:20",
         "QUEUE WAIT TIME": "00:00:45.000", "ABANDONED": "1"},
        # a short abandon: 3 s in the queue
        {**inbound, "CALL ID": "300000000004", "TIMESTAMP": t(2, 11, 30), "SKILL": "Support", "AGENT": "[None]",
         "DISPOSITION": "Abandon", "ANI": "4155550104", "CALL TIME": "00:00:20", "IVR TIME": "00:00:17",
         "QUEUE WAIT TIME": "00:00:03.000", "ABANDONED": "1"},
        # hung up in the IVR: never queued, no skill, ABANDONED 0
        {**inbound, "CALL ID": "300000000005", "TIMESTAMP": t(3, 8, 45), "AGENT": "[None]",
         "DISPOSITION": "Caller Disconnected", "ANI": "4155550105", "CALL TIME": "00:00:35",
         "IVR TIME": "00:00:35", "QUEUE WAIT TIME": "00:00:00.000", "ABANDONED": "0"},
        {**inbound, "CALL ID": "300000000006", "TIMESTAMP": t(5, 14, 0), "SKILL": "Sales", "AGENT": "jdoe",
         "AGENT NAME": "Jane Doe", "DISPOSITION": "Sale", "ANI": "4155550106", "CALL TIME": "00:06:30",
         "QUEUE WAIT TIME": "00:00:20.000", "RING TIME": "00:00:05", "TALK TIME": "00:05:00",
         "HOLD TIME": "00:00:00", "PARK TIME": "00:00:00", "AFTER CALL WORK TIME": "00:01:00", "ABANDONED": "0"},
        # an outbound call by an agent: not part of the inbound KPIs
        {"CALL ID": "300000000007", "TIMESTAMP": t(5, 15, 0), "CAMPAIGN": "Follow-up", "CALL TYPE": "Outbound",
         "AGENT": "jdoe", "AGENT NAME": "Jane Doe", "DISPOSITION": "Contacted", "ANI": "8005550100",
         "DNIS": "4155550101", "CALL TIME": "00:01:15", "QUEUE WAIT TIME": "00:00:00.000",
         "TALK TIME": "00:01:10", "HOLD TIME": "00:00:00", "AFTER CALL WORK TIME": "00:00:05", "ABANDONED": "0"},
        # answered, then sent to a 3rd party by the agent: the origin row carries the call …
        {**inbound, "CALL ID": "300000000008", "TIMESTAMP": t(6, 9, 0), "SKILL": "Support", "AGENT": "asmith",
         "AGENT NAME": "Al Smith", "DISPOSITION": "Transferred To 3rd Party", "ANI": "4155550108",
         "CALL TIME": "00:04:10", "QUEUE WAIT TIME": "00:00:30.000", "TALK TIME": "00:03:20",
         "HOLD TIME": "00:00:00", "AFTER CALL WORK TIME": "00:00:00", "ABANDONED": "0"},
        # … and the leg to the 3rd party repeats its CALL ID: skipped by the mapping
        {"CALL ID": "300000000008", "TIMESTAMP": t(6, 9, 3, 40), "CAMPAIGN": "Customer Care - Inbound",
         "CALL TYPE": "3rd party transfer", "AGENT": "[None]", "ANI": "4155550108", "DNIS": "2125550199",
         "CALL TIME": "00:02:05", "QUEUE WAIT TIME": "00:00:00.000"},
        # a preview dial nobody picked up
        {"CALL ID": "300000000009", "TIMESTAMP": t(7, 10, 0), "CAMPAIGN": "Follow-up", "CALL TYPE": "Preview",
         "AGENT": "jdoe", "AGENT NAME": "Jane Doe", "DISPOSITION": "No Answer", "ANI": "8005550100",
         "DNIS": "4155550109", "CALL TIME": "00:00:30", "QUEUE WAIT TIME": "00:00:00.000"},
        # a voicemail: 25 s in the queue, then the caller left a message (not answered by an agent)
        {**inbound, "CALL ID": "300000000011", "TIMESTAMP": t(8, 16, 0), "CALL TYPE": "Inbound Voicemail",
         "SKILL": "Support", "AGENT": "[None]", "DISPOSITION": "Voicemail", "ANI": "4155550111",
         "CALL TIME": "00:01:30", "QUEUE WAIT TIME": "00:00:25.000", "ABANDONED": "0"},
        {**inbound, "CALL ID": "300000000012", "TIMESTAMP": t(9, 11, 20), "SKILL": "Sales", "AGENT": "bwu",
         "AGENT NAME": "Bo Wu", "DISPOSITION": "Information Given", "ANI": "4155550112", "CALL TIME": "00:02:10",
         "QUEUE WAIT TIME": "00:00:05.000", "TALK TIME": "00:01:40", "HOLD TIME": "00:00:00",
         "AFTER CALL WORK TIME": "00:00:15", "ABANDONED": "0"},
    ]
    rows.insert(10, dict(rows[0]))  # the report run twice over an overlapping range: an identical row
    return _write(path, FIVE9_HEADER, rows)


# --- Zendesk ---------------------------------------------------------------------------------------

ZENDESK_HEADER = [
    "Id", "Requester", "Requester id", "Requester external id", "Requester email", "Requester domain",
    "Submitter", "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via", "Ticket type",
    "Created at", "Updated at", "Assigned at", "Organization", "Due date", "Initially assigned at", "Solved at",
    "Resolution time", "Satisfaction Score", "Group stations", "Assignee stations", "Reopens", "Replies",
    "First reply time in minutes", "First reply time in minutes within business hours",
    "First resolution time in minutes", "First resolution time in minutes within business hours",
    "Full resolution time in minutes", "Full resolution time in minutes within business hours",
    "Agent wait time in minutes", "Agent wait time in minutes within business hours",
    "Requester wait time in minutes", "Requester wait time in minutes within business hours",
    "On hold time in minutes", "On hold time in minutes within business hours",
]


def _zd(day: int, hh: int, mm: int = 0) -> str:
    return datetime(2026, 10, day, hh, mm).strftime("%Y-%m-%d %H:%M")


def _zendesk_row(tid: int, via: str, status: str, created: str, solved: str, score: str, **extra: str
                 ) -> dict[str, str]:
    row = {"Id": str(tid), "Requester": f"Customer {tid}", "Requester id": str(90000 + tid),
           "Requester email": f"c{tid}@example.com", "Requester domain": "example.com", "Submitter": f"Customer {tid}",
           "Assignee": "Mia Chen", "Group": "Support", "Status": status, "Priority": "Normal", "Via": via,
           "Ticket type": "Question", "Created at": created, "Updated at": solved or created, "Solved at": solved,
           "Satisfaction Score": score, "Group stations": "1", "Assignee stations": "1", "Reopens": "0",
           "Replies": "1"}
    if solved:
        minutes = int((datetime.fromisoformat(solved) - datetime.fromisoformat(created)).total_seconds() // 60)
        row.update({"Resolution time": str(round(minutes / 60)), "First resolution time in minutes": str(minutes),
                    "Full resolution time in minutes": str(minutes)})
    return {**row, **extra}


def zendesk_tickets(path: Path) -> Path:
    """Zendesk CSV export: Good/Bad/Offered/Not Offered satisfaction, open tickets with blank Solved at."""
    r = _zendesk_row
    rows = [
        r(1001, "Mail", "Solved", _zd(1, 9), _zd(1, 13), "Good", **{"First reply time in minutes": "35",
                                                                  "Subject": 'Invoice "INV-7", wrong total'}),
        r(1002, "Web form", "Closed", _zd(2, 10), _zd(3, 10), "Bad", **{"First reply time in minutes": "180"}),
        r(1003, "Chat", "Solved", _zd(5, 8), _zd(5, 8, 30), "Offered", **{"First reply time in minutes": "1"}),
        # solved once, then reopened by the customer: Solved at stays, the status is Open again
        r(1004, "Voice", "Open", _zd(6, 9), _zd(6, 11), "Not Offered", Reopens="1"),
        r(1005, "Twitter", "Pending", _zd(7, 12), "", "", Assignee="", Replies="0"),
        r(1006, "Mail", "Solved", _zd(10, 12), _zd(12, 12), "Good", Tags="billing refund"),
        r(1007, "Web form", "On-hold", _zd(12, 15), "", "Not Offered"),
        r(1008, "API", "Solved", _zd(15, 9), _zd(15, 10), "Good", Group="Billing"),
        # a new ticket nobody has touched: no assignee, no group, no reply
        r(1009, "Mail", "New", _zd(18, 17), "", "", Assignee="", Group="", Replies="0", **{"Ticket type": ""}),
        r(1010, "Web Widget", "Solved", _zd(20, 14), _zd(21, 2), "Bad", Group="Billing"),
        r(1011, "Mail", "Closed", _zd(22, 8), _zd(22, 9), "Good"),
    ]
    return _write(path, ZENDESK_HEADER, rows)


# --- Freshdesk -------------------------------------------------------------------------------------

FRESHDESK_HEADER = [
    "Ticket ID", "Subject", "Status", "Priority", "Source", "Type", "Agent", "Group", "Created time",
    "Due by Time", "Resolved time", "Closed time", "Last update time", "Initial response time", "Time tracked",
    "First response time (in hrs)", "Resolution time (in hrs)", "Agent interactions", "Customer interactions",
    "Resolution status", "First response status", "Tags", "Survey results", "Product", "Full name", "Contact ID",
]


def _fd(day: int, hh: int, mm: int = 0) -> str:
    return datetime(2026, 10, day, hh, mm).strftime("%Y-%m-%d %H:%M:%S")


def _hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _freshdesk_row(tid: int, source: str, status: str, created: str, due: str, response: str, resolved: str,
                   tracked: str, survey: str, **extra: str) -> dict[str, str]:
    c = datetime.fromisoformat(created)
    row = {"Ticket ID": str(tid), "Subject": f"Request {tid}", "Status": status, "Priority": "Medium",
           "Source": source, "Type": "Question", "Agent": "Ravi Kumar", "Group": "Tier 1", "Created time": created,
           "Due by Time": due, "Resolved time": resolved, "Closed time": resolved if status == "Closed" else "",
           "Last update time": resolved or response or created, "Initial response time": response,
           "Time tracked": tracked, "Survey results": survey, "Full name": f"Customer {tid}",
           "Contact ID": str(70000 + tid), "Agent interactions": "1" if response else "0",
           "Customer interactions": "1"}
    if response:
        row["First response time (in hrs)"] = _hms((datetime.fromisoformat(response) - c).total_seconds())
    if resolved:
        row["Resolution time (in hrs)"] = _hms((datetime.fromisoformat(resolved) - c).total_seconds())
        row["Resolution status"] = "Within SLA" if resolved <= due else "SLA Violated"
    return {**row, **extra}


def freshdesk_tickets(path: Path) -> Path:
    """Freshdesk CSV export: classic and 7-point survey labels, untimed tickets (00:00:00), outbound e-mail."""
    r = _freshdesk_row
    rows = [
        r(2001, "Email", "Closed", _fd(1, 9), _fd(2, 9), _fd(1, 9, 30), _fd(1, 12), "00:20:00", "Awesome"),
        r(2002, "Portal", "Resolved", _fd(2, 10), _fd(3, 10), _fd(2, 12), _fd(4, 10), "00:45:00", "Not Good"),
        # a phone ticket: logged, answered and solved within the hour; nobody ran the timer
        r(2003, "Phone", "Resolved", _fd(3, 8), _fd(3, 16), _fd(3, 8, 5), _fd(3, 8, 20), "00:00:00", ""),
        r(2004, "Chat", "Open", _fd(5, 14), _fd(6, 14), _fd(5, 14, 1), "", "00:10:00", ""),
        r(2005, "Email", "Pending", _fd(6, 9), _fd(7, 9), "", "", "", "", Agent=""),
        # an e-mail the agent started: outbound, not a contact
        r(2006, "Outbound Email", "Closed", _fd(7, 11), "", "", _fd(7, 11, 5), "", ""),
        r(2007, "Feedback Widget", "Waiting on Customer", _fd(8, 15), _fd(10, 15), _fd(8, 16), "", "00:05:00", ""),
        r(2008, "Email", "Resolved", _fd(9, 9), _fd(10, 9), _fd(9, 10), _fd(9, 18), "00:30:00", "Happy",
          Tags="refund,priority"),
        r(2009, "Portal", "Closed", _fd(12, 13), _fd(14, 13), _fd(12, 13, 30), _fd(13, 13), "01:00:00",
          "Just Okay", Subject="Cannot log in, again"),
        r(2010, "Twitter", "Resolved", _fd(14, 10), _fd(15, 10), _fd(14, 10, 10), _fd(14, 11), "",
          "Extremely Unhappy"),
    ]
    return _write(path, FRESHDESK_HEADER, rows)


# --- Talkdesk --------------------------------------------------------------------------------------

TALKDESK_HEADER = [
    "Interaction ID", "Contact ID", "Company Number", "Phone Display Name", "Contact Person Number",
    "External Phone Number (Forward)", "Direction", "Contact Type", "Started At", "Wait Time", "Time to Missed",
    "Abandon Time", "Short Abandon Time", "Time to Voicemail", "Ring Time", "Connect Time", "Answered At",
    "Connected At", "Talk Time", "Hard Hold Time", "Soft Hold Time", "Hold Time", "After Call Work Time",
    "Finished At", "Duration", "Handle Time", "Inside Business Hours (Yes / No)", "Inside Service Level (Yes /No)",
    "Within Service Level Threshold (Yes / No)", "Transfer Out (Yes/No)", "Transfer Out Type",
    "Transfer In (Yes / No)", "Transfer In Type", "Callback (Yes / No)", "Ring Groups", "User Name",
    "Direct Assignment User", "Team Name", "User ID", "Direct Assignment IDs", "Team ID", "Handling Ring Groups",
    "Disconnected By Agent", "Last Contact (Yes / No)", "Data Status (Valid / Damaged)",
]


def _talkdesk_row(contact: str, interaction: str, direction: str, kind: str, start: datetime, wait: str = "",
                  answered_after: int | None = None, talk: str = "", hold: str = "", acw: str = "",
                  length: int = 0, transfer_out: str = "No", transfer_in: str = "No", user: tuple[str, str] = ("", ""),
                  **extra: str) -> dict[str, str]:
    fmt = "%Y-%m-%d %H:%M:%S"
    answered = start + timedelta(seconds=answered_after) if answered_after is not None else None
    row = {"Interaction ID": interaction, "Contact ID": contact, "Company Number": "+12065550100",
           "Phone Display Name": "Seattle Support", "Contact Person Number": f"+1360555{contact[-4:]}",
           "Direction": direction, "Contact Type": kind, "Started At": start.strftime(fmt), "Wait Time": wait,
           "Answered At": answered.strftime(fmt) if answered else "",
           "Connected At": answered.strftime(fmt) if answered else "", "Talk Time": talk, "Hold Time": hold,
           "Hard Hold Time": hold, "Soft Hold Time": "0" if hold else "", "After Call Work Time": acw,
           "Finished At": (start + timedelta(seconds=length)).strftime(fmt), "Duration": str(length),
           "Inside Business Hours (Yes / No)": "Yes", "Transfer Out (Yes/No)": transfer_out,
           "Transfer In (Yes / No)": transfer_in, "Callback (Yes / No)": "No", "Ring Groups": "support",
           "User Name": user[0], "User ID": user[1], "Team Name": "Team A" if user[0] else "",
           "Last Contact (Yes / No)": "Yes", "Data Status (Valid / Damaged)": "Valid"}
    return {**row, **extra}


def talkdesk_contacts(path: Path) -> Path:
    """Talkdesk Explore Contacts: seconds (one row in h:mm:ss), a transfer creating a second contact, a blank row."""
    r = _talkdesk_row
    d = datetime(2026, 10, 1)
    ana, ben = ("Ana Lima", "61fd420e9f93cd05ed86b6fe"), ("Ben Ode", "6216ad50e3eed13d4d561502")
    rows = [
        r("c0000000001", "i01", "in", "Answered", d.replace(hour=9), "15", 20, "180", "20", "30", 260, user=ana,
          **{"Handle Time": "230", "Ring Time": "5"}),
        # answered, then transferred to a colleague: the transfer starts contact c…03 of the same interaction
        r("c0000000002", "i02", "in", "Answered", d.replace(hour=9, minute=30), "40", 45, "300", "0", "60", 410,
          transfer_out="Yes", user=ana, **{"Transfer Out Type": "blind", "Last Contact (Yes / No)": "No"}),
        r("c0000000003", "i02", "in", "Answered", d.replace(hour=9, minute=35, second=45), "10", 12, "120", "0",
          "20", 160, transfer_in="Yes", user=ben, **{"Transfer In Type": "blind"}),
        r("c0000000004", "i03", "in", "Abandoned", d.replace(hour=10), "50", length=62, **{"Abandon Time": "50"}),
        r("c0000000005", "i04", "in", "Short Abandoned", d.replace(hour=10, minute=5), "3", length=15,
          **{"Short Abandon Time": "3"}),
        # rang the agents for 25 s, nobody answered, the caller went to voicemail
        r("c0000000006", "i05", "in", "Missed", d.replace(hour=11), "25", length=70,
          **{"Time to Missed": "25", "Time to Voicemail": "25"}),
        r("c0000000007", "i06", "out", "Connected", d.replace(hour=13), talk="90", hold="0", acw="10", length=100,
          answered_after=8, user=ben),
        r("c0000000008", "i07", "out", "Not Connected", d.replace(hour=13, minute=10), length=30, user=ben),
        # the UI export writes h:mm:ss where the API writes seconds: both are read
        r("c0000000009", "i08", "in", "Answered", d.replace(day=2, hour=9), "00:00:05", 6, "00:03:20", "00:00:10",
          "00:00:00", 240, user=ben),
        # answered at once; no hold or after-call work recorded (blank, as the report leaves it)
        r("c0000000010", "i09", "in", "Answered", d.replace(day=2, hour=10), "0", 1, "60", length=62, user=ana),
        r("c0000000011", "i10", "in", "Abandoned", d.replace(day=2, hour=11), "8", length=20, **{"Abandon Time": "8"}),
    ]
    rows.append(dict(rows[0]))  # exported twice: an identical row
    rows.append({})  # the blank line some exports end with
    return _write(path, TALKDESK_HEADER, rows)


# --- 容联七陌 -------------------------------------------------------------------------------------

MOOR_HEADER = [
    "CALL_SHEET_ID", "CALL_NO", "CALLED_NO", "CUSTOMER_NAME", "CONNECT_TYPE", "STATUS", "OFFERING_TIME",
    "BEGIN_TIME", "END_TIME", "CALL_TIME_LENGTH", "QUEUE_NAME", "DISPOSAL_AGENT", "REF_CALL_SHEET_ID",
    "PROVINCE", "DISTRICT", "RECORD_FILE_NAME", "FILE_SERVER", "INVESTIGATE",
]


def _moor_row(sid: str, connect: str, status: str, offered: datetime, answer_after: int | None, length: int,
              talk: int, queue: str = "", agent: str = "", caller: str = "", **extra: str) -> dict[str, str]:
    fmt = "%Y-%m-%d %H:%M:%S"
    begin = offered + timedelta(seconds=answer_after) if answer_after is not None else None
    row = {"CALL_SHEET_ID": sid, "CONNECT_TYPE": connect, "STATUS": status, "OFFERING_TIME": offered.strftime(fmt),
           "BEGIN_TIME": begin.strftime(fmt) if begin else "", "END_TIME": (offered + timedelta(seconds=length)).strftime(fmt),
           "CALL_TIME_LENGTH": str(talk), "QUEUE_NAME": queue, "DISPOSAL_AGENT": agent, "PROVINCE": "广东",
           "DISTRICT": "深圳"}
    if connect in ("dialout", "dialTransfer"):
        row.update({"CALL_NO": "075512345678", "CALLED_NO": caller})
    else:
        row.update({"CALL_NO": caller, "CALLED_NO": "4008001234"})
    if begin:
        row.update({"RECORD_FILE_NAME": f"monitor/{offered:%Y%m%d}/{sid}.mp3", "FILE_SERVER": "https://rec.7moor.example"})
    return {**row, **extra}


def moor_cdr(path: Path) -> Path:
    """容联七陌 CDR: every STATUS, a transfer leg, a blacklisted caller, Chinese names, a UTF-8 BOM."""
    r = _moor_row
    d = datetime(2026, 10, 8)
    rows = [
        r("a1b2c3d4-0001", "normal", "dealing", d.replace(hour=9), 25, 325, 300, "售后服务组", "8001", "13800000001",
          CUSTOMER_NAME="张三", INVESTIGATE="1"),
        r("a1b2c3d4-0002", "normal", "dealing", d.replace(hour=10), 10, 130, 120, "销售组", "8002", "13800000002",
          CUSTOMER_NAME="李四"),
        r("a1b2c3d4-0003", "normal", "queueLeak", d.replace(hour=11), None, 40, 0, "售后服务组", caller="13800000003"),
        r("a1b2c3d4-0004", "normal", "notDeal", d.replace(hour=11, minute=30), None, 4, 0, "销售组", "8002",
          "13800000004"),
        r("a1b2c3d4-0005", "normal", "leak", d.replace(hour=12), None, 15, 0, caller="13800000005"),
        r("a1b2c3d4-0006", "normal", "voicemail", d.replace(hour=13), None, 60, 0, "售后服务组", caller="13800000006",
          CUSTOMER_NAME="王五（留言）"),
        r("a1b2c3d4-0007", "dialout", "dealing", d.replace(hour=14), 20, 200, 180, agent="8001", caller="13900000007"),
        # agent 8002 transferred call 0002 to agent 8003: the leg references the call it continues
        r("a1b2c3d4-0008", "transfer", "dealing", d.replace(hour=10, minute=2, second=10), 5, 125, 120, "售后服务组",
          "8003", "13800000002", REF_CALL_SHEET_ID="a1b2c3d4-0002", CUSTOMER_NAME="李四"),
        r("a1b2c3d4-0009", "normal", "blackList", d.replace(hour=14, minute=30), None, 0, 0, caller="13800000009"),
        # the same customer as 0001 calls back a few hours later
        r("a1b2c3d4-0010", "normal", "dealing", d.replace(hour=15), 5, 605, 600, "售后服务组", "8001", "13800000001",
          CUSTOMER_NAME="张三"),
        r("a1b2c3d4-0011", "normal", "dealing", d.replace(hour=16), 30, 150, 120, "销售组", "8003", "13800000011"),
        r("a1b2c3d4-0012", "dialout", "notDeal", d.replace(hour=17), None, 30, 0, agent="8003", caller="13900000012"),
    ]
    return _write(path, MOOR_HEADER, rows, encoding="utf-8-sig")


FIXTURES = {
    "five9-call-log.csv": five9_call_log,
    "zendesk-tickets.csv": zendesk_tickets,
    "freshdesk-tickets.csv": freshdesk_tickets,
    "talkdesk-contacts.csv": talkdesk_contacts,
    "7moor-cdr.csv": moor_cdr,
}


def write_all(folder: Path = HERE) -> dict[str, Path]:
    """Every platform's file into ``folder``, by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: make(folder / name) for name, make in FIXTURES.items()}


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE).values():
        print(written)
