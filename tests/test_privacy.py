"""PII masking in free text: each pattern, each thing that must stay, and text ≡ expression."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.core.privacy import mask_expr, mask_text

MASKED = [
    # Chinese mobile: first 3 and last 4 kept, with or without +86/0086 and separators.
    ("请回电13812345678谢谢", "请回电138****5678谢谢"),
    ("call +86 138-1234-5678 pls", "call +86 138****5678 pls"),
    ("0086 139 1234 5678", "0086 139****5678"),
    ("手机号:15912345678。", "手机号:159****5678。"),
    # Landline: area code kept, last 4 kept.
    ("座机010-62345678", "座机010-****5678"),
    ("tel 0755-23456789", "tel 0755-****6789"),
    ("075523456789", "0755****6789"),
    # International: country code and last 4 kept.
    ("London +44 20 7946 0958 office", "London +44 ****0958 office"),
    ("+1-555-123-4567", "+1 ****4567"),
    # E-mail: first character of the local part and the whole domain kept.
    ("mail john.doe@example.com now", "mail j***@example.com now"),
    ("发到abc123@163.com谢谢", "发到a***@163.com谢谢"),
    # ID card: 3 (province+city) + 11 stars + last 4 (check digit included) = 18 characters.
    ("身份证11010519491231002X", "身份证110***********002X"),
    ("id 110105194912310021.", "id 110***********0021."),
    # Bank cards: first group and last group kept.
    ("卡号6222021234567890", "卡号6222****7890"),
    ("card 6222 0212 3456 7890 ok", "card 6222****7890 ok"),
    ("6222-0212-3456-7890-123", "6222****123"),
    ("6217001234567890123", "6217****0123"),  # 19 digits, not a valid birth date → bank card
]

KEPT = [
    "订单号 2026100112345",  # 13 digits: neither a mobile (11) nor a card (16-19)
    "订单号1381234567890",  # starts like a mobile but the digit run is 13 long
    "order #A12345",
    "¥1,299.00",
    "1299.50元",
    "退款 ¥12,345,678.00 已到账",
    "2026-10-01 13:45:00",
    "2026/10/01 9:05",
    "20261001",
    "02112345678",  # a local number cannot start with 1
    "ticket 12345678901234567890",  # 20 digits: too long for any card
    "v2.3.1 build 4096",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_each_pattern_is_masked_with_its_hint(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_order_numbers_amounts_dates_are_not_masked(text):
    assert mask_text(text) == text


def test_id_card_is_not_half_masked_as_a_phone():
    # 18 digits whose tail would read as a mobile (…13812345678 inside): the whole run is an ID.
    assert mask_text("110105199913812345") == "1101****2345"  # month 13 → no ID; 18 digits → card
    assert mask_text("11010519991231234X") == "110***********234X"


def test_adjacent_numbers_all_masked():
    # Each rule consumes one separator on each side; the second pass catches the skipped neighbour.
    assert mask_text("13812345678,13912345678,13712345678") == "138****5678,139****5678,137****5678"


def test_none_and_empty():
    assert mask_text(None) is None
    assert mask_text("") == ""


def test_mask_expr_matches_mask_text_row_for_row():
    texts = [t for t, _ in MASKED] + KEPT + [None]
    frame = pl.DataFrame({"comment": texts})
    got = frame.select(mask_expr(pl.col("comment"))).to_series().to_list()
    assert got == [mask_text(t) for t in texts]


_alphabet = st.sampled_from(
    list("0123456789") * 4 + list(" -+@.#xX号元¥,:()") + ["13", "86", "0086", "a", "com"]
    + list("０１３８９") + list("－．　（）＋Ｘ")  # full-width digits and separators
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_alphabet, max_size=30).map("".join), min_size=1, max_size=20))
def test_python_and_polars_engines_agree(texts):
    got = pl.Series("c", texts).to_frame().select(mask_expr(pl.col("c"))).to_series().to_list()
    assert got == [mask_text(t) for t in texts]
