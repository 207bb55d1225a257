"""Survey summary of a period: satisfaction figures with intervals, distributions, change, themes.

The figures themselves (response rate, CSAT, CSAT mean, NPS, CES, follow-up
rate, with their 95 % intervals) come from the KPI engine
(:func:`toolkit.kpis.compute.compute_kpis`), so a survey summary and ``cxtk kpi``
never disagree. This module adds what only a survey view needs:

- the score distributions per group (``{"csat": {"1": n, …, "5": n}, "nps":
  {"0": n, …, "10": n}}``, every key present),
- the change against the previous period with its significance test
  (two-proportion z for ``csat``, Welch t for ``csat_mean`` and ``ces_mean``,
  the NPS z-test of kpis.md for ``nps``); a change that does not pass at 95 %
  says "not significant",
- the themes of the comments, the most frequent terms (both PII-masked by
  default), the non-response check and the count of unlinked responses.

The distributions and the moments the tests need (counts, standard deviations)
are read from the same prepared survey rows the engine aggregates (same
period filter, same linking to interactions), in one ``group_by().agg()``.

Example::

    summary = survey_summary(frames, parse_period("2026-10"), config=cfg)
    summary.to_dict()["groups"][0]["kpis"]["csat"]["ci"]   # [0.818, 0.851]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import CxtkError

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config
    from toolkit.core.periods import Period
    from toolkit.kpis.result import KpiResult, KpiValue

__all__ = [
    "CHANGE_KPIS",
    "SURVEY_KPIS",
    "Change",
    "SurveyGroup",
    "SurveySummary",
    "check_period_has_surveys",
    "followups_command",
    "print_followups",
    "print_summary",
    "summary_command",
    "survey_summary",
    "write_followups",
]

#: The KPIs of a survey summary, in display order.
SURVEY_KPIS: tuple[str, ...] = (
    "surveys_sent",
    "responses",
    "response_rate",
    "csat",
    "csat_mean",
    "nps",
    "ces_mean",
    "followup_24h_rate",
)
#: KPIs whose change against the previous period is tested, and the test used.
CHANGE_KPIS: dict[str, str] = {
    "csat": "two-proportion z-test",
    "csat_mean": "Welch t-test",
    "nps": "NPS z-test",
    "ces_mean": "Welch t-test",
}
CSAT_SCALE = range(1, 6)
NPS_SCALE = range(0, 11)
# The engine names the ordinary denominator "surveys sent"; the summary speaks of invitations.
_DENOMINATOR = {"surveys sent": "invitations", "answered contacts": "answered contacts"}


# --- result -------------------------------------------------------------------------------------


@dataclass
class Change:
    """The change of one KPI against the previous period and whether it is significant at 95 %."""

    value: float | None
    baseline: float | None
    change: float | None
    direction: str | None  # improved / worsened / unchanged
    test: str
    statistic: float | None = None
    p_value: float | None = None
    significant: bool | None = None
    small_sample: bool = False
    note: str | None = None

    def to_dict(self, digits: int) -> dict[str, Any]:
        return {
            "value": _round(self.value, digits),
            "baseline": _round(self.baseline, digits),
            "change": _round(self.change, digits),
            "direction": self.direction,
            "test": self.test,
            "statistic": _round(self.statistic, 4),
            "p_value": _round(self.p_value, 4),
            "significant": self.significant,
            "small_sample": self.small_sample,
            "note": self.note,
        }


@dataclass
class SurveyGroup:
    """One group of the summary: KPI values (from the engine), distributions, changes."""

    keys: dict[str, Any]
    kpis: dict[str, KpiValue]
    distribution: dict[str, dict[str, int]]
    change: dict[str, Change] = field(default_factory=dict)


@dataclass
class SurveySummary:
    """The survey summary of a period; ``to_dict()`` is the JSON of ``cxtk survey summary``."""

    period: Period
    baseline_period: Period
    by: tuple[str, ...]
    result: KpiResult
    groups: list[SurveyGroup]
    themes: list[dict[str, Any]]
    top_terms: list[tuple[str, int]]
    nonresponse: list[dict[str, Any]]
    response_rate_denominator: str | None
    unlinked_responses: int
    responses: int
    masked: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def nonresponse_warnings(self) -> list[dict[str, str]]:
        """The material differences, each as ``{"metric", "en", "zh-CN"}``."""
        return [
            {"metric": r["metric"], "en": r["message_en"], "zh-CN": r["message_zh"]}
            for r in self.nonresponse
            if r["warn"]
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON of cli.md: ``period``, ``groups[].keys/kpis/distribution/change``, ``themes``, …"""
        from toolkit.kpis.registry import REGISTRY

        base = self.result.to_dict()
        groups = []
        for g, raw in zip(self.groups, base["groups"], strict=True):
            kpis = raw["kpis"]
            if "response_rate" in kpis and "denominator" in kpis["response_rate"]:
                den = kpis["response_rate"]["denominator"]
                kpis["response_rate"]["denominator"] = _DENOMINATOR.get(den, den)
            groups.append(
                {
                    "keys": raw["keys"],
                    "kpis": kpis,
                    "distribution": g.distribution,
                    "change": {k: c.to_dict(_digits(REGISTRY[k].unit)) for k, c in g.change.items()},
                    "n": raw.get("n"),
                }
            )
        return {
            "period": self.period.to_dict(),
            "baseline_period": self.baseline_period.to_dict(),
            "definitions": base["definitions"],
            "by": list(self.by),
            "response_rate_denominator": self.response_rate_denominator,
            "responses": self.responses,
            "unlinked_responses": self.unlinked_responses,
            "masked": self.masked,
            "groups": groups,
            "themes": [dict(t) for t in self.themes],
            "top_terms": [{"term": t, "count": c} for t, c in self.top_terms],
            "nonresponse": {
                "rows": [dict(r) for r in self.nonresponse],
                "warnings": self.nonresponse_warnings,
            },
            "notes": list(self.notes) + list(base["notes"]),
        }


def _digits(unit: str) -> int:
    return {"rate": 4, "points": 2, "score": 2, "seconds": 2}.get(unit, 0)


def _round(v: float | None, digits: int) -> float | None:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return round(float(v), digits)


# --- computing ----------------------------------------------------------------------------------


def _prepared_surveys(
    frames: Mapping[str, pl.LazyFrame | None], period: Period, by: Sequence[str], config: Config
) -> pl.LazyFrame | None:
    """The survey rows of ``period`` as the KPI engine sees them: period-filtered, linked, keyed.

    Uses the engine's own preparation so that the distributions count exactly
    the rows its CSAT and NPS rest on.
    """
    from toolkit.kpis import compute as engine

    surveys = frames.get("surveys")
    if surveys is None:
        return None
    interactions = frames.get("interactions")
    lo, hi = period.bounds(engine.frame_tz(interactions, config.timezone))
    lf = engine.with_canonical_columns(surveys, "surveys", config.timezone)
    linked = interactions is not None and "interaction_id" in lf.collect_schema()
    prepared = engine._prepare_surveys(lf, interactions if linked else None, config, lo, hi)
    prepared = prepared.with_columns(engine._time_keys("surveys", by))
    missing = [f for f in by if f not in prepared.collect_schema()]
    if missing:
        raise CxtkError(
            f"survey responses cannot be grouped by {', '.join(missing)}"
            + ("" if interactions is not None else " without interactions data to link them to")
        )
    return prepared


def _score_stats(
    prepared: pl.LazyFrame, by: Sequence[str], satisfied_min: int
) -> dict[tuple, dict[str, Any]]:
    """Per group: counts of each CSAT and NPS answer, and the moments the change tests need."""
    import polars as pl

    csat = pl.col("csat").cast(pl.Float64)
    nps = pl.col("nps")
    ces = pl.col("ces").cast(pl.Float64)
    aggs = [
        *[(pl.col("csat") == k).sum().cast(pl.Int64).alias(f"csat_{k}") for k in CSAT_SCALE],
        *[(nps == k).sum().cast(pl.Int64).alias(f"nps_{k}") for k in NPS_SCALE],
        csat.count().alias("csat_n"),
        (csat >= satisfied_min).sum().cast(pl.Int64).alias("csat_satisfied"),
        csat.std().alias("csat_sd"),
        (nps >= 9).sum().cast(pl.Int64).alias("nps_promoters"),
        (nps <= 6).sum().cast(pl.Int64).alias("nps_detractors"),
        nps.count().alias("nps_n"),
        ces.count().alias("ces_n"),
        ces.std().alias("ces_sd"),
    ]
    q = prepared.group_by(list(by)).agg(aggs) if by else prepared.select(aggs)
    return {tuple(row[f] for f in by): row for row in q.collect().iter_rows(named=True)}


def _distribution(stats: Mapping[str, Any] | None) -> dict[str, dict[str, int]]:
    s = stats or {}
    return {
        "csat": {str(k): int(s.get(f"csat_{k}") or 0) for k in CSAT_SCALE},
        "nps": {str(k): int(s.get(f"nps_{k}") or 0) for k in NPS_SCALE},
    }


def _direction(kpi_id: str, delta: float | None) -> str | None:
    from toolkit.kpis.registry import REGISTRY

    if delta is None:
        return None
    if delta == 0:
        return "unchanged"
    better = delta > 0 if REGISTRY[kpi_id].direction != "down" else delta < 0
    return "improved" if better else "worsened"


def _change(
    kpi_id: str,
    cur: KpiValue | None,
    prev: KpiValue | None,
    cur_stats: Mapping[str, Any] | None,
    prev_stats: Mapping[str, Any] | None,
) -> Change:
    """The change of one KPI with the test of kpis.md "Uncertainty"."""
    from toolkit.core import stats

    test = CHANGE_KPIS[kpi_id]
    value = cur.value if cur is not None else None
    baseline = prev.value if prev is not None else None
    if value is None or baseline is None or cur_stats is None or prev_stats is None:
        why = "no value this period" if value is None else "no value in the previous period"
        return Change(value, baseline, None, None, test, note=f"no comparison: {why}")
    delta = float(value) - float(baseline)
    a, b = prev_stats, cur_stats  # a change is second minus first: previous → current
    if kpi_id == "csat":
        res = stats.two_proportion_test(a["csat_satisfied"], a["csat_n"], b["csat_satisfied"], b["csat_n"])
    elif kpi_id == "nps":
        res = stats.nps_change_test(
            a["nps_promoters"],
            a["nps_detractors"],
            a["nps_n"],
            b["nps_promoters"],
            b["nps_detractors"],
            b["nps_n"],
        )
    else:
        score = "csat" if kpi_id == "csat_mean" else "ces"
        res = stats.welch_t_test(
            float(baseline),
            a[f"{score}_sd"] or 0.0,
            a[f"{score}_n"],
            float(value),
            b[f"{score}_sd"] or 0.0,
            b[f"{score}_n"],
        )
    if res.significant is None:
        note = "no test: too few answers or no spread"
    else:
        note = "significant" if res.significant else "not significant"
    return Change(
        value=float(value),
        baseline=float(baseline),
        change=delta,
        direction=_direction(kpi_id, delta),
        test=test,
        statistic=res.statistic,
        p_value=res.p_value,
        significant=res.significant,
        small_sample=bool(cur.small_sample or prev.small_sample),
        note=note,
    )


def _responses_in_period(prepared: pl.LazyFrame) -> pl.LazyFrame:
    import polars as pl

    return prepared.filter(pl.col("responded_at").is_not_null())


def _unlinked(prepared: pl.LazyFrame, interactions: pl.LazyFrame | None) -> int:
    """Responses whose contact is not in the interactions data (or that name none)."""
    import polars as pl

    responses = _responses_in_period(prepared).select(pl.col("interaction_id").cast(pl.String))
    if interactions is None:
        return int(responses.select(pl.len()).collect().item())
    # an anti-join needs no unique(): a response is unlinked when no stored contact has its id
    known = interactions.select(pl.col("interaction_id").cast(pl.String))
    return int(responses.join(known, on="interaction_id", how="anti").select(pl.len()).collect().item())


def period_themes(
    frames: Mapping[str, pl.LazyFrame | None],
    period: Period,
    *,
    config: Config,
    mask: bool = True,
    themes_extra: Path | None = None,
) -> list[dict[str, Any]]:
    """The comment themes of ``period`` alone (``SurveySummary.themes``), for a report that shows
    nothing else of the survey summary: no word segmentation, intervals or non-response check."""
    frames = {"surveys": frames.get("surveys"), "interactions": frames.get("interactions")}
    prepared = _prepared_surveys(frames, period, (), config)
    return [] if prepared is None else _theme_rows(prepared, config, mask, themes_extra)


def _themes(
    prepared: pl.LazyFrame, config: Config, mask: bool, themes_extra: Path | None, examples: int = 3
) -> tuple[list[dict[str, Any]], list[tuple[str, int]]]:
    import polars as pl

    from toolkit.survey.themes import top_terms

    themes = _theme_rows(prepared, config, mask, themes_extra, examples)
    comments = _responses_in_period(prepared).select(pl.col("comment")).collect().to_series()
    return themes, top_terms(comments, n=20, mask=mask)


def _theme_rows(
    prepared: pl.LazyFrame, config: Config, mask: bool, themes_extra: Path | None, examples: int = 3
) -> list[dict[str, Any]]:
    from toolkit.survey.themes import load_themes, theme_summary

    responses = _responses_in_period(prepared).select("csat", "nps", "comment")
    table = theme_summary(
        responses,
        low_score_max=config.definitions.low_score_max,
        examples=examples,
        mask=mask,
        themes=load_themes(themes_extra),
    )
    themes = [
        {
            "theme": r["theme"],
            "label": r["label_en"],
            "label_zh": r["label_zh"],
            "count": int(r["count"]),
            "share": _round(r["share"], 4),
            "low_score_share": _round(r["low_score_share"], 4),
            "examples": list(r["examples"]),
        }
        for r in table.iter_rows(named=True)
    ]
    return themes


def _nonresponse(prepared: pl.LazyFrame, interactions: pl.LazyFrame | None) -> list[dict[str, Any]]:
    from toolkit.survey.nonresponse import nonresponse_check

    if interactions is None:
        return []
    cols = [c for c in ("interaction_id", "responded_at", "source") if c in prepared.collect_schema()]
    rows = nonresponse_check(prepared.select(cols), interactions)
    return [
        {k: (_round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}
        for r in rows.iter_rows(named=True)
    ]


def survey_summary(
    frames: Mapping[str, pl.LazyFrame | None],
    period: Period,
    *,
    by: Sequence[str] = (),
    config: Config,
    mask: bool = True,
    themes_extra: Path | None = None,
) -> SurveySummary:
    """The survey summary of ``period`` from canonical frames ("surveys", optionally "interactions").

    Parameters
    ----------
    frames:
        ``{"surveys": LazyFrame, "interactions": LazyFrame | None}``; interactions
        link responses (team, agent, channel, queue, topic), give the
        responses-only denominator and the non-response check.
    period:
        The period (``toolkit.core.periods.parse_period("2026-10")``); the change is
        against ``period.previous()``.
    by:
        Group fields (``team``, ``agent_id``, ``channel``, ``queue``, ``topic``,
        ``month``, ``day``, ``hour``).
    mask:
        Mask PII in theme examples and terms (default); ``False`` for internal use.
    themes_extra:
        A workspace ``surveys/themes.yaml`` adding themes or keywords.

    Returns
    -------
    SurveySummary
        A period without any survey row gives null figures with notes; the
        CLI refuses such a period before calling this (:func:`check_period_has_surveys`).
    """
    from toolkit.kpis.compute import compute_kpis

    by = tuple(by)
    frames = {"surveys": frames.get("surveys"), "interactions": frames.get("interactions")}
    interactions = frames["interactions"]
    result = compute_kpis(frames, period, by=by, kpis=list(SURVEY_KPIS), config=config)
    baseline_period = period.previous()
    previous = compute_kpis(frames, baseline_period, by=by, kpis=list(CHANGE_KPIS), config=config)
    prev_groups = {tuple(g.keys.get(f) for f in by): g for g in previous.groups}

    satisfied_min = config.definitions.csat_satisfied_min
    prepared = _prepared_surveys(frames, period, by, config)
    prev_prepared = _prepared_surveys(frames, baseline_period, by, config)
    cur_stats = _score_stats(prepared, by, satisfied_min) if prepared is not None else {}
    prev_stats = _score_stats(prev_prepared, by, satisfied_min) if prev_prepared is not None else {}

    if any(f in _CALENDAR_KEYS for f in by):
        # Grouped by month or day, a group's baseline is the month/day before it,
        # found in this period's groups or, for the first one, in the previous period's.
        prev_groups = prev_groups | {tuple(g.keys.get(f) for f in by): g for g in result.groups}
        prev_stats = prev_stats | cur_stats
    groups = []
    for g in result.groups:
        key = tuple(g.keys.get(f) for f in by)
        base = _baseline_key(key, by)
        pg = prev_groups.get(base)
        change = {
            k: _change(
                k, g.kpis.get(k), pg.kpis.get(k) if pg else None, cur_stats.get(key), prev_stats.get(base)
            )
            for k in CHANGE_KPIS
        }
        groups.append(SurveyGroup(dict(g.keys), g.kpis, _distribution(cur_stats.get(key)), change))
        _add_ces_interval(g.kpis.get("ces_mean"), cur_stats.get(key))

    notes: list[str] = []
    if prepared is None:
        themes, terms, nonresponse, unlinked, responses = [], [], [], 0, 0
        notes.append("no surveys data")
    else:
        themes, terms = _themes(prepared, config, mask, themes_extra)
        nonresponse = _nonresponse(prepared, interactions)
        unlinked = _unlinked(prepared, interactions)
        responses = int(_responses_in_period(prepared).select(_len()).collect().item())
        if interactions is None:
            notes.append("no interactions data: responses cannot inherit team, agent or channel")
    denominators = {
        g.kpis["response_rate"].extra.get("denominator") for g in result.groups if "response_rate" in g.kpis
    } - {None}
    denominator = next(iter(denominators), None)
    return SurveySummary(
        period=period,
        baseline_period=baseline_period,
        by=by,
        result=result,
        groups=groups,
        themes=themes,
        top_terms=terms,
        nonresponse=nonresponse,
        response_rate_denominator=_DENOMINATOR.get(denominator, denominator) if denominator else None,
        unlinked_responses=unlinked,
        responses=responses,
        masked=mask,
        notes=notes,
    )


_CALENDAR_KEYS = ("month", "day")


def _baseline_key(key: tuple, by: Sequence[str]) -> tuple:
    """The key of the group a group is compared with: the same one, a month or a day earlier."""
    from datetime import date, timedelta

    out = list(key)
    for i, f in enumerate(by):
        if f == "month" and key[i]:
            y, m = (int(p) for p in key[i].split("-"))
            out[i] = f"{y - (m == 1):04d}-{(m - 2) % 12 + 1:02d}"
        elif f == "day" and key[i]:
            out[i] = (date.fromisoformat(key[i]) - timedelta(days=1)).isoformat()
    return tuple(out)


def _len() -> pl.Expr:
    import polars as pl

    return pl.len()


def _add_ces_interval(v: KpiValue | None, stats_row: Mapping[str, Any] | None) -> None:
    """The engine gives CES no interval; kpis.md wants one for every survey figure: mean ± t·s/√n."""
    from toolkit.core import stats

    if v is None or v.value is None or v.ci is not None or not stats_row or stats_row.get("ces_sd") is None:
        return
    ci = stats.mean_interval(float(v.value), float(stats_row["ces_sd"]), int(stats_row["ces_n"]))
    v.ci = None if ci is None else (float(ci[0]), float(ci[1]))


# --- loading for the CLI ------------------------------------------------------------------------


def check_period_has_surveys(surveys: pl.LazyFrame | None, period: Period, where: str, tz: str) -> None:
    """Raise ``CxtkError`` naming the months there are when ``period`` holds no survey row."""
    import polars as pl

    if surveys is None:
        raise CxtkError(f"no survey data in {where}; ingest some with `cxtk ingest surveys FILE`")
    t = pl.coalesce(pl.col("sent_at"), pl.col("responded_at"))
    dtype = surveys.collect_schema().get("sent_at")
    # Bounds in the zone the times are stored in (naive bounds for naive times).
    lo, hi = period.bounds(dtype.time_zone if isinstance(dtype, pl.Datetime) else tz)
    from toolkit.ingest.store import require_intact

    require_intact(surveys, lo, hi)  # a damaged month of the period is named, not read as "no data"
    found = surveys.select(
        ((t >= lo) & (t < hi)).any().alias("any"), t.min().alias("first"), t.max().alias("last")
    ).collect()
    if found["any"][0]:
        return
    first, last = found["first"][0], found["last"][0]
    span = f" ({where} has {first:%Y-%m} … {last:%Y-%m})" if first is not None else f" ({where} is empty)"
    raise CxtkError(f"no survey data in {period.label}{span}; pick another --period or ingest that month")


def summary_command(
    *,
    period: str,
    by: Sequence[str] = (),
    config_path: Path | None = None,
    input_file: Path | None = None,
    mapping: str | None = None,
    mask: bool = True,
) -> SurveySummary:
    """Load the store (or one survey export with ``input_file``), check the period, summarise."""
    from toolkit.core.config import Config, resolve_config
    from toolkit.core.periods import parse_period

    p = parse_period(period)
    if input_file is not None:
        from toolkit.ingest.pipeline import load_file

        config = resolve_config(config_path, required=False) or Config()
        frame = load_file(input_file, "surveys", mapping, None, tz=config.timezone)
        frames: dict[str, Any] = {"surveys": frame.lazy(), "interactions": None}
        where = str(input_file)
    else:
        from toolkit.ingest.store import scan_dataset

        config = resolve_config(config_path)
        frames = {name: scan_dataset(config, name) for name in ("surveys", "interactions")}
        where = "the store"
    check_period_has_surveys(frames["surveys"], p, where, config.timezone)
    extra = config.path("surveys/themes.yaml") if input_file is None else None
    return survey_summary(
        frames, p, by=by, config=config, mask=mask, themes_extra=extra if extra and extra.is_file() else None
    )


def followups_command(
    *, period: str, now: datetime | None = None, config_path: Path | None = None, mask: bool = True
) -> tuple[pl.DataFrame, Config]:
    """The follow-up list of a period from the store (``toolkit.survey.followups.followups``)."""
    from datetime import UTC

    from toolkit.core.config import resolve_config
    from toolkit.core.periods import parse_period
    from toolkit.ingest.store import scan_dataset
    from toolkit.survey.followups import followups

    p = parse_period(period)
    config = resolve_config(config_path)
    surveys = scan_dataset(config, "surveys")
    interactions = scan_dataset(config, "interactions")
    if surveys is None:
        raise CxtkError("no survey data in the store; ingest some with `cxtk ingest surveys FILE`")
    moment = now if now is not None else datetime.now(UTC)
    items = followups(surveys, interactions, config.definitions, moment, p.start, p.end, mask=mask)
    return items, config


# --- human output -------------------------------------------------------------------------------

# Words of the terminal table that the report labels do not have: (en, zh-CN).
_WORDS: dict[str, tuple[str, str]] = {
    "centre": ("centre", "全中心"),
    "interval": ("95 % interval", "95%置信区间"),
    "change": ("vs previous period", "与上期相比"),
    "distribution": ("Distribution", "评分分布"),
    "denominator": ("response rate ÷ {d}", "回收率分母:{d}"),
    "invitations": ("invitations", "发放问卷数"),
    "answered contacts": ("answered contacts", "已接通接触量"),
    "unlinked": (
        "{n} of {total} responses are not linked to a contact",
        "{total}份回复中有{n}份未关联到接触记录",
    ),
    "terms": ("Frequent terms", "高频词"),
    "example": ("Example", "示例"),
    "low_share": ("Low-score share", "低分占比"),
    "masked": ("personal data masked", "个人信息已脱敏"),
    "no_themes": ("No comments with a known theme.", "无可识别主题的评论。"),
}


def _word(key: str, locale: str, **values: Any) -> str:
    text = _WORDS[key][0 if locale == "en" else 1]
    return text.format(**values) if values else text


_BARS = "▁▂▃▄▅▆▇█"


def bar_line(counts: Mapping[str, int]) -> str:
    """A compact bar line of a distribution: ``{"1": 2, "2": 0, …}`` → ``"▂ ▁…"`` scaled to the largest.

    A zero count shows as a space so that "nobody" is not read as "a few".
    """
    top = max(counts.values(), default=0)
    if top == 0:
        return " " * len(counts)
    return "".join(
        " " if c == 0 else _BARS[min(len(_BARS) - 1, round(c / top * (len(_BARS) - 1)))]
        for c in counts.values()
    )


def _interval_text(kpi_id: str, v: KpiValue, fmt: Any) -> str:
    from toolkit.kpis.registry import REGISTRY

    if v.ci is None or v.value is None:
        return ""
    unit = REGISTRY[kpi_id].unit
    lo, hi = (fmt.kpi_value(kpi_id, x, unit) for x in v.ci)
    if kpi_id == "csat":  # Wilson intervals are not symmetric: the bounds say it honestly
        return f"[{lo}, {hi}]"
    margin = (v.ci[1] - v.ci[0]) / 2
    return f"± {fmt.kpi_value(kpi_id, margin, unit)} [{lo}, {hi}]"


def _change_text(kpi_id: str, c: Change | None, fmt: Any, locale: str) -> str:
    from toolkit.kpis.registry import REGISTRY
    from toolkit.report.labels import label

    if c is None or c.change is None:
        return ""
    text = fmt.signed_change(c.change, REGISTRY[kpi_id].unit, kpi_id)
    if c.significant is True:
        return f"{text} ({label('word.significant', locale)})"
    if c.significant is False:
        return f"{text} ({label('word.not_significant', locale)})"
    return text


def print_summary(summary: SurveySummary, locale: str = "en", tz: str = "UTC") -> None:
    """The terminal view of ``cxtk survey summary`` in ``locale`` (``en`` or ``zh-CN``)."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from toolkit.kpis.registry import REGISTRY
    from toolkit.report.fmt import Formatter
    from toolkit.report.labels import kpi_name, label

    fmt = Formatter(locale, tz)
    console = Console()
    period = fmt.period(summary.period.label)
    for g in summary.groups:
        keys = ", ".join(f"{k}={v}" for k, v in g.keys.items()) or _word("centre", locale)
        table = Table(title=escape(f"{period} — {keys}"), title_justify="left")
        table.add_column(label("header.kpi", locale))
        table.add_column(label("header.value", locale), justify="right")
        table.add_column(_word("interval", locale), justify="right")
        table.add_column("n", justify="right")
        table.add_column(_word("change", locale), justify="right")
        table.add_column(label("header.remark", locale))
        for kpi_id, v in g.kpis.items():
            unit = REGISTRY[kpi_id].unit
            remark = []
            if v.small_sample:
                remark.append(label("word.small_sample", locale))
            if kpi_id == "response_rate" and v.extra.get("denominator"):
                den = _DENOMINATOR.get(v.extra["denominator"], v.extra["denominator"])
                remark.append(_word("denominator", locale, d=_word(den, locale)))
            if v.note:
                remark.append(v.note)
            table.add_row(
                kpi_name(kpi_id, locale),
                fmt.kpi_value(kpi_id, v.value, unit),
                _interval_text(kpi_id, v, fmt),
                "" if v.n is None else fmt.number(v.n),
                escape(_change_text(kpi_id, g.change.get(kpi_id), fmt, locale)),
                escape("; ".join(remark)),
                style="dim" if v.small_sample else None,
            )
        console.print(table)
        d = g.distribution
        console.print(
            f"{_word('distribution', locale)}  CSAT 1–5 [{bar_line(d['csat'])}] "
            + " · ".join(f"{k}: {n}" for k, n in d["csat"].items())
        )
        console.print(
            f"{' ' * cell_len(_word('distribution', locale))}  NPS 0–10 [{bar_line(d['nps'])}] "
            + " · ".join(f"{k}: {n}" for k, n in d["nps"].items())
        )
    _print_themes(console, summary, locale, fmt)
    if summary.top_terms:
        console.print(
            f"{_word('terms', locale)}: " + escape(", ".join(f"{t} ({c})" for t, c in summary.top_terms[:10]))
        )
    for w in summary.nonresponse_warnings:
        console.print(f"[yellow]⚠ {escape(w['en'] if locale == 'en' else w['zh-CN'])}[/yellow]")
    if summary.unlinked_responses:
        console.print(
            _word(
                "unlinked",
                locale,
                n=fmt.number(summary.unlinked_responses),
                total=fmt.number(summary.responses),
            )
        )
    for note in summary.notes:
        console.print(f"[dim]{escape(note)}[/dim]")


def _print_themes(console: Any, summary: SurveySummary, locale: str, fmt: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    from toolkit.report.labels import label

    if not summary.themes:
        console.print(_word("no_themes", locale))
        return
    title = label("section.themes", locale) + (f" ({_word('masked', locale)})" if summary.masked else "")
    table = Table(title=title, title_justify="left")
    table.add_column(label("header.theme", locale))
    table.add_column(label("header.count", locale), justify="right")
    table.add_column(label("header.share", locale), justify="right")
    table.add_column(_word("low_share", locale), justify="right")
    table.add_column(_word("example", locale))
    for t in summary.themes[:8]:
        example = t["examples"][0] if t["examples"] else ""
        if len(example) > 60:
            example = example[:59] + "…"
        table.add_row(
            escape(t["label"] if locale == "en" else t["label_zh"]),
            fmt.number(t["count"]),
            fmt.percent(t["share"]),
            fmt.percent(t["low_score_share"]),
            escape(example),
        )
    console.print(table)


# --- follow-up list output ----------------------------------------------------------------------

_STATUS_STYLE = {"overdue": "bold red", "open": "yellow", "done late": "magenta", "done in time": "green"}
_STATUS_ZH = {"overdue": "已逾期", "open": "待回访", "done late": "逾期完成", "done in time": "按时完成"}


def print_followups(items: pl.DataFrame, period_label: str, locale: str = "en", tz: str = "UTC") -> None:
    """The follow-up list as a table, most urgent first, status in colour."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from toolkit.report.labels import label

    console = Console()
    zh = locale != "en"
    if items.height == 0:
        console.print(f"{period_label}: " + ("无需回访的低分或投诉" if zh else "nothing to follow up"))
        return
    heads = [
        label("header.status", locale),
        label("header.due", locale),
        "原因" if zh else "Reason",
        label("header.agent", locale),
        label("header.team", locale),
        "客户" if zh else "Customer",
        label("header.contact", locale),
        "评论" if zh else "Comment",
    ]
    table = Table(title=f"{period_label} — " + (label("section.followups", locale)), title_justify="left")
    for h in heads:
        table.add_column(h)
    for r in items.iter_rows(named=True):
        status = r["status"]
        comment = r["comment"] or ""
        table.add_row(
            _STATUS_ZH.get(status, status) if zh else status,
            _when(r["due_at"]),
            escape(_reason(r["reason"] or "", zh)),
            escape(r["agent_id"] or ""),
            escape(r["team"] or ""),
            escape(r["customer_id"] or ""),
            escape(r["interaction_id"] or r["response_id"] or ""),
            escape(comment if len(comment) <= 50 else comment[:49] + "…"),
            style=_STATUS_STYLE.get(status),
        )
    console.print(table)
    counts = items.group_by("status").len()
    by_status = dict(counts.iter_rows())
    from toolkit.survey.followups import STATUS_ORDER

    console.print(" · ".join(f"{_STATUS_ZH[s] if zh else s}: {by_status.get(s, 0)}" for s in STATUS_ORDER))


_REASON_ZH = (("low CSAT", "满意度低分"), ("detractor NPS", "NPS贬损"), ("complaint", "投诉"))


def _reason(text: str, zh: bool) -> str:
    """The reason of a follow-up ("low CSAT 1; complaint") in the table's language."""
    if zh:
        for en, cn in _REASON_ZH:
            text = text.replace(en, cn)
    return text


def _when(t: datetime | None) -> str:
    return "" if t is None else f"{t:%Y-%m-%d %H:%M}"


def write_followups(items: pl.DataFrame, fmt: str, out: Path | None) -> str | None:
    """Write the follow-up list as ``csv`` (to ``out`` or returned as text) or ``xlsx`` (to ``out``).

    Text cells that a spreadsheet would run as a formula (``=cmd|…``) are
    neutralised; times are written in the workspace zone without offset in
    XLSX (Excel has no time zones) and as ISO 8601 with offset in CSV.
    """
    import polars as pl

    from toolkit.core.safety import neutralise_formulas

    if out is not None and not out.parent.exists():
        raise CxtkError(f"{out}: folder {out.parent} does not exist")
    safe = neutralise_formulas(items)
    if fmt == "csv":
        text = safe.with_columns(pl.col(pl.Datetime).dt.to_string("%Y-%m-%dT%H:%M:%S%:z")).write_csv()
        if out is None:
            return text
        out.write_text(text, encoding="utf-8")
        return None
    if fmt != "xlsx":
        raise CxtkError(f"unknown format '{fmt}'; choose table, csv or xlsx")
    if out is None:
        raise CxtkError("--format xlsx writes a file: give it with --out FILE.xlsx")
    _write_followups_xlsx(safe, out)
    return None


def _write_followups_xlsx(frame: pl.DataFrame, out: Path) -> None:
    import polars as pl
    import xlsxwriter

    local = frame.with_columns(pl.col(pl.Datetime).dt.replace_time_zone(None))
    wb = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        ws = wb.add_worksheet("Follow-ups")
        head = wb.add_format({"bold": True, "bg_color": "#0B5FFF", "font_color": "#FFFFFF", "border": 1})
        when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        fills = {
            "overdue": wb.add_format({"font_color": "#C00000", "bold": True}),
            "open": wb.add_format({"font_color": "#B8860B"}),
            "done late": wb.add_format({"font_color": "#7030A0"}),
            "done in time": wb.add_format({"font_color": "#00803C"}),
        }
        widths = [max(len(c), 10) for c in local.columns]
        for j, name in enumerate(local.columns):
            ws.write_string(0, j, name, head)
        for i, row in enumerate(local.iter_rows(named=True), start=1):
            for j, name in enumerate(local.columns):
                v = row[name]
                if v is None:
                    continue
                if isinstance(v, datetime):
                    ws.write_datetime(i, j, v, when)
                    widths[j] = 17
                elif name == "status":
                    ws.write_string(i, j, v, fills.get(v))
                else:
                    ws.write_string(i, j, str(v))
                    widths[j] = min(max(widths[j], len(str(v)) + 2), 60)
        for j, w in enumerate(widths):
            ws.set_column(j, j, w)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(local.height, 1), len(local.columns) - 1)
    finally:
        wb.close()
