"""What a sweep of 50 hostile inputs against `cxtk ingest`, `cxtk kpi --input` and `cxtk mapping suggest`
found in a fresh workspace (issue 11, item 10: "fix any traceback you find").

Each test writes the input and asserts the outcome now: one line naming the file and line, or the
rows read as they are. Two more findings are tested beside the items they belong to: a workbook of
one 1.5 GB cell (test_bounded_resources.py) and a FIFO given as --config (test_one_line_errors.py).
"""

from __future__ import annotations

import json

import polars as pl
import pytest
from bounded import one_line
from helpers_ingest import make_workspace, store_frame

CANON = ["interaction_id", "channel", "arrived_at", "answered_at", "ended_at", "talk_s", "resolved", "complaint"]


def record(i: int, **extra: object) -> dict[str, object]:
    t = f"2026-10-01 08:{i % 60:02d}"
    return {"interaction_id": f"c{i}", "channel": "phone", "arrived_at": f"{t}:00", "answered_at": f"{t}:20",
            "ended_at": f"{t}:50", "talk_s": "30", "resolved": "Y", "complaint": "N", **extra}


def csv_rows(n: int) -> str:
    return "".join(",".join(str(v) for v in record(i).values()) + "\n" for i in range(1, n + 1))


@pytest.fixture
def ws(tmp_path, monkeypatch):
    ws = make_workspace(tmp_path / "ws")
    monkeypatch.chdir(ws)
    return ws


def ingested(cli, name: str) -> dict:
    r = cli("ingest", "interactions", name, "--format", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_a_json_line_nested_too_deep_is_one_line_not_a_recursion_traceback(cli, ws):
    """Was: RecursionError traceback from every command that opened it."""
    (ws / "calls.jsonl").write_text('{"interaction_id": "c1", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
                                    encoding="utf-8")
    for command in (("ingest", "interactions"), ("kpi", "--period", "2026-10", "--input"), ("mapping", "suggest")):
        r = cli(*command, "calls.jsonl")
        assert r.code == 1
        assert one_line(r.err) == "Error: calls.jsonl: line 1 nests values too deep to read — not an export of records"


def test_a_bad_json_line_after_the_sample_is_named_by_its_line(cli, ws):
    """Was: "cannot be read as jsonl: error parsing line: DepthLimitExceeded at character 1053 ('[')"."""
    lines = "".join(json.dumps(record(i)) + "\n" for i in range(1, 1001))
    (ws / "calls.jsonl").write_text(lines + '{"interaction_id": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
                                    encoding="utf-8")
    r = cli("ingest", "interactions", "calls.jsonl")
    assert r.code == 1
    assert one_line(r.err) == "Error: calls.jsonl: line 1001 nests values too deep to read — not an export of records"


def test_a_valid_json_line_longer_than_the_sample_is_read(cli, ws):
    """Was: "line 1 is not valid JSON (Unterminated string starting at)" — the sample cut the line."""
    (ws / "calls.jsonl").write_text(json.dumps(record(1, note="x" * 70_000)) + "\n" + json.dumps(record(2)) + "\n",
                                    encoding="utf-8")
    assert ingested(cli, "calls.jsonl")["accepted"] == 2


def test_a_header_longer_than_the_sample_is_read_whole(ws):
    """Was: a 20,000-column header read short; `mapping suggest` then failed with Polars' "n_extra = 9050"."""
    from toolkit.ingest.readers import read_table

    names = CANON + [f"extra_{i}" for i in range(20_000)]
    (ws / "wide.csv").write_text(",".join(names) + "\n" + ",".join(["1"] * len(names)) + "\n", encoding="utf-8")
    with read_table(ws / "wide.csv") as t, t.reading():
        assert t.columns == names
        assert t.frame.collect().height == 1


def test_a_first_line_longer_than_the_cell_cap_is_refused(cli, ws):
    (ws / "calls.csv").write_text("x" * (9 << 20), encoding="utf-8")
    r = cli("mapping", "suggest", "calls.csv")
    assert r.code == 1
    assert one_line(r.err) == (
        "Error: calls.csv: line 1 is longer than 8 MiB — not a table, or an export without line ends"
    )


def test_a_blank_line_under_the_header_is_skipped_not_a_refusal(cli, ws):
    """Was: "cannot be read as csv: column names specified in schema not found in CSV file (n_missing = 7)"."""
    (ws / "calls.csv").write_text(",".join(CANON) + "\n\n" + csv_rows(3), encoding="utf-8")
    data = ingested(cli, "calls.csv")
    assert (data["read"], data["accepted"], data["skipped"]) == (4, 3, 1)
    assert store_frame(ws)["interaction_id"].to_list() == ["c1", "c2", "c3"]


def test_lines_ending_in_crlf_and_then_in_bare_cr_are_all_read(cli, ws):
    """Was: "cannot be read as csv: column names specified in schema not found in CSV file"."""
    text = ",".join(CANON) + "\n" + csv_rows(40)
    (ws / "calls.csv").write_text(text.replace("\n", "\r\n", 10).replace("\n", "\r"), encoding="utf-8", newline="")
    assert ingested(cli, "calls.csv")["accepted"] == 40


def test_a_crlf_file_with_a_bare_cr_inside_a_quoted_cell_keeps_it_as_text(cli, ws):
    text = ",".join([*CANON, "topic"]) + "\r\n" + ",".join(str(v) for v in record(1).values()) + ',"a\rb"\r\n'
    (ws / "calls.csv").write_text(text, encoding="utf-8", newline="")
    assert ingested(cli, "calls.csv")["accepted"] == 1


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "yaml"])
def test_a_source_column_named_like_the_line_number_is_kept_apart(ws, fmt):
    """Was: Parquet "duplicate column name __line"; YAML overwrote the column with the line numbers."""
    from toolkit.ingest.readers import read_table

    rows = [record(1, __line="seven"), record(2, __line="eight")]
    path = ws / f"calls.{fmt}"
    if fmt == "parquet":
        pl.DataFrame(rows).write_parquet(path)
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        path.write_text("".join("- " + json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with read_table(path) as t, t.reading():
        df = t.frame.collect()
    assert "__line_2" in t.columns and "__line" not in t.columns
    assert df["__line_2"].to_list() == ["seven", "eight"]
    assert df["__line"].to_list() == [1, 2]
