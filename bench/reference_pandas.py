"""pandas reference: the full interaction KPI set by month × team, in idiomatic vectorised pandas.

Definitions: exactly those written at the top of ``bench/reference_duckdb.py``
(kpis.md with the default ``definitions:``), restated briefly:

- contact = inbound (null = inbound), channel not ``ivr``; month = the store's
  ``month=`` partition (``arrived_at``'s month in the workspace time zone,
  UTC here); team as stored, null its own group.
- offered = phone/chat contact; answered/abandoned = offered and (not)
  answered; short_abandoned = abandoned with ``wait_s < 5``.
- handled = answered (phone/chat) or ``answered_at``/``ended_at`` set (others).
- rates and means as in kpis.md; ``aht_s`` = mean ``handle_s`` over handled
  contacts (nulls skipped), the parts are means over the same contacts with a
  missing part as 0 (they add up to ``aht_s``); ``transfer_rate`` over
  answered (phone/chat).
- ``fcr_rate`` = handled contacts with a customer, not ``resolved = false``,
  whose customer has no other contact strictly later (a tie at the same
  instant is not later) and at most 7 × 24 h after ÷ handled contacts with a
  customer; repeats looked for in all months.
- ``sla_compliance`` grouped by ``sla_due_at``'s month: email/ticket contacts
  resolved with ``ended_at ≤ sla_due_at`` ÷ all due; only months with contacts.
- Empty denominator → NaN.

How it reads the store: pandas' own ``read_parquet`` needs pyarrow, which
this project does not install, so the Parquet files are decoded with Polars
and handed over column by column as NumPy arrays (strings as object arrays,
nullable booleans as pandas ``boolean``). Everything after that is pandas.

    python bench/reference_pandas.py bench/data/store
"""

from __future__ import annotations

import sys
from pathlib import Path

KPIS = [
    "contacts", "offered", "answered", "abandoned", "short_abandoned", "answer_rate", "service_level",
    "asa_s", "abandon_rate", "avg_abandon_wait_s", "aht_s", "avg_talk_s", "avg_hold_s", "avg_acw_s",
    "transfer_rate", "resolution_rate", "fcr_rate", "complaint_rate", "sla_compliance",
]  # fmt: skip
COUNTS = KPIS[:5]
COLUMNS = [
    "month", "team", "channel", "direction", "customer_id", "arrived_at", "answered_at", "answered",
    "ended_at", "wait_s", "talk_s", "hold_s", "acw_s", "handle_s", "transfers", "resolved", "complaint",
    "sla_due_at",
]  # fmt: skip


def read_store(store_dir: str | Path):
    """The interactions columns the KPIs need, as a pandas DataFrame (times naive UTC ``datetime64[us]``)."""
    import pandas as pd
    import polars as pl

    table = Path(store_dir, "interactions")
    if (table / "_delta_log").is_dir():  # a Delta table: its current version, not every file in the folder
        from deltalake import DeltaTable

        added = pl.DataFrame(DeltaTable(str(table)).get_add_actions(flatten=True))
        files = sorted(str(table / p) for p in added["path"]) if added.height else []
    else:
        files = sorted(str(p) for p in table.glob("month=*/*.parquet"))
    if not files:
        raise FileNotFoundError(f"no Parquet files under {table}/month=*/")
    lf = pl.scan_parquet(files, glob=False, hive_partitioning=True)
    have = lf.collect_schema()
    df = lf.select([c for c in COLUMNS if c in have]).collect()
    out = {}
    for name, s in df.to_dict().items():
        if s.dtype == pl.Boolean:
            out[name] = pd.arrays.BooleanArray(s.fill_null(False).to_numpy(), s.is_null().to_numpy())
        elif isinstance(s.dtype, pl.Datetime):
            out[name] = s.dt.replace_time_zone(None).to_numpy()
        else:
            out[name] = s.to_numpy()
    return pd.DataFrame(out)


def repeated_within(customer, arrived, window):
    """True where the same customer has another contact strictly later and at most ``window`` after.

    Sort by customer and time; the next row of the same customer is the next
    contact, except inside a tie (same instant): there the last row of the
    tie group holds the next strictly later arrival, carried back with bfill.
    """
    import numpy as np
    import pandas as pd

    d = pd.DataFrame({"c": pd.factorize(customer)[0], "t": arrived.astype("int64")}, index=customer.index)
    d = d[d["c"] >= 0].sort_values(["c", "t"])
    same = d["c"].shift(-1) == d["c"]
    nxt = d["t"].shift(-1).where(same)
    tie = nxt == d["t"]
    last = np.inf  # "no later contact": a value bfill will not skip (µs fit float64 exactly)
    carried = nxt.fillna(last).where(~tie).bfill()
    repeated = (carried != last) & (carried - d["t"] <= window.value // 1000)  # µs
    return repeated.reindex(customer.index, fill_value=False)


def full_kpis(
    store_dir: str | Path,
    *,
    short_abandon_s: float = 5,
    service_level_threshold_s: float = 20,
    fcr_window_days: float = 7,
):
    """The KPIs by month × team, from the store, as a pandas DataFrame.

    Columns: ``month`` (``YYYY-MM``), ``team``, then ``KPIS`` in order; counts
    are int64, the rest float64 (NaN = no denominator). Sorted by month, team.
    """
    import pandas as pd

    df = read_store(store_dir)
    direction = df["direction"].fillna("inbound")
    df = df[(direction == "inbound") & (df["channel"] != "ivr")].reset_index(drop=True)

    realtime = df["channel"].isin(["phone", "chat"])
    is_answered = df["answered"].fillna(pd.Series(df["answered_at"].notna()))
    answered = realtime & is_answered
    abandoned = realtime & ~is_answered
    short = abandoned & (df["wait_s"] < short_abandon_s)
    handled = (realtime & is_answered) | (~realtime & (df["answered_at"].notna() | df["ended_at"].notna()))
    resolved = df["resolved"]
    timed = handled & df["handle_s"].notna()  # the parts count where handle_s does, a missing one as 0
    eligible = handled & df["customer_id"].notna()
    repeated = repeated_within(df["customer_id"], df["arrived_at"], pd.Timedelta(days=fcr_window_days))

    flags = pd.DataFrame(
        {
            "month": df["month"],
            "team": df["team"],
            "contacts": 1,
            "offered": realtime.astype("int64"),
            "answered": answered.astype("int64"),
            "abandoned": abandoned.astype("int64"),
            "short_abandoned": short.astype("int64"),
            "in_sl": (answered & (df["wait_s"] <= service_level_threshold_s)).astype("int64"),
            "answered_wait": df["wait_s"].where(answered),
            "abandon_wait": df["wait_s"].where(abandoned & ~short),
            "handle": df["handle_s"].where(handled),
            "talk": df["talk_s"].fillna(0).where(timed),
            "hold": df["hold_s"].fillna(0).where(timed),
            "acw": df["acw_s"].fillna(0).where(timed),
            "transferred": (answered & (df["transfers"].fillna(0) > 0)).astype("int64"),
            "resolved_yes": (handled & resolved.fillna(False)).astype("int64"),
            "resolved_known": (handled & resolved.notna()).astype("int64"),
            "fcr_yes": (eligible & (resolved.fillna(True)) & ~repeated).astype("int64"),
            "fcr_n": eligible.astype("int64"),
            "complaint": df["complaint"].fillna(False).astype("int64"),
        }
    )
    means = {"answered_wait", "abandon_wait", "handle", "talk", "hold", "acw"}
    g = flags.groupby(["month", "team"], dropna=False, sort=True).agg(
        {c: ("mean" if c in means else "sum") for c in flags.columns[2:]}
    )

    def ratio(num, den):
        return (num / den.where(den != 0)).astype("float64")

    served = g["offered"] - g["short_abandoned"]
    out = g[COUNTS].copy()
    out["answer_rate"] = ratio(g["answered"], g["offered"])
    out["service_level"] = ratio(g["in_sl"], served)
    out["asa_s"] = g["answered_wait"]
    out["abandon_rate"] = ratio(g["abandoned"] - g["short_abandoned"], served)
    out["avg_abandon_wait_s"] = g["abandon_wait"]
    out["aht_s"] = g["handle"]
    out["avg_talk_s"] = g["talk"]
    out["avg_hold_s"] = g["hold"]
    out["avg_acw_s"] = g["acw"]
    out["transfer_rate"] = ratio(g["transferred"], g["answered"])
    out["resolution_rate"] = ratio(g["resolved_yes"], g["resolved_known"])
    out["fcr_rate"] = ratio(g["fcr_yes"], g["fcr_n"])
    out["complaint_rate"] = ratio(g["complaint"], g["contacts"])

    due = df[df["channel"].isin(["email", "ticket"]) & df["sla_due_at"].notna()]
    met = (due["resolved"].fillna(False) & (due["ended_at"] <= due["sla_due_at"])).astype("float64")
    sla = met.groupby([due["sla_due_at"].dt.strftime("%Y-%m"), due["team"]], dropna=False).mean()
    sla.index.names = ["month", "team"]
    out = out.join(sla.rename("sla_compliance"), how="left").reset_index()
    out[COUNTS] = out[COUNTS].astype("int64")
    out[KPIS[5:]] = out[KPIS[5:]].astype("float64")
    out["month"] = out["month"].astype(object)
    out["team"] = out["team"].astype(object)
    return (
        out[["month", "team", *KPIS]]
        .sort_values(["month", "team"], na_position="last")
        .reset_index(drop=True)
    )


if __name__ == "__main__":
    import time

    t0 = time.perf_counter()
    res = full_kpis(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "data" / "store")
    print(res.to_string(max_rows=30))
    print(f"{len(res)} rows in {time.perf_counter() - t0:.2f} s")
