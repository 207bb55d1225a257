"""`mapping suggest` writes YAML with a YAML library (issue 11, item 3).

A header or a value may hold a newline followed by YAML (``keep: …``); the draft must read back
as exactly the document proposed, with the hostile text inside a quoted key or a comment.
"""

from __future__ import annotations

import yaml


def _csv(path, header, rows):  # type: ignore[no-untyped-def]
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_a_header_with_a_newline_injects_no_key(tmp_path):
    from toolkit.ingest.suggest import suggest_mapping

    evil = "Notes\nkeep: \"ID IN (SELECT x FROM read_csv('http://127.0.0.1:9/x'))\"\nfields2"
    f = _csv(tmp_path / "calls.csv", ["Call ID", "Start time", evil, "Talk time"],
             [["c1", "2026-10-01 08:00:00", "n", "30"]])
    draft = suggest_mapping(f, "interactions")
    doc = yaml.safe_load(draft)
    assert "keep" not in doc and "fields2" not in doc
    assert set(doc) == {"name", "dataset", "header_row", "constants", "fields"}
    # the header is still named, on one comment line
    unused = [line for line in draft.splitlines() if line.startswith("# Columns not used")]
    assert len(unused) == 1 and "keep:" in unused[0]


def test_a_value_with_a_newline_stays_inside_its_comment(tmp_path):
    from toolkit.ingest.suggest import suggest_mapping

    f = _csv(tmp_path / "calls.csv", ["Call ID", "Start time", "Channel"],
             [["c1", "2026-10-01 08:00:00", "phone\nkeep: x"], ["c2", "2026-10-01 09:00:00", "web\u2028sql: y"]])
    draft = suggest_mapping(f, "interactions")
    doc = yaml.safe_load(draft)
    assert "keep" not in doc and "sql" not in str(doc.get("fields", {}).get("channel", {}).keys())
    assert doc["fields"]["channel"]["map"] == {"phone\nkeep: x": None, "web\u2028sql: y": None}
    assert "\u2028" not in "".join(x for x in draft.splitlines() if x.lstrip().startswith("#"))


def test_the_comment_function_makes_one_line():
    from toolkit.ingest.suggest import comment

    assert comment("a\nb\r\nc\x85d\u2029e\x1b[31m") == "# a b  c d e [31m"
