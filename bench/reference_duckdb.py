"""DuckDB reference: the full interaction KPI set by month × team, in one SQL query.

Definitions implemented (kpis.md, default ``definitions:``; the pandas
reference implements exactly the same ones):

- Rows: ``interactions`` of the store, all months. ``direction`` null counts as
  inbound, ``answered`` null as ``answered_at IS NOT NULL``, ``transfers`` null
  as 0, ``complaint`` null as false.
- **contact** = inbound and ``channel <> 'ivr'``. ``month`` = the store's
  ``month=`` partition, which is ``arrived_at``'s month in the workspace time
  zone (UTC here; the test checks it), read from the path because that is
  much cheaper than formatting 10 M timestamps; ``team`` as stored (null is a
  group of its own).
- **offered** = contact on ``phone``/``chat``; **answered** = offered and
  answered; **abandoned** = offered and not answered; **short_abandoned** =
  abandoned with ``wait_s < short_abandon_s`` (5; a null wait is not short).
- **handled** = answered for phone/chat; for the other channels
  ``answered_at`` or ``ended_at`` is set.
- ``answer_rate`` = answered ÷ offered.
- ``service_level`` = answered with ``wait_s ≤ 20`` ÷ (offered − short_abandoned).
- ``asa_s`` = mean ``wait_s`` over answered.
- ``abandon_rate`` = (abandoned − short) ÷ (offered − short).
- ``avg_abandon_wait_s`` = mean ``wait_s`` over abandoned and not short.
- ``aht_s`` = mean ``handle_s`` over handled contacts (all channels), nulls
  skipped; ``handle_s`` is the store's sum of parts (a missing part is 0, all
  missing is null). ``avg_talk_s``/``avg_hold_s``/``avg_acw_s`` = means of
  the parts over the same contacts (handled, ``handle_s`` not null), a missing
  part counting as 0 as it does in ``handle_s`` — so the three add up to
  ``aht_s``.
- ``transfer_rate`` = answered with ``transfers > 0`` ÷ answered (answered as
  above: phone/chat).
- ``resolution_rate`` = handled with ``resolved`` true ÷ handled with
  ``resolved`` not null.
- ``fcr_rate`` (derived; the bench data has no ``first_contact_resolved``) =
  handled contacts with a ``customer_id`` that are not ``resolved = false``
  and whose customer has no other contact (any channel, answered or not)
  arriving strictly later and at most 7 × 24 h after them ÷ handled contacts
  with a ``customer_id``. Repeats are looked for in all stored months. Ties:
  a contact at the very same instant is not "later", so it is no repeat, and
  the next strictly later contact is looked at instead (LEAD over
  ``customer_id`` ordered by ``arrived_at``; rows of a tie group take the LEAD
  of the group's last row). "At most 7 × 24 h after" is inclusive. Contacts of
  the last 7 days (provisional) count like the others.
- ``complaint_rate`` = contacts with ``complaint`` ÷ contacts.
- ``sla_compliance`` = email/ticket contacts whose ``sla_due_at`` falls in the
  month (grouped by ``sla_due_at``'s month, not arrival's) that are
  ``resolved`` with ``ended_at ≤ sla_due_at`` ÷ all of them (open or
  unresolved = missed). Only months that have contacts are reported.
- An empty denominator gives null (NaN), never 0.

    python bench/reference_duckdb.py bench/data/store
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

SQL = """
WITH base AS NOT MATERIALIZED (  -- each use scans only the columns it needs
    SELECT
        month, team, customer_id, wait_s, talk_s, hold_s, acw_s, handle_s, resolved, ended_at, sla_due_at,
        channel, epoch_us(arrived_at) AS t,
        channel IN ('phone', 'chat') AS offered,
        coalesce(answered, answered_at IS NOT NULL) AS is_answered,
        CASE WHEN channel IN ('phone', 'chat') THEN coalesce(answered, answered_at IS NOT NULL)
             ELSE answered_at IS NOT NULL OR ended_at IS NOT NULL END AS handled,
        coalesce(transfers, 0) > 0 AS transferred,
        coalesce(complaint, false) AS is_complaint
    FROM read_parquet($files, hive_partitioning = true, union_by_name = true)
    WHERE coalesce(direction, 'inbound') = 'inbound' AND channel <> 'ivr'
),
nxt AS (
    -- the window sees only the few columns it needs: sorting wide rows is what makes it slow
    SELECT month, team, resolved, handled AS fcr_eligible, customer_id, t,
           lead(t) OVER w AS lead_t, lag(t) OVER w AS lag_t
    FROM base
    WHERE customer_id IS NOT NULL
    WINDOW w AS (PARTITION BY customer_id ORDER BY t)
),
repeats AS (
    -- next_t = the customer's next strictly later arrival. LEAD gives it except inside a tie (two
    -- contacts at the same instant: not "later"); the few tied rows take the LEAD of the last row
    -- of their tie group, which is the next later one
    SELECT month, team,
           count(*) FILTER (
               fcr_eligible AND resolved IS DISTINCT FROM false
               AND NOT coalesce(next_t - t <= {window_us}, false)
           ) / nullif(count(*) FILTER (fcr_eligible), 0) AS fcr_rate
    FROM (
        SELECT month, team, resolved, fcr_eligible, t, lead_t AS next_t
        FROM nxt
        WHERE lead_t IS DISTINCT FROM t AND lag_t IS DISTINCT FROM t
        UNION ALL
        SELECT month, team, resolved, fcr_eligible, t,
               max(CASE WHEN lead_t > t THEN lead_t END) OVER (PARTITION BY customer_id, t) AS next_t
        FROM nxt
        WHERE lead_t = t OR lag_t = t
    )
    GROUP BY ALL
),
flags AS (
    SELECT *,
           offered AND is_answered AS ans,
           offered AND NOT is_answered AS abn,
           offered AND NOT is_answered AND coalesce(wait_s < $short_s, false) AS short_abn
    FROM base
),
kpis AS (
    SELECT month, team,
        count(*) AS contacts,
        count(*) FILTER (offered) AS offered,
        count(*) FILTER (ans) AS answered,
        count(*) FILTER (abn) AS abandoned,
        count(*) FILTER (short_abn) AS short_abandoned,
        count(*) FILTER (ans) / nullif(count(*) FILTER (offered), 0) AS answer_rate,
        count(*) FILTER (ans AND wait_s <= $sl_s)
            / nullif(count(*) FILTER (offered) - count(*) FILTER (short_abn), 0) AS service_level,
        avg(wait_s) FILTER (ans) AS asa_s,
        (count(*) FILTER (abn) - count(*) FILTER (short_abn))
            / nullif(count(*) FILTER (offered) - count(*) FILTER (short_abn), 0) AS abandon_rate,
        avg(wait_s) FILTER (abn AND NOT short_abn) AS avg_abandon_wait_s,
        avg(handle_s) FILTER (handled) AS aht_s,
        avg(coalesce(talk_s, 0)) FILTER (handled AND handle_s IS NOT NULL) AS avg_talk_s,
        avg(coalesce(hold_s, 0)) FILTER (handled AND handle_s IS NOT NULL) AS avg_hold_s,
        avg(coalesce(acw_s, 0)) FILTER (handled AND handle_s IS NOT NULL) AS avg_acw_s,
        count(*) FILTER (ans AND transferred) / nullif(count(*) FILTER (ans), 0) AS transfer_rate,
        count(*) FILTER (handled AND resolved)
            / nullif(count(*) FILTER (handled AND resolved IS NOT NULL), 0) AS resolution_rate,
        count(*) FILTER (is_complaint) / count(*) AS complaint_rate
    FROM flags
    GROUP BY ALL
),
sla AS (
    SELECT strftime(make_timestamp(epoch_us(sla_due_at)), '%Y-%m') AS month, team,
           count(*) FILTER (resolved AND ended_at <= sla_due_at) / count(*) AS sla_compliance
    FROM base
    WHERE channel IN ('email', 'ticket') AND sla_due_at IS NOT NULL
    GROUP BY ALL
)
SELECT kpis.*, repeats.fcr_rate, sla.sla_compliance
FROM kpis
LEFT JOIN repeats ON kpis.month = repeats.month AND kpis.team IS NOT DISTINCT FROM repeats.team
LEFT JOIN sla ON kpis.month = sla.month AND kpis.team IS NOT DISTINCT FROM sla.team
ORDER BY month, team NULLS LAST
"""


def _files(store_dir: str | Path) -> list[str]:
    """The interactions files: a Delta table's current version (its folder also holds files of older
    versions), or every ``month=*/*.parquet`` of a plain Hive folder."""
    table = Path(store_dir, "interactions")
    if (table / "_delta_log").is_dir():
        import polars as pl
        from deltalake import DeltaTable

        added = pl.DataFrame(DeltaTable(str(table)).get_add_actions(flatten=True))
        files = sorted(str(table / p) for p in added["path"]) if added.height else []
    else:
        files = sorted(str(p) for p in table.glob("month=*/*.parquet"))
    if not files:
        raise FileNotFoundError(f"no Parquet files under {table}/month=*/")
    return files

def full_kpis(
    store_dir: str | Path,
    *,
    short_abandon_s: float = 5,
    service_level_threshold_s: float = 20,
    fcr_window_days: float = 7,
    threads: int | None = None,
):
    """The KPIs of the module docstring by month × team, from the store, as a pandas DataFrame.

    Columns: ``month`` (``YYYY-MM``), ``team``, then ``KPIS`` in order; counts
    are int64, the rest float64 (NaN = no denominator). Sorted by month, team.
    """
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        params = {"files": _files(store_dir), "short_s": short_abandon_s, "sl_s": service_level_threshold_s}
        # a window frame offset cannot be a parameter; it is an int we computed, so formatting is safe
        sql = SQL.replace("{window_us}", str(int(round(fcr_window_days * 86400 * 1_000_000))))
        df = con.execute(sql, params).df()
    finally:
        con.close()
    df[COUNTS] = df[COUNTS].astype("int64")
    df[KPIS[5:]] = df[KPIS[5:]].astype("float64")
    return df[["month", "team", *KPIS]].reset_index(drop=True)


if __name__ == "__main__":
    import time

    t0 = time.perf_counter()
    out = full_kpis(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "data" / "store")
    print(out.to_string(max_rows=30))
    print(f"{len(out)} rows in {time.perf_counter() - t0:.2f} s")
