"""``cxtk mapping suggest``: propose a mapping from a file's headers and sample values.

Recognises common English and Chinese header names (呼叫时间, 客服工号, Created at…)
and value forms (h:mm:ss durations, 是/否 flags, satisfaction labels, Excel serials),
and writes a commented YAML mapping for the user to check and keep.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.core.errors import InputError
from toolkit.ingest.schema import DATASETS, Dataset, dataset

# header words -> canonical field, per dataset; matched after case-folding and removing spaces/_/-
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "interactions": {
        "interaction_id": ("interactionid", "callid", "通话编号", "通话id", "呼叫编号", "ticketid", "ticket", "工单号",
                           "工单编号", "chatid", "会话id", "会话编号", "contactid", "id", "流水号", "录音编号"),
        "channel": ("channel", "渠道", "媒体类型", "接入渠道", "media"),
        "direction": ("direction", "呼叫类型", "呼叫方向", "calltype"),
        "customer_id": ("customerid", "customer", "客户号", "客户编号", "客户id", "会员号", "requesterid", "requester",
                        "callerid", "用户id"),
        "agent_id": ("agentid", "agent", "坐席工号", "客服工号", "工号", "坐席号", "assigneeid", "员工号"),
        "agent_name": ("agentname", "坐席姓名", "客服姓名", "姓名", "assignee", "员工姓名"),
        "team": ("team", "班组", "组别", "小组", "group", "团队"),
        "queue": ("queue", "技能组", "队列", "skill", "skillgroup"),
        "topic": ("topic", "业务类型", "来电类型", "category", "reason", "诉求类型", "问题类型", "咨询类型"),
        "arrived_at": ("arrivedat", "呼叫时间", "来电时间", "进线时间", "createdat", "created", "创建时间", "开始时间",
                       "starttime", "calltime", "入队时间"),
        "answered_at": ("answeredat", "接通时间", "应答时间", "firstreplyat", "首次响应时间", "answertime"),
        "ended_at": ("endedat", "挂机时间", "结束时间", "solvedat", "closedat", "关闭时间", "endtime", "解决时间"),
        "wait_s": ("waits", "wait", "排队时长", "等待时长", "queuetime", "waittime", "振铃时长"),
        "talk_s": ("talks", "talk", "通话时长", "talktime", "handletime(min)", "handletime", "处理时长"),
        "hold_s": ("holds", "hold", "保持时长", "holdtime"),
        "acw_s": ("acws", "acw", "话后处理时长", "话后时长", "wrapup", "wrapuptime", "aftercallwork"),
        "transfers": ("transfers", "转接次数", "reassignments", "transfercount"),
        "resolved": ("resolved", "是否解决", "已解决", "status", "状态", "解决状态"),
        "first_contact_resolved": ("firstcontactresolved", "fcr", "一次解决", "是否一次解决"),
        "complaint": ("complaint", "是否投诉", "投诉", "iscomplaint"),
        "sla_due_at": ("sladueat", "sladue", "sla截止时间", "到期时间", "duedate"),
        "csat": ("csat", "满意度", "satisfaction", "rating", "评价", "满意度评价"),
        "nps": ("nps", "推荐度", "推荐意愿"),
        "contained": ("contained", "自助完成", "是否自助完成"),
    },
    "surveys": {
        "response_id": ("responseid", "问卷编号", "答卷编号", "id", "surveyid"),
        "interaction_id": ("interactionid", "通话编号", "ticketid", "工单号", "contactid"),
        "customer_id": ("customerid", "客户号", "客户编号"),
        "agent_id": ("agentid", "客服工号", "工号"),
        "team": ("team", "班组"),
        "channel": ("channel", "渠道"),
        "sent_at": ("sentat", "发送时间", "invitedat", "邀请时间"),
        "responded_at": ("respondedat", "回复时间", "提交时间", "answeredat", "submittedat", "completedat"),
        "csat": ("csat", "满意度", "satisfaction", "总体满意度", "rating"),
        "nps": ("nps", "推荐度", "推荐意愿", "likelihoodtorecommend"),
        "ces": ("ces", "费力度", "effort", "customereffort"),
        "comment": ("comment", "comments", "意见", "建议", "评论", "留言", "feedback", "备注"),
        "followed_up_at": ("followedupat", "回访时间", "followup"),
    },
}
TRUE_FALSE = {"y", "n", "yes", "no", "是", "否", "true", "false", "1", "0"}
CSAT_LABELS = {"非常满意": 5, "满意": 4, "一般": 3, "不满意": 2, "非常不满意": 1,
               "very satisfied": 5, "satisfied": 4, "neutral": 3, "dissatisfied": 2, "very dissatisfied": 1}
DATE_PATTERNS = [
    (re.compile(r"^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}$"), "%Y-%m-%d %H:%M:%S"),
    (re.compile(r"^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}$"), "%Y-%m-%d %H:%M"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}:\d{2}$"), "%Y/%m/%d %H:%M:%S"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}$"), "%Y/%m/%d %H:%M"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}$"), "%d/%m/%Y %H:%M"),
]


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text.strip().casefold())


def guess_field(header: str, ds: Dataset) -> str | None:
    """The canonical field a header most likely feeds, or None."""
    table = SYNONYMS.get(ds.name, {})
    key = _norm(header)
    if key in {_norm(f) for f in ds.names}:
        return next(f for f in ds.names if _norm(f) == key)
    for name, words in table.items():
        if key in {_norm(w) for w in words}:
            return name
    for name, words in table.items():
        if any(len(w) >= 3 and _norm(w) in key for w in words):
            return name
    return None


def _values(frame: Any, header: str) -> list[str]:
    return [v for v in frame[header].drop_nulls().to_list() if str(v).strip()][:200]


def field_spec(name: str, header: str, values: Sequence[str], ds: Dataset) -> tuple[Any, str]:
    """The YAML value for one field and a comment explaining the guess."""
    f = ds.get(name)
    assert f is not None
    sample = [str(v).strip() for v in values]
    if f.kind == "datetime":
        if sample and all(re.fullmatch(r"\d{5}(\.\d+)?", v) for v in sample):
            return {"column": header, "excel_serial": True}, "numbers like 45931.5: Excel serial dates"
        for pattern, fmt in DATE_PATTERNS:
            if sample and all(pattern.match(v) for v in sample):
                return {"column": header, "format": fmt}, f"values like '{sample[0]}'"
        return header, "date/time"
    if f.kind == "float" and name.endswith("_s"):
        if sample and all(re.fullmatch(r"\d+:\d{2}(:\d{2})?", v) for v in sample):
            return {"column": header, "unit": "hms"}, f"h:mm:ss text like '{sample[0]}'"
        if "(min)" in header.lower() or "分钟" in header:
            return {"column": header, "unit": "min"}, "minutes (from the header)"
        if "(ms)" in header.lower() or "毫秒" in header:
            return {"column": header, "unit": "ms"}, "milliseconds (from the header)"
        return {"column": header, "unit": "s"}, "seconds — check the unit"
    if f.kind == "score" and name == "csat":
        labels = {v for v in sample if v in CSAT_LABELS}
        if labels:
            return {"column": header, "map": {k: v for k, v in CSAT_LABELS.items() if not k.isascii() or
                                              any(s.isascii() for s in labels)}}, "satisfaction labels mapped to 1–5"
    if f.kind == "bool":
        distinct = {v.casefold() for v in sample}
        if distinct and not distinct <= TRUE_FALSE:
            mapping = {v: None for v in sorted({s for s in sample})[:12]}
            return {"column": header, "map": mapping}, f"values {', '.join(sorted(distinct)[:6])}: fill in true/false"
    if f.choices:
        distinct = sorted({v for v in sample})
        if distinct and not {v.casefold() for v in distinct} <= set(f.choices):
            return {"column": header, "map": {v: None for v in distinct[:12]}}, (
                f"map each value to one of: {', '.join(f.choices)}")
    return header, ""


def suggest_mapping(path: Path, dataset_name: str | None = None, *, encoding: str | None = None,
                    sheet: str | int | None = None) -> str:
    """A commented YAML mapping proposed for ``path``."""
    import yaml

    from toolkit.ingest.readers import read_table

    with read_table(path, encoding=encoding, sheet=sheet) as raw, raw.reading():
        headers = raw.columns
        frame = raw.frame.head(200).collect()
    candidates = [dataset(dataset_name)] if dataset_name else [DATASETS["interactions"], DATASETS["surveys"]]
    best = max(candidates, key=lambda d: sum(1 for h in headers if guess_field(h, d)))
    fields: dict[str, Any] = {}
    comments: dict[str, str] = {}
    unmatched = []
    for h in headers:
        name = guess_field(h, best)
        if name is None or name in fields:
            unmatched.append(h)
            continue
        spec, why = field_spec(name, h, _values(frame, h), best)
        fields[name] = spec
        if why:
            comments[name] = why
    missing = [f for f in best.required if f not in fields]
    doc = {"name": re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "my-export",
           "dataset": best.name, "header_row": raw.header_line if raw.header_line != 1 else "auto"}
    if "channel" in missing or ("channel" not in fields and best.name == "interactions"):
        doc["constants"] = {"channel": "phone"}
        comments["channel"] = "no channel column: assumed all phone calls — change if not"
        missing = [m for m in missing if m != "channel"]
    first = headers[0] if headers else None
    if first is not None and any(re.match(r"^(合计|总计|小计|Total|Sum)", str(v)) for v in _values(frame, first)):
        doc["skip_rows"] = {"column": first, "matches": "^(合计|总计|小计|Total|Sum)"}
        comments["skip_rows"] = "total rows at the end are skipped (and counted)"
    doc["fields"] = fields
    # No folding: a comment is appended to a key's line, which must be the whole value.
    text = yaml.dump(doc, Dumper=_draft_dumper(), allow_unicode=True, sort_keys=False, width=float("inf"))
    lines = [f"Mapping proposed by `cxtk mapping suggest {path.name}` — check every line, then use it with",
             f"  cxtk ingest {best.name} {path.name} --mapping THIS_FILE.yaml",
             f"encoding: {raw.encoding or 'binary'}; header on line {raw.header_line}."]
    if missing:
        lines.append(f"MISSING required fields: {', '.join(missing)} — add them under fields:")
    if unmatched:
        lines.append(f"Columns not used: {', '.join(unmatched)}")
    out = [comment(line) for line in lines]
    for line in text.splitlines():
        m = re.match(r"^(?:  )?(\w+):", line)
        if m and m.group(1) in comments:
            line = f"{line}  {comment(comments[m.group(1)])}"
        out.append(line)
    draft = "\n".join(out) + "\n"
    # The comments hold text from the file (headers, values); whatever they hold, the draft must
    # read back as exactly the document yaml wrote, or it is not written.
    if yaml.safe_load(draft) != doc:
        raise InputError(f"{path}: could not write a draft mapping that reads back as proposed; "
                         "write the mapping by hand (docs/mapping.md)")
    return draft


def _draft_dumper() -> Any:
    """PyYAML's safe dumper, writing any text with a line break double-quoted (escaped).

    With ``allow_unicode`` PyYAML writes U+2028 raw inside a quoted scalar, and reading it back
    folds it into a space; escaped, every value reads back as written.
    """
    import yaml

    class DraftDumper(yaml.SafeDumper):
        pass

    def text(dumper: Any, value: str) -> Any:
        style = '"' if _LINE_BREAK.search(value) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    DraftDumper.add_representer(str, text)
    return DraftDumper


_LINE_BREAK = re.compile(r"[\n\r\x85\u2028\u2029]")
# Line breaks YAML knows (and the C1 controls among them), and every other control character.
_NOT_IN_COMMENT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def comment(text: str) -> str:
    """``text`` as one YAML comment line: control characters and line breaks become spaces."""
    return "# " + _NOT_IN_COMMENT.sub(" ", text)
