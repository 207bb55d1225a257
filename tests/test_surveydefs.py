"""Survey definitions: shipped files, matching by headers, mappings with value maps, errors."""

from __future__ import annotations

import pytest

from toolkit.core.errors import ConfigError, InputError
from toolkit.ingest.surveydefs import (
    definition_to_mapping,
    load_definition,
    load_definitions,
    match_definition,
    rescale,
)


@pytest.fixture(scope="module")
def defs():
    return load_definitions()


def test_shipped_definitions_load_and_skip_other_yaml(defs):
    # surveys/ also holds themes.yaml, which is not a definition and must be skipped.
    assert sorted(defs) == ["post-contact", "relationship-nps"]
    assert {q.score for q in defs["post-contact"].questions} == {"csat", "nps", "ces", "comment"}
    assert [q.score for q in defs["relationship-nps"].questions] == ["nps", "comment"]


def test_rescale_1_to_10_onto_1_to_5_is_ceil_half():
    # 1 + (x-1)*4/9 rounded half up: 10→5, 9→4.56→5, 8→4.11→4, 7→3.67→4, 6→3.22→3,
    # 5→2.78→3, 4→2.33→2, 3→1.89→2, 2→1.44→1, 1→1: the same as ceil(x/2).
    assert [rescale(x, (1, 10), (1, 5)) for x in range(1, 11)] == [math_ceil_half(x) for x in range(1, 11)]
    # 1–7 onto 1–5: 1 + (x-1)*4/6 → 1, 1.67, 2.33, 3, 3.67, 4.33, 5 → 1, 2, 2, 3, 4, 4, 5
    assert [rescale(x, (1, 7), (1, 5)) for x in range(1, 8)] == [1, 2, 2, 3, 4, 4, 5]
    # 0–4 onto 1–5 is a plain shift; identity leaves values alone.
    assert [rescale(x, (0, 4), (1, 5)) for x in range(5)] == [1, 2, 3, 4, 5]
    assert rescale(7, (0, 10), (0, 10)) == 7


def math_ceil_half(x: int) -> int:
    return -(-x // 2)


def test_match_by_headers_any_spelling(defs):
    # CSAT + NPS + comment in Chinese → post-contact (it requires CSAT).
    assert match_definition(["问卷编号", "满意度", "推荐意愿", "评价内容"], defs).name == "post-contact"
    # Case, spaces and underscores are ignored.
    assert match_definition(["RESPONSE_ID", "csat", "comment"], defs).name == "post-contact"
    # NPS only: post-contact lacks its required CSAT, so relationship-nps.
    assert match_definition(["Response ID", "NPS", "Reason"], defs).name == "relationship-nps"
    assert match_definition(["Call ID", "Talk Time"], defs) is None


def test_mapping_for_chinese_labels_and_stars(defs):
    headers = ["问卷编号", "通话ID", "提交时间", "满意度", "评价内容"]
    m = definition_to_mapping(defs["post-contact"], headers)
    assert m["name"] == "post-contact"
    assert m["dataset"] == "surveys"
    assert m["constants"] == {"survey": "post-contact"}
    assert m["fields"]["response_id"] == "问卷编号"
    assert m["fields"]["interaction_id"] == "通话ID"
    assert m["fields"]["responded_at"] == "提交时间"
    assert m["fields"]["comment"] == "评价内容"
    assert "nps" not in m["fields"]  # optional question absent from the file
    csat = m["fields"]["csat"]
    assert csat["column"] == "满意度"
    vm = csat["map"]
    assert [vm[k] for k in ("非常满意", "满意", "一般", "不满意", "非常不满意")] == [5, 4, 3, 2, 1]
    assert vm["Very satisfied"] == 5 and vm["very dissatisfied"] == 1
    assert vm["★★★★☆"] == 4 and vm["★★"] == 2 and vm["★★★★★"] == 5
    assert [vm[str(x)] for x in range(1, 6)] == [1, 2, 3, 4, 5]
    assert [vm[f"{x}.0"] for x in range(1, 6)] == [1, 2, 3, 4, 5]  # numeric spreadsheet cells
    # Nothing outside the scale is accepted: the engine rejects "0" and "6".
    assert "0" not in vm and "6" not in vm and "6.0" not in vm and "4.5" not in vm


def test_mapping_uses_the_files_own_spelling(defs):
    m = definition_to_mapping(defs["post-contact"], ["response id", "CSAT ", "nps"])
    assert m["fields"]["response_id"] == "response id"
    assert m["fields"]["csat"]["column"] == "CSAT "
    assert m["fields"]["nps"]["map"] == {str(x): x for x in range(11)} | {f"{x}.0": x for x in range(11)}


def test_missing_required_question_names_it(defs):
    with pytest.raises(
        InputError, match=r"question 'satisfaction' \(csat\) needs one of the headers .*the file has NPS"
    ):
        definition_to_mapping(defs["post-contact"], ["NPS"])


def test_workspace_definition_with_10_point_csat_overrides_and_rescales(tmp_path, defs):
    (tmp_path / "post-contact.yaml").write_text(
        "kind: survey\nname: post-contact\nquestions:\n"
        "  - {id: sat, score: csat, headers: [打分], scale: [1, 10], labels: {满分: 10}}\n",
        encoding="utf-8",
    )
    (tmp_path / "rubric.yaml").write_text("areas: [attitude]\n", encoding="utf-8")  # not a survey
    merged = load_definitions([tmp_path])
    assert sorted(merged) == ["post-contact", "relationship-nps"]
    vm = definition_to_mapping(merged["post-contact"], ["打分"])["fields"]["csat"]["map"]
    ints = {"1": 1, "2": 1, "3": 2, "4": 2, "5": 3, "6": 3, "7": 4, "8": 4, "9": 5, "10": 5}
    assert vm == ints | {f"{k}.0": v for k, v in ints.items()} | {"满分": 5}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "kind: survey\nname: x\nquestions:\n  - id: a\n    score: csat\n    headers: [A]\n    scale: [1, 10]\n"
            "    labels: {good: 11}\n",
            r"x\.yaml:4: survey definition key 'questions\.0': labels \{'good': 11\} fall outside the scale \[1, 10\]",
        ),
        (
            "kind: survey\nname: x\nquestions:\n  - id: a\n    score: happiness\n    headers: [A]\n",
            r"x\.yaml:5: survey definition key 'questions\.0\.score': Input should be 'csat', 'nps', 'ces' or 'comment'",
        ),
        (
            "kind: survey\nname: x\ncolour: red\nquestions:\n  - {id: a, score: nps, headers: [A]}\n",
            r"x\.yaml:3: survey definition key 'colour': unknown key",
        ),
        (
            "kind: survey\nname: x\nquestions:\n  - {id: a, score: comment, headers: [A]}\n",
            r"x\.yaml:3: .*'questions': a survey needs at least one scored question",
        ),
        (
            "kind: survey\nname: x\nquestions:\n  - {id: a, score: nps, headers: [Score]}\n"
            "  - {id: b, score: csat, headers: [score]}\n",
            r"x\.yaml:3: .*'questions': header 'score' is listed for both 'a' and 'b'",
        ),
        ("kind: survey\nname: [x\n", r"x\.yaml, line 3: invalid YAML"),
    ],
)
def test_bad_definition_names_file_line_and_key(tmp_path, text, message):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_definition(path)


def test_duplicate_names_in_one_folder(tmp_path):
    body = "kind: survey\nname: same\nquestions:\n  - {id: a, score: nps, headers: [A]}\n"
    (tmp_path / "a.yaml").write_text(body, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"b\.yaml: survey name 'same' is already used by a\.yaml"):
        load_definitions([tmp_path])
