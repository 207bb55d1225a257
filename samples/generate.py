"""Sample contact centre for ``cxtk demo``: 13 months of realistic, deterministic raw exports.

Loaded by ``cxtk demo`` with importlib from the shipped ``samples/`` folder, so this module is
self-contained: numpy, polars and the standard library only (XLSX files are written directly).

The centre: 8 teams ("Team A" … "Team H") of 10 agents on a flexible rota, 4 queues, phone /
chat / email / web-form tickets, IVR self-service, post-contact surveys, QA reviews, agent
status and improvement actions. Events are planted for the analysis to find; see
``planted_events`` and samples/README.md.

Times are naive local timestamps (the workspace timezone, Asia/Shanghai). All random draws come
from one ``numpy.random.Generator`` seeded by ``seed``, so the files are byte-identical for a seed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

__all__ = ["generate", "planted_events", "CALL_HEADERS", "TICKET_HEADERS", "CHAT_HEADERS",
           "IVR_HEADERS", "SURVEY_HEADERS", "QA_HEADERS", "STATUS_HEADERS", "STATUS_HOURLY_HEADERS"]

# --- export layouts (the contract with the built-in mappings) ----------------------------------
CALL_TITLE = "呼叫明细报表"
CALL_HEADERS = ["通话编号", "客户号", "主叫号码", "呼叫类型", "技能组", "班组", "客服工号", "客服姓名", "业务类型",
                "呼叫时间", "接通时间", "挂机时间", "排队时长", "通话时长", "保持时长", "话后处理时长", "转接次数",
                "是否解决", "是否投诉", "满意度"]
TICKET_HEADERS = ["Ticket ID", "Requester ID", "Channel", "Group", "Assignee ID", "Assignee", "Category",
                  "Created at", "First reply at", "Solved at", "SLA due at", "Status", "Handle time (min)",
                  "Reassignments", "Complaint", "Satisfaction"]
CHAT_HEADERS = ["interaction_id", "channel", "customer_id", "agent_id", "agent_name", "team", "queue", "topic",
                "arrived_at", "answered_at", "ended_at", "wait_s", "talk_s", "hold_s", "acw_s", "transfers",
                "resolved", "complaint"]
IVR_HEADERS = ["interaction_id", "channel", "customer_id", "queue", "topic", "arrived_at", "ended_at", "contained"]
SURVEY_HEADERS = ["response_id", "interaction_id", "customer_id", "sent_at", "responded_at", "csat", "nps", "ces",
                  "comment", "followed_up_at"]
QA_HEADERS = ["review_id", "interaction_id", "agent_id", "team", "reviewer", "reviewed_at", "attitude",
              "communication", "knowledge", "problem_solving", "issue_category", "severity", "comment"]
STATUS_HEADERS = ["agent_id", "team", "date", "scheduled_s", "logged_in_s", "ready_s", "handle_s", "not_ready_s"]
STATUS_HOURLY_HEADERS = ["agent_id", "team", "date", "hour", "logged_in_s", "ready_s", "handle_s", "not_ready_s"]

# --- the centre ----------------------------------------------------------------------------------
TEAMS = [f"Team {c}" for c in "ABCDEFGH"]
SLOW_TEAM = "Team C"        # AHT ~35 % above the others in the last 3 months
FCR_TEAM = "Team E"         # FCR rises after the improvement action is done
TOPICS = ["账单", "物流", "技术支持", "账户", "产品咨询", "投诉"]
TOPIC_P = np.array([0.20, 0.24, 0.18, 0.18, 0.15, 0.05])
SURGE_TOPIC = "账单"
QUEUES = ["general", "vip", "billing", "tech"]
CHANNELS = ["phone", "chat", "email", "ticket"]
CHANNEL_P = np.array([0.60, 0.20, 0.10, 0.10])
CONTACTS_PER_MONTH = 25_000
CUSTOMERS = 60_000
QA_PER_MONTH = 300
OPEN_HOURS = range(8, 22)    # phone and chat are staffed 08:00–21:59
UNDERSTAFFED_HOUR = 10       # weekdays 10:00–10:59: fewer agents than Erlang C needs
SHIFT_HOURS = 5              # an agent's block on the real-time desk

_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")
_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英",
          "霞", "平", "刚", "桂英", "晓东", "思雨", "子涵", "浩然", "雨欣", "嘉怡", "俊杰", "佳琪"]
_ENGLISH = ["Emily", "Jason", "Grace", "Kevin", "Lucy", "Tony", "Cindy", "Eric", "Amy", "David", "Sophie", "Leo",
            "Nina", "Frank", "Iris", "Sam", "Helen", "Jack", "Vivian", "Ryan"]
_PINYIN = ["Chen", "Wang", "Li", "Zhang", "Liu", "Zhou", "Wu", "Xu", "Sun", "Ma"]
_REVIEWERS = ["刘洋", "陈静", "Grace Zhou", "赵磊"]
_MOBILE_PREFIX = np.array(["138", "139", "136", "150", "186", "187", "188", "135", "158", "177"])

# Hour-of-day arrival weights: morning and afternoon peaks, quiet evenings.
_PHONE_PROFILE = np.zeros(24)
_PHONE_PROFILE[8:22] = [.45, .95, 1.25, 1.1, .7, .85, 1.1, 1.15, 1.0, .75, .55, .5, .4, .3]
_CHAT_PROFILE = np.zeros(24)
_CHAT_PROFILE[8:22] = [.3, .7, 1.0, 1.0, .8, .9, 1.0, 1.0, .95, .85, .8, .85, .75, .5]
_DESK_PROFILE = np.full(24, 0.12)
_DESK_PROFILE[8:22] = 1.0
_DOW = np.array([1.15, 1.05, 1.0, 1.0, 1.0, 0.7, 0.6])          # Monday first
_DOW = _DOW / _DOW.mean()
_SEASON = {1: 1.0, 2: 0.82, 3: 0.95, 4: 0.97, 5: 1.0, 6: 1.03, 7: 1.02, 8: 1.0, 9: 0.98, 10: 1.0, 11: 1.17,
           12: 1.08}
# Nominal handle times used to staff the floor (seconds).
_AHT_REALTIME = 420.0
_AHT_DESK = 560.0

_CSAT_LABELS = np.array([None, "非常不满意", "不满意", "一般", "满意", "非常满意"])
_COMMENTS = {
    "waiting": ["等太久了，排队二十分钟才接通", "排队时间太长", "电话一直打不进去，等了很久", "Waited too long on hold",
                "The queue was far too long"],
    "attitude": ["客服态度很差，不耐烦", "态度冷淡，感觉被敷衍", "The agent was rude", "客服说话态度不好"],
    "knowledge": ["客服不专业，问什么都不知道", "回答不专业，前后说法不一致", "The agent did not know the product"],
    "unresolved": ["问题还是没解决", "说好回电结果没解决", "还是不行，第三次打电话了", "Problem still not fixed",
                   "Issue not resolved after two calls"],
    "transfers": ["转来转去，没人负责", "被转了三次才找到人", "Transferred between departments again and again"],
    "billing": ["莫名其妙扣款", "费用和说好的不一样", "重复扣款了，要求退款", "I was charged twice this month"],
    "delivery": ["快递三天了还没到", "物流信息一直不更新", "My parcel is late and nobody knows where it is"],
    "app": ["APP 闪退，登录不了", "系统一直报错", "The app keeps crashing after the update"],
    "praise": ["服务很好，谢谢", "客服很耐心，问题很快解决了", "非常满意，点赞", "Quick and helpful, thank you",
               "Great service, the agent was very patient"],
}
_PII_COMMENTS = [
    "请尽快回电 13812345678，问题还是没解决",
    "Please email me at zhang.wei@example.com, still not fixed",
    "订单号 2026100112345 的快递一直没到，物流太慢",
    "我的手机 13912345678 被重复扣款了",
]
_SCRIPT_COMMENT = "<script>alert(1)</script> 等太久了"
_QA_COMMENTS = {
    "业务知识不足": "对产品规则解释有误，需加强培训",
    "服务态度": "语气生硬，未安抚客户情绪",
    "流程不规范": "未按流程登记工单",
    "信息核实缺失": "未核实客户身份即办理业务",
    "": "",
}


# --- calendar and planted events -------------------------------------------------------------
def _month_add(year: int, month: int, k: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + k
    return idx // 12, idx % 12 + 1


def _parse_month(end_month: str) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in end_month.split("-"))
        dt.date(year, month, 1)
    except ValueError as exc:
        raise ValueError(f"end_month must look like 2026-10, got {end_month!r}") from exc
    return year, month


def planted_events(end_month: str = "2026-10") -> dict:
    """The events planted in the data, as dates relative to ``end_month`` (documented in README.md).

    Returns a dict with ``outages`` (list of ``{start, end, reason}``, ``YYYY-MM-DD HH:MM``),
    ``complaint_surge`` (``{days: [...], topic}``), ``slow_team`` (``{team, from_month, factor}``),
    ``fcr_action`` (``{team, opened_on, done_on}``) and ``understaffed`` (``{weekdays, hour}``).
    """
    y, m = _parse_month(end_month)
    y4, m4 = _month_add(y, m, -4)
    y3, m3 = _month_add(y, m, -3)
    y2, m2 = _month_add(y, m, -2)
    y5, m5 = _month_add(y, m, -5)
    return {
        "outages": [
            {"start": f"{y4:04d}-{m4:02d}-03 14:00", "end": f"{y4:04d}-{m4:02d}-03 15:00",
             "reason": "Telephony carrier outage"},
            {"start": f"{y:04d}-{m:02d}-12 09:00", "end": f"{y:04d}-{m:02d}-12 11:30", "reason": "ACD failure"},
        ],
        "complaint_surge": {"days": [f"{y:04d}-{m:02d}-{d:02d}" for d in (14, 15, 16)], "topic": SURGE_TOPIC},
        "slow_team": {"team": SLOW_TEAM, "from_month": f"{y2:04d}-{m2:02d}", "factor": 1.35},
        "fcr_action": {"team": FCR_TEAM, "opened_on": f"{y5:04d}-{m5:02d}-10", "done_on": f"{y3:04d}-{m3:02d}-15"},
        "understaffed": {"weekdays": True, "hour": UNDERSTAFFED_HOUR},
    }


def _epoch(text: str) -> int:
    """Seconds since 1970 of a naive local ``YYYY-MM-DD[ HH:MM]``."""
    fmt = "%Y-%m-%d %H:%M" if " " in text else "%Y-%m-%d"
    return int(dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC).timestamp())


def _agents() -> pl.DataFrame:
    """The fixed roster: 80 agents, 10 per team, Chinese and English names."""
    names = [_SURNAMES[i % 20] + _GIVEN[(7 * i) % 30] for i in range(60)]
    names += [f"{_ENGLISH[i]} {_PINYIN[i % 10]}" for i in range(20)]
    order = np.random.default_rng(2026).permutation(80)  # mix English names across teams
    return pl.DataFrame({
        "agent_id": [f"A{1001 + i}" for i in range(80)],
        "agent_name": [names[j] for j in order],
        "team": [TEAMS[i // 10] for i in range(80)],
    })


# --- staffing ------------------------------------------------------------------------------------
def _erlang_agents(rate_per_s: float, aht_s: float, target_sl: float = 0.8, threshold_s: float = 20.0) -> int:
    """Smallest N meeting the service level by Erlang C (Erlang B recurrence, no overflow)."""
    traffic = rate_per_s * aht_s
    if traffic <= 0:
        return 1
    n, erlang_b = 0, 1.0
    while True:
        n += 1
        erlang_b = traffic * erlang_b / (n + traffic * erlang_b)
        if n <= traffic:
            continue
        p_wait = n * erlang_b / (n - traffic * (1 - erlang_b))
        if 1 - p_wait * np.exp(-(n - traffic) * threshold_s / aht_s) >= target_sl:
            return n


def _rota(rng: np.random.Generator, day_volume: np.ndarray, dow: np.ndarray) -> dict[str, np.ndarray]:
    """Agents on the floor per day and open hour.

    Headcount follows the expected real-time traffic (Erlang C at 80/20 plus the desk work),
    except weekday 10:00–10:59, which is rostered at or below the traffic: the planted
    understaffed peak. Each agent works a block of about ``SHIFT_HOURS`` hours.
    Returns flat arrays (one entry per agent-hour): day, hour, agent (roster index), and per
    (day*24+hour) slot the start and count into them.
    """
    realtime_share = (CHANNEL_P[0] * _PHONE_PROFILE / _PHONE_PROFILE.sum()
                      + CHANNEL_P[1] * _CHAT_PROFILE / _CHAT_PROFILE.sum())
    desk_share = (CHANNEL_P[2] + CHANNEL_P[3]) / len(OPEN_HOURS)
    days, hours, agents = [], [], []
    slot_start = np.zeros(len(day_volume) * 24, dtype=np.int64)
    slot_count = np.zeros(len(day_volume) * 24, dtype=np.int64)
    pos = 0
    for d, volume in enumerate(day_volume):
        perm = rng.permutation(80)
        window = 0.0
        for h in OPEN_HOURS:
            rate = volume * realtime_share[h] / 3600
            desk = volume * desk_share * _AHT_DESK / 3600
            if dow[d] < 5 and h == UNDERSTAFFED_HOUR:
                n = max(1, int(rate * _AHT_REALTIME))
            else:
                n = _erlang_agents(rate, _AHT_REALTIME) + int(np.ceil(desk / 0.85))
            n = min(n, 80)
            who = perm[(int(window) + np.arange(n)) % 80]
            window += n / SHIFT_HOURS
            slot_start[d * 24 + h] = pos
            slot_count[d * 24 + h] = n
            pos += n
            days.append(np.full(n, d))
            hours.append(np.full(n, h))
            agents.append(who)
    return {"day": np.concatenate(days), "hour": np.concatenate(hours), "agent": np.concatenate(agents),
            "slot_start": slot_start, "slot_count": slot_count}


# --- contacts ------------------------------------------------------------------------------------
def _time_of_day(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """Seconds after midnight drawn from each channel's hourly profile."""
    hour = np.empty(len(channel), dtype=np.int64)
    for c, profile in enumerate([_PHONE_PROFILE, _CHAT_PROFILE, _DESK_PROFILE, _DESK_PROFILE]):
        mask = channel == c
        hour[mask] = rng.choice(24, size=int(mask.sum()), p=profile / profile.sum())
    return hour * 3600 + rng.integers(0, 3600, len(channel))


def _lognormal(rng: np.random.Generator, median: float, sigma: float, size: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(size))


def _outcomes(rng: np.random.Generator, c: dict, ctx: dict) -> None:
    """Fill waits, answers, agents, handle times, transfers, resolution and complaints (in place)."""
    n = len(c["ts"])
    ch = c["channel"]
    realtime = ch <= 1
    inbound = ~c["outbound"]
    day = c["ts"] // 86400 - ctx["day0"]
    hour = (c["ts"] % 86400) // 3600
    weekday = ctx["dow"][day] < 5
    understaffed = realtime & inbound & weekday & (hour == UNDERSTAFFED_HOUR)
    outage = np.zeros(n, dtype=bool)
    for start, end in ctx["outages"]:
        outage |= (ch == 0) & inbound & (c["ts"] >= start) & (c["ts"] < end)

    # Abandons: ~5 % normally, far more when the floor is short or the ACD is down.
    p_abandon = np.where(ch == 0, 0.052, 0.04)
    p_abandon = np.where(understaffed, 0.16, p_abandon)
    p_abandon = np.where(outage, 0.96, p_abandon)
    abandoned = realtime & inbound & (rng.random(n) < p_abandon)
    short = rng.random(n) < 0.22
    abandon_wait = np.where(short, rng.uniform(0.5, 4.9, n),
                            _lognormal(rng, 45, 0.8, n) * np.where(understaffed | outage, 2.5, 1.0))
    immediate = rng.random(n) < 0.35
    mean_wait = np.where(understaffed, 95.0, 18.0)
    mean_wait = np.where(outage, 240.0, mean_wait) * np.where(c["queue"] == 1, 0.5, 1.0)
    answer_wait = np.where(immediate & ~understaffed & ~outage, rng.uniform(0, 3, n),
                           rng.exponential(1.0, n) * mean_wait)
    wait = np.where(abandoned, abandon_wait, answer_wait)
    wait = np.where(realtime & inbound, np.round(wait), 0).astype(np.int64)
    c["abandoned"] = abandoned
    c["wait"] = wait
    c["outbound_ring"] = np.where(c["outbound"], rng.integers(6, 25, n), 0)

    # Desk channels: first reply, solution, SLA due 24 h after creation.
    desk = ~realtime
    first_reply = c["ts"] + np.round(_lognormal(rng, 2.5 * 3600, 0.9, n)).astype(np.int64)
    solved = c["ts"] + np.round(_lognormal(rng, 9 * 3600, 0.8, n)).astype(np.int64)
    solved = np.maximum(solved, first_reply + rng.integers(300, 3600, n))
    stuck = desk & (rng.random(n) < 0.015)  # never solved: Pending, or Open when nobody replied
    c["first_reply"] = np.where(desk, np.minimum(first_reply, ctx["end"] - 1), 0)
    c["first_reply_known"] = desk & (first_reply < ctx["end"]) & ~(stuck & (rng.random(n) < 0.4))
    c["solved"] = solved
    c["solved_known"] = desk & ~stuck & (solved < ctx["end"])

    # The agent: whoever was on the floor in the slot where the contact was worked.
    answered = (realtime & ~abandoned) | desk
    work_ts = np.where(desk, np.minimum(first_reply, ctx["end"] - 1), c["ts"] + wait)
    work_day = np.clip(work_ts // 86400 - ctx["day0"], 0, ctx["n_days"] - 1)
    work_hour = np.clip((work_ts % 86400) // 3600, OPEN_HOURS.start, OPEN_HOURS.stop - 1)
    slot = work_day * 24 + work_hour
    entry = ctx["slot_start"][slot] + (rng.random(n) * ctx["slot_count"][slot]).astype(np.int64)
    c["entry"] = np.where(answered, entry, -1)
    agent = np.where(answered, ctx["rota_agent"][np.maximum(entry, 0)], -1)
    team = np.where(agent >= 0, agent // 10, -1)
    c["agent"], c["team"] = agent, team

    # Handle time: lognormal talk (median ~240 s on the phone), hold on a third of calls, ACW.
    transfers = np.where(answered & (rng.random(n) < 0.08), 1 + (rng.random(n) < 0.15), 0)
    talk = np.select([ch == 0, ch == 1], [_lognormal(rng, 240, 0.55, n), _lognormal(rng, 420, 0.5, n)],
                     _lognormal(rng, 8 * 60, 0.6, n))
    talk *= np.where(transfers > 0, 1.3, 1.0) * np.where(c["topic"] == 2, 1.2, 1.0)
    hold = np.where((ch == 0) & (rng.random(n) < 0.35), _lognormal(rng, 45, 0.7, n), 0.0)
    acw = np.select([ch == 0, ch == 1], [_lognormal(rng, 35, 0.5, n), _lognormal(rng, 25, 0.5, n)], 0.0)
    slow = (team == TEAMS.index(SLOW_TEAM)) & (c["ts"] >= ctx["slow_from"])
    factor = np.where(slow, 1.35, 1.0)
    c["talk"] = np.where(answered, np.round(talk * factor), 0).astype(np.int64)
    c["hold"] = np.where(answered, np.round(hold * factor), 0).astype(np.int64)
    c["acw"] = np.where(answered, np.round(acw * factor), 0).astype(np.int64)
    c["transfers"] = transfers.astype(np.int64)
    c["answered"] = answered

    # Resolution and complaints; Team E resolves less until its action is done.
    fcr_team = team == TEAMS.index(FCR_TEAM)
    before = fcr_team & (c["ts"] < ctx["fcr_done"])
    p_unresolved = 0.06 + 0.10 * (transfers > 0) + 0.05 * before + 0.03 * (c["topic"] == 2)
    resolved = answered & (rng.random(n) > p_unresolved)
    resolved = np.where(desk, c["solved_known"], resolved)
    c["resolved"] = resolved
    long_wait = wait > 120
    p_complaint = 0.009 + 0.05 * (answered & ~resolved) + 0.02 * long_wait + 0.02 * (transfers > 0)
    surge = ctx["surge"][np.clip(day, 0, ctx["n_days"] - 1)] & (c["topic"] == TOPICS.index(SURGE_TOPIC))
    p_complaint = np.where(surge, 0.25, p_complaint)
    c["complaint"] = inbound & (rng.random(n) < p_complaint)

    # Who comes back within 7 days (drives the derived FCR).
    after = fcr_team & (c["ts"] >= ctx["fcr_done"])
    p_repeat = 0.045 + 0.35 * (answered & ~resolved) + 0.10 * before - 0.02 * after
    p_repeat = np.where(abandoned, 0.45, p_repeat)
    c["repeat"] = inbound & (rng.random(n) < p_repeat)


def _new_contacts(rng: np.random.Generator, ts: np.ndarray, customer: np.ndarray, channel: np.ndarray,
                  topic: np.ndarray) -> dict:
    n = len(ts)
    vip = rng.random(n) < 0.07
    queue = np.select([vip, topic == 0, topic == 2], [1, 2, 3], 0)
    return {"ts": ts, "customer": customer, "channel": channel, "topic": topic, "queue": queue,
            "outbound": (channel == 0) & (rng.random(n) < 0.03)}


def _repeats(rng: np.random.Generator, c: dict, ctx: dict) -> dict:
    """Follow-up contacts of the same customers: retries minutes after an abandon, else 1–6 days later."""
    pick = np.flatnonzero(c["repeat"])
    n = len(pick)
    retry = c["abandoned"][pick]
    channel = np.where(retry | (rng.random(n) < 0.6), c["channel"][pick],
                       rng.choice(4, size=n, p=CHANNEL_P))
    topic = np.where(rng.random(n) < 0.8, c["topic"][pick], rng.choice(len(TOPICS), size=n, p=TOPIC_P))
    days_later = rng.choice(np.arange(1, 7), size=n, p=[.3, .22, .16, .12, .1, .1])
    later = (c["ts"][pick] // 86400 + days_later) * 86400 + _time_of_day(rng, channel)
    ts = np.where(retry, c["ts"][pick] + c["wait"][pick] + rng.integers(120, 5400, n), later)
    # A retry after closing time would not reach an agent: those customers try another day.
    keep = (ts < ctx["end"]) & ~(retry & (ts % 86400 >= OPEN_HOURS.stop * 3600))
    out = _new_contacts(rng, ts[keep], c["customer"][pick][keep], channel[keep], topic[keep])
    return out


def _contacts(rng: np.random.Generator, ctx: dict, scale: float) -> dict:
    """All contacts of the period: first contacts by day, channel and hour, then two rounds of repeats."""
    n_days = ctx["n_days"]
    counts = rng.poisson(ctx["expected"] * rng.gamma(400, 1 / 400, n_days))
    day = np.repeat(np.arange(n_days), counts)
    n = len(day)
    channel = rng.choice(4, size=n, p=CHANNEL_P)
    surge_topic = TOPIC_P.copy()
    surge_topic[0] = 0.45
    surge_topic[1:] *= 0.55 / surge_topic[1:].sum()
    topic = np.where(ctx["surge"][day], rng.choice(len(TOPICS), size=n, p=surge_topic),
                     rng.choice(len(TOPICS), size=n, p=TOPIC_P))
    ts = (ctx["day0"] + day) * 86400 + _time_of_day(rng, channel)
    customer = rng.integers(0, ctx["customers"], n)
    batches = [_new_contacts(rng, ts, customer, channel, topic)]
    for _ in range(2):
        _outcomes(rng, batches[-1], ctx)
        batches.append(_repeats(rng, batches[-1], ctx))
    _outcomes(rng, batches[-1], ctx)
    merged = {k: np.concatenate([b[k] for b in batches]) for k in batches[0]}
    order = np.lexsort((merged["customer"], merged["ts"]))
    return {k: v[order] for k, v in merged.items()}


# --- frames and writers ----------------------------------------------------------------------
def _fmt_ts(expr: pl.Expr, fmt: str = "%Y-%m-%d %H:%M:%S") -> pl.Expr:
    return pl.from_epoch(expr, time_unit="s").dt.strftime(fmt)


def _hms(expr: pl.Expr) -> pl.Expr:
    """Seconds as ``H:MM:SS`` text, as ACD exports show durations."""
    return pl.format("{}:{}:{}", expr // 3600, (expr % 3600 // 60).cast(pl.String).str.zfill(2),
                     (expr % 60).cast(pl.String).str.zfill(2))


def _ids(prefix: str, ts: pl.Expr) -> pl.Expr:
    """``PREFIXyyyymmddNNNNN``: a per-day running number, as ACD and chat systems number contacts."""
    seq = (pl.int_range(pl.len()).over(ts // 86400) + 1).cast(pl.String).str.zfill(5)
    return pl.format("{}{}{}", pl.lit(prefix), _fmt_ts(ts, "%Y%m%d"), seq)


def _frame(c: dict, agents: pl.DataFrame) -> pl.DataFrame:
    """All contacts as one frame with ids and text columns shared by the writers."""
    df = pl.DataFrame({
        "row": np.arange(len(c["ts"])),
        "ts": c["ts"], "channel_i": c["channel"], "topic_i": c["topic"], "queue_i": c["queue"],
        "customer_i": c["customer"], "outbound": c["outbound"], "abandoned": c["abandoned"],
        "answered": c["answered"], "wait_s": c["wait"], "talk_s": c["talk"], "hold_s": c["hold"],
        "acw_s": c["acw"], "transfers": c["transfers"], "resolved": c["resolved"], "complaint": c["complaint"],
        "first_reply": c["first_reply"], "first_reply_known": c["first_reply_known"],
        "solved": c["solved"], "solved_known": c["solved_known"], "ring": c["outbound_ring"],
        "entry": c["entry"], "agent_i": c["agent"],
    })
    by_agent = list(range(80))
    known = pl.col("agent_i") >= 0
    df = df.with_columns(
        agent_id=pl.when(known).then(pl.col("agent_i").replace_strict(by_agent, agents["agent_id"].to_list(),
                                                                         default="", return_dtype=pl.String)),
        agent_name=pl.when(known).then(pl.col("agent_i").replace_strict(by_agent, agents["agent_name"].to_list(),
                                                                           default="", return_dtype=pl.String)),
        team=pl.when(known).then(pl.col("agent_i").replace_strict(by_agent, agents["team"].to_list(),
                                                                     default="", return_dtype=pl.String)),
    )
    channel = pl.col("channel_i").replace_strict(list(range(4)), CHANNELS, return_dtype=pl.String)
    prefix = pl.col("channel_i").replace_strict(list(range(4)), ["CL", "CH", "", ""], return_dtype=pl.String)
    df = df.with_columns(
        channel=channel,
        topic=pl.col("topic_i").replace_strict(list(range(len(TOPICS))), TOPICS, return_dtype=pl.String),
        queue=pl.col("queue_i").replace_strict(list(range(4)), QUEUES, return_dtype=pl.String),
        customer_id=pl.format("U{}", (pl.col("customer_i") + 1).cast(pl.String).str.zfill(7)),
        answered_ts=pl.when(pl.col("outbound")).then(pl.col("ts") + pl.col("ring"))
        .when(pl.col("answered")).then(pl.col("ts") + pl.col("wait_s")),
    )
    realtime_id = (pl.int_range(pl.len()).over(pl.col("channel_i"), pl.col("ts") // 86400) + 1)
    desk_id = pl.int_range(pl.len()).over(pl.col("channel_i") >= 2) + 100001
    df = df.with_columns(
        interaction_id=pl.when(pl.col("channel_i") <= 1)
        .then(pl.format("{}{}{}", prefix, _fmt_ts(pl.col("ts"), "%Y%m%d"), realtime_id.cast(pl.String).str.zfill(5)))
        .otherwise(desk_id.cast(pl.String)),
        ended_ts=pl.when(pl.col("channel_i") >= 2)
        .then(pl.when(pl.col("solved_known")).then(pl.col("solved")))
        .when(pl.col("answered_ts").is_not_null())
        .then(pl.col("answered_ts") + pl.col("talk_s") + pl.col("hold_s"))
        .otherwise(pl.col("ts") + pl.col("wait_s")),
        month=_fmt_ts(pl.col("ts"), "%Y-%m"),
    )
    return df


def _csat_latent(rng: np.random.Generator, df: pl.DataFrame) -> np.ndarray:
    """A satisfaction score per contact: long waits, transfers, no resolution and complaints pull it down."""
    n = df.height
    z = rng.standard_normal(n) + 1.3
    z -= 0.6 * (df["wait_s"].to_numpy() > 60)
    z -= 0.5 * (df["transfers"].to_numpy() > 0)
    z -= 1.3 * ~df["resolved"].to_numpy()
    z -= 1.5 * df["complaint"].to_numpy()
    return np.digitize(z, [-1.7, -0.9, 0.0, 1.0]) + 1


def _write_calls(df: pl.DataFrame, out: Path, months: list[str], csat: np.ndarray,
                 rng: np.random.Generator) -> list[Path]:
    """Chinese ACD export: GB18030, a title line, a blank line, the header, rows, a 合计 row."""
    rated = df["answered"].to_numpy() & ~df["outbound"].to_numpy() & (rng.random(df.height) < 0.15)
    label = pl.Series(np.where(rated, csat, 0)).replace_strict(list(range(6)), _CSAT_LABELS.tolist())
    cust = pl.col("customer_i") + 1
    mobile = pl.format("{}{}", (cust % 10).replace_strict(list(range(10)), _MOBILE_PREFIX.tolist()),
                       ((cust * 7919 + 2345678) % 10**8).cast(pl.String).str.zfill(8))
    calls = df.with_columns(rating=label, mobile=mobile).filter(pl.col("channel_i") == 0)
    yes_no = {True: "是", False: "否"}
    table = calls.select(
        pl.col("month"),
        pl.col("interaction_id").alias("通话编号"),
        pl.col("customer_id").alias("客户号"),
        pl.col("mobile").alias("主叫号码"),
        pl.when(pl.col("outbound")).then(pl.lit("呼出")).otherwise(pl.lit("呼入")).alias("呼叫类型"),
        pl.col("queue").alias("技能组"),
        pl.col("team").alias("班组"),
        pl.col("agent_id").alias("客服工号"),
        pl.col("agent_name").alias("客服姓名"),
        pl.col("topic").alias("业务类型"),
        _fmt_ts(pl.col("ts")).alias("呼叫时间"),
        _fmt_ts(pl.col("answered_ts")).alias("接通时间"),
        _fmt_ts(pl.col("ended_ts")).alias("挂机时间"),
        pl.col("wait_s").alias("排队时长"),
        _hms(pl.col("talk_s")).alias("通话时长"),
        pl.col("hold_s").alias("保持时长"),
        pl.col("acw_s").alias("话后处理时长"),
        pl.col("transfers").alias("转接次数"),
        pl.col("resolved").replace_strict(yes_no, return_dtype=pl.String).alias("是否解决"),
        pl.col("complaint").replace_strict(yes_no, return_dtype=pl.String).alias("是否投诉"),
        pl.col("rating").alias("满意度"),
    )
    written = []
    for month in months:
        part = table.filter(pl.col("month") == month).drop("month")
        total = part.select(pl.col("排队时长", "保持时长", "话后处理时长", "转接次数").sum())
        talk = int(calls.filter(pl.col("month") == month)["talk_s"].sum())
        cells = [""] * len(CALL_HEADERS)
        cells[0] = "合计"
        cells[1] = str(part.height)
        for name in ("排队时长", "保持时长", "话后处理时长", "转接次数"):
            cells[CALL_HEADERS.index(name)] = str(total[name][0])
        cells[CALL_HEADERS.index("通话时长")] = f"{talk // 3600}:{talk % 3600 // 60:02d}:{talk % 60:02d}"
        text = f"{CALL_TITLE}\r\n\r\n" + part.write_csv(line_terminator="\r\n") + ",".join(cells) + "\r\n"
        path = out / f"calls-{month}.csv"
        path.write_bytes(text.encode("gb18030"))
        written.append(path)
    return written


def _write_tickets(df: pl.DataFrame, out: Path, months: list[str], csat: np.ndarray,
                   rng: np.random.Generator) -> list[Path]:
    """Help-desk export of emails and web-form tickets, one UTF-8 CSV per month."""
    rated = df["solved_known"].to_numpy() & (rng.random(df.height) < 0.2)
    sat = pl.Series("sat", np.where(rated, csat, 0)).replace(0, None)
    fmt = "%Y-%m-%d %H:%M"
    tickets = df.with_columns(sat=sat).filter(pl.col("channel_i") >= 2)
    handle_min = (pl.col("talk_s") / 60).round(1)
    status = (pl.when(pl.col("solved_known")).then(pl.lit("Solved"))
              .when(pl.col("first_reply_known")).then(pl.lit("Pending")).otherwise(pl.lit("Open")))
    table = tickets.select(
        pl.col("month"),
        pl.col("interaction_id").alias("Ticket ID"),
        pl.col("customer_id").alias("Requester ID"),
        pl.when(pl.col("channel_i") == 2).then(pl.lit("Email")).otherwise(pl.lit("Web form")).alias("Channel"),
        pl.col("team").alias("Group"),
        pl.col("agent_id").alias("Assignee ID"),
        pl.col("agent_name").alias("Assignee"),
        pl.col("topic").alias("Category"),
        _fmt_ts(pl.col("ts"), fmt).alias("Created at"),
        _fmt_ts(pl.when(pl.col("first_reply_known")).then(pl.col("first_reply")), fmt).alias("First reply at"),
        _fmt_ts(pl.when(pl.col("solved_known")).then(pl.col("solved")), fmt).alias("Solved at"),
        _fmt_ts(pl.col("ts") + 86400, fmt).alias("SLA due at"),
        status.alias("Status"),
        pl.when(pl.col("first_reply_known")).then(handle_min).alias("Handle time (min)"),
        pl.col("transfers").alias("Reassignments"),
        pl.when(pl.col("complaint")).then(pl.lit("Yes")).otherwise(pl.lit("No")).alias("Complaint"),
        pl.col("sat").alias("Satisfaction"),
    )
    written = []
    for month in months:
        path = out / f"tickets-{month}.csv"
        table.filter(pl.col("month") == month).drop("month").write_csv(path, float_precision=1)
        written.append(path)
    return written


def _write_chats(df: pl.DataFrame, out: Path) -> Path:
    chats = df.filter(pl.col("channel_i") == 1).select(
        "interaction_id", "channel", "customer_id", "agent_id", "agent_name", "team", "queue", "topic",
        _fmt_ts(pl.col("ts")).alias("arrived_at"),
        _fmt_ts(pl.col("answered_ts")).alias("answered_at"),
        _fmt_ts(pl.col("ended_ts")).alias("ended_at"),
        "wait_s",
        *[pl.when(pl.col("answered")).then(pl.col(k)).alias(k) for k in ("talk_s", "hold_s", "acw_s")],
        "transfers",
        pl.when(pl.col("answered")).then(pl.col("resolved")).alias("resolved"),
        "complaint",
    )
    path = out / "chats.csv"
    chats.write_csv(path)
    return path


def _write_ivr(rng: np.random.Generator, ctx: dict, out: Path) -> Path:
    """Self-service IVR sessions: ~6 % of contacts, 80 % contained."""
    n_days = ctx["n_days"]
    counts = rng.poisson(ctx["expected"] * 0.06)
    day = np.repeat(np.arange(n_days), counts)
    n = len(day)
    hour = rng.choice(24, size=n, p=_PHONE_PROFILE / _PHONE_PROFILE.sum())
    ts = np.sort((ctx["day0"] + day) * 86400 + hour * 3600 + rng.integers(0, 3600, n))
    topic = rng.choice([0, 1, 3], size=n, p=[0.45, 0.35, 0.2])  # balance, tracking, password: IVR menus
    frame = pl.DataFrame({"ts": ts, "dur": np.round(_lognormal(rng, 110, 0.5, n)).astype(np.int64),
                          "cust": rng.integers(0, ctx["customers"], n) + 1, "topic_i": topic,
                          "contained": rng.random(n) < 0.8})
    frame = frame.select(
        _ids("IVR", pl.col("ts")).alias("interaction_id"),
        pl.lit("ivr").alias("channel"),
        pl.format("U{}", pl.col("cust").cast(pl.String).str.zfill(7)).alias("customer_id"),
        pl.lit("general").alias("queue"),
        pl.col("topic_i").replace_strict(list(range(len(TOPICS))), TOPICS, return_dtype=pl.String).alias("topic"),
        _fmt_ts(pl.col("ts")).alias("arrived_at"),
        _fmt_ts(pl.col("ts") + pl.col("dur")).alias("ended_at"),
        "contained",
    )
    path = out / "ivr.csv"
    frame.write_csv(path)
    return path


def _comments(rng: np.random.Generator, resp: pl.DataFrame) -> np.ndarray:
    """Comment text for ~40 % of responses: a theme suited to the contact, then a template of it."""
    n = resp.height
    csat = resp["csat"].to_numpy()
    low = csat <= 3
    theme = np.full(n, "praise", dtype=object)
    topic = resp["topic_i"].to_numpy()
    themes_low = np.array(["attitude", "knowledge", "unresolved", "waiting", "app"])
    theme[low] = themes_low[rng.choice(5, size=int(low.sum()), p=[.2, .2, .3, .2, .1])]
    theme = np.where(low & (topic == 0) & (rng.random(n) < 0.6), "billing", theme)
    theme = np.where(low & (topic == 1) & (rng.random(n) < 0.6), "delivery", theme)
    theme = np.where(low & (topic == 2) & (rng.random(n) < 0.5), "app", theme)
    theme = np.where(low & (resp["wait_s"].to_numpy() > 60) & (rng.random(n) < 0.6), "waiting", theme)
    theme = np.where(low & (resp["transfers"].to_numpy() > 0) & (rng.random(n) < 0.6), "transfers", theme)
    theme = np.where(low & ~resp["resolved"].to_numpy() & (rng.random(n) < 0.5), "unresolved", theme)
    pick = rng.random(n)
    text = np.full(n, None, dtype=object)
    for name, templates in _COMMENTS.items():
        mask = theme == name
        text[mask] = np.array(templates, dtype=object)[(pick[mask] * len(templates)).astype(int)]
    has_comment = rng.random(n) < np.where(low, 0.65, 0.33)
    pii = has_comment & low & (rng.random(n) < 0.04)
    text[pii] = np.array(_PII_COMMENTS, dtype=object)[rng.integers(0, len(_PII_COMMENTS), int(pii.sum()))]
    return np.where(has_comment, text, None)


def _write_surveys(rng: np.random.Generator, df: pl.DataFrame, csat: np.ndarray, out: Path,
                   months: list[str], end: int) -> list[Path]:
    """Survey invitations after ~30 % of answered inbound phone/chat contacts; ~60 % respond."""
    n = df.height
    invited = ((df["channel_i"].to_numpy() <= 1) & df["answered"].to_numpy() & ~df["outbound"].to_numpy()
               & (rng.random(n) < 0.30))
    s = df.with_columns(csat=pl.Series(csat), u=pl.Series(rng.random(n)), noise=pl.Series(rng.standard_normal(n)),
                        noise2=pl.Series(rng.standard_normal(n)),
                        delay=pl.Series(rng.integers(60, 1800, n)),
                        reply=pl.Series(np.round(_lognormal(rng, 2 * 3600, 1.0, n)).astype(np.int64)),
                        fu=pl.Series(rng.random(n)), fu_h=pl.Series(rng.uniform(0.5, 23, n)),
                        fu_late=pl.Series(rng.uniform(25, 96, n)))
    s = s.filter(pl.Series(invited)).with_columns(sent=pl.col("ended_ts") + pl.col("delay"))
    s = s.with_columns(responded=pl.when((pl.col("u") < 0.61) & (pl.col("sent") + pl.col("reply") < end))
                       .then(pl.col("sent") + pl.col("reply")))
    nps = (pl.col("csat") * 2.1 - 0.8 + pl.col("noise") * 1.3).round().clip(0, 10).cast(pl.Int64)
    ces = (4 - (pl.col("csat") - 3) * 1.2 + pl.col("noise2")).round().clip(1, 7).cast(pl.Int64)
    s = s.with_columns(nps=nps, ces=ces)
    responded = s["responded"].is_not_null().to_numpy()
    comment = np.full(s.height, None, dtype=object)
    resp = s.filter(pl.Series(responded))
    comment[responded] = _comments(rng, resp)
    # In the last month, one comment tries script injection (reports must show it as text) and
    # each PII example appears at least once (reports must mask them, but not the order number).
    sent_month = s.select(_fmt_ts(pl.col("sent"), "%Y-%m")).to_series().to_numpy()
    last = np.flatnonzero(responded & (sent_month == months[-1]) & (s["csat"].to_numpy() <= 3))
    for k, text in enumerate([_SCRIPT_COMMENT, *_PII_COMMENTS][: len(last)]):
        comment[last[k]] = text
    s = s.with_columns(comment=pl.Series(comment.tolist(), dtype=pl.String))
    low = pl.col("responded").is_not_null() & (pl.col("csat") <= 2)
    followed = (pl.when(low & (pl.col("fu") < 0.70)).then(pl.col("responded") + (pl.col("fu_h") * 3600).cast(pl.Int64))
                .when(low & (pl.col("fu") < 0.85)).then(pl.col("responded") + (pl.col("fu_late") * 3600).cast(pl.Int64)))
    s = s.with_columns(followed=followed).with_columns(
        followed=pl.when(pl.col("followed") < end).then(pl.col("followed")),
        response_id=pl.format("SV{}", (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(7)),
        sent_month=_fmt_ts(pl.col("sent"), "%Y-%m"),
    )
    answered = pl.col("responded").is_not_null()
    table = s.select(
        "sent_month", "response_id", "interaction_id", "customer_id", "sent", "responded",
        pl.when(answered).then(pl.col("csat")).alias("csat"),
        pl.when(answered).then(pl.col("nps")).alias("nps"),
        pl.when(answered).then(pl.col("ces")).alias("ces"),
        "comment", "followed",
    )
    written = []
    for month in months:
        part = table.filter(pl.col("sent_month") == month)
        if part.height == 0:
            continue
        path = out / f"surveys-{month}.xlsx"
        _write_xlsx(path, "surveys", SURVEY_HEADERS, part.drop("sent_month"), {"sent", "responded", "followed"})
        written.append(path)
    return written


_XLSX_STATIC = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        "</Relationships>"),
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>cxtk samples</dc:creator>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>'
        "</cp:coreProperties>"),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/>'
        "</Relationships>"),
    # Style 1 = date-time cells, style 2 = bold header.
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"),
}


def _xml_text(expr: pl.Expr) -> pl.Expr:
    return (expr.str.replace_all("&", "&amp;", literal=True).str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True))


def _col_letter(i: int) -> str:
    return chr(ord("A") + i) if i < 26 else chr(ord("A") + i // 26 - 1) + chr(ord("A") + i % 26)


def _write_xlsx(path: Path, sheet: str, headers: list[str], frame: pl.DataFrame, datetimes: set[str]) -> None:
    """Write a plain one-sheet XLSX: a bold header row, then values, blank cells for nulls.

    The sheet XML is built column-wise with Polars string expressions: a per-cell writer
    (xlsxwriter) needs ~20 s for the 80 000 survey rows, far over the 8 s budget. Strings are
    inline, dates are serial numbers with a date-time format, and the zip entries carry a fixed
    timestamp so the file is byte-identical for a seed.
    """
    import zipfile

    row = pl.int_range(pl.len()) + 2
    cells = []
    for i, name in enumerate(frame.columns):
        ref = pl.format("{}{}", pl.lit(_col_letter(i)), row)
        col = pl.col(name)
        if name in datetimes:
            serial = (col.cast(pl.Float64) / 86400 + 25569).cast(pl.String)
            cell = pl.format('<c r="{}" s="1"><v>{}</v></c>', ref, serial)
        elif frame.schema[name] == pl.String:
            cell = pl.format('<c r="{}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>', ref, _xml_text(col))
        else:
            cell = pl.format('<c r="{}"><v>{}</v></c>', ref, col.cast(pl.String))
        cells.append(cell.fill_null(""))
    body = frame.select(pl.format('<row r="{}">{}</row>', row, pl.concat_str(cells)).str.join("")).item()
    header = "".join(f'<c r="{_col_letter(i)}1" t="inlineStr" s="2"><is><t>{h}</t></is></c>'
                     for i, h in enumerate(headers))
    last = f"{_col_letter(len(headers) - 1)}{frame.height + 1}"
    sheet_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 f'<dimension ref="A1:{last}"/><sheetData><row r="1">{header}</row>{body or ""}</sheetData>'
                 "</worksheet>")
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    parts = dict(_XLSX_STATIC)
    parts["xl/workbook.xml"] = workbook
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            # Fastest deflate: the default level costs seconds on the survey sheets.
            zf.writestr(info, text.encode("utf-8"), compresslevel=1)


def _write_qa(rng: np.random.Generator, df: pl.DataFrame, out: Path, scale: float, end: int) -> Path:
    """~300 QA reviews a month of answered phone/chat contacts; scores 2–5 per rubric area."""
    per_month = max(10, round(QA_PER_MONTH * scale))
    pool = df.filter((pl.col("channel_i") <= 1) & pl.col("answered") & ~pl.col("outbound"))
    pool = pool.with_columns(u=pl.Series(rng.random(pool.height)))
    sample = (pool.sort("u").group_by("month", maintain_order=True).head(per_month).sort("ts"))
    n = sample.height
    agent_skill = np.random.default_rng(99).normal(0, 0.35, 81)  # fixed per agent, like real people
    base = (4.35 + agent_skill[sample["agent_i"].to_numpy()]
            - 0.6 * ~sample["resolved"].to_numpy() - 0.8 * sample["complaint"].to_numpy()
            - 0.3 * (sample["transfers"].to_numpy() > 0))
    slow = (sample["team"] == SLOW_TEAM).to_numpy()
    scores = np.stack([base + rng.normal(0, 0.6, n) - (0.5 * slow if k == 2 else 0) for k in range(4)], axis=1)
    scores = np.clip(np.round(scores), 2, 5).astype(np.int64)
    worst = scores.argmin(axis=1)
    lowest = scores.min(axis=1)
    area_issue = np.array(["服务态度", "信息核实缺失", "业务知识不足", "流程不规范"], dtype=object)
    issue = np.where(lowest <= 3, area_issue[worst], "")
    severity = np.select([lowest == 2, lowest == 3], ["major", "minor"], "")
    critical = (lowest == 2) & (sample["complaint"].to_numpy() | (rng.random(n) < 0.1))
    severity = np.where(critical, "critical", severity).astype(object)
    comment = np.array([_QA_COMMENTS[i] for i in issue], dtype=object)
    # Reviewed 1–5 working days later, in office hours, never after the data ends.
    day = sample["ts"].to_numpy() // 86400 + rng.integers(1, 6, n)
    reviewed = day * 86400 + rng.integers(9 * 3600, 18 * 3600, n)
    reviewed = np.minimum(reviewed, end - 3600)
    reviewed = np.maximum(reviewed, sample["ended_ts"].to_numpy() + 600)
    table = pl.DataFrame({
        "review_id": [f"QA{i + 1:06d}" for i in range(n)],
        "interaction_id": sample["interaction_id"], "agent_id": sample["agent_id"], "team": sample["team"],
        "reviewer": np.array(_REVIEWERS, dtype=object)[rng.integers(0, len(_REVIEWERS), n)].tolist(),
        "reviewed_at": reviewed,
        "attitude": scores[:, 0], "communication": scores[:, 1], "knowledge": scores[:, 2],
        "problem_solving": scores[:, 3],
        "issue_category": pl.Series(issue.tolist(), dtype=pl.String).replace("", None),
        "severity": pl.Series(severity.tolist(), dtype=pl.String).replace("", None),
        "comment": pl.Series(comment.tolist(), dtype=pl.String).replace("", None),
    })
    path = out / "qa-reviews.xlsx"
    _write_xlsx(path, "reviews", QA_HEADERS, table, {"reviewed_at"})
    return path


def _write_status(rng: np.random.Generator, df: pl.DataFrame, ctx: dict, agents: pl.DataFrame, out: Path,
                  hourly_from: int) -> list[Path]:
    """Agent status per agent and day (all months) and per hour (last 3 months), from the rota."""
    rota = ctx["rota"]
    n = len(rota["agent"])
    handled = df.filter(pl.col("entry") >= 0)
    work = np.bincount(handled["entry"].to_numpy(), weights=(handled["talk_s"] + handled["hold_s"]
                                                              + handled["acw_s"]).to_numpy(), minlength=n)
    late = np.where(rng.random(n) < 0.08, rng.integers(60, 900, n), 0)
    logged_in = 3600 - late
    not_ready = rng.choice([0, 300, 600, 900], size=n, p=[.55, .2, .15, .1])
    handle = np.minimum(np.round(work).astype(np.int64), logged_in - not_ready)
    ready = logged_in - not_ready - handle
    dates = (np.datetime64("1970-01-01") + (ctx["day0"] + rota["day"]).astype("timedelta64[D]")).astype(str)
    hourly = pl.DataFrame({
        "agent_i": rota["agent"], "date": dates, "hour": rota["hour"], "day": rota["day"],
        "scheduled_s": np.full(n, 3600), "logged_in_s": logged_in, "ready_s": ready, "handle_s": handle,
        "not_ready_s": not_ready,
    }).join(agents.with_row_index("agent_i").with_columns(pl.col("agent_i").cast(pl.Int64)), on="agent_i")
    daily = (hourly.group_by("agent_id", "team", "date")
             .agg(pl.col("scheduled_s", "logged_in_s", "ready_s", "handle_s", "not_ready_s").sum())
             .sort("date", "agent_id").select(STATUS_HEADERS))
    recent = hourly.filter(pl.col("day") + ctx["day0"] >= hourly_from // 86400)
    recent = recent.sort("date", "hour", "agent_id").select(STATUS_HOURLY_HEADERS)
    paths = [out / "agent-status.csv", out / "agent-status-hourly.csv"]
    daily.write_csv(paths[0])
    recent.write_csv(paths[1])
    return paths


def _write_actions(out: Path, end_month: str) -> Path:
    """Improvement actions as YAML (written by hand: no YAML library needed here)."""
    y, m = _parse_month(end_month)
    ev = planted_events(end_month)

    def month(k: int, day: int) -> str:
        yy, mm = _month_add(y, m, k)
        return f"{yy:04d}-{mm:02d}-{min(day, calendar.monthrange(yy, mm)[1]):02d}"

    actions = [
        ("ACT-01", "fcr_rate", FCR_TEAM, "Knowledge-base refresh and callback checklist for Team E", "王芳",
         ev["fcr_action"]["opened_on"], month(-3, 31), "done", ev["fcr_action"]["done_on"]),
        ("ACT-02", "sla_compliance", "all", "Ticket triage rota for email and web forms", "Kevin Zhang",
         month(-9, 10), month(-7, 31), "done", month(-7, 20)),
        ("ACT-03", "aht_s", SLOW_TEAM, "Coach Team C on call structure and after-call work", "李强",
         month(-1, 5), month(0, 10), "open", None),
        ("ACT-04", "asa_s", "all", "Add two agents to the 10:00-11:00 weekday shift", "Grace Zhou",
         month(0, 20), month(2, 15), "open", None),
        ("ACT-05", "complaint_rate", "billing", "Special review of the billing complaint surge", "陈静",
         month(0, 17), month(1, 15), "open", None),
        ("ACT-06", "csat_mean", "all", "Redesign the post-call SMS survey", "Tony Liu",
         month(-7, 1), month(-5, 31), "dropped", None),
    ]
    lines = ["# Improvement actions of the sample centre (cxtk ingest actions actions.yaml)"]
    for aid, kpi, scope, title, owner, opened, due, status, done in actions:
        lines += [f"- action_id: {aid}", f"  kpi: {kpi}", f'  scope: "{scope}"', f'  title: "{title}"',
                  f'  owner: "{owner}"', f"  opened_on: {opened}", f"  due_on: {due}", f"  status: {status}",
                  f"  done_on: {done if done else 'null'}"]
    path = out / "actions.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- entry point ---------------------------------------------------------------------------------
def generate(out_dir: Path, *, seed: int = 7, end_month: str = "2026-10", months: int = 13,
             scale: float = 1.0) -> dict[str, list[Path]]:
    """Write the sample centre's raw exports into ``out_dir`` and return them by dataset.

    Parameters
    ----------
    out_dir: folder to write into (created if missing).
    seed: random seed; the same seed gives byte-identical files.
    end_month: last month of the data, ``YYYY-MM``.
    months: number of months ending with ``end_month``.
    scale: multiplies volumes (1.0 ≈ 25 000 contacts a month; tests use 0.05).

    Returns
    -------
    ``{"interactions": [...], "surveys": [...], "qa": [...], "agent-status": [...], "actions": [...]}``,
    the paths written, in the order to ingest them.

    Example: ``generate(Path("demo/data"), scale=0.1)``.
    """
    if months < 1 or scale <= 0:
        raise ValueError("months must be >= 1 and scale > 0")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    y, m = _parse_month(end_month)
    fy, fm = _month_add(y, m, -(months - 1))
    month_labels = [f"{yy:04d}-{mm:02d}" for yy, mm in (_month_add(fy, fm, k) for k in range(months))]
    day0 = _epoch(f"{fy:04d}-{fm:02d}-01") // 86400
    end = _epoch(f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}") + 86400
    n_days = end // 86400 - day0
    day_ints = day0 + np.arange(n_days)
    dow = (day_ints + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    cal_month = (np.datetime64("1970-01-01") + day_ints.astype("timedelta64[D]")).astype("datetime64[M]")
    month_num = cal_month.astype(np.int64) % 12 + 1
    ev = planted_events(end_month)
    surge = np.isin(day_ints, [_epoch(d) // 86400 for d in ev["complaint_surge"]["days"]])
    # First contacts a day, so that with repeats a 30-day month holds ~25 000 contacts.
    per_day = CONTACTS_PER_MONTH * scale / 30.4 / 1.09
    expected = per_day * _DOW[dow] * np.vectorize(_SEASON.get)(month_num) * np.where(surge, 1.25, 1.0)
    ctx = {
        "day0": day0, "end": end, "n_days": n_days, "dow": dow, "surge": surge, "expected": expected,
        "customers": max(500, round(CUSTOMERS * scale)),
        "outages": [(_epoch(o["start"]), _epoch(o["end"])) for o in ev["outages"]],
        "slow_from": _epoch(ev["slow_team"]["from_month"] + "-01"),
        "fcr_done": _epoch(ev["fcr_action"]["done_on"]),
    }
    rota = _rota(rng, expected * 1.09, dow)
    ctx.update(rota=rota, rota_agent=rota["agent"], slot_start=rota["slot_start"], slot_count=rota["slot_count"])
    agents = _agents()
    contacts = _contacts(rng, ctx, scale)
    df = _frame(contacts, agents)
    csat = _csat_latent(rng, df)
    interactions = _write_calls(df, out, month_labels, csat, rng)
    interactions += _write_tickets(df, out, month_labels, csat, rng)
    interactions += [_write_chats(df, out), _write_ivr(rng, ctx, out)]
    surveys = _write_surveys(rng, df, csat, out, month_labels, end)
    qa = [_write_qa(rng, df, out, scale, end)]
    hourly_from = _epoch(month_labels[max(0, months - 3)] + "-01")
    status = _write_status(rng, df, ctx, agents, out, hourly_from)
    actions = [_write_actions(out, end_month)]
    return {"interactions": interactions, "surveys": surveys, "qa": qa, "agent-status": status,
            "actions": actions}


if __name__ == "__main__":  # python samples/generate.py OUT_DIR [SCALE]
    import sys
    import time

    t0 = time.perf_counter()
    files = generate(Path(sys.argv[1] if len(sys.argv) > 1 else "sample-data"),
                     scale=float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
    print({k: len(v) for k, v in files.items()}, f"{time.perf_counter() - t0:.2f} s")
