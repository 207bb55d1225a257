"""Mask personal data (phone numbers, e-mails, ID-card and bank-card numbers) in free text.

Reports and exports show customer comments with PII masked; the store keeps the
original. Each kind keeps a short hint so that a reader can still tell two
masked numbers apart and a supervisor can match a call-back:

- e-mail: ``john.doe@example.com`` → ``j***@example.com``
- ID card (18 characters): ``11010519491231002X`` → ``110***********002X``
- bank card (16-19 digits): ``6222021234567890`` → ``6222****7890``; in groups,
  ``6222 0212 3456 7890 123`` → ``6222****123`` (first and last group kept)
- Chinese mobile: ``+86 138-1234-5678`` → ``+86 138****5678``
- Chinese landline: ``010-62345678`` → ``010-****5678``
- international: ``+44 20 7946 0958`` → ``+44 ****0958``

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

__all__ = ["MASK_RULES", "mask_expr", "mask_text"]

# Non-digit (or text edge) on each side: the number must be a whole digit run.
_L = r"(^|\D)"
_R = r"(\D|$)"

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
        _L + r"([1-9]\d{2})\d{3}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(\d{3}[0-9Xx])" + _R,
        "${1}${2}***********${3}${4}",
    ),
    (
        # 16-19 digits in one run.
        "bank_card",
        _L + r"(\d{4})\d{8,11}(\d{4})" + _R,
        "${1}${2}****${3}${4}",
    ),
    (
        # 16-19 digits in groups of 4 (the last of 1-4) separated by a space or dash.
        "bank_card_grouped",
        _L + r"(\d{4})(?:[ \-]\d{4}){2}(?:[ \-]\d{4}[ \-](\d{1,3})|[ \-](\d{4}))" + _R,
        "${1}${2}****${3}${4}${5}",
    ),
    (
        "mobile",
        _L + r"((?:\+86|0086)[ \-]?)?(1[3-9]\d)[ \-]?\d{4}[ \-]?(\d{4})" + _R,
        "${1}${2}${3}****${4}${5}",
    ),
    (
        # Area code 010, 02x or 0xxx, then a local number of 7-8 digits not starting 0/1.
        "landline",
        _L + r"(0(?:10|2\d|[3-9]\d{2}))(-?)[2-9]\d{2,3}(\d{4})" + _R,
        "${1}${2}${3}****${4}${5}",
    ),
    (
        "international",
        _L + r"(\+[1-9]\d{0,2})[ \-]?(?:\d[ \-]?){4,10}(\d{4})" + _R,
        "${1}${2} ****${3}${4}",
    ),
)


def _python_replacement(repl: str) -> str:
    """Turn a Rust-style ``${1}`` replacement into Python's ``\\g<1>``."""
    return re.sub(r"\$\{(\d+)\}", r"\\g<\1>", repl)


_COMPILED = tuple((re.compile(p), _python_replacement(r)) for _, p, r in MASK_RULES)


def mask_text(s: str | None) -> str | None:
    """Return ``s`` with phone numbers, e-mails, ID-card and bank-card numbers masked.

    ``None`` stays ``None``. Example: ``mask_text("call 13812345678")`` →
    ``"call 138****5678"``.
    """
    if s is None:
        return None
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
