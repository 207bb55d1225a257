"""The benchmark's references: DuckDB and pandas agree, on generated data and on hand-worked rows."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("pandas")

from bench import gen  # noqa: E402
from bench import reference_duckdb as rd  # noqa: E402
from bench import reference_pandas as rp  # noqa: E402


@pytest.fixture(scope="module")
def workload(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    counts = gen.generate(5000, out, seed=3, quiet=True)
    return out, counts


def assert_same(a, b):
    """Counts exactly, everything else to 1e-9 (NaN only where both are NaN)."""
    assert list(a.columns) == list(b.columns) == ["month", "team", *rd.KPIS]
    assert a[["month", "team"]].values.tolist() == b[["month", "team"]].values.tolist()
    for c in rd.COUNTS:
        assert a[c].tolist() == b[c].tolist(), c
    for c in rd.KPIS[5:]:
        for x, y in zip(a[c], b[c], strict=True):
            assert (math.isnan(x) and math.isnan(y)) or abs(x - y) <= 1e-9, c


def test_generated_store_has_the_canonical_schema_and_shape(workload):
    import polars as pl

    from toolkit.ingest.schema import INTERACTIONS, SURVEYS, polars_schema

    out, counts = workload
    assert counts["interactions"] == 5000
    assert counts["surveys"] == pytest.approx(500, abs=13)  # 1 in 10, rounded per month
    lf = pl.scan_parquet(out / "store/interactions/**/*.parquet", hive_partitioning=False)
    assert dict(lf.collect_schema()) == polars_schema(INTERACTIONS, "UTC")
    assert dict(pl.scan_parquet(out / "store/surveys/**/*.parquet").collect_schema()) == polars_schema(
        SURVEYS, "UTC"
    )
    df = pl.scan_parquet(out / "store/interactions/**/*.parquet", hive_partitioning=True).collect()
    # the month= folder is arrived_at's month (UTC), and derived columns follow their definitions
    assert (df["month"] == df["arrived_at"].dt.strftime("%Y-%m")).all()
    assert df["month"].n_unique() == 13 and df["team"].n_unique() == 20
    assert (df["answered"] == df["answered_at"].is_not_null()).all()
    assert df["interaction_id"].is_unique().all()
    csv = pl.read_csv(out / "interactions.csv")
    assert csv.columns == gen.CSV_COLUMNS and csv.height == 5000
    assert csv["arrived_at"][0][:4] == "2025" and len(csv["arrived_at"][0]) == 19  # YYYY-MM-DD HH:MM:SS


def test_references_agree_on_generated_data(workload):
    import polars as pl

    out, _ = workload
    a, b = rd.full_kpis(out / "store"), rp.full_kpis(out / "store")
    assert_same(a, b)
    assert len(a) == 13 * 20
    csv = pl.read_csv(out / "interactions.csv")
    inbound = csv.filter((pl.col("direction") == "inbound") & (pl.col("channel") != "ivr"))
    # every inbound non-IVR row of the CSV is a contact, the phone/chat ones are offered
    assert a["contacts"].sum() == inbound.height
    assert a["offered"].sum() == inbound.filter(pl.col("channel").is_in(["phone", "chat"])).height
    assert (a["answered"] + a["abandoned"] == a["offered"]).all()
    assert (
        a["abandoned"].sum()
        == inbound.filter(pl.col("channel").is_in(["phone", "chat"]) & pl.col("answered_at").is_null()).height
    )
    rates = a[["answer_rate", "service_level", "abandon_rate", "fcr_rate", "resolution_rate"]]
    assert ((rates >= 0) & (rates <= 1)).all().all()


def _ts(s: str | None):
    return None if s is None else datetime.fromisoformat(s)


# id, channel, direction, customer, team, arrived, answered_at, ended_at, wait, talk, hold, acw,
# transfers, resolved, complaint, sla_due
ROWS = [
    ("i01", "phone", "inbound", "c1", "A", "2026-10-01 09:00:00", "+", "+", 10, 100, 20, 30, 1, True, False, None),
    ("i02", "phone", "inbound", "c1", "A", "2026-10-08 09:00:00", "+", "+", 20, 200, None, 40, 0, True, False, None),
    ("i03", "phone", "inbound", "c1", "A", "2026-10-15 09:00:01", "+", "+", 21, 300, 0, None, 0, None, False, None),
    ("i04", "chat", "inbound", "c2", "A", "2026-10-02 10:00:00", "+", "+", 0, 50, None, 10, 0, False, False, None),
    ("i05", "chat", "inbound", "c2", "A", "2026-10-02 10:00:00", None, "+", 3, None, None, None, 0, None, False, None),
    ("i06", "phone", "inbound", "c3", "A", "2026-10-03 12:00:00", "+", "+", 5, 100, 0, 0, 0, True, False, None),
    ("i07", "email", "inbound", "c3", "A", "2026-10-03 12:00:00", "2026-10-03 14:00:00", "2026-10-03 15:00:00",
     7200, 200, None, None, 0, True, False, "2026-10-04 12:00:00"),
    ("i08", "phone", "inbound", "c4", "A", "2026-10-05 12:00:00", None, "+", 30, None, None, None, 0, None, False, None),
    ("i09", "phone", "inbound", "c5", "A", "2026-10-20 08:00:00", "+", "+", 8, 60, 0, 0, 0, True, False, None),
    ("i10", "phone", "inbound", "c5", "A", "2026-10-20 08:00:00", "+", "+", 9, 60, 0, 0, 0, True, False, None),
    ("i11", "chat", "inbound", "c5", "A", "2026-10-25 08:00:00", "+", "+", 12, 60, None, 0, 0, True, False, None),
    ("i12", "phone", "inbound", None, "A", "2026-10-10 11:00:00", "+", "+", 15, 90, 10, 20, 2, True, True, None),
    ("i13", "phone", "inbound", "c6", "A", "2026-10-11 11:00:00", None, "+", 45, None, None, None, 0, None, False, None),
    ("i14", "phone", "outbound", "c1", "A", "2026-10-09 09:00:00", "+", "+", 10, 60, 0, 0, 0, True, False, None),
    ("i15", "ivr", "inbound", "c1", "A", "2026-10-09 10:00:00", None, "+", 0, None, None, None, 0, None, False, None),
    ("i16", "email", "inbound", "c7", "A", "2026-10-30 12:00:00", None, "2026-10-30 13:00:00",
     None, None, None, 30, 0, False, False, "2026-11-01 12:00:00"),
    ("i17", "email", "inbound", "c8", "A", "2026-10-01 08:00:00", "2026-10-01 09:00:00", None,
     3600, 100, None, None, 0, False, False, "2026-10-02 08:00:00"),
    ("i18", "phone", "inbound", "c9", "B", "2026-10-05 09:00:00", "+", "+", 25, 100, 0, 20, 0, True, False, None),
    ("i19", "phone", "inbound", "c11", "A", "2026-10-29 20:00:00", "+", "+", 30, 120, 0, 0, 0, True, False, None),
    ("i20", "chat", "inbound", "c11", "A", "2026-11-02 20:00:00", "+", "+", 6, 60, None, 0, 0, True, False, None),
]  # fmt: skip


@pytest.fixture(scope="module")
def hand_store(tmp_path_factory):
    """The rows above as a canonical store; "+" = derived from arrived_at and the durations."""
    from datetime import timedelta

    import polars as pl

    from toolkit.ingest.schema import INTERACTIONS, polars_schema

    records = []
    for r in ROWS:
        iid, ch, dr, cust, team, arr, ans, end, wait, talk, hold, acw, tr, res, comp, due = r
        t = _ts(arr)
        ans_at = t + timedelta(seconds=wait) if ans == "+" else _ts(ans)
        parts = [p for p in (talk, hold, acw) if p is not None]
        end_at = (ans_at or t) + timedelta(seconds=(talk or 0) + (hold or 0)) if end == "+" else _ts(end)
        records.append(
            dict(
                interaction_id=iid,
                source="hand",
                channel=ch,
                direction=dr,
                customer_id=cust,
                team=team,
                arrived_at=t,
                answered_at=ans_at,
                answered=ans_at is not None,
                ended_at=end_at,
                wait_s=wait,
                talk_s=talk,
                hold_s=hold,
                acw_s=acw,
                handle_s=sum(parts) if parts else None,
                abandoned=dr == "inbound" and ch in ("phone", "chat") and ans_at is None,
                transfers=tr,
                resolved=res,
                complaint=comp,
                sla_due_at=_ts(due),
            )  # fmt: skip
        )
    schema = polars_schema(INTERACTIONS, "UTC")
    naive = {k: (pl.Datetime("us") if isinstance(v, pl.Datetime) else v) for k, v in schema.items()}
    df = pl.DataFrame(records, schema_overrides={k: naive[k] for k in records[0]})
    df = df.select(
        [(pl.col(k) if k in df.columns else pl.lit(None)).cast(v).alias(k) for k, v in naive.items()]
    )
    df = df.with_columns(pl.col(pl.Datetime).dt.replace_time_zone("UTC"))
    store = tmp_path_factory.mktemp("hand") / "store"
    for month in ("2026-10", "2026-11"):
        (store / "interactions" / f"month={month}").mkdir(parents=True)
        part = df.filter(pl.col("arrived_at").dt.strftime("%Y-%m") == month)
        part.write_parquet(store / "interactions" / f"month={month}" / "data.parquet")
    return store


# Worked by hand (month 2026-10, team A): contacts = 16 (20 rows − outbound i14 − ivr i15 − team B i18
# − November i20); offered = 13 (not the e-mails i07, i16, i17); answered = 10; abandoned i05, i08, i13;
# short = i05 (3 s).
# SL: waits ≤ 20 among answered: i01 10, i02 20, i04 0, i06 5, i09 8, i10 9, i11 12, i12 15 = 8 of (13 − 1).
# ASA: (10+20+21+0+5+8+9+12+15+30)/10 = 13. Abandon rate (3−1)/12; abandon wait (30+45)/2.
# Handled: the 10 answered + i07 (answered) + i16 (ended only) + i17 (answered, open) = 13;
# handle 150+240+300+60+100+200+60+60+60+120+30+100+120 = 1600 → 1600/13; the parts over the same 13
# contacts, a missing part as 0: talk 1440/13, hold (20+10)/13, acw 130/13 (they add up to 1600/13).
# Transfers: i01 and i12 of 10 answered. Resolution: 12 known, 9 true.
# FCR (12 handled with a customer, i12 has none): i01 ✗ (i02 exactly 7 days later), i02 ✓ (i03 7 days
# + 1 s; outbound i14 and ivr i15 do not count), i03 ✓ (resolved unknown, no later contact), i04 ✗
# (resolved false), i06 ✓ and i07 ✓ (a tie at the same instant is not later), i09 ✗ i10 ✗ (i11 later,
# past their tie), i11 ✓, i16 ✗ i17 ✗ (resolved false), i19 ✗ (i20 in November) → 5/12.
# Complaints: i12 → 1/16. SLA due in October: i07 met, i17 open → 1/2 (i16 is due in November).
EXPECTED_OCT_A = {
    "contacts": 16, "offered": 13, "answered": 10, "abandoned": 3, "short_abandoned": 1,
    "answer_rate": 10 / 13, "service_level": 8 / 12, "asa_s": 13.0, "abandon_rate": 2 / 12,
    "avg_abandon_wait_s": 37.5, "aht_s": 1600 / 13, "avg_talk_s": 1440 / 13, "avg_hold_s": 30 / 13,
    "avg_acw_s": 130 / 13, "transfer_rate": 0.2, "resolution_rate": 0.75, "fcr_rate": 5 / 12,
    "complaint_rate": 1 / 16, "sla_compliance": 0.5,
}  # fmt: skip
# Team B: i18 alone (wait 25 > 20, no abandons, no e-mail). November, team A: i20 alone; the SLA of
# i16 falls due there and was missed (resolved false) → 0.
EXPECTED_OCT_B = {"contacts": 1, "service_level": 0.0, "asa_s": 25.0, "aht_s": 120.0, "fcr_rate": 1.0,
                  "avg_abandon_wait_s": math.nan, "sla_compliance": math.nan}  # fmt: skip
EXPECTED_NOV_A = {"contacts": 1, "offered": 1, "fcr_rate": 1.0, "sla_compliance": 0.0, "avg_hold_s": 0.0}


@pytest.mark.parametrize("ref", [rd, rp], ids=["duckdb", "pandas"])
def test_hand_worked_figures(hand_store, ref):
    df = ref.full_kpis(hand_store)
    assert df[["month", "team"]].values.tolist() == [["2026-10", "A"], ["2026-10", "B"], ["2026-11", "A"]]
    for row, expected in zip(
        df.to_dict("records"), [EXPECTED_OCT_A, EXPECTED_OCT_B, EXPECTED_NOV_A], strict=True
    ):
        for k, v in expected.items():
            if isinstance(v, float) and math.isnan(v):
                assert math.isnan(row[k]), k
            else:
                assert row[k] == pytest.approx(v, abs=1e-12), k


def test_fcr_window_is_a_parameter(hand_store):
    # with a 5-day window, i01 (next contact after exactly 7 days) becomes first-contact resolved
    for ref in (rd, rp):
        df = ref.full_kpis(hand_store, fcr_window_days=5)
        assert df.loc[0, "fcr_rate"] == pytest.approx(6 / 12)
    assert_same(rd.full_kpis(hand_store, short_abandon_s=0), rp.full_kpis(hand_store, short_abandon_s=0))
