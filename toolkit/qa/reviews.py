"""Quality inspection: the rubric, a fair stratified sample to review, the reviewer's worksheet, the summary.

- ``load_rubric`` reads ``surveys/qa-rubric.yaml`` (or a workspace's own file).
- ``qa_sample`` draws handled contacts of a period: proportional allocation
  over strata with at least one per stratum, reproducible from ``seed``;
  complaints and key customers are added in full on top of the random part.
- ``qa_worksheet`` / ``write_worksheet``: the sample as a reviewer's sheet whose
  headers are the canonical ``qa`` fields (``cxtk ingest qa`` reads it back).
- ``qa_summary``: scores by area and agent, pass rate, problems by category and
  severity, critical issues per 100 reviews.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import ConfigError, CxtkError, named_once
from toolkit.core.periods import Period

if TYPE_CHECKING:
    import polars as pl

QA_COLUMNS = (
    "review_id", "interaction_id", "agent_id", "team", "reviewer", "reviewed_at",
    "attitude", "communication", "knowledge", "problem_solving",
    "issue_category", "severity", "comment",
)  # fmt: skip
CONTEXT_COLUMNS = ("arrived_at", "channel", "topic", "handle_s", "complaint")
SEVERITIES = ("minor", "major", "critical")


@dataclass(frozen=True)
class Area:
    id: str
    en: str
    zh: str
    weight: float = 1.0


@dataclass(frozen=True)
class Rubric:
    name: str
    areas: tuple[Area, ...]
    pass_mark: float = 80.0
    min: float = 2.0
    max: float = 5.0

    def label(self, area: str, locale: str = "en") -> str:
        a = next(a for a in self.areas if a.id == area)
        return a.zh if locale.startswith("zh") else a.en

    def score_expr(self) -> pl.Expr:
        """0–100: Σ weight·points ÷ Σ weight·max over the areas scored; null when none is."""
        import polars as pl

        got = [pl.col(a.id).cast(pl.Float64) * a.weight for a in self.areas]
        top = [pl.when(pl.col(a.id).is_not_null()).then(a.weight * self.max).otherwise(0.0) for a in self.areas]
        denom = pl.sum_horizontal(top)
        return pl.when(denom > 0).then(pl.sum_horizontal(got) / denom * 100)


def load_rubric(path: Path | None = None) -> Rubric:
    """The rubric in ``path`` (default: the shipped ``surveys/qa-rubric.yaml``)."""
    from toolkit.core.yamlio import safe_load

    if path is None:
        from toolkit.core.resources import asset_dir

        path = asset_dir("surveys") / "qa-rubric.yaml"
    data = safe_load(Path(path)) or {}  # bounded: an alias bomb is refused, naming the file
    try:
        areas = tuple(
            Area(str(a["id"]), str(a.get("en", a["id"])), str(a.get("zh", a["id"])), float(a.get("weight", 1)))
            for a in data["areas"]
        )
        scale = data.get("scale") or {}
        return Rubric(
            str(data.get("name", Path(path).stem)),
            areas,
            float(data.get("pass_mark", 80)),
            float(scale.get("min", 2)),
            float(scale.get("max", 5)),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{path}: not a valid QA rubric ({exc}); it needs areas: [{{id, en, zh, weight}}]") from None


# --- sampling ----------------------------------------------------------------


def allocate(sizes: Mapping[Any, int], total: int) -> dict[Any, int]:
    """Proportional allocation of ``total`` over strata (largest remainder), at least 1 and at most the size each.

    The minimum of one per stratum can push the sum above ``total`` when there are more strata than draws.
    """
    pop = sum(sizes.values())
    if pop == 0 or total <= 0:
        return dict.fromkeys(sizes, 0)
    total = min(total, pop)
    exact = {k: total * n / pop for k, n in sizes.items()}
    alloc = {k: math.floor(v) for k, v in exact.items()}
    left = total - sum(alloc.values())
    # ties broken by key so the allocation never depends on dict order
    for k in sorted(exact, key=lambda k: (-(exact[k] - alloc[k]), str(k)))[:left]:
        alloc[k] += 1
    return {k: min(max(alloc[k], 1 if sizes[k] > 0 else 0), sizes[k]) for k in sizes}


def _population(interactions: pl.LazyFrame, period: Period, tz_default: str) -> pl.LazyFrame:
    """Handled inbound contacts of the period (answered calls/chats; emails/tickets with a reply or an end)."""
    import polars as pl
    import polars.selectors as cs

    from toolkit.kpis import expr as x
    from toolkit.kpis.prepare import frame_tz, with_canonical_columns

    lo, hi = period.bounds(frame_tz(interactions, tz_default))
    lf = with_canonical_columns(interactions, "interactions", tz_default)
    t = pl.col("arrived_at")
    from toolkit.core.config import Definitions

    lf = lf.filter((t >= lo) & (t < hi)).with_columns(pl.lit(True).alias("_p"))
    lf = lf.with_columns(x.interaction_row_flags(Definitions()))
    out = lf.filter(x.handled().fill_null(False)).with_columns(x.handle_s().alias("handle_s"))
    return out.drop(cs.starts_with("_x_"))


def qa_sample(
    interactions: pl.LazyFrame,
    period: Period,
    *,
    rate: float | None = None,
    size: int | None = None,
    stratify: Sequence[str] = ("team",),
    include_complaints: bool = True,
    key_customers: Sequence[str] = (),
    seed: int = 0,
    timezone: str = "UTC",
) -> pl.DataFrame:
    """A reproducible stratified sample of the period's handled contacts, with ``sample_reason``.

    The random part is ``size`` contacts (or ``rate`` × the contacts not taken in
    full, rounded up), allocated over the ``stratify`` strata in proportion to
    their size with at least one each. Complaints (``include_complaints``) and
    contacts of ``key_customers`` are added in full on top. The same data and
    seed give the same sample.
    """
    import numpy as np
    import polars as pl

    if (rate is None) == (size is None):
        raise CxtkError("give either --rate (e.g. 0.02) or --size (e.g. 300), not both and not neither")
    if rate is not None and not 0 < rate <= 1:
        raise CxtkError(f"--rate must be a share between 0 and 1 (e.g. 0.02 for 2 %), got {rate}")
    if size is not None and size < 0:
        raise CxtkError(f"--size must be 0 or more, got {size}")
    pop = _population(interactions, period, timezone).collect().sort("interaction_id", "source", nulls_last=True)
    bad = [f for f in named_once(stratify, "stratify by") if f not in pop.columns]
    if bad:
        fields = [c for c in pop.columns if not c.startswith("_")]  # _-columns are the sampler's own
        raise CxtkError(f"cannot stratify by {', '.join(bad)}; contact fields: {', '.join(fields)}")
    forced = pl.lit(False)
    reason = pl.lit(None, dtype=pl.String)
    if key_customers:
        key = pl.col("customer_id").is_in(list(key_customers)).fill_null(False)
        forced, reason = forced | key, pl.when(key).then(pl.lit("key customer")).otherwise(reason)
    if include_complaints:
        comp = pl.col("complaint").fill_null(False)
        forced, reason = forced | comp, pl.when(comp).then(pl.lit("complaint")).otherwise(reason)
    pop = pop.with_columns(forced.alias("_forced"), reason.alias("sample_reason"))
    rest = pop.filter(~pl.col("_forced"))
    total = size if size is not None else math.ceil(rate * rest.height)
    # Random order fixed by the seed over id-sorted rows: the draw depends on nothing else.
    rest = rest.with_columns(pl.Series("_u", np.random.default_rng(seed).random(rest.height)))
    strata = list(stratify)
    if strata:
        counts = rest.group_by(strata).len()
        sizes = {tuple(r[f] for f in strata): r["len"] for r in counts.iter_rows(named=True)}
        quota = allocate(sizes, total)
        q = pl.DataFrame(
            [dict(zip(strata, k, strict=True)) | {"_quota": v} for k, v in quota.items()],
            schema={**{f: rest.schema[f] for f in strata}, "_quota": pl.Int64},
        )
        picked = (
            rest.join(q, on=strata, how="left", nulls_equal=True)
            .filter(pl.col("_u").rank("ordinal").over(strata) <= pl.col("_quota"))
            .drop("_quota")
        )
    else:
        picked = rest.sort("_u").head(total)
    picked = picked.with_columns(pl.lit("random").alias("sample_reason"))
    out = pl.concat([pop.filter(pl.col("_forced")), picked.drop("_u")], how="vertical_relaxed")
    return out.drop("_forced", "_p").sort("arrived_at", "interaction_id")


def qa_worksheet(sample: pl.DataFrame, *, prefix: str = "QA") -> pl.DataFrame:
    """The reviewer's sheet: canonical ``qa`` columns (``review_id`` pre-filled, scores empty) + read-only context."""
    import polars as pl

    n = sample.height
    empty_s = pl.lit(None, dtype=pl.String)
    sheet = sample.with_columns(
        pl.Series("review_id", [f"{prefix}-{i:05d}" for i in range(1, n + 1)], dtype=pl.String),
        empty_s.alias("reviewer"),
        empty_s.alias("reviewed_at"),
        *[pl.lit(None, dtype=pl.Int64).alias(a) for a in ("attitude", "communication", "knowledge", "problem_solving")],
        empty_s.alias("issue_category"),
        empty_s.alias("severity"),
        empty_s.alias("comment"),
        pl.col("arrived_at").dt.strftime("%Y-%m-%d %H:%M:%S"),
        pl.col("handle_s").round(0),
        pl.col("complaint").fill_null(False),
    )
    cols = [*QA_COLUMNS, *CONTEXT_COLUMNS, "sample_reason"]
    return sheet.select([c if c in sheet.columns else pl.lit(None, dtype=pl.String).alias(c) for c in cols])


def write_worksheet(sheet: pl.DataFrame, out: Path) -> Path:
    """CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX by suffix; formula-like text neutralised,
    and no text turned into a hyperlink (``http://…``, ``file:///…`` stay text)."""
    from toolkit.core.outputs import atomic_write
    from toolkit.core.privacy import mask_columns
    from toolkit.core.safety import neutralise_formulas, xlsx_workbook

    out = Path(out)
    # the contact's topic is context to read, masked like any free text; the QA columns are read back
    # by `cxtk ingest qa` and stay as stored
    safe = neutralise_formulas(mask_columns(sheet, {"topic"}))
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise CxtkError(f"{out}: write the worksheet as .csv or .xlsx")
    with atomic_write(out, make_parents=True) as tmp:  # an earlier sheet stays whole until this one is
        if suffix == ".csv":
            safe.write_csv(tmp, include_bom=True)
        else:
            wb = xlsx_workbook(tmp, {"nan_inf_to_errors": True})
            try:
                safe.write_excel(wb, worksheet="review", autofit=True)
            finally:
                wb.close()
    return out


# --- summary -------------------------------------------------------------------


@dataclass
class QaSummary:
    period: Period
    reviews: int
    score_mean: float | None
    pass_rate: float | None
    critical_per_100: float | None
    pass_mark: float
    areas: pl.DataFrame  # area, label_en, label_zh, mean, n
    by_agent: pl.DataFrame  # agent_id, team, reviews, score_mean, pass_rate, <area means>, critical
    problems: pl.DataFrame  # issue_category, count, share, minor, major, critical
    severity: pl.DataFrame  # severity, count, share
    groups: pl.DataFrame | None = None  # by fields: reviews, score_mean, pass_rate, critical_per_100
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.to_dict(),
            "reviews": self.reviews,
            "score_mean": self.score_mean,
            "pass_rate": self.pass_rate,
            "pass_mark": self.pass_mark,
            "critical_per_100": self.critical_per_100,
            "areas": self.areas.to_dicts(),
            "by_agent": self.by_agent.to_dicts(),
            "problems": self.problems.to_dicts(),
            "severity": self.severity.to_dicts(),
            "groups": None if self.groups is None else self.groups.to_dicts(),
            "notes": self.notes,
        }


def check_period_has_reviews(qa: pl.LazyFrame, period: Period, where: str = "the store") -> None:
    """Raise ``CxtkError`` naming the months there are when ``period`` holds no review (by ``reviewed_at``)."""
    import polars as pl

    from toolkit.ingest.damage import require_intact

    tz = getattr(qa.collect_schema().get("reviewed_at"), "time_zone", None)
    lo, hi = period.bounds(tz)
    require_intact(qa, lo, hi)  # a damaged month of the period is named, not read as "no reviews"
    t = pl.col("reviewed_at")
    found = qa.select(((t >= lo) & (t < hi)).any().alias("any"), t.min().alias("first"), t.max().alias("last")).collect()
    if found["any"][0]:
        return
    first, last = found["first"][0], found["last"][0]
    span = f" ({where} has {first:%Y-%m} … {last:%Y-%m})" if first is not None else f" ({where} is empty)"
    raise CxtkError(f"no QA reviews in {period.label}{span}; pick another --period or ingest that month's reviews")


def qa_summary(
    qa: pl.LazyFrame,
    period: Period,
    by: Sequence[str] = (),
    *,
    rubric: Rubric | None = None,
    pass_mark: float | None = None,
) -> QaSummary:
    """Reviews of ``period`` (by ``reviewed_at``): scores by area and agent, pass rate, problems, severity mix.

    ``score`` is taken as stored (ingest computes it from the rubric when absent);
    ``pass_mark`` defaults to the rubric's.
    """
    import polars as pl

    by = named_once(by, "group by")
    rubric = rubric or load_rubric()
    mark = rubric.pass_mark if pass_mark is None else pass_mark
    have = qa.collect_schema()
    tz = getattr(have.get("reviewed_at"), "time_zone", None)
    lo, hi = period.bounds(tz)
    t = pl.col("reviewed_at")
    lf = qa.filter((t >= lo) & (t < hi))
    if "score" not in have:
        lf = lf.with_columns(rubric.score_expr().alias("score"))
    else:
        lf = lf.with_columns(pl.coalesce(pl.col("score"), rubric.score_expr()).alias("score"))
    df = lf.collect()
    areas = [a for a in rubric.areas if a.id in df.columns]
    n = df.height
    crit = (pl.col("severity") == "critical").fill_null(False)
    passed = (pl.col("score") >= mark).fill_null(False)

    def kpis() -> list[pl.Expr]:
        return [
            pl.len().alias("reviews"),
            pl.col("score").mean().alias("score_mean"),
            (passed.sum() / pl.col("score").count()).alias("pass_rate"),
            (crit.sum() * 100.0 / pl.len()).alias("critical_per_100"),
        ]

    top = df.select(kpis()).row(0, named=True) if n else {"score_mean": None, "pass_rate": None, "critical_per_100": None}
    area_rows = pl.DataFrame(
        {
            "area": [a.id for a in areas],
            "label_en": [a.en for a in areas],
            "label_zh": [a.zh for a in areas],
            "mean": [df[a.id].cast(pl.Float64).mean() if n else None for a in areas],
            "n": [int(df[a.id].count()) for a in areas],
        },
        schema={"area": pl.String, "label_en": pl.String, "label_zh": pl.String, "mean": pl.Float64, "n": pl.Int64},
    )
    agent_keys = [c for c in ("agent_id", "team") if c in df.columns]
    by_agent = (
        df.group_by(agent_keys)
        .agg(*kpis()[:3], *[pl.col(a.id).cast(pl.Float64).mean().alias(a.id) for a in areas], crit.sum().alias("critical"))
        .sort("score_mean", "agent_id", descending=[True, False], nulls_last=True)
    )
    with_issue = df.filter(pl.col("issue_category").is_not_null())
    problems = (
        with_issue.group_by("issue_category")
        .agg(
            pl.len().alias("count"),
            *[(pl.col("severity") == s).fill_null(False).sum().alias(s) for s in SEVERITIES],
        )
        .with_columns((pl.col("count") / pl.col("count").sum()).alias("share"))
        .sort("count", "issue_category", descending=[True, False])
        .select("issue_category", "count", "share", *SEVERITIES)
    )
    sev = (
        df.filter(pl.col("severity").is_not_null())
        .group_by("severity")
        .len("count")
        .with_columns((pl.col("count") / pl.col("count").sum()).alias("share"))
        .sort(pl.col("severity").replace_strict({s: i for i, s in enumerate(SEVERITIES)}, default=9))
    )
    groups = None
    if by:
        bad = [b for b in by if b not in df.columns]
        if bad:
            raise CxtkError(f"qa reviews cannot be grouped by {', '.join(bad)}; fields: {', '.join(df.columns)}")
        groups = df.group_by(list(by)).agg(kpis()).sort(list(by), nulls_last=True)
    notes = [] if n else [f"no QA reviews in {period.label}"]
    return QaSummary(
        period, n, top["score_mean"], top["pass_rate"], top["critical_per_100"], mark,
        area_rows, by_agent, problems, sev, groups, notes,
    )  # fmt: skip
