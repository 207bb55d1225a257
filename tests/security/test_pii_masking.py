"""PII masking that holds (issue 11, item 11).

The sweep found numbers the rules missed — full-width digits (１３８…), dotted and spaced numbers
(138.1234.5678, (010) 6234 5678), 15-digit ID cards, 15-digit Amex numbers — and free text masked in
comments only, while a phone number in a team, queue, topic, agent name, action title or owner, or
QA category went into the reports and exports as it was. Dates, times, amounts and KPI numbers must
stay as they are.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hostile import build, contact, response, review

from toolkit.core.privacy import mask_expr, mask_text

MASKED = [
    # full-width digits, as a Chinese input method types them
    ("回电１３８１２３４５６７８谢谢", "回电１３８****５６７８谢谢"),
    ("手机 １３８ １２３４ ５６７８", "手机 １３８****５６７８"),
    ("手机１３８－１２３４－５６７８", "手机１３８****５６７８"),
    ("＋８６ １３９１２３４５６７８", "＋８６ １３９****５６７８"),
    ("身份证１１０１０５１９４９１２３１００２Ｘ", "身份证１１０***********００２Ｘ"),
    # dotted and spaced
    ("call 138.1234.5678 now", "call 138****5678 now"),
    ("座机 (010) 6234 5678", "座机 (010) ****5678"),
    ("座机（０１０）６２３４５６７８", "座机（０１０）****５６７８"),
    ("tel 0755 2345 6789.", "tel 0755 ****6789."),
    ("tel 021.6234.5678", "tel 021.****5678"),
    # first-generation ID card: 15 digits, birth date YYMMDD
    ("身份证 110105491231002", "身份证 110*********002"),
    ("id:370102850101123;", "id:370*********123;"),
    # American Express: 15 digits from 34/37, in one run or grouped 4-6-5
    ("Amex 378282246310005", "Amex 3782****0005"),
    ("Amex 3782 822463 10005 ok", "Amex 3782****0005 ok"),
    ("amex 3714-496353-98431", "amex 3714****8431"),
]

KEPT = [
    "2026-10-01",
    "2026-10-01 13:45:00",
    "2026-10-01 – 2026-10-31",
    "２０２６－１０－０１ １３：４５",
    "2026.10.01",
    "10/01/2026 09:05",
    "09:00–18:00",
    "¥1,234.50",
    "1,234.50 元",
    "退款 ¥12,345,678.00",
    "1234567.89",
    "86.4 %",
    "ASA 31.2 s",
    "+3.6 pts",
    "−0.7 – 40.7",
    "NPS 20.0 (95 % CI −0.7 – 40.7)",
    "25,485 contacts, +25,485",
    "score 87.5, rank 1 of 12",
    "2026-Q4",
    "订单号 202610019876543",  # 15 digits, but no birth date (month 98) and not from 34/37
    "订单号 2026100112345",
    "192.168.100.200",
    "v13.8.1234",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_each_new_form_is_masked(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_dates_times_amounts_and_kpi_numbers_are_kept(text):
    assert mask_text(text) == text


def test_polars_masks_the_same_row_for_row():
    texts = [t for t, _ in MASKED] + KEPT
    got = pl.DataFrame({"c": texts}).select(mask_expr(pl.col("c"))).to_series().to_list()
    assert got == [mask_text(t) for t in texts]


# -- reports and exports ---------------------------------------------------------------------------

# One PII form per free-text field, each with the masked form it must show.
TEAM, TEAM_M = "Team 13812345678", "Team 138****5678"
QUEUE, QUEUE_M = "VIP (010) 6234 5678", "VIP (010) ****5678"
TOPIC, TOPIC_M = "callback １３９１２３４５６７８", "callback １３９****５６７８"
AGENT, AGENT_M = "Li 137.1234.5678", "Li 137****5678"
CATEGORY, CATEGORY_M = "leaked id 110105491231002", "leaked id 110*********002"
TITLE, TITLE_M = "Refund card 3782 822463 10005", "Refund card 3782****0005"
OWNER, OWNER_M = "wang.li@example.com", "w***@example.com"
COMMENT, COMMENT_M = "waited too long, ring me on 13612345678", "waited too long, ring me on 136****5678"
PII = {TEAM: TEAM_M, QUEUE: QUEUE_M, TOPIC: TOPIC_M, AGENT: AGENT_M, CATEGORY: CATEGORY_M, TITLE: TITLE_M,
       OWNER: OWNER_M, COMMENT: COMMENT_M}
ACTIONS = f"""
- action_id: ACT-1
  kpi: asa_s
  title: "{TITLE}"
  owner: "{OWNER}"
  opened_on: 2026-09-01
  due_on: 2026-10-15
  status: open
"""


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pii")
    ix = [contact(i, TEAM if i % 2 else "Team B", agent_name=AGENT, queue=QUEUE, topic=TOPIC,
                  complaint="true" if i % 5 == 0 else "false") for i in range(120)]
    sv = [response(i, TEAM if i % 2 else "Team B", csat=2 if i % 3 == 0 else 5,
                   comment=COMMENT if i % 3 == 0 else None) for i in range(90)]
    qa = [review(i, TEAM if i % 2 else "Team B", CATEGORY if i % 3 == 0 else None) for i in range(30)]
    return build(root, ix, sv, qa, actions=ACTIONS)


@pytest.fixture(scope="module")
def html(ws) -> dict[tuple[str, bool], str]:
    """Every report's HTML, masked (as written) and unmasked (to compare): (kind, mask) → HTML."""
    from toolkit.core.config import load_config
    from toolkit.report.api import build_view_model
    from toolkit.report.build import make_context
    from toolkit.report.render import render_html

    config = load_config(ws / "cxtk.yaml")
    out = {}
    for kind, period in (("monthly", "2026-10"), ("quarterly", "2026-Q4"), ("survey", "2026-10"), ("qa", "2026-10")):
        vm = build_view_model(kind, make_context(config, period, "en"))
        for mask in (True, False):
            out[(kind, mask)] = render_html(f"{kind}.html", vm, locale="en", mask=mask)
    return out


def test_no_free_text_field_reaches_a_report_unmasked(html):
    written = "\n".join(text for (_, mask), text in html.items() if mask)
    for raw, masked in PII.items():
        assert raw not in written, raw
        assert masked in written, masked
    # where each shows: the monthly team ranking and charts, agents, gap examples, actions; quarterly actions
    assert TEAM_M in html[("monthly", True)] and AGENT_M in html[("monthly", True)]
    assert QUEUE_M in html[("monthly", True)] and TITLE_M in html[("quarterly", True)]
    assert CATEGORY_M in html[("qa", True)] and OWNER_M in html[("quarterly", True)]


def test_masking_changes_a_report_at_the_pii_only(html):
    """Masked HTML = unmasked HTML with each PII value replaced by its masked form: not one date, time,
    amount or KPI number of the reports is touched."""
    for kind in ("monthly", "quarterly", "survey", "qa"):
        expected = html[(kind, False)]
        for raw, masked in PII.items():
            expected = expected.replace(raw, masked)
        assert html[(kind, True)] == expected, kind


def test_kpi_exports_mask_free_text_keys_unless_no_mask(cli, ws):
    config = ws / "cxtk.yaml"
    csv = cli("--config", config, "kpi", "--period", "2026-10", "--by", "team,queue", "--kpi", "asa_s", "--format", "csv")
    assert csv.code == 0, csv.err
    assert TEAM_M in csv.out and QUEUE_M in csv.out and TEAM not in csv.out and QUEUE not in csv.out
    data = cli("--config", config, "kpi", "--period", "2026-10", "--by", "topic", "--kpi", "asa_s", "--format", "json")
    assert [g["keys"]["topic"] for g in json.loads(data.out)["groups"]] == [TOPIC_M]
    raw = cli("--config", config, "kpi", "--period", "2026-10", "--by", "team", "--kpi", "asa_s", "--format", "csv",
              "--no-mask")
    assert TEAM in raw.out
    table = cli("--config", config, "kpi", "--period", "2026-10", "--by", "team", "--kpi", "asa_s")
    assert TEAM_M in table.out and TEAM not in table.out
    out = ws / "kpis.xlsx"
    assert cli("--config", config, "kpi", "--period", "2026-10", "--by", "team", "--format", "xlsx", "--out", out).code == 0
    import zipfile

    with zipfile.ZipFile(out) as z:
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    assert TEAM_M in strings and TEAM not in strings


def test_followups_mask_the_team_like_the_comment_unless_no_mask(cli, ws):
    args = ("--config", ws / "cxtk.yaml", "survey", "followups", "--period", "2026-10", "--format", "csv",
            "--now", "2026-11-01")
    masked = cli(*args)
    assert masked.code == 0, masked.err
    assert TEAM_M in masked.out and COMMENT_M in masked.out
    assert TEAM not in masked.out and COMMENT not in masked.out
    raw = cli(*args, "--no-mask")
    assert TEAM in raw.out and COMMENT in raw.out


def test_survey_summary_masks_its_group_keys_unless_no_mask(cli, ws):
    args = ("--config", ws / "cxtk.yaml", "survey", "summary", "--period", "2026-10", "--by", "team", "--format", "json")
    keys = [g["keys"]["team"] for g in json.loads(cli(*args).out)["groups"]]
    assert sorted(keys) == sorted([TEAM_M, "Team B"])
    keys = [g["keys"]["team"] for g in json.loads(cli(*args, "--no-mask").out)["groups"]]
    assert sorted(keys) == sorted([TEAM, "Team B"])


def test_qa_worksheet_masks_the_topic_and_keeps_what_ingest_reads_back(cli, ws):
    out = ws / "review.csv"
    r = cli("--config", ws / "cxtk.yaml", "qa", "sample", "--period", "2026-10", "--size", "20", "--out", out)
    assert r.code == 0, r.err
    sheet = pl.read_csv(out, infer_schema=False)
    assert set(sheet["topic"].to_list()) == {TOPIC_M}
    # team and agent_id are QA columns that `cxtk ingest qa` stores: they must match the contacts
    assert TEAM in set(sheet["team"].to_list())
