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
    "survey_summary",
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
DENOMINATOR = {"surveys sent": "invitations", "handled contacts": "handled contacts"}


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": _finite(self.value),
            "baseline": _finite(self.baseline),
            "change": _finite(self.change),
            "direction": self.direction,
            "test": self.test,
            "statistic": _finite(self.statistic),
            "p_value": _finite(self.p_value),
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

        base = self.result.to_dict()
        groups = []
        for g, raw in zip(self.groups, base["groups"], strict=True):
            kpis = raw["kpis"]
            if "response_rate" in kpis and "denominator" in kpis["response_rate"]:
                den = kpis["response_rate"]["denominator"]
                kpis["response_rate"]["denominator"] = DENOMINATOR.get(den, den)
            groups.append(
                {
                    "keys": raw["keys"],
                    "kpis": kpis,
                    "distribution": g.distribution,
                    "change": {k: c.to_dict() for k, c in g.change.items()},
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


def _finite(v: float | None) -> float | None:
    """Full precision in the JSON (kpis.md); JSON has no infinity or NaN, so those are null."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return float(v)


# --- computing ----------------------------------------------------------------------------------


def _prepared_surveys(
    frames: Mapping[str, pl.LazyFrame | None], period: Period, by: Sequence[str], config: Config
) -> pl.LazyFrame | None:
    """The survey rows of ``period`` as the KPI engine sees them: period-filtered, linked, keyed.

    Uses the engine's own preparation so that the distributions count exactly
    the rows its CSAT and NPS rest on.
    """
    from toolkit.kpis import compute as engine
    from toolkit.kpis import prepare

    surveys = frames.get("surveys")
    if surveys is None:
        return None
    interactions = frames.get("interactions")
    lo, hi = period.bounds(engine.frame_tz(interactions, config.timezone))
    lf = engine.with_canonical_columns(surveys, "surveys", config.timezone)
    linked = interactions is not None and "interaction_id" in lf.collect_schema()
    prepared = prepare.prepare_surveys(lf, interactions if linked else None, config, lo, hi)
    prepared = prepared.with_columns(engine.time_keys("surveys", by))
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

    from toolkit.kpis.aggs import sample_sd

    csat = pl.col("csat").cast(pl.Float64)
    nps = pl.col("nps")
    ces = pl.col("ces").cast(pl.Float64)
    aggs = [
        *[(pl.col("csat") == k).sum().cast(pl.Int64).alias(f"csat_{k}") for k in CSAT_SCALE],
        *[(nps == k).sum().cast(pl.Int64).alias(f"nps_{k}") for k in NPS_SCALE],
        csat.count().alias("csat_n"),
        (csat >= satisfied_min).sum().cast(pl.Int64).alias("csat_satisfied"),
        sample_sd(csat).alias("csat_sd"),
        (nps >= 9).sum().cast(pl.Int64).alias("nps_promoters"),
        (nps <= 6).sum().cast(pl.Int64).alias("nps_detractors"),
        nps.count().alias("nps_n"),
        ces.count().alias("ces_n"),
        sample_sd(ces).alias("ces_sd"),
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
            "share": _finite(r["share"]),
            "low_score_share": _finite(r["low_score_share"]),
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
        {k: (_finite(v) if isinstance(v, float) else v) for k, v in r.items()}
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
        response_rate_denominator=DENOMINATOR.get(denominator, denominator) if denominator else None,
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
