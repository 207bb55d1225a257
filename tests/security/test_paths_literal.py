"""Paths are never patterns (issue 11, item 1): a name with * ? [ ] is that one file."""

from __future__ import annotations

import hashlib
import json

from helpers_ingest import CANON, make_workspace, store_frame, write_csv

ROW = ["c1", "phone", "2026-10-01 08:00:00", "2026-10-01 08:00:20", "2026-10-01 08:05:00", "280", "Y", "N"]


def _row(cid: str) -> list[str]:
    return [cid, *ROW[1:]]


def _ingest(cli, ws, *files):  # type: ignore[no-untyped-def]
    return cli("--config", ws / "cxtk.yaml", "ingest", "interactions", *files, "--format", "json")


def test_brackets_in_a_file_name_read_that_file_not_its_pattern(cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    write_csv(tmp_path / "calls1.csv", CANON, [_row("other-1"), _row("other-2")])  # what the pattern matches
    named = write_csv(tmp_path / "calls[1].csv", CANON, [_row("mine")])
    r = _ingest(cli, ws, named)
    assert r.code == 0, r.err
    assert store_frame(ws)["interaction_id"].to_list() == ["mine"]
    log = [json.loads(x) for x in (ws / "store" / "ingest-log.jsonl").read_text().splitlines()]
    assert log[-1]["file"] == str(named)
    assert log[-1]["sha256"] == hashlib.sha256(named.read_bytes()).hexdigest()


def test_a_star_in_a_file_name_pulls_in_no_other_file(cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    write_csv(tmp_path / "calls-a.csv", CANON, [_row("a")])
    write_csv(tmp_path / "calls-b.csv", CANON, [_row("b")])
    star = write_csv(tmp_path / "calls*.csv", CANON, [_row("star")])
    assert _ingest(cli, ws, star).code == 0
    assert store_frame(ws)["interaction_id"].to_list() == ["star"]


def test_jsonl_with_a_pattern_name(cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    rec = dict(zip(CANON, ROW, strict=True))
    (tmp_path / "c1.jsonl").write_text(json.dumps({**rec, "interaction_id": "other"}) + "\n", encoding="utf-8")
    named = tmp_path / "c[1].jsonl"
    named.write_text(json.dumps({**rec, "interaction_id": "mine"}) + "\n", encoding="utf-8")
    r = _ingest(cli, ws, named)
    assert r.code == 0, r.err
    assert store_frame(ws)["interaction_id"].to_list() == ["mine"]


def test_a_workspace_named_like_a_pattern_reads_its_own_store(cli, tmp_path):
    sibling = make_workspace(tmp_path / "acme1")
    mine = make_workspace(tmp_path / "acme[1]")
    assert _ingest(cli, sibling, write_csv(tmp_path / "s.csv", CANON, [_row("s1"), _row("s2"), _row("s3")])).code == 0
    assert _ingest(cli, mine, write_csv(tmp_path / "m.csv", CANON, [_row("m1")])).code == 0
    assert store_frame(mine)["interaction_id"].to_list() == ["m1"]
    r = cli("--config", mine / "cxtk.yaml", "kpi", "--period", "2026-10", "--kpi", "contacts", "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["groups"][0]["kpis"]["contacts"]["value"] == 1
