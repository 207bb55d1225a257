"""The sample centre generator (samples/generate.py): layouts, determinism, rates and planted events.

Generated once at scale 0.05 (~1 250 contacts a month, 13 months), so the whole file runs in seconds.
Expected values below are worked from the generator's parameters; the comments show the working.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import re
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
MONTHS = [f"2025-{m:02d}" for m in (10, 11, 12)] + [f"2026-{m:02d}" for m in range(1, 11)]

# The export layouts are a contract with the built-in mappings: spelled out here, not imported.
CALL_HEADER = ("通话编号,客户号,主叫号码,呼叫类型,技能组,班组,客服工号,客服姓名,业务类型,呼叫时间,接通时间,挂机时间,"
               "排队时长,通话时长,保持时长,话后处理时长,转接次数,是否解决,是否投诉,满意度")
TICKET_HEADER = ("Ticket ID,Requester ID,Channel,Group,Assignee ID,Assignee,Category,Created at,First reply at,"
                 "Solved at,SLA due at,Status,Handle time (min),Reassignments,Complaint,Satisfaction")
CHAT_HEADER = ("interaction_id,channel,customer_id,agent_id,agent_name,team,queue,topic,arrived_at,answered_at,"
               "ended_at,wait_s,talk_s,hold_s,acw_s,transfers,resolved,complaint")
SURVEY_COLUMNS = ["response_id", "interaction_id", "customer_id", "sent_at", "responded_at", "csat", "nps", "ces",
                  "comment", "followed_up_at"]
QA_COLUMNS = ["review_id", "interaction_id", "agent_id", "team", "reviewer", "reviewed_at", "attitude",
              "communication", "knowledge", "problem_solving", "issue_category", "severity", "comment"]
STATUS_HEADER = "agent_id,team,date,scheduled_s,logged_in_s,ready_s,handle_s,not_ready_s"
STATUS_HOURLY_HEADER = "agent_id,team,date,hour,logged_in_s,ready_s,handle_s,not_ready_s"


def _load_generator():
    spec = importlib.util.spec_from_file_location("cxtk_sample_generator", SAMPLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen():
    return _load_generator()


@pytest.fixture(scope="module")
def sample(gen, tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    return out, gen.generate(out, seed=7, scale=0.05)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _read_calls(path: Path) -> tuple[list[str], pl.DataFrame]:
    """Lines of the raw GB18030 file, and its data rows (title, blank line and 合计 row removed)."""
    lines = path.read_bytes().decode("gb18030").split("\r\n")
    body = "\r\n".join(lines[2:-2])  # last two: the 合计 row and the empty string after the final CRLF
    return lines, pl.read_csv(io.StringIO(body), infer_schema=False)


@pytest.fixture(scope="module")
def calls(sample):
    out, _ = sample
    frames = [_read_calls(out / f"calls-{m}.csv")[1] for m in MONTHS]
    seconds = pl.col("通话时长").str.split(":").list
    return pl.concat(frames).with_columns(
        pl.col("呼叫时间", "接通时间").str.to_datetime("%Y-%m-%d %H:%M:%S"),
        pl.col("排队时长", "保持时长", "话后处理时长", "转接次数").cast(pl.Int64),
        talk_s=seconds.get(0).cast(pl.Int64) * 3600 + seconds.get(1).cast(pl.Int64) * 60
        + seconds.get(2).cast(pl.Int64),
    )


@pytest.fixture(scope="module")
def chats(sample):
    return pl.read_csv(sample[0] / "chats.csv", try_parse_dates=True)


@pytest.fixture(scope="module")
def tickets(sample):
    return pl.concat([pl.read_csv(sample[0] / f"tickets-{m}.csv", infer_schema=False) for m in MONTHS])


@pytest.fixture(scope="module")
def surveys(sample):
    # A month whose first rows have no follow-up would otherwise be inferred as text.
    dates = {"sent_at": pl.Datetime("ms"), "responded_at": pl.Datetime("ms"), "followed_up_at": pl.Datetime("ms"),
             "comment": pl.String}
    return pl.concat([pl.read_excel(p, schema_overrides=dates) for p in sample[1]["surveys"]])


@pytest.fixture(scope="module")
def contacts(calls, chats, tickets):
    """Phone, chat and desk contacts in one frame with the fields the checks need."""
    phone = calls.select(
        id="通话编号", channel=pl.lit("phone"), customer_id="客户号", team="班组", topic="业务类型",
        arrived="呼叫时间", answered="接通时间", wait_s="排队时长",
        handle_s=pl.col("talk_s") + pl.col("保持时长") + pl.col("话后处理时长"),
        resolved=pl.col("是否解决") == "是", complaint=pl.col("是否投诉") == "是",
        inbound=pl.col("呼叫类型") == "呼入")
    chat = chats.select(
        id="interaction_id", channel="channel", customer_id="customer_id", team="team", topic="topic",
        arrived=pl.col("arrived_at"), answered=pl.col("answered_at"), wait_s="wait_s",
        handle_s=pl.col("talk_s") + pl.col("hold_s") + pl.col("acw_s"), resolved="resolved",
        complaint="complaint", inbound=pl.lit(True))
    desk = tickets.select(
        id="Ticket ID", channel=pl.col("Channel"), customer_id="Requester ID", team="Group", topic="Category",
        arrived=pl.col("Created at").str.to_datetime("%Y-%m-%d %H:%M"),
        answered=pl.col("First reply at").str.to_datetime("%Y-%m-%d %H:%M"), wait_s=pl.lit(None, pl.Int64),
        handle_s=(pl.col("Handle time (min)").cast(pl.Float64) * 60).round().cast(pl.Int64),
        resolved=pl.col("Status") == "Solved", complaint=pl.col("Complaint") == "Yes", inbound=pl.lit(True))
    frames = [f.with_columns(pl.col("arrived", "answered").cast(pl.Datetime("us"))) for f in (phone, chat, desk)]
    return pl.concat(frames, how="vertical_relaxed").with_columns(month=pl.col("arrived").dt.strftime("%Y-%m"))


# --- files and determinism ---------------------------------------------------------------------
def test_returns_every_file_by_dataset(sample):
    out, files = sample
    assert sorted(files) == ["actions", "agent-status", "interactions", "qa", "surveys"]
    names = {k: [p.name for p in v] for k, v in files.items()}
    assert names["interactions"] == ([f"calls-{m}.csv" for m in MONTHS] + [f"tickets-{m}.csv" for m in MONTHS]
                                     + ["chats.csv", "ivr.csv"])
    assert names["surveys"] == [f"surveys-{m}.xlsx" for m in MONTHS]
    assert names["qa"] == ["qa-reviews.xlsx"]
    assert names["agent-status"] == ["agent-status.csv", "agent-status-hourly.csv"]
    assert names["actions"] == ["actions.yaml"]
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(n for v in names.values() for n in v)


def test_same_seed_gives_identical_bytes(gen, sample, tmp_path):
    out, _ = sample
    gen.generate(tmp_path / "again", seed=7, scale=0.05)
    assert _digest(tmp_path / "again") == _digest(out)


def test_other_seed_gives_other_data(gen, sample, tmp_path):
    gen.generate(tmp_path / "other", seed=8, scale=0.05, months=1)
    one = (tmp_path / "other" / "calls-2026-10.csv").read_bytes()
    assert one != (sample[0] / "calls-2026-10.csv").read_bytes()


# --- layouts -------------------------------------------------------------------------------------
def test_call_export_is_gb18030_with_title_header_and_total_row(sample):
    raw = (sample[0] / "calls-2026-10.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really GB18030, not UTF-8 in disguise
    lines, rows = _read_calls(sample[0] / "calls-2026-10.csv")
    assert lines[0] == "呼叫明细报表"
    assert lines[1] == ""
    assert lines[2] == CALL_HEADER
    total = lines[-2].split(",")
    assert total[0] == "合计"
    assert len(total) == 20
    assert int(total[1]) == rows.height  # the total row counts the calls above it
    assert int(total[12]) == rows["排队时长"].cast(pl.Int64).sum()


def test_call_values_have_export_formats(calls):
    assert set(calls["呼叫类型"]) == {"呼入", "呼出"}
    assert set(calls["是否解决"]) == {"是", "否"}
    assert set(calls["是否投诉"]) == {"是", "否"}
    assert calls["通话时长"].str.contains(r"^\d+:\d\d:\d\d$").all()
    assert calls["主叫号码"].str.contains(r"^1[3-9]\d{9}$").all()
    ratings = set(calls["满意度"].drop_nulls())
    assert ratings == {"非常满意", "满意", "一般", "不满意", "非常不满意"}
    answered = calls.filter(pl.col("接通时间").is_not_null() & (pl.col("呼叫类型") == "呼入"))
    # ~15 % of answered inbound calls carry a post-call IVR rating
    assert 0.12 < answered["满意度"].is_not_null().mean() < 0.18
    abandoned = calls.filter(pl.col("接通时间").is_null())
    assert abandoned["客服工号"].null_count() == abandoned.height
    assert (abandoned["talk_s"] == 0).all()


def test_ticket_chat_ivr_status_headers(sample):
    out = sample[0]

    def header(name):
        return (out / name).read_text(encoding="utf-8").split("\n", 1)[0]

    assert all(header(f"tickets-{m}.csv") == TICKET_HEADER for m in MONTHS)
    assert header("chats.csv") == CHAT_HEADER
    assert header("ivr.csv") == "interaction_id,channel,customer_id,queue,topic,arrived_at,ended_at,contained"
    assert header("agent-status.csv") == STATUS_HEADER
    assert header("agent-status-hourly.csv") == STATUS_HOURLY_HEADER


def test_xlsx_headers_and_types(sample, surveys):
    for path in sample[1]["surveys"]:
        assert pl.read_excel(path).columns == SURVEY_COLUMNS
    assert pl.read_excel(sample[1]["surveys"][-1]).schema["sent_at"] == pl.Datetime("ms")  # date cells, not text
    qa = pl.read_excel(sample[1]["qa"][0])
    assert qa.columns == QA_COLUMNS
    for area in ("attitude", "communication", "knowledge", "problem_solving"):
        assert qa[area].is_between(2, 5).all()
    assert set(qa["severity"].drop_nulls()) <= {"minor", "major", "critical"}
    # round(300 × 0.05) = 15 reviews a month
    assert qa.height == 15 * 13


def test_xlsx_opens_in_openpyxl(sample):
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(sample[1]["surveys"][-1], read_only=True).active
    first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))
    assert list(first) == SURVEY_COLUMNS


def test_ticket_values(tickets):
    assert tickets["Created at"].str.contains(r"^\d{4}-\d\d-\d\d \d\d:\d\d$").all()
    assert set(tickets["Channel"]) == {"Email", "Web form"}
    assert set(tickets["Status"]) == {"Solved", "Open", "Pending"}
    assert set(tickets["Complaint"]) == {"Yes", "No"}
    assert set(tickets["Satisfaction"].drop_nulls()) <= {"1", "2", "3", "4", "5"}
    assert tickets["Handle time (min)"].drop_nulls().str.contains(r"^\d+\.\d$").all()
    created = tickets["Created at"].str.to_datetime("%Y-%m-%d %H:%M")
    due = tickets["SLA due at"].str.to_datetime("%Y-%m-%d %H:%M")
    assert ((due - created) == timedelta(hours=24)).all()
    solved = tickets.filter(pl.col("Status") == "Solved")
    late = (solved["Solved at"].str.to_datetime() > solved["SLA due at"].str.to_datetime()).mean()
    # solve time lognormal, median 9 h, sigma 0.8: P(> 24 h) = P(z > ln(24/9)/0.8 = 1.23) ≈ 11 %
    assert 0.06 < late < 0.16
    assert tickets.filter(pl.col("Status") != "Solved")["Solved at"].null_count() == (tickets["Status"] != "Solved").sum()


# --- volumes and rates ---------------------------------------------------------------------------
def test_monthly_volume_and_channel_mix(contacts):
    per_month = contacts.group_by("month").len()
    assert sorted(per_month["month"]) == MONTHS
    # 25 000 × 0.05 = 1 250 a month; February is seasonally low (×0.82) and shorter
    normal = per_month.filter(pl.col("month") != "2026-02")["len"]
    assert normal.min() > 1_000 and normal.max() < 1_550
    share = contacts["channel"].value_counts(normalize=True)
    share = dict(zip(share["channel"], share["proportion"], strict=True))
    assert abs(share["phone"] - 0.60) < 0.02
    assert abs(share["chat"] - 0.20) < 0.02
    assert abs(share["Email"] - 0.10) < 0.015
    assert abs(share["Web form"] - 0.10) < 0.015


def test_abandons_transfers_complaints(contacts, calls):
    queued = contacts.filter(pl.col("channel").is_in(["phone", "chat"]) & pl.col("inbound"))
    abandoned = queued.filter(pl.col("answered").is_null())
    # ~5 % base, 16 % in the understaffed hour, ~96 % in outages → ~6 % overall
    assert 0.045 < abandoned.height / queued.height < 0.075
    short = (abandoned["wait_s"] < 5).mean()
    assert 0.12 < short < 0.32  # 22 % of abandons are short (< 5 s)
    answered_calls = calls.filter(pl.col("接通时间").is_not_null())
    assert 0.06 < (answered_calls["转接次数"] > 0).mean() < 0.10
    assert 0.01 < contacts["complaint"].mean() < 0.02
    assert 0.02 < (calls["呼叫类型"] == "呼出").mean() < 0.04


def test_derived_fcr_in_realistic_range(contacts):
    """Resolved and no other contact by the same customer within 7 days (kpis.md), over handled contacts."""
    nxt = pl.col("arrived").shift(-1).over("customer_id", order_by="arrived")
    handled = contacts.with_columns(next_at=nxt).filter(pl.col("answered").is_not_null())
    first = pl.col("resolved") & (pl.col("next_at").is_null() | (pl.col("next_at") - pl.col("arrived")
                                                                   > pl.duration(days=7)))
    fcr = handled.select(first.mean()).item()
    assert 0.75 < fcr < 0.85
    by_period = (handled.filter(pl.col("team") == "Team E")
                 .group_by(pl.col("arrived") >= pl.datetime(2026, 7, 15)).agg(first.mean()))
    before = by_period.filter(~pl.col("arrived"))["resolved"].item()
    after = by_period.filter(pl.col("arrived"))["resolved"].item()
    assert after - before > 0.08  # the planted improvement: ~0.70 → ~0.84


def test_surveys_sent_answered_and_linked(surveys, contacts):
    queued = contacts.filter(pl.col("channel").is_in(["phone", "chat"]) & pl.col("inbound")
                             & pl.col("answered").is_not_null())
    assert 0.27 < surveys.height / queued.height < 0.33  # invitations after ~30 % of answered contacts
    responded = surveys["responded_at"].is_not_null().mean()
    assert 0.55 < responded < 0.65
    answered = surveys.filter(pl.col("responded_at").is_not_null())
    assert answered["csat"].is_between(1, 5).all() and answered["nps"].is_between(0, 10).all()
    assert answered["ces"].is_between(1, 7).all()
    assert 0.30 < answered["comment"].is_not_null().mean() < 0.50
    assert surveys.filter(pl.col("responded_at").is_null())["csat"].null_count() == (
        surveys["responded_at"].is_null().sum())
    assert set(surveys["interaction_id"]) <= set(contacts["id"])


def test_low_scores_get_followed_up(surveys):
    low = surveys.filter(pl.col("csat") <= 2)
    hours = (low["followed_up_at"] - low["responded_at"]).dt.total_hours()
    within = (hours <= 24).sum() / low.height
    never = hours.null_count() / low.height
    assert 0.55 < within < 0.85  # 70 % within 24 h, 15 % late, 15 % never
    assert 0.05 < never < 0.30
    assert surveys.filter(pl.col("csat") >= 3)["followed_up_at"].null_count() == (surveys["csat"] >= 3).sum()


def test_comments_carry_pii_and_script_examples(surveys):
    comments = surveys.filter(pl.col("sent_at").dt.strftime("%Y-%m") == "2026-10")["comment"].drop_nulls()
    text = "\n".join(comments)
    assert "<script>alert(1)</script>" in text
    assert "13812345678" in text
    assert "zhang.wei@example.com" in text
    assert "订单号 2026100112345" in text
    assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[A-Za-z]{4,}", text)


# --- planted events ------------------------------------------------------------------------------
def test_slow_team_aht_gap_in_last_three_months(contacts):
    handled = contacts.filter(pl.col("channel").is_in(["phone", "chat"]) & pl.col("answered").is_not_null())
    recent = handled.filter(pl.col("month") >= "2026-08")
    slow = recent.filter(pl.col("team") == "Team C")["handle_s"].mean()
    others = recent.filter(pl.col("team") != "Team C")["handle_s"].mean()
    assert 1.25 < slow / others < 1.45  # planted factor 1.35
    earlier = handled.filter(pl.col("month") < "2026-08")
    ratio = (earlier.filter(pl.col("team") == "Team C")["handle_s"].mean()
             / earlier.filter(pl.col("team") != "Team C")["handle_s"].mean())
    assert 0.9 < ratio < 1.1  # no gap before


def test_billing_complaint_surge(contacts):
    october = contacts.filter(pl.col("month") == "2026-10")
    daily = october.group_by(pl.col("arrived").dt.day().alias("day")).agg(pl.col("complaint").sum())
    surge = daily.filter(pl.col("day").is_in([14, 15, 16]))["complaint"].mean()
    normal = daily.filter(~pl.col("day").is_in([14, 15, 16]))["complaint"].mean()
    # 1.25 × ~41 contacts/day × 45 % billing × 25 % complaint ≈ 5.8 extra vs ≈ 0.6 a normal day
    assert surge > 4 * normal
    billing = october.filter(pl.col("complaint") & pl.col("arrived").dt.day().is_in([14, 15, 16]))
    assert (billing["topic"] == "账单").mean() > 0.6


def test_outage_window_has_almost_no_answered_calls(calls):
    window = calls.filter(pl.col("呼叫时间").is_between(pl.datetime(2026, 10, 12, 9), pl.datetime(2026, 10, 12, 11, 30),
                                                       closed="left") & (pl.col("呼叫类型") == "呼入"))
    assert window.height >= 5
    assert window["接通时间"].is_not_null().mean() < 0.25  # 96 % abandon during the outage


def test_understaffed_weekday_ten_oclock(calls, sample):
    answered = calls.filter(pl.col("接通时间").is_not_null() & (pl.col("呼叫类型") == "呼入")
                            & (pl.col("呼叫时间").dt.weekday() <= 5))
    by_hour = answered.group_by(pl.col("呼叫时间").dt.hour().alias("h")).agg(pl.col("排队时长").mean())
    at_ten = by_hour.filter(pl.col("h") == 10)["排队时长"].item()
    other = by_hour.filter(pl.col("h").is_in([9, 11, 14, 15]))["排队时长"].max()
    assert at_ten > 3 * other  # mean wait 95 s vs ~12 s
    hourly = pl.read_csv(sample[0] / "agent-status-hourly.csv")
    weekdays = hourly.filter(pl.col("date").str.to_date().dt.weekday() <= 5)
    heads = weekdays.group_by("date", "hour").len().group_by("hour").agg(pl.col("len").mean())
    ten = heads.filter(pl.col("hour") == 10)["len"].item()
    eleven = heads.filter(pl.col("hour") == 11)["len"].item()
    assert ten < eleven  # fewer agents logged in at the busiest hour
    assert hourly["date"].min() == "2026-08-01" and hourly["date"].max() == "2026-10-31"


def test_agent_status_adds_up(sample):
    status = pl.read_csv(sample[0] / "agent-status.csv")
    assert status["agent_id"].n_unique() <= 80
    parts = status["ready_s"] + status["handle_s"] + status["not_ready_s"]
    assert (parts == status["logged_in_s"]).all()
    assert (status["logged_in_s"] <= status["scheduled_s"]).all()
    assert status.select(pl.struct("agent_id", "date").is_unique().all()).item()


def test_actions_yaml(sample):
    actions = yaml.safe_load(sample[1]["actions"][0].read_text(encoding="utf-8"))
    assert 5 <= len(actions) <= 6
    assert {a["status"] for a in actions} == {"open", "done", "dropped"}
    fcr = next(a for a in actions if a["kpi"] == "fcr_rate")
    assert (fcr["status"], str(fcr["done_on"]), fcr["scope"]) == ("done", "2026-07-15", "Team E")
    report_day = "2026-10-31"
    overdue = [a for a in actions if a["status"] == "open" and str(a["due_on"]) < report_day]
    not_due = [a for a in actions if a["status"] == "open" and str(a["due_on"]) >= report_day]
    assert overdue and not_due


def test_workspace_config_lists_the_planted_outages(gen):
    config = yaml.safe_load((SAMPLES / "cxtk.yaml").read_text(encoding="utf-8"))
    assert config["name"] == "Acme Service Centre" and config["timezone"] == "Asia/Shanghai"
    assert config["outages"] == gen.planted_events("2026-10")["outages"]
    assert config["benchmarks"] == {"industry": {"fcr_rate": 0.90, "asa_s": 20, "csat": 0.85}}
    assert set(config["targets"]) == {"asa_s", "aht_s", "fcr_rate", "sla_compliance", "csat_mean", "nps",
                                      "complaint_rate"}
    assert (SAMPLES / config["brand"]["logo"]).is_file()
