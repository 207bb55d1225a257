"""A survey tool's batch — Chinese question headers, a 1–10 scale, labels — goes in by its definition.

No mapping is named: `cxtk ingest surveys` matches the workspace's survey definition
by the question headers, rescales 1–10 to 1–5 (rule: ceil(x/2)), and loses nothing.
"""

from __future__ import annotations

import json

import polars as pl

from toolkit.ingest.store import scan_store

DEFINITION = """\
kind: survey
name: app-survey
title: {en: App survey, zh-CN: APP 评价}
fields:
  response_id: ["问卷编号"]
  interaction_id: ["通话ID"]
  sent_at: ["发送时间"]
  responded_at: ["提交时间"]
questions:
  - id: satisfaction
    score: csat
    headers: ["满意度评分(1-10)"]
    scale: [1, 10]
  - id: recommend
    score: nps
    headers: ["推荐意愿"]
    scale: [0, 10]
    required: false
  - id: comment
    score: comment
    headers: ["意见建议"]
    required: false
"""


def test_chinese_labelled_ten_point_batch_is_matched_and_rescaled(cli, tmp_path):
    ws = tmp_path / "ws"
    (ws / "surveys").mkdir(parents=True)
    (ws / "cxtk.yaml").write_text("timezone: Asia/Shanghai\n", encoding="utf-8")
    (ws / "surveys" / "app-survey.yaml").write_text(DEFINITION, encoding="utf-8")
    rows = ["问卷编号,通话ID,发送时间,提交时间,满意度评分(1-10),推荐意愿,意见建议"]
    # scores 1..10 → ceil(x/2) = 1,1,2,2,3,3,4,4,5,5; the 11th row has no answer (invited only)
    for i in range(1, 11):
        rows.append(f"S{i},C{i},2026-10-0{1 + i % 5} 09:00:00,2026-10-0{1 + i % 5} 10:00:00,{i},{i - 1},第{i}条意见")
    rows.append("S11,C11,2026-10-02 09:00:00,,,,")
    batch = tmp_path / "批次.csv"
    batch.write_bytes(("\r\n".join(rows) + "\r\n").encode("gb18030"))

    r = cli("--config", ws / "cxtk.yaml", "ingest", "surveys", batch, "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    f = out["files"][0]
    assert f["encoding"] == "gb18030"
    assert (f["read"], f["accepted"], f["rejected"], f["duplicate"], f["skipped"]) == (11, 11, 0, 0, 0)
    assert "app-survey" in f["mapping"]

    stored = scan_store(ws / "store", "surveys").sort("response_id").collect()
    by_id = dict(zip(stored["response_id"], stored["csat"], strict=True))
    assert [by_id[f"S{i}"] for i in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert by_id["S11"] is None
    assert stored.filter(pl.col("response_id") == "S7")["nps"].item() == 6
    assert set(stored["survey"].to_list()) == {"app-survey"}


def test_out_of_scale_answer_is_rejected_with_its_line(cli, tmp_path):
    ws = tmp_path / "ws"
    (ws / "surveys").mkdir(parents=True)
    (ws / "cxtk.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    (ws / "surveys" / "app-survey.yaml").write_text(DEFINITION, encoding="utf-8")
    batch = tmp_path / "batch.csv"
    batch.write_text(
        "问卷编号,通话ID,发送时间,提交时间,满意度评分(1-10)\n"
        "S1,C1,2026-10-01 09:00:00,2026-10-01 10:00:00,9\n"
        "S2,C2,2026-10-01 09:00:00,2026-10-01 10:00:00,11\n",
        encoding="utf-8",
    )
    r = cli("--config", ws / "cxtk.yaml", "ingest", "surveys", batch, "--format", "json")
    assert r.code == 0, r.err
    f = json.loads(r.out)["files"][0]
    assert (f["read"], f["accepted"], f["rejected"]) == (2, 1, 1)
    rejects = pl.read_csv(f["rejects_file"], infer_schema=False)
    assert rejects["line"].to_list() == ["3"]
    assert rejects["field"].to_list() == ["csat"]
    assert rejects["value"].to_list() == ["11"]
