"""`cxtk ingest` from the command line: exit codes 0/1/2, exact messages, --strict, --dry-run, JSON keys."""

from __future__ import annotations

import json

from helpers_ingest import CANON, assert_balanced, make_workspace, parquet_hashes, write_csv

GOOD = ["c1", "phone", "2026-10-01 08:00:00", "2026-10-01 08:00:20", "2026-10-01 08:05:00", "280", "Y", "N"]
BAD = ["c2", "phone", "2026-10-01 09:00:00", "2026-10-01 08:59:00", "", "", "", ""]  # answered before arrival
KNOWN = ("7moor-cdr, canonical, canonical-actions, canonical-agent-status, canonical-qa, canonical-surveys, cn-acd, "
         "five9-call-log, freshdesk-tickets, helpdesk, talkdesk-contacts, zendesk-tickets")


def _ws(tmp_path):  # type: ignore[no-untyped-def]
    ws = make_workspace(tmp_path / "ws")
    return ws, ["--config", ws / "cxtk.yaml", "ingest"]


def test_missing_file(cli, tmp_path):
    ws, base = _ws(tmp_path)
    r = cli(*base, "interactions", tmp_path / "nope.csv")
    assert (r.code, r.err) == (1, f"Error: {tmp_path / 'nope.csv'}: file not found\n")


def test_unknown_dataset_is_a_usage_error(cli, tmp_path):
    ws, base = _ws(tmp_path)
    f = write_csv(tmp_path / "a.csv", CANON, [GOOD])
    r = cli(*base, "calls", f)
    assert r.code == 2
    assert "'calls' is not one of" in r.err and "'interactions', 'surveys', 'qa', 'agent-status', 'actions'" in r.err


def test_unknown_mapping_lists_known_ones(cli, tmp_path):
    ws, base = _ws(tmp_path)
    f = write_csv(tmp_path / "a.csv", CANON, [GOOD])
    r = cli(*base, "interactions", f, "--mapping", "cn-acx")
    assert (r.code, r.err) == (
        1, f"Error: unknown mapping 'cn-acx' (did you mean 'cn-acd'?); known mappings: {KNOWN} (or give a YAML file)\n")


def test_mapping_of_another_dataset(cli, tmp_path):
    ws, base = _ws(tmp_path)
    f = write_csv(tmp_path / "a.csv", CANON, [GOOD])
    r = cli(*base, "surveys", f, "--mapping", "cn-acd")
    assert r.code == 1
    assert r.err == (f"Error: {f}: mapping 'cn-acd' is for interactions, not surveys; run "
                     "`cxtk ingest interactions a.csv --mapping cn-acd` or choose another mapping\n")


def test_strict_rejects_fail_and_write_nothing(cli, tmp_path):
    ws, base = _ws(tmp_path)
    f = write_csv(tmp_path / "a.csv", CANON, [GOOD, BAD])
    r = cli(*base, "interactions", f, "--strict")
    assert r.code == 1
    assert r.err == (f"Error: {f}: 1 row(s) rejected, first at line 3, field 'answered_at': answered before "
                     "arrival (answered_at is earlier than arrived_at); nothing was written (--strict)\n")
    assert parquet_hashes(ws) == {}
    assert not (ws / "rejects").exists()
    assert not (ws / "store" / "ingest-log.jsonl").exists()


def test_strict_without_rejects_ingests(cli, tmp_path):
    ws, base = _ws(tmp_path)
    r = cli(*base, "interactions", write_csv(tmp_path / "a.csv", CANON, [GOOD]), "--strict", "--format", "json")
    assert r.code == 0 and json.loads(r.out)["accepted"] == 1


def test_dry_run_counts_and_writes_nothing(cli, tmp_path):
    ws, base = _ws(tmp_path)
    f = write_csv(tmp_path / "a.csv", CANON, [GOOD, BAD, GOOD])
    r = cli(*base, "interactions", f, "--dry-run")
    assert r.code == 0, r.err
    assert "Dry run — nothing written: interactions" in r.out
    # 3 read: c1 accepted, c2 rejected, the second c1 a duplicate
    assert "read 3 = accepted 1 + rejected 1 + duplicate 1 + skipped 0" in r.out
    assert "1 rejected rows → (not written: dry run)" in r.out
    assert "line 3, answered_at: answered before arrival" in r.out
    assert parquet_hashes(ws) == {}
    assert not (ws / "rejects").exists()
    assert not (ws / "store" / "ingest-log.jsonl").exists()


def test_json_keys_as_in_cli_md(cli, tmp_path):
    ws, base = _ws(tmp_path)
    f = write_csv(tmp_path / "a.csv", CANON, [GOOD, BAD])
    r = cli(*base, "interactions", f, "--format", "json")
    assert r.code == 0 and r.err == ""
    data = json.loads(r.out)
    assert {"dataset", "read", "accepted", "rejected", "duplicate", "skipped", "updated", "files"} <= set(data)
    assert (data["dataset"], data["read"], data["accepted"], data["rejected"]) == ("interactions", 2, 1, 1)
    (file,) = data["files"]
    assert {"path", "sha256", "encoding", "mapping", "read", "accepted", "rejected", "duplicate", "skipped",
            "updated", "rejects_file"} <= set(file)
    assert (file["encoding"], file["mapping"], len(file["sha256"])) == ("utf-8", "canonical", 64)
    assert_balanced(data)
    assert file["rejects_file"].endswith(".rejects.csv")


def test_table_output_balances_and_names_rejects(cli, tmp_path):
    ws, base = _ws(tmp_path)
    f = write_csv(tmp_path / "a.csv", CANON, [GOOD, BAD])
    r = cli(*base, "interactions", f)
    assert r.code == 0
    assert "read 2 = accepted 1 + rejected 1 + duplicate 0 + skipped 0" in r.out
    assert f"1 rejected rows → {ws.resolve() / 'rejects'}" in r.out.replace("\n", "")


def test_rejects_csv_neutralises_formulas_and_store_keeps_text(cli, tmp_path):
    import csv

    from helpers_ingest import BAD as CORPUS
    from helpers_ingest import store_frame

    ws, base = _ws(tmp_path)
    r = cli(*base, "surveys", CORPUS / "formula_text.csv", "--format", "json")
    data = json.loads(r.out)
    with open(data["files"][0]["rejects_file"], encoding="utf-8") as handle:
        rejects = {x["field"]: x for x in csv.DictReader(handle)}
    assert rejects["csat"]["value"] == "'=1+1"
    assert rejects["nps"]["value"] == "'@SUM(A1)"
    comments = dict(store_frame(ws, "surveys").select("response_id", "comment").rows())
    assert comments == {"f1": '=HYPERLINK("http://evil.example","click")', "f2": "+1", "f3": "@SUM(A1:A9)"}


def test_html_comment_stored_as_text(cli, tmp_path):
    from helpers_ingest import BAD as CORPUS
    from helpers_ingest import store_frame

    ws, base = _ws(tmp_path)
    assert cli(*base, "surveys", CORPUS / "html_comment.csv").code == 0
    comments = store_frame(ws, "surveys")["comment"].to_list()
    assert comments == ["<script>alert('x')</script><b>bad</b>", '<img src="http://evil.example/x.png">']


def test_decoded_text_survives(cli, tmp_path):
    from helpers_ingest import BAD as CORPUS
    from helpers_ingest import store_frame

    ws, base = _ws(tmp_path)
    assert cli(*base, "interactions", CORPUS / "enc_latin1.csv").code == 0
    assert store_frame(ws)["agent_name"].to_list() == ["José Müller", "Zoë"]
    assert cli(*base, "interactions", CORPUS / "enc_gb18030.csv", "--mapping", "cn-acd").code == 0
    assert "王𠀀" in store_frame(ws)["agent_name"].to_list()


def test_no_traceback_without_verbose(cli, tmp_path):
    from helpers_ingest import BAD as CORPUS

    ws, base = _ws(tmp_path)
    r = cli(*base, "interactions", CORPUS / "junk_binary.csv")
    assert r.code == 1 and "Traceback" not in r.err and len(r.err.splitlines()) == 1
