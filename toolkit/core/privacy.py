"""Mask personal data (phone numbers, e-mails, ID-card and bank-card numbers) in free text.

Reports and exports show customer comments with PII masked; the store keeps the
original. Each kind keeps a short hint so that a reader can still tell two
masked numbers apart and a supervisor can match a call-back:

- e-mail: ``john.doe@example.com`` → ``j***@example.com``
- ID card (18 characters): ``11010519491231002X`` → ``110***********002X``; the
  first-generation 15-digit card: ``110105491231002`` → ``110*********002``
- bank card (16-19 digits): ``6222021234567890`` → ``6222****7890``; in groups,
  ``6222 0212 3456 7890 123`` → ``6222****123`` (first and last group kept)
- American Express (15 digits from 34/37): ``378282246310005`` or
  ``3782 822463 10005`` → ``3782****0005``
- Chinese mobile: ``+86 138-1234-5678`` → ``+86 138****5678``; dots or spaces
  (``138.1234.5678``) and full-width digits (``１３８１２３４５６７８`` →
  ``１３８****５６７８``) too
- Chinese landline: ``010-62345678`` → ``010-****5678``; ``(010) 6234 5678`` →
  ``(010) ****5678``
- international: ``+44 20 7946 0958`` → ``+44 ****0958``

Digits may be ASCII or full width (what a Chinese input method types) in every
rule. ``FREE_TEXT_FIELDS`` names the fields masked in reports and exports besides
comments (topic, team, queue, agent name, action title and owner, QA category).

Order numbers (``订单号 2026100112345``, ``order #A12345``), amounts
(``¥1,299.00``), dates and times are left alone: every number rule must cover a
whole run of digits, never part of one, so a 13-digit order number is not read
as a mobile and an 18-digit ID is not half-masked as a phone.

The rules are plain regexes that mean the same to Python's ``re`` and to the
Rust engine behind Polars (no look-around, which Rust lacks). A rule consumes
the non-digit character on each side of its number to know the run is whole,
so two numbers separated by a single character share it; each rule is
therefore applied twice, and the second pass catches the number the first one
skipped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

__all__ = ["FREE_TEXT_FIELDS", "MASK_RULES", "mask_columns", "mask_expr", "mask_keys", "mask_text"]

#: Canonical fields holding free text typed by people or systems (and so, sometimes, a phone number
#: or an e-mail): masked wherever they reach a report or an export. Ids (agent_id, customer_id …)
#: are not free text and stay joinable.
FREE_TEXT_FIELDS = frozenset(
    {"comment", "topic", "team", "queue", "agent_name", "title", "owner", "scope", "issue_category", "note"}
)

_FULL_WIDTH = str.maketrans("0123456789+()", "０１２３４５６７８９＋（）")


def _c(chars: str) -> str:
    """A character class in ASCII and full width: ``_c("3-9")`` → ``[3-9３-９]``."""
    return "[" + chars + chars.translate(_FULL_WIDTH) + "]"


# Digits of either width (１３８… is typed by Chinese input methods); a separator: space, dash or dot
# in either width, or an ideographic space.
_D = _c("0-9")
_SEP = "[ \\-.\u3000\uff0d\uff0e]"
# Non-digit (or text edge) on each side: the number must be a whole digit run.
_L = "(^|[^0-9０-９])"
_R = "([^0-9０-９]|$)"
_MONTH = f"(?:{_c('0')}{_c('1-9')}|{_c('1')}{_c('0-2')})"
_DAY = f"(?:{_c('0')}{_c('1-9')}|{_c('12')}{_D}|{_c('3')}{_c('01')})"


def _d(n: str) -> str:
    return _D + "{" + n + "}"


#: (kind, regex, replacement with ``${n}`` groups), applied in this order.
#: Order matters only for separators: e-mails go first (a local part may hold
#: digits), then the longest numbers, so grouped card digits are never read as
#: a phone followed by something.
MASK_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "email",
        r"([A-Za-z0-9])[A-Za-z0-9._%+\-]*@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})",
        "${1}***@${2}",
    ),
    (
        # 6-digit region, birth date 18xx-20xx, 3-digit sequence, check digit or X.
        "id_card",
        _L + f"({_c('1-9')}{_d('2')}){_d('3')}(?:{_c('1')}{_c('89')}|{_c('2')}{_c('0')}){_d('2')}{_MONTH}{_DAY}"
        + f"({_d('3')}[0-9Xx０-９Ｘｘ])" + _R,
        "${1}${2}***********${3}${4}",
    ),
    (
        # First-generation ID card, 15 digits: 6-digit region, birth date YYMMDD, 3-digit sequence.
        "id_card_15",
        _L + f"({_c('1-9')}{_d('2')}){_d('5')}{_MONTH}{_DAY}({_d('3')})" + _R,
        "${1}${2}*********${3}${4}",
    ),
    (
        # 16-19 digits in one run.
        "bank_card",
        _L + f"({_d('4')}){_d('8,11')}({_d('4')})" + _R,
        "${1}${2}****${3}${4}",
    ),
    (
        # 16-19 digits in groups of 4 (the last of 1-4) separated by a space or dash.
        "bank_card_grouped",
        _L + f"({_d('4')})(?:[ \\-]{_d('4')}){{2}}(?:[ \\-]{_d('4')}[ \\-]({_d('1,3')})|[ \\-]({_d('4')}))" + _R,
        "${1}${2}****${3}${4}${5}",
    ),
    (
        # American Express: 15 digits from 34 or 37, in one run or grouped 4-6-5.
        "amex",
        _L + f"({_c('3')}{_c('47')}{_d('2')})(?:{_d('7')}|[ \\-]{_d('6')}[ \\-]{_D})({_d('4')})" + _R,
        "${1}${2}****${3}${4}",
    ),
    (
        "mobile",
        _L + f"((?:{_c('+')}{_c('8')}{_c('6')}|{_c('0')}{_c('0')}{_c('8')}{_c('6')}){_SEP}?)?({_c('1')}{_c('3-9')}{_D})"
        + f"{_SEP}?{_d('4')}{_SEP}?({_d('4')})" + _R,
        "${1}${2}${3}****${4}${5}",
    ),
    (
        # Area code 010, 02x or 0xxx (in brackets or not), then a local number of 7-8 digits not
        # starting 0/1, in one run or split after its first 3-4 digits.
        "landline",
        _L + f"({_c('(')}?{_c('0')}(?:{_c('1')}{_c('0')}|{_c('2')}{_D}|{_c('3-9')}{_d('2')}){_c(')')}?)({_SEP}?)"
        + f"{_c('2-9')}{_d('2,3')}{_SEP}?({_d('4')})" + _R,
        "${1}${2}${3}****${4}${5}",
    ),
    (
        "international",
        _L + f"({_c('+')}{_c('1-9')}{_d('0,2')}){_SEP}?(?:{_D}{_SEP}?){{4,10}}({_d('4')})" + _R,
        "${1}${2} ****${3}${4}",
    ),
)


def _python_replacement(repl: str) -> str:
    """Turn a Rust-style ``${1}`` replacement into Python's ``\\g<1>``."""
    return re.sub(r"\$\{(\d+)\}", r"\\g<\1>", repl)


_COMPILED = tuple((re.compile(p), _python_replacement(r)) for _, p, r in MASK_RULES)


_DIGIT = re.compile("[0-9０-９]")
#: Every number rule needs at least this many digits (international: +1 and 4 + 4 digits).
_MIN_DIGITS = 9


def mask_text(s: str | None) -> str | None:
    """Return ``s`` with phone numbers, e-mails, ID-card and bank-card numbers masked.

    ``None`` stays ``None``. Example: ``mask_text("call 13812345678")`` →
    ``"call 138****5678"``.
    """
    if s is None:
        return None
    if "@" not in s and len(_DIGIT.findall(s)) < _MIN_DIGITS:
        return s  # nothing any rule could match: the common case of report text, cheaply
    for rx, repl in _COMPILED:
        # Twice: see the module docstring (adjacent numbers share a separator).
        s = rx.sub(repl, rx.sub(repl, s))
    return s


def mask_expr(expr: pl.Expr) -> pl.Expr:
    """Vectorised :func:`mask_text` on a string expression (same result, row for row).

    Example: ``frame.with_columns(mask_expr(pl.col("comment")).alias("comment"))``.
    """
    for _, pattern, repl in MASK_RULES:
        expr = expr.str.replace_all(pattern, repl).str.replace_all(pattern, repl)
    return expr


def mask_columns(frame: pl.DataFrame | pl.LazyFrame, columns: frozenset[str] | set[str] = FREE_TEXT_FIELDS):
    """``frame`` with each text column among ``columns`` masked (:func:`mask_expr`); others unchanged."""
    import polars as pl

    schema = frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema
    names = [c for c, dtype in schema.items() if c in columns and dtype in (pl.String, pl.Categorical)]
    return frame.with_columns([mask_expr(pl.col(c).cast(pl.String)).alias(c) for c in names]) if names else frame


def mask_keys(keys: dict[str, object], columns: frozenset[str] | set[str] = FREE_TEXT_FIELDS) -> dict[str, object]:
    """Group keys (``{"team": …, "hour": 9}``) with the free-text ones masked."""
    return {k: mask_text(v) if k in columns and isinstance(v, str) else v for k, v in keys.items()}
