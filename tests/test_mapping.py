"""The mapping language (config.md): each feature on a tiny file, values worked by hand.

The files are e-mail contacts: a phone or chat export must also say whether each call was
answered (test_absent_is_null), which these mapping features do not need.
"""

from __future__ import annotations

import pytest
from helpers_ingest import config_of, make_workspace, store_frame, write_csv


def _ingest(tmp_path, mapping: dict, header: list[str], rows: list[list[str]], tz: str = "UTC"):  # type: ignore[no-untyped-def]
    from toolkit.ingest.mapping import parse_mapping
    from toolkit.ingest.pipeline import ingest_files

    ws = make_workspace(tmp_path / "ws", f"timezone: {tz}\n")
    f = write_csv(tmp_path / "export.csv", header, rows)
    m = parse_mapping({"name": "t", "dataset": "interactions", **mapping}, "t.yaml")
    result = ingest_files(config_of(ws), "interactions", [f], mapping=m)
    return result.files[0].counts, store_frame(ws)


def test_column_by_position_and_constants(tmp_path):
    counts, frame = _ingest(tmp_path, {"constants": {"channel": "email"},
                                       "fields": {"interaction_id": 2, "arrived_at": 1}},
                            ["when", "id"], [["2026-10-01 08:00:00", "x1"]])
    assert (counts.accepted, frame["interaction_id"][0], frame["channel"][0]) == (1, "x1", "email")


def test_columns_joined_date_and_time_with_format(tmp_path):
    counts, frame = _ingest(tmp_path, {
        "constants": {"channel": "email"},
        "fields": {"interaction_id": "ID", "arrived_at": {"columns": ["Date", "Time"], "format": "%d/%m/%Y %H:%M"}},
    }, ["ID", "Date", "Time"], [["a", "05/10/2026", "14:30"]], tz="Asia/Shanghai")
    # 5 Oct 2026 14:30 in Shanghai (UTC+8) = 06:30 UTC
    assert str(frame["arrived_at"].dt.convert_time_zone("UTC")[0]) == "2026-10-05 06:30:00+00:00"


def test_sql_case_when(tmp_path):
    counts, frame = _ingest(tmp_path, {
        "constants": {"channel": "email"},
        "fields": {"interaction_id": "ID", "arrived_at": "Start",
                   "queue": {"sql": "CASE WHEN \"Skill\" LIKE 'VIP%' THEN 'vip' ELSE 'general' END"}},
    }, ["ID", "Start", "Skill"], [["a", "2026-10-01 08:00:00", "VIP-gold"], ["b", "2026-10-01 08:00:00", "Std"]])
    assert frame["queue"].to_list() == ["vip", "general"]


def test_map_labels_to_scores_and_placeholder_ids_to_null(tmp_path):
    counts, frame = _ingest(tmp_path, {
        "constants": {"channel": "email"},
        "fields": {"interaction_id": "ID", "arrived_at": "Start",
                   "csat": {"column": "满意度", "map": {"非常满意": 5, "不满意": 2}},
                   "customer_id": {"column": "客户号", "map": {"0": None, "-": None}}},
    }, ["ID", "Start", "满意度", "客户号"], [
        ["a", "2026-10-01 08:00:00", "非常满意", "0"],
        ["b", "2026-10-01 08:00:00", "不满意", "C9"],
        ["c", "2026-10-01 08:00:00", "", "-"],
    ])
    assert frame.select("csat", "customer_id").rows() == [(5, None), (2, "C9"), (None, None)]


@pytest.mark.parametrize(("unit", "text", "seconds"), [
    ("s", "125", 125.0),
    ("ms", "1500", 1.5),
    ("min", "2.5", 150.0),
    ("hms", "0:03:25", 205.0),   # 3 min 25 s
    ("hms", "03:25", 205.0),     # mm:ss
    ("hms", "125:00:00", 450000.0),  # 125 h
    (None, "1:00:01", 3601.0),   # colons mean h:mm:ss even without a unit
])
def test_duration_units(tmp_path, unit, text, seconds):
    spec = {"column": "Talk"} | ({"unit": unit} if unit else {})
    counts, frame = _ingest(tmp_path, {"constants": {"channel": "email"},
                                       "fields": {"interaction_id": "ID", "arrived_at": "Start", "talk_s": spec}},
                            ["ID", "Start", "Talk"], [["a", "2026-10-01 08:00:00", text]])
    assert frame["talk_s"][0] == pytest.approx(seconds)


def test_excel_serial_dates(tmp_path):
    counts, frame = _ingest(tmp_path, {"constants": {"channel": "email"},
                                       "fields": {"interaction_id": "ID",
                                                  "arrived_at": {"column": "Start", "excel_serial": True}}},
                            ["ID", "Start"], [["a", "46296.5"], ["b", "46296.75"]])
    # 46296 days after 1899-12-30 is 2026-10-01; .5 is noon, .75 is 18:00
    assert [str(x) for x in frame["arrived_at"]] == ["2026-10-01 12:00:00+00:00", "2026-10-01 18:00:00+00:00"]


def test_keep_and_skip_rows_are_counted_as_skipped(tmp_path):
    counts, frame = _ingest(tmp_path, {
        "skip_rows": {"column": "ID", "matches": "^(合计|Total)"},
        "constants": {"channel": "email"},
        "fields": {"interaction_id": "ID", "arrived_at": "Start"},
        "keep": "\"Outcome\" <> 'Test'",
    }, ["ID", "Start", "Outcome"], [
        ["a", "2026-10-01 08:00:00", "ok"], ["b", "2026-10-01 08:00:00", "Test"], ["合计", "", ""]])
    assert (counts.read, counts.accepted, counts.skipped, counts.rejected) == (3, 1, 2, 0)
    assert frame["interaction_id"].to_list() == ["a"]


def test_header_row_given(tmp_path):
    from toolkit.ingest.mapping import parse_mapping
    from toolkit.ingest.pipeline import ingest_files

    ws = make_workspace(tmp_path / "ws")
    f = tmp_path / "e.csv"
    f.write_text("Report,of calls\nID,Start\na,2026-10-01 08:00:00\n", encoding="utf-8")
    m = parse_mapping({"name": "t", "dataset": "interactions", "header_row": 2, "constants": {"channel": "email"},
                       "fields": {"interaction_id": "ID", "arrived_at": "Start"}}, "t.yaml")
    counts = ingest_files(config_of(ws), "interactions", [f], mapping=m).files[0].counts
    assert (counts.read, counts.accepted) == (1, 1)


def test_invalid_sql_is_a_config_error_showing_the_expression(tmp_path):
    from toolkit.core.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        _ingest(tmp_path, {"constants": {"channel": "email"},
                           "fields": {"interaction_id": "ID", "arrived_at": "Start",
                                      "queue": {"sql": "CASE WHEN THEN END END"}}},
                ["ID", "Start"], [["a", "2026-10-01 08:00:00"]])
    # refused when the mapping is loaded (toolkit.ingest.sqlcheck parses it), before any file is read
    assert str(info.value).startswith("t.yaml: ")
    assert ".sql': invalid SQL expression: " in str(info.value)


def test_unknown_field_lists_fields(tmp_path):
    from toolkit.core.errors import ConfigError
    from toolkit.ingest.mapping import parse_mapping

    with pytest.raises(ConfigError) as info:
        parse_mapping({"name": "t", "dataset": "interactions", "fields": {"call_id": "ID"}}, "t.yaml")
    msg = str(info.value)
    assert msg.startswith("t.yaml")
    assert "unknown field 'call_id' for dataset interactions; fields are: interaction_id, source, channel" in msg


def test_mapping_file_error_names_line(tmp_path):
    from toolkit.core.errors import ConfigError
    from toolkit.ingest.mapping import load_mapping_file

    p = tmp_path / "m.yaml"
    p.write_text("name: t\ndataset: interactions\nfields:\n  interaction_id: {column: ID, unit: weeks}\n",
                 encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_mapping_file(p)
    assert str(info.value).startswith(f"{p}, line 4: 'fields.interaction_id")


def test_canonical_mapping_is_chosen_for_canonical_headers():
    from toolkit.ingest.mapping import choose_mapping

    # regression: optional canonical columns used to count against a file that lacks them
    assert choose_mapping("interactions", ["interaction_id", "channel", "arrived_at"]).name == "canonical"
    assert choose_mapping("surveys", ["response_id", "sent_at", "csat"]).name == "canonical-surveys"
    assert choose_mapping("interactions", ["foo", "bar"]) is None


def test_recode_small_and_large_maps_agree():
    """A map becomes a when/then chain (streamed row by row); a map with many distinct
    replacements stays a replace_strict; both give the same values, None included."""
    import polars as pl

    from toolkit.ingest.mapping import RECODE_BRANCHES, recode

    text = pl.Series("v", ["a", "b", "zz", None, "n/a"]).to_frame()
    small = {"a": "1", "b": "2", "n/a": None}
    out = text.select(recode(pl.col("v"), small, default=pl.col("v")).alias("v"))["v"].to_list()
    assert out == ["1", "2", "zz", None, None]
    large = {f"k{i}": f"t{i}" for i in range(RECODE_BRANCHES + 5)} | small
    out = text.select(recode(pl.col("v"), large, default=pl.col("v")).alias("v"))["v"].to_list()
    assert out == ["1", "2", "zz", None, None]
