"""The bad-input corpus (tests/data/bad/): every file through `cxtk ingest`, outcome as in expected.csv.

expected.csv has one row per case, worked by hand from the files that make_corpus.py
writes: either exit 1 with a message substring (``&&`` separates several), or exit 0
with the accounting and the fields of the rejected rows (``;``-separated, sorted).
"""

from __future__ import annotations

import csv
import json
import shlex
from pathlib import Path

import pytest
from helpers_ingest import BAD, assert_balanced, make_workspace

ROWS = list(csv.DictReader(open(BAD / "expected.csv", encoding="utf-8")))


def _id(row: dict) -> str:
    return row["file"] + (f"[{row['args']}]" if row["args"] else "") + (f"[{row['mapping']}]" if row["mapping"] else "")


def test_corpus_is_large_and_present():
    files = {f for r in ROWS for f in r["file"].split("+")}
    assert len(files) >= 40
    for f in files:
        assert (BAD / f).is_file(), f


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_corpus_file(row, cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    files = [BAD / f for f in row["file"].split("+")]
    args: list[str | Path] = ["--config", ws / "cxtk.yaml", "ingest", row["dataset"], *files, "--format", "json"]
    if row["mapping"]:
        args += ["--mapping", str(BAD / row["mapping"]) if row["mapping"].endswith(".yaml") else row["mapping"]]
    args += shlex.split(row["args"])
    r = cli(*args)
    assert "Traceback" not in r.out + r.err
    assert r.code == int(row["exit"]), r.err
    if r.code:
        lines = r.err.strip().splitlines()
        assert len(lines) == 1, r.err
        assert lines[0].startswith("Error: ")
        if not row["message"].startswith("unknown mapping"):
            assert files[0].name in lines[0]
        for part in row["message"].split("&&"):
            assert part in lines[0]
        assert r.out == ""
        assert not list((ws / "store").rglob("*.parquet")), "a failed ingest wrote data"
        return
    data = json.loads(r.out)
    want = {k: int(row[k]) for k in ("read", "accepted", "rejected", "duplicate", "skipped")}
    assert {k: data[k] for k in want} == want
    assert_balanced(data)
    for f in data["files"]:
        assert_balanced(f)
        if row["encoding"]:
            assert f["encoding"] == row["encoding"]
    fields: list[str] = []
    for f in data["files"]:
        if f["rejected"]:
            with open(f["rejects_file"], encoding="utf-8") as handle:
                rejects = list(csv.DictReader(handle))
            assert len(rejects) == f["rejected"]
            assert all(x["line"].isdigit() and x["reason"] for x in rejects)
            fields += [x["field"] for x in rejects]
        else:
            assert f["rejects_file"] is None
    assert ";".join(sorted(fields)) == row["rejected_fields"]
