"""Themes: dictionary loading and merging, tagging mixed-language comments, summary, top terms."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.core.errors import ConfigError
from toolkit.survey.themes import load_themes, tag_themes, terms, theme_summary, top_terms


@pytest.fixture(scope="module")
def themes():
    return load_themes()


def test_shipped_dictionary_has_bilingual_labels(themes):
    assert {
        "waiting",
        "attitude",
        "knowledge",
        "unresolved",
        "transfers",
        "billing",
        "delivery",
        "digital",
    } <= set(themes)
    assert themes["waiting"].label.en == "Waiting time"
    assert themes["waiting"].label.zh == "等待时间"
    assert all(t.label.en and t.label.zh and t.keywords for t in themes.values())


TAGGED = [
    # Worked by hand against surveys/themes.yaml:
    ("等了半个小时，态度也差", ["waiting", "attitude"]),  # 等了 → waiting; 态度 → attitude
    ("Waited 20 min on HOLD, agent was rude", ["waiting", "attitude"]),  # wait+ed at word start; rude
    (
        "转来转去还是不行",
        ["unresolved", "transfers"],
    ),  # 还是不行; 转来转去 (dictionary order: unresolved first)
    ("打开APP就闪退", ["digital"]),  # app after Chinese text still counts as a word start
    ("I applied for a refund", ["billing"]),  # "applied" is not "app"; refund → billing
    ("feedback: fine", []),  # "fee" keyword is whole-word only
    ("still not fixed after 3 calls", ["unresolved"]),
    ("快递没收到货，客服说不清楚", ["knowledge", "delivery"]),
    ("", []),
    (None, []),
]


def test_tag_themes_mixed_language(themes):
    frame = pl.LazyFrame({"comment": [t for t, _ in TAGGED]}, schema={"comment": pl.String})
    got = tag_themes(frame, themes=themes).collect()
    assert got.schema["themes"] == pl.List(pl.String)
    assert got["themes"].to_list() == [e for _, e in TAGGED]


def test_tag_themes_other_column_name(themes):
    frame = pl.LazyFrame({"text": ["排队太久"]})
    assert tag_themes(frame, "text", themes).collect()["themes"].to_list() == [["waiting"]]


def _surveys() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "comment": [
                "等了半个小时，态度也差",  # waiting, attitude; csat 1 → low
                "Waited 20 min on hold, agent was rude",  # waiting, attitude; csat 2 → low
                "排队太久",  # waiting; csat 4, nps 5 → low by NPS
                "wait was ok, call me 13812345678",  # waiting; csat 5, nps 9 → not low
                "APP闪退",  # digital; csat 3 → not low
                "很好",  # no theme, still a comment
                "   ",  # blank: not a comment
                None,
            ],
            "csat": [1, 2, 4, 5, 3, 5, None, 4],
            "nps": [None, None, 5, 9, None, 10, None, None],
        },
        schema_overrides={"csat": pl.Int8, "nps": pl.Int8},
    )


def test_theme_summary_counts_shares_and_masked_examples(themes):
    out = theme_summary(_surveys(), low_score_max=2, examples=2, themes=themes)
    assert out.columns == ["theme", "label_en", "label_zh", "count", "share", "low_score_share", "examples"]
    rows = {r["theme"]: r for r in out.to_dicts()}
    assert out["theme"].to_list() == ["waiting", "attitude", "digital"]  # by count, then id
    # 6 non-blank comments. waiting: 4 of them, 3 low (csat 1, csat 2, nps 5).
    assert rows["waiting"]["count"] == 4
    assert rows["waiting"]["share"] == pytest.approx(4 / 6)
    assert rows["waiting"]["low_score_share"] == pytest.approx(3 / 4)
    assert rows["waiting"]["label_zh"] == "等待时间"
    # Shortest two: 排队太久 (4 chars), 等了半个小时，态度也差 (11).
    assert rows["waiting"]["examples"] == ["排队太久", "等了半个小时，态度也差"]
    assert rows["attitude"]["count"] == 2 and rows["attitude"]["low_score_share"] == 1.0
    assert rows["digital"]["low_score_share"] == 0.0


def test_theme_summary_masks_examples_unless_asked(themes):
    df = pl.DataFrame({"comment": ["wait was ok, call me 13812345678"], "csat": [5]})
    masked = theme_summary(df, themes=themes)["examples"].to_list()
    assert masked == [["wait was ok, call me 138****5678"]]
    raw = theme_summary(df, mask=False, themes=themes)["examples"].to_list()
    assert raw == [["wait was ok, call me 13812345678"]]


def test_theme_summary_without_comments_is_empty_with_schema(themes):
    out = theme_summary(
        pl.LazyFrame({"comment": [None], "csat": [1]}, schema={"comment": pl.String, "csat": pl.Int8})
    )
    assert out.height == 0
    assert out.schema["examples"] == pl.List(pl.String)


def test_workspace_themes_merge(tmp_path, themes):
    extra = tmp_path / "themes.yaml"
    extra.write_text(
        "themes:\n"
        "  waiting:\n    keywords: [慢死了]\n"
        "  privacy:\n    label: {en: Privacy, zh-CN: 隐私}\n    keywords: [泄露, leak]\n",
        encoding="utf-8",
    )
    merged = load_themes(extra)
    assert merged["waiting"].keywords[-1] == "慢死了"
    assert merged["waiting"].keywords[:-1] == themes["waiting"].keywords
    assert merged["waiting"].label == themes["waiting"].label
    assert merged["privacy"].label.zh == "隐私"
    frame = pl.LazyFrame({"comment": ["慢死了", "my data leaked"]})
    assert tag_themes(frame, themes=merged).collect()["themes"].to_list() == [["waiting"], ["privacy"]]


def test_workspace_theme_errors_name_file_and_key(tmp_path):
    extra = tmp_path / "themes.yaml"
    extra.write_text("themes:\n  privacy:\n    keywords: [leak]\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"themes\.yaml: theme key 'themes\.privacy': a new theme needs a label"
    ):
        load_themes(extra)
    extra.write_text("themes:\n  waiting:\n    words: [x]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"theme key 'themes\.waiting\.words': unknown key"):
        load_themes(extra)
    extra.write_text("themes:\n  waiting:\n    keywords: ['re:(unclosed']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not a valid regular expression"):
        load_themes(extra)
    # Valid for Python, not for the Rust engine Polars uses (no look-ahead): caught at load time.
    extra.write_text("themes:\n  waiting:\n    keywords: ['re:wait(?!list)']\n", encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"'themes\.waiting': keyword 're:wait\(\?!list\)' is not a valid regular expression \(look-around",
    ):
        load_themes(extra)


def test_segmentation_of_chinese():
    # jieba: 客服/态度/很/好/但是/问题/没/解决 → 客服 and 但是 are stop words, 很 好 没 single characters.
    assert terms("客服态度很好但是问题没解决") == ["态度", "问题", "解决"]
    # jieba: APP/闪退/3/次/，/登录/不了 → numbers, punctuation, singles and 不了 dropped.
    assert terms("APP闪退3次，登录不了") == ["app", "闪退", "登录"]


def test_english_stop_words_and_contractions_removed():
    assert terms("The agent was rude and the problem is still not resolved, I don't know why") == [
        "agent",
        "rude",
        "problem",
        "resolved",
        "know",
    ]


def test_top_terms_counts_sorts_and_masks():
    comments = pl.Series(
        [
            "客服态度很好但是问题没解决",
            "态度差，问题没解决",
            "rude agent, rude!",
            None,
            "mail me: bob@x.com 13812345678",
        ]
    )
    # 态度 2, 问题 2, 解决 2, rude 2, agent 1, 差 dropped (single), the e-mail is masked before
    # counting so "bob" never appears; "x.com" leaves "com"; the phone becomes digits/stars → dropped.
    assert top_terms(comments, n=4) == [("rude", 2), ("态度", 2), ("解决", 2), ("问题", 2)]
    assert ("bob", 1) not in top_terms(comments, n=50)
    assert ("bob", 1) in top_terms(comments, n=50, mask=False)
    assert dict(top_terms(comments, n=50)) == {
        "rude": 2,
        "态度": 2,
        "解决": 2,
        "问题": 2,
        "agent": 1,
        "mail": 1,
        "com": 1,
    }


def test_jieba_loads_quietly(capfd):
    import logging

    import jieba

    # jieba logs "Building prefix dict..." at DEBUG on first use; terms() raises its level first.
    # (Checked in-process: a subprocess would pay jieba's dictionary load a second time.)
    assert terms("问题没解决") == ["问题", "解决"]
    assert jieba.default_logger.level == logging.WARNING
    assert capfd.readouterr().err == ""
