"""Mapping SQL cannot reach outside the row (issue 11, item 2).

``sql:`` and ``keep:`` are checked node by node when the mapping is loaded: a subquery, a table
function or a function not on the list is refused, naming what it used, before any file is read.
"""

from __future__ import annotations

import http.server
import threading

import pytest
from helpers_ingest import config_of, make_workspace, store_frame, write_csv

BASE = {"name": "t", "dataset": "interactions", "constants": {"channel": "email"}}
FIELDS = {"interaction_id": "ID", "arrived_at": "Start"}


def _parse(**extra):  # type: ignore[no-untyped-def]
    from toolkit.ingest.mapping import parse_mapping

    return parse_mapping({**BASE, "fields": {**FIELDS, **extra.pop("fields", {})}, **extra}, "m.yaml")


@pytest.mark.parametrize(("sql", "named"), [
    ("(SELECT x FROM read_csv('/etc/passwd'))", "a subquery"),
    ("read_csv('/etc/passwd')", "the function READ_CSV()"),
    ("read_parquet('/tmp/x.parquet')", "the function READ_PARQUET()"),
    ("ID IN (SELECT ID FROM self)", "a subquery"),
    ("my_udf(ID)", "the function MY_UDF()"),
    ("t.ID", "names a table (t.ID)"),
    ("ID; DROP TABLE x", "must be one expression"),
])
def test_expressions_outside_the_row_are_refused_at_load(sql, named):
    from toolkit.core.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        _parse(fields={"queue": {"sql": sql}})
    assert named in str(info.value)
    assert str(info.value).startswith("m.yaml")

    with pytest.raises(ConfigError) as info:
        _parse(keep=sql)
    assert named in str(info.value) and "'keep'" in str(info.value)


def test_a_refused_keep_reads_no_file_and_makes_no_request(tmp_path):
    """The sweep's case: read_csv of a URL made HTTP requests. Now nothing reaches the server."""
    from toolkit.core.errors import ConfigError

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ID\n1\n")

        def log_message(self, *args):  # type: ignore[no-untyped-def]
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/x.csv"
        with pytest.raises(ConfigError):
            _parse(keep=f"ID IN (SELECT ID FROM read_csv('{url}'))")
        with pytest.raises(ConfigError):
            _parse(fields={"queue": {"sql": f"(SELECT ID FROM read_csv('{url}'))"}})
    finally:
        server.shutdown()
    assert hits == []


def test_a_mapping_file_with_a_subquery_is_refused_by_ingest(cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    secret = tmp_path / "secret.csv"
    secret.write_text("x\ntop-secret\n", encoding="utf-8")
    f = write_csv(tmp_path / "a.csv", ["ID", "Start"], [["a", "2026-10-01 08:00:00"]])
    m = tmp_path / "m.yaml"
    m.write_text("name: evil\ndataset: interactions\nconstants: {channel: phone}\n"
                 "fields:\n  interaction_id: ID\n  arrived_at: Start\n"
                 f"  queue: {{sql: \"(SELECT x FROM read_csv('{secret}'))\"}}\n", encoding="utf-8")
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", f, "--mapping", m)
    assert r.code == 1
    assert r.err.startswith(f"Error: {m}, line 7: 'fields.queue.sql': ")
    assert "uses a subquery, which a mapping may not use" in r.err
    assert "top-secret" not in r.out + r.err
    assert store_frame(ws) is None


@pytest.mark.parametrize(("sql", "rows", "expected"), [
    ("CASE WHEN \"Skill\" LIKE 'VIP%' THEN 'vip' ELSE 'general' END", ["VIP-1", "x"], ["vip", "general"]),
    ("CAST(q_time AS INT) * 60", ["2", "0"], ["120", "0"]),
    ("upper(trim(\"Skill\")) || '-' || SUBSTR(q_time, 1, 1)", [" ab ", "cd"], ["AB-2", "CD-0"]),
    ("COALESCE(NULLIF(\"Skill\", 'x'), 'none')", ["a", "x"], ["a", "none"]),
])
def test_row_expressions_still_work(tmp_path, sql, rows, expected):
    from toolkit.ingest.pipeline import ingest_files

    ws = make_workspace(tmp_path / "ws")
    f = write_csv(tmp_path / "a.csv", ["ID", "Start", "Skill", "q_time"],
                  [["a", "2026-10-01 08:00:00", rows[0], "2"], ["b", "2026-10-01 09:00:00", rows[1], "0"]])
    m = _parse(fields={"topic": {"sql": sql}})
    counts = ingest_files(config_of(ws), "interactions", [f], mapping=m).files[0].counts
    assert counts.accepted == 2
    assert store_frame(ws)["topic"].to_list() == expected


def test_the_checked_text_is_what_polars_runs():
    """A string sqlglot and Polars could read two ways is rewritten from the checked tree."""
    from toolkit.ingest.sqlcheck import checked_sql

    assert checked_sql("a::int") == "CAST(a AS INT)"
    assert checked_sql("'it''s' || a") == "'it''s' || a"
