"""The reference workload of quality.md: a synthetic but realistic contact centre.

Writes, under ``--out`` (default ``bench/data``):

- ``interactions.csv``, ``surveys.csv``, ``qa_reviews.csv`` with the canonical
  column names of data.md, timestamps ``YYYY-MM-DD HH:MM:SS`` naive (UTC);
- the canonical store ``store/<dataset>/month=YYYY-MM/data.parquet``, made a Delta table per
  dataset in place (``toolkit.ingest.migrate``, as ``cxtk store migrate`` does), with the
  schema of ``toolkit.ingest.schema`` (datetimes ``Datetime("us", "UTC")``) plus the
  derived columns ingest would add (``answered``, ``abandoned``, ``handle_s``,
  ``source = "bench"``);
- ``cxtk.yaml`` (``timezone: UTC``), so the folder is a cxtk workspace.

Shape: 13 months (2025-10 … 2026-10); channels phone/chat/email ≈ 70/20/10
with 2 % outbound calls; ~6 % of offered contacts abandoned, a third of them
within 5 s; lognormal talk time; 20 teams of 20 agents; ``rows / 5``
customers, ~3 % contacts without one, ~10 % explicit repeat contacts within
days (a few at the very same second, to exercise FCR ties); 1 survey
invitation per 10 contacts; 1 QA review per 200.

Everything is vectorised (numpy + polars). The few per-row numeric arrays are
built for all rows at once (≈ 40 bytes a row); strings and the other columns
are built one month at a time, so memory stays well under 6 GB at 10 M rows.

    python bench/gen.py --rows 10_000_000 --out bench/data --seed 1
    python bench/gen.py --rows 200000          # a quick workload
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    # run as a script: use this checkout's toolkit, not an installed one
    sys.path.insert(0, str(ROOT))

START = datetime(2025, 10, 1)
MONTHS = [f"{y}-{m:02d}" for y, m in [(2025, 10), (2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]]
END = datetime(2026, 11, 1)  # exclusive
SPAN_S = int((END - START).total_seconds())
START_US = int((START - datetime(1970, 1, 1)).total_seconds()) * 1_000_000

CHANNELS = np.array(["phone", "chat", "email"])
CHANNEL_P = [0.70, 0.20, 0.10]
N_TEAMS, AGENTS_PER_TEAM = 20, 20
TOPICS = np.array(["billing", "technical", "account", "delivery", "returns", "sales", "complaint", "other"])
TOPIC_P = [0.22, 0.20, 0.15, 0.14, 0.10, 0.08, 0.04, 0.07]
# arrival intensity by hour of day (UTC workspace): office hours with a lunch dip
HOUR_W = np.array([1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 19, 17, 14, 16, 18, 17, 15, 12, 9, 7, 5, 4, 2, 1], float)
REPEAT_SHARE = 0.10
NO_CUSTOMER_SHARE = 0.03
SAME_SECOND_REPEATS = 0.002  # of explicit repeats: e.g. an e-mail and a chat sent together

CSV_COLUMNS = [
    "interaction_id", "channel", "direction", "customer_id", "agent_id", "team", "queue", "topic",
    "arrived_at", "answered_at", "ended_at", "wait_s", "talk_s", "hold_s", "acw_s", "transfers",
    "resolved", "complaint", "sla_due_at",
]  # fmt: skip
SURVEY_CSV = [
    "response_id", "interaction_id", "customer_id", "agent_id", "team", "channel", "queue", "survey",
    "sent_at", "responded_at", "csat", "nps", "ces", "comment", "followed_up_at",
]  # fmt: skip
QA_CSV = [
    "review_id", "interaction_id", "agent_id", "team", "reviewer", "reviewed_at", "attitude",
    "communication", "knowledge", "problem_solving", "score", "issue_category", "severity", "comment",
]  # fmt: skip
COMMENTS = np.array([
    "Quick and friendly, thank you.", "Had to call twice about the same bill.", "Waited too long on hold.",
    "The agent solved it at once.", "Nobody called me back.", "客服态度很好，问题解决了。", "等待时间太长了。",
    "问题没有解决，还要再打电话。", "Refund still not received.", "Very helpful, explained everything.",
])  # fmt: skip
ISSUES = np.array(["greeting", "verification", "wrong_info", "no_empathy", "hold_misuse", "no_summary"])


def day_weights() -> np.ndarray:
    """Relative volume per day: quieter weekends, slow growth, a December peak."""
    days = np.arange(SPAN_S // 86400)
    weekday = (days + START.weekday()) % 7
    w = np.where(weekday == 5, 0.6, np.where(weekday == 6, 0.45, 1.0))
    w = w * (1 + 0.15 * days / len(days))
    dec = (days >= 61) & (days < 92)
    return np.where(dec, w * 1.2, w) / np.sum(np.where(dec, w * 1.2, w))


def arrivals(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` arrival times in whole seconds since START, following day and hour weights."""
    day = rng.choice(len(day_weights()), size=n, p=day_weights())
    hour = rng.choice(24, size=n, p=HOUR_W / HOUR_W.sum())
    return day.astype(np.int64) * 86400 + hour * 3600 + rng.integers(0, 3600, n)


def contacts_skeleton(rng: np.random.Generator, rows: int) -> dict[str, np.ndarray]:
    """Arrival time and customer of every row, sorted by arrival: originals plus repeat contacts."""
    n_rep = int(rows * REPEAT_SHARE)
    n_orig = rows - n_rep
    n_customers = max(rows // 5, 10)
    t_orig = arrivals(rng, n_orig)
    cust_orig = rng.integers(0, n_customers, n_orig, dtype=np.int32)
    # a repeat follows an earlier contact of the same customer within days
    src = rng.integers(0, n_orig, n_rep)
    gap = np.maximum(rng.exponential(2.0 * 86400, n_rep).astype(np.int64), 60)
    gap[rng.random(n_rep) < SAME_SECOND_REPEATS] = 0
    t_rep = t_orig[src] + gap
    t_rep = np.where(t_rep < SPAN_S, t_rep, np.maximum(t_orig[src] - gap, 0))
    t = np.concatenate([t_orig, t_rep])
    cust = np.concatenate([cust_orig, cust_orig[src]])
    cust[rng.random(rows) < NO_CUSTOMER_SHARE] = -1
    order = np.argsort(t, kind="stable")
    return {"t": t[order], "cust": cust[order]}


def month_bounds(t: np.ndarray) -> list[tuple[str, int, int]]:
    """(month, first row, end row) of each month in the time-sorted arrival array."""
    edges = [int((datetime(int(m[:4]), int(m[5:]), 1) - START).total_seconds()) for m in MONTHS] + [SPAN_S]
    idx = np.searchsorted(t, edges, side="left")
    return [(m, int(idx[i]), int(idx[i + 1])) for i, m in enumerate(MONTHS)]


def lognormal_s(rng: np.random.Generator, mean_s: np.ndarray | float, sigma: float, n: int) -> np.ndarray:
    """Whole seconds (≥ 1) from a lognormal with the given mean."""
    mu = np.log(mean_s) - sigma**2 / 2
    return np.maximum(np.rint(rng.lognormal(mu, sigma, n)), 1)


def interaction_month(rng: np.random.Generator, t: np.ndarray, cust: np.ndarray, first_id: int):
    """All interaction columns for one month's rows, as a polars DataFrame (times as int seconds)."""
    import polars as pl

    n = len(t)
    team = rng.choice(N_TEAMS, n, p=_team_p()).astype(np.int16)
    talk_mult = 0.8 + 0.45 * np.arange(N_TEAMS) / (N_TEAMS - 1)  # team 1 fastest … team 20 slowest
    wait_mult = 0.6 + 0.9 * ((np.arange(N_TEAMS) * 7) % N_TEAMS) / (N_TEAMS - 1)
    ch = rng.choice(3, n, p=CHANNEL_P)
    phone, chat, email = ch == 0, ch == 1, ch == 2
    outbound = phone & (rng.random(n) < 0.02)
    inbound_rt = (phone | chat) & ~outbound

    p_abandon = 0.055 * wait_mult[team] * np.where(chat, 0.8, 1.0)
    abandoned = inbound_rt & (rng.random(n) < p_abandon)
    short = abandoned & (rng.random(n) < 0.35)
    no_pickup = outbound & (rng.random(n) < 0.25)
    answered_rt = (phone | chat) & ~abandoned & ~no_pickup

    wait = np.full(n, np.nan)
    wait[inbound_rt] = np.rint(rng.exponential(np.where(chat, 25.0, 18.0) * wait_mult[team]))[inbound_rt]
    wait[short] = rng.integers(0, 5, n)[short]
    long_ab = abandoned & ~short
    wait[long_ab] = 5 + np.rint(rng.exponential(70.0, n))[long_ab]
    wait[outbound] = rng.integers(5, 30, n)[outbound]

    # e-mail: first response after hours, closed later; a few closed unanswered (spam), a few still open
    email_answered = email & (rng.random(n) < 0.96)
    email_closed_unanswered = email & ~email_answered & (rng.random(n) < 0.3)
    first_resp = lognormal_s(rng, 3 * 3600.0, 1.0, n)
    wait[email_answered] = first_resp[email_answered]

    answered = answered_rt | email_answered
    handled = answered | email_closed_unanswered

    talk = np.where(phone, lognormal_s(rng, 240.0 * talk_mult[team], 0.7, n),
                    np.where(chat, lognormal_s(rng, 420.0 * talk_mult[team], 0.6, n),
                             lognormal_s(rng, 360.0 * talk_mult[team], 0.6, n)))  # fmt: skip
    hold = np.where(rng.random(n) < 0.3, np.rint(rng.exponential(60.0, n)) + 1, 0.0)
    hold[~phone] = np.nan
    acw = np.where(email, lognormal_s(rng, 60.0, 0.5, n), lognormal_s(rng, 40.0, 0.5, n))
    acw[phone & (rng.random(n) < 0.01)] = np.nan  # the ACD lost a few wrap-up records
    for part in (talk, hold, acw):
        part[~handled] = np.nan
    talk[email_closed_unanswered] = np.nan

    answered_at = np.where(answered, t + np.nan_to_num(wait), -1).astype(np.int64)
    ended_at = np.where(
        phone | chat,
        t + np.nan_to_num(wait) + np.nan_to_num(talk) + np.nan_to_num(hold),
        answered_at + lognormal_s(rng, 8 * 3600.0, 1.0, n),
    ).astype(np.int64)
    email_open = email & ((~email_answered & ~email_closed_unanswered) | (rng.random(n) < 0.04))
    ended_at[email_closed_unanswered] = t[email_closed_unanswered] + 3600
    ended_at[email_open | no_pickup] = -1
    sla_due = np.where(email, t + 24 * 3600, -1)

    r = rng.random(n)
    resolved = np.where(r < 0.84, 1, np.where(r < 0.95, 0, -1)).astype(np.int8)  # -1 = unknown
    resolved[email & (ended_at >= 0)] = np.where(rng.random(n) < 0.9, 1, 0)[email & (ended_at >= 0)]
    resolved[email_open] = 0
    resolved[~handled] = -1
    complaint = rng.random(n) < np.where(resolved == 0, 0.06, 0.01)
    tr = rng.random(n)
    transfers = np.where(
        phone, (tr < 0.09).astype(np.int32) + (tr < 0.01), (chat & (tr < 0.03)).astype(np.int32)
    )
    transfers[~answered_rt] = 0
    agent = np.where(handled, team * AGENTS_PER_TEAM + rng.integers(0, AGENTS_PER_TEAM, n), -1)

    return pl.DataFrame(
        {
            "idx": np.arange(first_id, first_id + n, dtype=np.int64),
            "channel": CHANNELS[ch],
            "outbound": outbound,
            "cust": cust,
            "agent": agent.astype(np.int32),
            "team_no": team + 1,
            "topic": TOPICS[rng.choice(len(TOPICS), n, p=TOPIC_P)],
            "t": t,
            "answered_at_s": answered_at,
            "ended_at_s": ended_at,
            "wait_s": wait,
            "talk_s": talk,
            "hold_s": hold,
            "acw_s": acw,
            "transfers": transfers.astype(np.int32),
            "resolved_code": resolved,
            "complaint": complaint,
            "sla_due_s": sla_due,
        }
    )


def _team_p() -> np.ndarray:
    w = 1 + 0.5 * np.sin(np.arange(N_TEAMS))  # unequal team sizes
    return w / w.sum()


def _ts(col: str):
    """Seconds since START (−1 = none) → ``Datetime("us", "UTC")``."""
    import polars as pl

    c = pl.col(col)
    return pl.when(c >= 0).then(c * 1_000_000 + START_US).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def _code(prefix: str, col: str, width: int):
    """``C0000042`` style ids; negative numbers mean none."""
    import polars as pl

    c = pl.col(col)
    return pl.when(c >= 0).then(pl.format(prefix + "{}", c.cast(pl.String).str.zfill(width)))


def canonical_interactions(raw):
    """The store frame: canonical names and types, derived columns, schema of toolkit.ingest.schema."""
    import polars as pl

    from toolkit.ingest.schema import INTERACTIONS, polars_schema

    parts = [pl.col("talk_s"), pl.col("hold_s"), pl.col("acw_s")]
    team = pl.format("T{}", pl.col("team_no").cast(pl.String).str.zfill(2))
    df = raw.select(
        interaction_id=_code("I", "idx", 10),
        source=pl.lit("bench"),
        channel=pl.col("channel"),
        direction=pl.when(pl.col("outbound")).then(pl.lit("outbound")).otherwise(pl.lit("inbound")),
        customer_id=_code("C", "cust", 7),
        agent_id=_code("A", "agent", 4),
        team=team,
        queue=pl.format("{}-{}", team, pl.col("channel")),
        topic=pl.col("topic"),
        arrived_at=_ts("t"),
        answered_at=_ts("answered_at_s"),
        ended_at=_ts("ended_at_s"),
        wait_s=pl.col("wait_s").fill_nan(None),
        talk_s=pl.col("talk_s").fill_nan(None),
        hold_s=pl.col("hold_s").fill_nan(None),
        acw_s=pl.col("acw_s").fill_nan(None),
        transfers=pl.col("transfers"),
        resolved=pl.when(pl.col("resolved_code") >= 0).then(pl.col("resolved_code") == 1),
        complaint=pl.col("complaint"),
        sla_due_at=_ts("sla_due_s"),
    )
    df = df.with_columns(
        answered=pl.col("answered_at").is_not_null(),
        abandoned=(pl.col("direction") == "inbound")
        & pl.col("channel").is_in(["phone", "chat"])
        & pl.col("answered_at").is_null(),
        handle_s=pl.when(pl.any_horizontal([p.is_not_null() for p in parts])).then(
            pl.sum_horizontal([p.fill_null(0.0) for p in parts])
        ),
    )
    schema = polars_schema(INTERACTIONS, "UTC")
    return df.select(
        [(pl.col(k) if k in df.columns else pl.lit(None)).cast(v).alias(k) for k, v in schema.items()]
    )


def surveys_month(rng: np.random.Generator, store, first_id: int, n_surveys: int):
    """Survey invitations for handled contacts of one month (store frame in, store frame out)."""
    import polars as pl

    from toolkit.ingest.schema import SURVEYS, polars_schema

    pool = store.filter(
        pl.col("customer_id").is_not_null()
        & pl.col("ended_at").is_not_null()
        & (pl.col("direction") == "inbound")
    )
    pick = rng.choice(pool.height, min(n_surveys, pool.height), replace=False) if pool.height else []
    s = pool[np.sort(pick)]
    n = s.height
    resolved = s["resolved"].fill_null(False).to_numpy()[:, None]
    p_good = np.where(resolved, [[0.03, 0.04, 0.10, 0.33, 0.50]], [[0.22, 0.18, 0.22, 0.22, 0.16]])
    csat = 1 + (rng.random((n, 1)) > np.cumsum(p_good, axis=1)).sum(axis=1)
    responded = rng.random(n) < 0.28
    delay_s = 300 + np.rint(rng.exponential(600.0, n)).astype(np.int64)
    resp_s = np.rint(rng.exponential(4 * 3600.0, n)).astype(np.int64)
    low = responded & (csat <= 2)
    follow = (low | s["complaint"].to_numpy()) & responded & (rng.random(n) < 0.75)
    nps = np.clip(np.rint(csat * 2 + rng.normal(0, 1.3, n)), 0, 10)
    ces = np.clip(np.rint(8 - csat * 1.3 + rng.normal(0, 1, n)), 1, 7)
    end_us = START_US + SPAN_S * 1_000_000 - 1_000_000
    df = s.select(
        "interaction_id", "customer_id", "agent_id", "team", "channel", "queue", "ended_at"
    ).with_columns(
        response_id=pl.format(
            "S{}", pl.Series(np.arange(first_id, first_id + n)).cast(pl.String).str.zfill(9)
        ),
        source=pl.lit("bench"),
        survey=pl.lit("post-contact"),
        sent_us=pl.min_horizontal(pl.col("ended_at").dt.epoch("us") + pl.Series(delay_s * 1_000_000), end_us),
        resp_us=pl.Series(np.where(responded, resp_s * 1_000_000, -1)),
        csat=pl.Series(np.where(responded, csat, -1)),
        nps=pl.Series(np.where(responded & (rng.random(n) < 0.9), nps, -1)),
        ces=pl.Series(np.where(responded & (rng.random(n) < 0.6), ces, -1)),
        comment=_opt_str(responded & (rng.random(n) < 0.15), COMMENTS[rng.integers(0, len(COMMENTS), n)]),
        follow_us=pl.Series(np.where(follow, np.rint(rng.exponential(12 * 3600.0, n)) * 1_000_000, -1)).cast(
            pl.Int64
        ),
    )
    ts = lambda e: e.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")  # noqa: E731
    df = df.with_columns(
        sent_at=ts(pl.col("sent_us")),
        responded_at=pl.when(pl.col("resp_us") >= 0).then(ts(pl.col("sent_us") + pl.col("resp_us"))),
        csat=pl.when(pl.col("csat") > 0).then(pl.col("csat")),
        nps=pl.when(pl.col("nps") >= 0).then(pl.col("nps")),
        ces=pl.when(pl.col("ces") > 0).then(pl.col("ces")),
    ).with_columns(
        followed_up_at=pl.when(pl.col("follow_us") >= 0).then(
            pl.col("responded_at") + pl.duration(microseconds=pl.col("follow_us"))
        ),
    )
    schema = polars_schema(SURVEYS, "UTC")
    return df.select([pl.col(k).cast(v) for k, v in schema.items()])


def qa_month(rng: np.random.Generator, store, first_id: int, n_reviews: int):
    """QA reviews of answered contacts of one month."""
    import polars as pl

    from toolkit.ingest.schema import QA_REVIEWS, polars_schema

    pool = store.filter(pl.col("agent_id").is_not_null() & pl.col("ended_at").is_not_null())
    pick = rng.choice(pool.height, min(n_reviews, pool.height), replace=False) if pool.height else []
    s = pool[np.sort(pick)]
    n = s.height
    items = np.clip(np.rint(rng.normal(21.5, 3.0, (n, 4)) * 2) / 2, 0, 25)
    score = items.sum(axis=1)
    bad = score < 80
    sev = np.where(score < 60, np.where(rng.random(n) < 0.4, "critical", "major"), "minor")
    end_us = START_US + SPAN_S * 1_000_000 - 1_000_000
    delay = rng.integers(86400, 5 * 86400, n) * 1_000_000
    df = s.select("interaction_id", "agent_id", "team", "ended_at").with_columns(
        review_id=pl.format("R{}", pl.Series(np.arange(first_id, first_id + n)).cast(pl.String).str.zfill(8)),
        source=pl.lit("bench"),
        reviewer=pl.Series(np.char.add("QA", np.char.zfill(rng.integers(1, 9, n).astype(str), 2))),
        reviewed_at=pl.min_horizontal(pl.col("ended_at").dt.epoch("us") + pl.Series(delay), end_us)
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone("UTC"),
        attitude=pl.Series(items[:, 0]),
        communication=pl.Series(items[:, 1]),
        knowledge=pl.Series(items[:, 2]),
        problem_solving=pl.Series(items[:, 3]),
        score=pl.Series(score),
        issue_category=_opt_str(bad, ISSUES[rng.integers(0, len(ISSUES), n)]),
        severity=_opt_str(bad, sev),
        comment=pl.lit(None, pl.String),
    )
    schema = polars_schema(QA_REVIEWS, "UTC")
    return df.select([pl.col(k).cast(v) for k, v in schema.items()])


def _opt_str(mask: np.ndarray, values: np.ndarray):
    """A String series: ``values`` where ``mask``, else null."""
    import polars as pl

    return pl.select(pl.when(pl.Series(mask)).then(pl.Series(values, dtype=pl.String))).to_series()


def _csv_view(df, columns: list[str]):
    """CSV columns: naive ``YYYY-MM-DD HH:MM:SS`` times, whole-second durations as integers."""
    import polars as pl

    out = []
    for c in columns:
        dt = df.schema[c]
        if isinstance(dt, pl.Datetime):
            out.append(pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S"))
        elif c in ("wait_s", "talk_s", "hold_s", "acw_s"):
            out.append(pl.col(c).cast(pl.Int64))
        else:
            out.append(pl.col(c))
    return df.select(out)


def _write_partitions(frames: list, folder: Path, time_field: str) -> None:
    import polars as pl

    df = pl.concat(frames)
    df = df.with_columns(_month=pl.col(time_field).dt.strftime("%Y-%m")).sort(time_field, maintain_order=True)
    for (month,), part in df.group_by("_month", maintain_order=True):
        d = folder / f"month={month}"
        d.mkdir(parents=True, exist_ok=True)
        part.drop("_month").write_parquet(d / "data.parquet")


def generate(rows: int, out: Path, seed: int = 1, quiet: bool = False) -> dict[str, int]:
    """Write the workload to ``out`` (replacing an earlier one); returns row counts per dataset."""
    import polars as pl

    t0 = time.perf_counter()
    if out.exists():
        for name in ("store", "interactions.csv", "surveys.csv", "qa_reviews.csv"):
            p = out / name
            shutil.rmtree(p) if p.is_dir() else p.unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cxtk.yaml").write_text("name: cxtk benchmark centre\ntimezone: UTC\nstore: store\n")
    sk = contacts_skeleton(np.random.default_rng(seed), rows)
    surveys, reviews = [], []
    counts = {"interactions": 0, "surveys": 0, "qa_reviews": 0}
    with open(out / "interactions.csv", "wb") as csv:
        for i, (month, lo, hi) in enumerate(month_bounds(sk["t"])):
            rng = np.random.default_rng([seed, i])
            store = canonical_interactions(interaction_month(rng, sk["t"][lo:hi], sk["cust"][lo:hi], lo))
            d = out / "store" / "interactions" / f"month={month}"
            d.mkdir(parents=True, exist_ok=True)
            store.write_parquet(d / "data.parquet")
            _csv_view(store, CSV_COLUMNS).write_csv(csv, include_header=(i == 0))
            surveys.append(surveys_month(rng, store, counts["surveys"], round((hi - lo) / 10)))
            reviews.append(qa_month(rng, store, counts["qa_reviews"], round((hi - lo) / 200)))
            counts["interactions"] += store.height
            counts["surveys"] += surveys[-1].height
            counts["qa_reviews"] += reviews[-1].height
            if not quiet:
                print(
                    f"{month}: {store.height:>9,} interactions  ({time.perf_counter() - t0:5.1f} s)",
                    flush=True,
                )
    del sk
    for frames, name, field, cols in (
        (surveys, "surveys", "sent_at", SURVEY_CSV),
        (reviews, "qa_reviews", "reviewed_at", QA_CSV),
    ):
        _write_partitions(frames, out / "store" / name, field)
        _csv_view(pl.concat(frames), cols).write_csv(out / f"{name}.csv")
    from toolkit.ingest.migrate import migrate_store

    migrate_store(out / "store")  # the files stay where they are; each dataset gets its _delta_log
    if not quiet:
        print(f"done: {counts} in {time.perf_counter() - t0:.1f} s → {out}")
    return counts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=lambda s: int(s.replace("_", "")), default=10_000_000, help="interactions")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "data", help="output folder")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    generate(a.rows, a.out, a.seed, a.quiet)


if __name__ == "__main__":
    main()
