"""Shared pieces of the report builders: the report context, KPI lookups, and KPI text.

A builder turns real numbers (the KPI engine, themes, follow-ups…) into a view
model of already-formatted text. ``ReportContext`` holds what every builder
needs — config, period, locale, ``Formatter``, chart style, the store's lazy
frames — and caches KPI computations so a report computes each grouping once.

Nothing here invents a number: a section whose data or analysis is missing
becomes ``Absent(reason)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import CxtkError
from toolkit.report.fmt import DASH, Formatter
from toolkit.report.labels import kpi_name, label
from toolkit.report.viewmodel import Brand, KpiRow, ReportMeta, Tile

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config
    from toolkit.core.periods import Period
    from toolkit.kpis.result import Group, KpiResult, KpiValue

DATASET_NAMES = ("interactions", "surveys", "qa", "agent-status")

# The efficiency scorecard: targeted interaction KPIs first (config order), then these for context.
EFFICIENCY_CONTEXT = ("answer_rate", "service_level", "abandon_rate", "transfer_rate")
SATISFACTION_KPIS = ("csat", "csat_mean", "nps", "ces_mean", "response_rate", "followup_24h_rate", "complaint_rate")
# KPIs read as "satisfaction" whatever dataset they come from (domain.md: complaints are a satisfaction KPI).
SATISFACTION_SET = frozenset(SATISFACTION_KPIS)


@dataclass
class ReportContext:
    """Everything a builder needs for one report; ``kpis(period, by)`` computes once per argument pair."""

    config: Config
    period: Period
    locale: str
    frames: dict[str, pl.LazyFrame | None]
    now: datetime
    fmt: Formatter = field(init=False)
    _cache: dict[tuple, KpiResult] = field(default_factory=dict, init=False, repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.fmt = Formatter(self.locale, self.config.timezone)

    @property
    def zh(self) -> bool:
        return self.locale == "zh-CN"

    def t(self, key: str) -> str:
        """A label in the report's locale."""
        return label(key, self.locale)

    def name(self, kpi_id: str) -> str:
        """A KPI's display name in the report's locale."""
        return kpi_name(kpi_id, self.locale)

    def kpis(self, period: Period | None = None, by: tuple[str, ...] = (), kpis: tuple[str, ...] | None = None) -> KpiResult:
        """``compute_kpis`` for ``period`` (default: the report's) grouped ``by``, cached."""
        from toolkit.kpis.compute import compute_kpis

        period = period or self.period
        key = (period.label, period.start, period.end, by, kpis)
        if key not in self._cache:
            self._cache[key] = compute_kpis(self.frames, period, by=by, kpis=kpis, config=self.config)
        return self._cache[key]

    def memo(self, key: Any, make: Any) -> Any:
        """``make()`` once per ``key`` for this report (analyses shared by several sections)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def themes_file(self):
        """The workspace's ``surveys/themes.yaml`` (None without one): the same file ``cxtk survey
        summary`` reads, so a report finds the same themes in the same comments."""
        from toolkit.survey.themes import workspace_themes_file

        return workspace_themes_file(self.config)

    def themes(self):
        """The comment themes of this workspace (shipped + ``themes_file()``), loaded once per report."""
        from toolkit.survey.themes import workspace_themes

        return self.memo("workspace_themes", lambda: workspace_themes(self.config))

    def style(self):
        """The chart style: brand colours, the report's font."""
        from toolkit.report.charts import ChartStyle
        from toolkit.report.render import report_font

        b = self.config.brand
        return ChartStyle(primary=b.primary, accent=b.accent, font=report_font(self.locale, b.font))

    def scored(self) -> tuple[str, ...]:
        """The KPIs a composite score needs (those with a target), and ``contacts``.
        Month-by-month series ask only for these: the rest of the registry costs seconds at 10 M."""
        # contacts: a month with contacts but no survey response is still a month of the series
        return tuple(dict.fromkeys(("contacts", *self.targeted())))

    def targeted(self) -> list[str]:
        """KPI ids with a target in the config, in the registry's order."""
        from toolkit.kpis.registry import KPI_IDS

        return [k for k in KPI_IDS if (t := self.config.targets.get(k)) is not None and t.target is not None]


def make_context(config: Config, period_text: str, locale: str | None = None, now: datetime | None = None) -> ReportContext:
    """A context over the workspace store; raises ``CxtkError`` when the period has no interactions."""
    from toolkit.core.periods import parse_period
    from toolkit.ingest.store import scan_dataset
    from toolkit.kpis.run import check_period_has_data

    period = parse_period(period_text)
    locale = locale or config.locale
    if locale not in ("en", "zh-CN"):
        raise CxtkError(f"unknown locale {locale!r}: use en or zh-CN")
    frames = {name: scan_dataset(config, name) for name in DATASET_NAMES}
    check_period_has_data(frames.get("interactions"), period, "the store", config.timezone)
    return ReportContext(config, period, locale, frames, now or _now())


def _now() -> datetime:
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC)


# -- metadata ----------------------------------------------------------------------


def brand_of(config: Config, locale: str = "en") -> Brand:
    """The view-model brand from config ``brand:``; the logo as an absolute path under the workspace;
    footer and confidentiality mark in the report's locale."""
    b = config.brand
    logo = None
    if b.logo:
        logo = b.logo if "://" in b.logo or b.logo.startswith("data:") else str(config.path(b.logo).resolve())
    footer = _in_locale(b.footer, locale)
    if footer is None:
        # unset: the default in the report's language; `footer: null` written out: no footer
        footer = "" if "footer" in b.model_fields_set and b.footer is None else label("word.default_footer", locale)
    return Brand(primary=b.primary, accent=b.accent, logo=logo, font=b.font, footer=footer,
                 confidential=_in_locale(b.confidential, locale) or None)


def _in_locale(text: str | dict[str, str] | None, locale: str) -> str | None:
    """A config text given once or per locale; a locale left out takes the English one (or none)."""
    if not isinstance(text, dict):
        return text
    return text[locale] if locale in text else text.get("en")


def meta_of(ctx: ReportContext, kind: str, scope: list[str] | None = None, coverage: list[str] | None = None) -> ReportMeta:
    """Cover, header and footer text of a report of ``kind`` (monthly, quarterly, survey, qa)."""
    title = ctx.t(f"title.{kind}")
    period_text = ctx.fmt.period(ctx.period.label)
    return ReportMeta(
        org_name=ctx.config.name,
        title=f"{title} — {period_text}",
        short_title=title,
        period_text=period_text,
        generated_at=ctx.fmt.datetime(ctx.now),
        locale=ctx.locale,  # type: ignore[arg-type]
        brand=brand_of(ctx.config, ctx.locale),
        scope=scope or [],
        coverage=coverage or [],
    )


# -- KPI text ------------------------------------------------------------------------


def unit_of(kpi_id: str) -> str:
    from toolkit.kpis.registry import REGISTRY

    return REGISTRY[kpi_id].unit


def direction_of(kpi_id: str) -> str:
    from toolkit.kpis.registry import REGISTRY

    return REGISTRY[kpi_id].direction


def value_text(ctx: ReportContext, kpi_id: str, value: float | None) -> str:
    """A KPI value in its unit, e.g. ``"86.4 %"``, ``"31.2 s"``, ``"4.32"``."""
    return ctx.fmt.kpi_value(kpi_id, value, unit_of(kpi_id))


def target_text(ctx: ReportContext, kpi_id: str, target: float | None) -> str:
    """``"≥ 85.0 %"`` for a KPI where up is better, ``"≤ 30 s"`` where down is; a dash without target."""
    if target is None:
        return DASH
    sign = "≤ " if direction_of(kpi_id) == "down" else "≥ "
    return sign + value_text(ctx, kpi_id, target)


def change_text(ctx: ReportContext, kpi_id: str, delta: float | None) -> str:
    """A signed change or gap in the KPI's unit: ``"−3.6 pts"``, ``"+15 s"``."""
    return ctx.fmt.signed_change(delta, unit_of(kpi_id), kpi_id)


def ci_text(ctx: ReportContext, kpi_id: str, ci: tuple[float, float] | None) -> str:
    """A 95 % interval as ``"82.7 % – 89.4 %"``; a dash when there is none."""
    if not ci:
        return DASH
    return f"{value_text(ctx, kpi_id, ci[0])} – {value_text(ctx, kpi_id, ci[1])}"


def improved(kpi_id: str, delta: float | None) -> bool | None:
    """Whether a change of ``delta`` is an improvement for this KPI (None: no direction or no change)."""
    d = direction_of(kpi_id)
    if delta is None or d == "none" or abs(delta) < 1e-12:
        return None
    return (delta > 0) == (d == "up")


def direction_word(ctx: ReportContext, kpi_id: str, delta: float | None) -> str:
    """"improved" / "worsened" / "unchanged" by the KPI's direction."""
    good = improved(kpi_id, delta)
    if good is None:
        return ctx.t("word.unchanged")
    return ctx.t("word.improved" if good else "word.worsened")


def arrow(delta: float | None) -> str | None:
    if delta is None:
        return None
    if abs(delta) < 1e-12:
        return "flat"
    return "up" if delta > 0 else "down"


def delta(now: KpiValue | None, before: KpiValue | None) -> float | None:
    """now − before when both have a value."""
    if now is None or before is None or now.value is None or before.value is None:
        return None
    return float(now.value) - float(before.value)


def note_for(ctx: ReportContext, kpi_id: str) -> str | None:
    """A remark from config ``notes:`` for this period and KPI (it overrides the automatic one)."""
    return (ctx.config.notes.get(ctx.period.label) or {}).get(kpi_id)


def source_text(ctx: ReportContext, kpi_id: str) -> str:
    """The data source of a KPI (its dataset), in words."""
    from toolkit.kpis.registry import REGISTRY

    return ctx.t(f"source.{REGISTRY[kpi_id].dataset}")


def formula_text(ctx: ReportContext, kpi_id: str) -> str:
    from toolkit.kpis.registry import REGISTRY

    spec = REGISTRY[kpi_id]
    return spec.formula_zh if ctx.zh else spec.formula_en


def denominator_text(ctx: ReportContext, rr: KpiValue) -> str:
    """What the response rate was divided by, in the report's words: surveys sent, or handled contacts
    when the export held responses only."""
    denom = rr.extra.get("denominator", "surveys sent")
    return ctx.t("dq.denominator." + ("sent" if denom == "surveys sent" else "handled"))


def auto_remark(ctx: ReportContext, kpi_id: str, kv: KpiValue) -> str:
    """The remark of a scorecard row: the config note, else a data check, small sample or null reason."""
    note = note_for(ctx, kpi_id)
    if note:
        return note
    if kv.value is None:
        return ctx.t("word.no_value") if not kv.note else _null_reason(ctx, kv.note)
    parts = []
    if kv.small_sample:
        parts.append(ctx.t("word.small_sample"))
    return "; ".join(parts)


def _null_reason(ctx: ReportContext, note: str) -> str:
    """The engine's English reason for a null value; in zh-CN a generic wording (the engine speaks English)."""
    return ctx.t("word.no_value") if ctx.zh else note


def efficiency_row(ctx: ReportContext, kpi_id: str, kv: KpiValue) -> KpiRow:
    """One efficiency scorecard line: source, formula, target, actual, achievement, remark."""
    return KpiRow(
        id=kpi_id,
        name=ctx.name(kpi_id),
        source=source_text(ctx, kpi_id),
        formula=formula_text(ctx, kpi_id),
        target_text=target_text(ctx, kpi_id, kv.target),
        actual_text=value_text(ctx, kpi_id, kv.value),
        achievement_text=ctx.fmt.achievement(kv.achievement),
        met=kv.met,
        small_sample=kv.small_sample,
        remark=auto_remark(ctx, kpi_id, kv),
        n_text=ctx.fmt.number(kv.n),
    )


def satisfaction_row(ctx: ReportContext, kpi_id: str, kv: KpiValue) -> KpiRow:
    """One satisfaction scorecard line: scale, n, value with 95 % interval, target, gap, direction."""
    gap = kv.gap
    return KpiRow(
        id=kpi_id,
        name=ctx.name(kpi_id),
        source=ctx.t(f"scale.{kpi_id}"),
        target_text=target_text(ctx, kpi_id, kv.target),
        actual_text=value_text(ctx, kpi_id, kv.value),
        achievement_text=ctx.fmt.achievement(kv.achievement),
        met=kv.met,
        small_sample=kv.small_sample,
        ci_text=ci_text(ctx, kpi_id, kv.ci),
        n_text=ctx.fmt.number(kv.n),
        gap_text=change_text(ctx, kpi_id, gap) if gap is not None else DASH,
        direction_text=ctx.t("word.up_better" if direction_of(kpi_id) == "up" else "word.down_better"),
        remark=auto_remark(ctx, kpi_id, kv),
    )


def tile(ctx: ReportContext, kpi_id: str, kv: KpiValue, before: KpiValue | None) -> Tile:
    """A headline tile: value, target, met mark, arrow and change against ``before``."""
    d = delta(kv, before)
    if d is not None and not any(ch in "123456789" for ch in change_text(ctx, kpi_id, d)):
        d = 0.0  # rounds to no change: a flat arrow, not a coloured one
    return Tile(
        kpi_id=kpi_id,
        name=ctx.name(kpi_id),
        value_text=value_text(ctx, kpi_id, kv.value),
        target_text=target_text(ctx, kpi_id, kv.target) if kv.target is not None else "",
        met=kv.met,
        arrow=arrow(d),  # type: ignore[arg-type]
        change_text=change_text(ctx, kpi_id, d) if d is not None else "",
        change_good=improved(kpi_id, d),
        small_sample=kv.small_sample,
    )


def score_text(ctx: ReportContext, score: float | None) -> str:
    return ctx.fmt.number(score, 1)


def score_change(ctx: ReportContext, now: float | None, before: float | None) -> tuple[str, str | None, bool | None]:
    """(text, arrow, good) of a composite score change in points."""
    if now is None or before is None:
        return DASH, None, None
    d = round(now - before, 1)
    text = ctx.fmt.number(d, 1)
    if d > 0:
        text = "+" + text
    return text, arrow(d), (None if d == 0 else d > 0)


def group_label(ctx: ReportContext, field_name: str, value: Any) -> str:
    """The display of a group key; a missing team or agent is named, never "None"."""
    if value is None or value == "":
        return ctx.t(f"word.no_{field_name}") if field_name in ("team", "agent_id", "channel") else DASH
    if field_name == "channel":
        return ctx.t(f"channel.{value}") if f"channel.{value}" in _channel_keys() else str(value)
    return str(value)


def _channel_keys() -> set[str]:
    from toolkit.report.labels import all_keys

    return {k for k in all_keys() if k.startswith("channel.")}


def keyed_groups(result: KpiResult, field_name: str) -> list[Group]:
    """The groups of a one-field result whose key is known; the engine ranks only these
    (the null group, e.g. contacts abandoned before reaching a team, is flagged ``unassigned``)."""
    return [g for g in result.groups if g.keys.get(field_name) not in (None, "")]


def month_label(ctx: ReportContext, month_key: str) -> str:
    """``"2026-10"`` → ``"Oct 26"`` / ``"26年10月"``: short enough for a 13-month axis."""
    y, m = month_key.split("-")
    if ctx.zh:
        return f"{y[2:]}年{int(m)}月"
    return date(int(y), int(m), 1).strftime("%b %y")


# -- small queries on the store (counts a report shows beside the KPIs) -------------------


def in_period(lf: pl.LazyFrame, column: str, period: Period, default_tz: str) -> pl.LazyFrame:
    """Rows of ``lf`` whose ``column`` falls in ``period`` (local days of the column's own zone)."""
    import polars as pl

    dtype = lf.collect_schema().get(column)
    if isinstance(dtype, pl.Date):
        return lf.filter(pl.col(column).is_between(period.start, period.end))
    tz = dtype.time_zone if isinstance(dtype, pl.Datetime) else None
    lo, hi = period.bounds(tz)
    return lf.filter((pl.col(column) >= lo) & (pl.col(column) < hi))


def interaction_facts(ctx: ReportContext) -> dict[str, Any]:
    """Rows, distinct days, channels and teams of the period's interactions (cover and coverage)."""
    import polars as pl

    lf = ctx.frames.get("interactions")
    if lf is None:
        return {"rows": 0, "days": 0, "channels": [], "teams": []}
    rows = in_period(lf, "arrived_at", ctx.period, ctx.config.timezone).select(
        pl.len().alias("rows"),
        pl.col("arrived_at").dt.date().n_unique().alias("days"),
        pl.col("channel").unique().sort().implode().alias("channels"),
        pl.col("team").drop_nulls().unique().sort().implode().alias("teams"),
    ).collect()
    r = rows.row(0, named=True)
    return {"rows": r["rows"], "days": r["days"], "channels": list(r["channels"]), "teams": list(r["teams"])}


def agent_directory(ctx: ReportContext) -> dict[str, tuple[str, str]]:
    """agent_id → (name, team) from the period's interactions (the most frequent team)."""
    import polars as pl

    lf = ctx.frames.get("interactions")
    if lf is None:
        return {}
    names = lf.collect_schema().names()
    name_col = pl.col("agent_name") if "agent_name" in names else pl.lit(None, dtype=pl.String)
    df = (
        in_period(lf, "arrived_at", ctx.period, ctx.config.timezone)
        .filter(pl.col("agent_id").is_not_null())
        .group_by("agent_id")
        .agg(name_col.drop_nulls().first().alias("name"), pl.col("team").drop_nulls().mode().first().alias("team"))
        .collect()
    )
    return {r[0]: (r[1] or "", r[2] or "") for r in df.iter_rows()}


def score_counts(ctx: ReportContext, column: str, lo: int, hi: int) -> dict[str, int] | None:
    """Counts of each score ``lo``…``hi`` of ``column`` among the period's survey responses (None: none)."""
    import polars as pl

    lf = ctx.frames.get("surveys")
    if lf is None or column not in lf.collect_schema().names():
        return None
    t = "sent_at"
    df = (
        in_period(lf, t, ctx.period, ctx.config.timezone)
        .filter(pl.col(column).is_not_null())
        .group_by(pl.col(column).cast(pl.Int64).alias("score"))
        .len()
        .collect()
    )
    if df.height == 0:
        return None
    got = dict(df.iter_rows())
    return {str(s): int(got.get(s, 0)) for s in range(lo, hi + 1)}
