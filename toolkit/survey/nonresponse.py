"""Non-response check: do the customers who answered the survey differ from those who did not?

Survey results speak for respondents only. When invitations are linked to
interactions, the experience of respondents and non-respondents can be
compared on what the contact records show for everyone: mean wait, mean
handling time, share transferred, share on the phone. A material difference
warns that CSAT/NPS may be over- or understated.

Rule: the difference is material when the absolute standardised difference
(Cohen's d) exceeds ``threshold`` (default 0.2, a "small" effect):
``d = (mean_r − mean_n) / √((var_r + var_n) / 2)``, sample variances, the same
formula for shares (mean and variance of a 0/1 flag). Each group needs at least
``min_n`` (default 2) values, or ``d`` is null and no warning is given.

Only invitations of a ``source`` that exported non-respondents too are compared:
a responses-only source (ratings carried on a ticket export) has no one to
compare its respondents with.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

__all__ = ["METRICS", "nonresponse_check"]

#: Metric id → how it is computed from the joined invitation/contact row.
METRICS = ("wait_s", "handle_s", "transfer_share", "phone_share")

# (en when respondents are lower, en when higher, zh lower, zh higher); {p} = relative difference.
_MEAN_MESSAGES = {
    "wait_s": (
        "Respondents waited {p} less than non-respondents: satisfaction may be overstated",
        "Respondents waited {p} longer than non-respondents: satisfaction may be understated",
        "作答客户的平均等待时长比未作答客户少 {p}：满意度可能被高估",
        "作答客户的平均等待时长比未作答客户多 {p}：满意度可能被低估",
    ),
    "handle_s": (
        "Respondents' contacts took {p} less handling time than non-respondents': "
        "satisfaction may be overstated",
        "Respondents' contacts took {p} more handling time than non-respondents': "
        "satisfaction may be understated",
        "作答客户的平均处理时长比未作答客户短 {p}：满意度可能被高估",
        "作答客户的平均处理时长比未作答客户长 {p}：满意度可能被低估",
    ),
}
# {a} = respondents' share, {b} = non-respondents' share.
_SHARE_MESSAGES = {
    "transfer_share": (
        "{a} of respondents were transferred against {b} of non-respondents: satisfaction may be overstated",
        "{a} of respondents were transferred against {b} of non-respondents: satisfaction may be understated",
        "作答客户的转接比例为 {a}，未作答客户为 {b}：满意度可能被高估",
        "作答客户的转接比例为 {a}，未作答客户为 {b}：满意度可能被低估",
    ),
    "phone_share": (
        "Phone contacts are {a} of respondents against {b} of non-respondents: "
        "the channel mix differs, compare satisfaction by channel",
        "Phone contacts are {a} of respondents against {b} of non-respondents: "
        "the channel mix differs, compare satisfaction by channel",
        "电话渠道占作答客户的 {a}，占未作答客户的 {b}：渠道构成不同，请按渠道比较满意度",
        "电话渠道占作答客户的 {a}，占未作答客户的 {b}：渠道构成不同，请按渠道比较满意度",
    ),
}


def _percent(x: float, zh: bool) -> str:
    # English reports write "35 %" (as elsewhere in cxtk), Chinese "35%".
    return f"{x * 100:.0f}%" if zh else f"{x * 100:.0f} %"


def _messages(metric: str, resp: float, non: float) -> tuple[str, str]:
    """The English and Chinese warning lines for a material difference."""
    higher = resp > non
    if metric in _MEAN_MESSAGES:
        en_lo, en_hi, zh_lo, zh_hi = _MEAN_MESSAGES[metric]
        rel = abs(resp - non) / non if non else math.inf
        return (
            (en_hi if higher else en_lo).format(p=_percent(rel, zh=False)),
            (zh_hi if higher else zh_lo).format(p=_percent(rel, zh=True)),
        )
    en_lo, en_hi, zh_lo, zh_hi = _SHARE_MESSAGES[metric]
    return (
        (en_hi if higher else en_lo).format(a=_percent(resp, zh=False), b=_percent(non, zh=False)),
        (zh_hi if higher else zh_lo).format(a=_percent(resp, zh=True), b=_percent(non, zh=True)),
    )


def _std_difference(m1: float, v1: float, m2: float, v2: float) -> float:
    pooled = math.sqrt((v1 + v2) / 2)
    diff = m1 - m2
    if pooled == 0:
        # Both groups constant: any difference at all is total separation.
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)
    return diff / pooled


def nonresponse_check(
    surveys: pl.LazyFrame | pl.DataFrame,
    interactions: pl.LazyFrame | pl.DataFrame,
    threshold: float = 0.2,
    min_n: int = 2,
) -> pl.DataFrame:
    """Compare respondents with non-respondents on what their contacts looked like.

    Invitations (survey rows) are linked to ``interactions`` by ``interaction_id``;
    a respondent has ``responded_at``. One row per metric (``wait_s``,
    ``handle_s``, ``transfer_share`` = share with ``transfers > 0``,
    ``phone_share`` = share on ``channel == "phone"``) with columns ``metric``,
    ``respondents``, ``non_respondents`` (means or shares), ``difference``
    (respondents − non-respondents), ``std_difference``, ``warn``,
    ``message_en``, ``message_zh`` (a one-line reading when ``warn``, else null),
    ``n_respondents``, ``n_non_respondents`` (rows with a value).

    Example: ``nonresponse_check(store.surveys, store.interactions).filter("warn")``.
    """
    import polars as pl

    # only the contacts the invitations name: a unique() over every stored contact cost seconds at 10 M
    named = surveys.lazy().select(pl.col("interaction_id").cast(pl.String)).drop_nulls().unique()
    contacts = (
        interactions.lazy()
        .join(named, left_on=pl.col("interaction_id").cast(pl.String), right_on="interaction_id", how="semi",
              maintain_order="left")
        .select(
            pl.col("interaction_id").cast(pl.String),
            pl.col("wait_s").cast(pl.Float64),
            pl.col("handle_s").cast(pl.Float64),
            transfer_share=(pl.col("transfers").fill_null(0) > 0).cast(pl.Float64),
            phone_share=(pl.col("channel") == "phone").cast(pl.Float64),
        )
        .unique(subset="interaction_id", keep="first", maintain_order=True)
    )
    invitations = surveys.lazy()
    if "source" in invitations.collect_schema():
        # A source that exported only responses (ratings carried on a ticket export)
        # says nothing about who did not answer; kept, its contacts would pass for
        # "respondents" and skew the comparison with its own channel mix.
        invitations = invitations.filter(
            pl.col("responded_at").is_null().any().over(pl.col("source").fill_null(""))
        )
    invitations = invitations.select(
        pl.col("interaction_id").cast(pl.String),
        respondent=pl.col("responded_at").is_not_null(),
    )
    stats = (
        invitations.join(contacts, on="interaction_id", how="inner")
        .unpivot(index="respondent", on=list(METRICS), variable_name="metric")
        .group_by("metric", "respondent")
        .agg(
            mean=pl.col("value").mean(),
            var=pl.col("value").var(ddof=1),
            n=pl.col("value").count().cast(pl.Int64),
        )
        .collect()
    )
    by_key = {(r["metric"], r["respondent"]): r for r in stats.iter_rows(named=True)}
    empty = {"mean": None, "var": None, "n": 0}
    rows = []
    # A handful of summary rows: plain Python reads better than a wide pivot here.
    for metric in METRICS:
        r, nr = by_key.get((metric, True), empty), by_key.get((metric, False), empty)
        comparable = r["n"] >= min_n and nr["n"] >= min_n
        d = _std_difference(r["mean"], r["var"], nr["mean"], nr["var"]) if comparable else None
        warn = d is not None and abs(d) > threshold
        en, zh = _messages(metric, r["mean"], nr["mean"]) if warn else (None, None)
        rows.append(
            {
                "metric": metric,
                "respondents": r["mean"],
                "non_respondents": nr["mean"],
                "difference": r["mean"] - nr["mean"]
                if r["mean"] is not None and nr["mean"] is not None
                else None,
                "std_difference": d,
                "warn": warn,
                "message_en": en,
                "message_zh": zh,
                "n_respondents": r["n"],
                "n_non_respondents": nr["n"],
            }
        )
    schema = {
        "metric": pl.String,
        "respondents": pl.Float64,
        "non_respondents": pl.Float64,
        "difference": pl.Float64,
        "std_difference": pl.Float64,
        "warn": pl.Boolean,
        "message_en": pl.String,
        "message_zh": pl.String,
        "n_respondents": pl.Int64,
        "n_non_respondents": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema)
