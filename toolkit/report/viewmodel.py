"""View models: the plain, already-formatted data a report template renders.

Data flows one way: KPI frame → *builder* → view model → template. A view model
holds **text** (formatted with ``toolkit.report.fmt.Formatter``), booleans that
drive styling (``met``, ``small_sample``) and inline SVG charts
(``toolkit.report.charts``). Templates never compute; builders never produce
markup (every string is escaped by the template, so customer comments are safe).

Shapes
------
* ``ReportMeta`` + ``Brand`` — cover, page header and footer of every report.
* Building blocks shared by all reports: ``Cell``/``Row``/``Table`` (any table;
  ``Table.of`` builds one from plain strings), ``KpiRow`` (a scorecard line),
  ``Tile`` (a headline figure), ``Chart`` (SVG + caption), ``Callout``,
  ``Theme`` (a comment theme with examples), ``GapItem``.
* A section field holds its dataclass when there is something to show, or
  ``Absent(reason)`` when its data is missing ("No agent_status data…"): the
  template then prints the section title and the reason instead of an empty
  table. ``None`` hides a section entirely (e.g. an optional chart).
* One top-level model per report: ``MonthlyVM``, ``QuarterlyVM``, ``SurveyVM``,
  ``QaVM``; the template name is ``<report>.html``.

``sample_monthly_vm(locale)`` & co. build realistic FAKE models for tests and
previews; the real builders (from KPI/survey/QA results) replace them.

CSS classes a builder may put on a ``Cell``/``Row`` (defined in report.css):
``met``, ``unmet`` (red row tint), ``small`` (greyed small sample), ``muted``,
``top``, ``bottom``, ``overdue``, ``good``, ``bad``, ``heat-0`` … ``heat-4``
(achievement buckets, see ``charts.heat_table``), ``strong``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# -- metadata -------------------------------------------------------------------


@dataclass
class Brand:
    """Branding from config ``brand:``.

    ``logo`` is a local path (absolute, or relative to the render ``base_dir``);
    it is only loaded when it lies under one of the render's ``allowed_dirs``.
    ``font`` is a font family name; ``None`` picks a font covering the locale.
    """

    primary: str = "#0B5FFF"
    accent: str = "#FF8A00"
    logo: str | None = None
    font: str | None = None
    footer: str = ""
    confidential: str | None = None


@dataclass
class ReportMeta:
    """What the cover, page header and footer show; all text already in the report's locale.

    ``title`` is the full title ("Service evaluation — October 2026"), ``short_title``
    the page-header version ("Service evaluation"), ``period_text`` the formatted
    period ("October 2026"), ``generated_at`` a formatted timestamp.
    ``scope`` and ``coverage`` are lines for the cover ("Channels: phone, chat").
    """

    org_name: str
    title: str
    short_title: str
    period_text: str
    generated_at: str
    locale: Literal["en", "zh-CN"] = "en"
    brand: Brand = field(default_factory=Brand)
    subtitle: str = ""
    scope: list[str] = field(default_factory=list)
    coverage: list[str] = field(default_factory=list)


# -- building blocks --------------------------------------------------------------


@dataclass
class Absent:
    """A section whose data is missing; ``reason`` is shown in its place (one sentence)."""

    reason: str


@dataclass
class Cell:
    """One table cell: display text and optional CSS classes (space-separated)."""

    text: str
    cls: str = ""


@dataclass
class Row:
    """One table row; ``cls`` styles the whole row (``unmet``, ``small``, ``top``…)."""

    cells: list[Cell]
    cls: str = ""


@dataclass
class Table:
    """Any table. ``numeric`` lists the 0-based columns that hold numbers (right-aligned,
    tabular figures). ``caption`` says what to notice; ``note`` is a small line under it."""

    headers: list[str]
    rows: list[Row]
    numeric: list[int] = field(default_factory=list)
    caption: str = ""
    note: str = ""

    @classmethod
    def of(
        cls,
        headers: list[str],
        rows: list[list[str | Cell]],
        numeric: list[int] | tuple[int, ...] = (),
        row_classes: list[str] | None = None,
        caption: str = "",
        note: str = "",
    ) -> Table:
        """Build a table from plain strings (or ``Cell``s): ``Table.of(["Team", "Score"], [["A", "91.2"]], numeric=[1])``."""
        built = [
            Row([c if isinstance(c, Cell) else Cell(str(c)) for c in r], (row_classes or [""] * len(rows))[i])
            for i, r in enumerate(rows)
        ]
        return cls(headers, built, list(numeric), caption, note)


@dataclass
class KpiRow:
    """One scorecard line. ``met`` is ``None`` when the KPI has no target or no value.

    Efficiency scorecards show name, source, formula, target, actual, achievement,
    remark; satisfaction scorecards show name, source (scale), n, actual with
    ``ci_text``, target, ``gap_text`` (points for rates), ``direction_text``.
    """

    id: str
    name: str
    source: str = ""
    formula: str = ""
    target_text: str = "—"
    actual_text: str = "—"
    achievement_text: str = "—"
    met: bool | None = None
    small_sample: bool = False
    remark: str = ""
    ci_text: str = ""
    n_text: str = ""
    gap_text: str = ""
    direction_text: str = ""


@dataclass
class Tile:
    """A headline figure: value, target, met mark, arrow vs last month.

    ``arrow`` is the direction the value moved (``up``/``down``/``flat``/None);
    ``change_good`` says whether that movement is an improvement (colours the arrow).
    """

    kpi_id: str
    name: str
    value_text: str
    target_text: str = ""
    met: bool | None = None
    arrow: Literal["up", "down", "flat"] | None = None
    change_text: str = ""
    change_good: bool | None = None
    small_sample: bool = False
    versus: str = ""  # what the change is against; empty: "vs last month"


@dataclass
class Chart:
    """An inline SVG chart (from ``toolkit.report.charts``) with a caption saying what to notice."""

    svg: str
    caption: str = ""


@dataclass
class Callout:
    """A highlighted box: ``kind`` is ``info``, ``warn`` (data check, special review) or ``good``."""

    text: str
    kind: Literal["info", "warn", "good"] = "info"
    title: str = ""


@dataclass
class Theme:
    """A comment theme: name, count and share (text), a few example comments (PII already masked)."""

    name: str
    count_text: str
    share_text: str
    examples: list[str] = field(default_factory=list)


@dataclass
class GapItem:
    """The analysis of one unmet KPI (monthly §8; quarterly top gaps use headline + drivers)."""

    kpi_id: str
    kpi_name: str
    headline: str
    drivers: Table | None = None
    drivers_title: str = ""  # heading of ``drivers``; empty: "Drivers"
    hours_chart: Chart | None = None
    staffing_chart: Chart | None = None
    staffing_note: str = ""
    themes: list[str] = field(default_factory=list)
    examples: Table | None = None
    callouts: list[Callout] = field(default_factory=list)


# -- monthly report sections -------------------------------------------------------


@dataclass
class SummarySection:
    """§2: composite score and change, 3–5 generated sentences, KPI tiles."""

    score_text: str
    score_change_text: str
    score_arrow: Literal["up", "down", "flat"] | None
    score_good: bool | None
    sentences: list[str]
    tiles: list[Tile]
    callouts: list[Callout] = field(default_factory=list)


@dataclass
class ScorecardSection:
    """§3 efficiency / §4 satisfaction scorecard rows; ``note`` is a line under the table."""

    rows: list[KpiRow]
    note: str = ""


@dataclass
class TrendsSection:
    """§5: one 13-month chart per main KPI and the MoM / YoY table."""

    charts: list[Chart]
    comparison: Table | None = None


@dataclass
class TeamsSection:
    """§6: ranking table, team × KPI heat table, comparison against best team and benchmarks."""

    ranking: Table
    chart: Chart | None = None
    heat: Table | None = None
    versus: Table | None = None


@dataclass
class AgentsSection:
    """§7: ranked agents, and those listed but not ranked (small samples)."""

    ranking: Table
    unranked: Table | None = None


@dataclass
class GapSection:
    """§8: one ``GapItem`` per unmet KPI; the understaffed-hours chart (Erlang C) once for the centre."""

    items: list[GapItem]
    staffing: Chart | None = None
    staffing_note: str = ""


@dataclass
class VocSection:
    """§9: themes with counts and masked example comments."""

    themes: list[Theme]
    chart: Chart | None = None


@dataclass
class ActionsSection:
    """§10: actions table (overdue rows classed ``overdue``) and suggested new actions."""

    actions: Table | None
    suggestions: list[str] = field(default_factory=list)


@dataclass
class QualitySection:
    """§11: coverage / rejects / duplicates table, notes (outages, small samples), definitions."""

    coverage: Table
    definitions: Table
    notes: list[Callout] = field(default_factory=list)


Sec = Absent | None


@dataclass
class MonthlyVM:
    """The monthly operations report (reports.md, 11 sections; the cover is ``meta``)."""

    meta: ReportMeta
    summary: SummarySection | Sec = None
    efficiency: ScorecardSection | Sec = None
    satisfaction: ScorecardSection | Sec = None
    trends: TrendsSection | Sec = None
    teams: TeamsSection | Sec = None
    agents: AgentsSection | Sec = None
    gaps: GapSection | Sec = None
    voc: VocSection | Sec = None
    actions: ActionsSection | Sec = None
    quality: QualitySection | Sec = None


@dataclass
class QuarterlyVM:
    """The quarterly executive summary: few numbers, each with its meaning."""

    meta: ReportMeta
    score_tiles: list[Tile] = field(default_factory=list)
    score_chart: Chart | None = None
    score_sentence: str = ""
    movers: Table | Sec = None
    teams: Table | Sec = None
    top_gaps: list[GapItem] | Sec = None
    actions: Table | Sec = None


@dataclass
class SurveyVM:
    """The survey batch report."""

    meta: ReportMeta
    response_tiles: list[Tile] = field(default_factory=list)
    response_note: str = ""
    kpis: ScorecardSection | Sec = None
    significance: Table | None = None
    distributions: list[Chart] | Sec = None
    breakdown: Table | Sec = None
    themes: VocSection | Sec = None
    top_terms: list[str] = field(default_factory=list)
    followups: Table | Sec = None
    followup_note: str = ""
    warnings: list[Callout] = field(default_factory=list)  # non-response check


@dataclass
class QaVM:
    """The QA report."""

    meta: ReportMeta
    sample_text: list[str] = field(default_factory=list)
    rubric: Table | Sec = None
    rubric_chart: Chart | None = None
    problems: Table | Sec = None
    problems_chart: Chart | None = None
    severity: Table | Sec = None
    agents: Table | Sec = None
    coaching: Table | Sec = None


__all__ = [
    "Absent", "ActionsSection", "AgentsSection", "Brand", "Callout", "Cell", "Chart", "GapItem", "GapSection",
    "KpiRow", "MonthlyVM", "QaVM", "QualitySection", "QuarterlyVM", "ReportMeta", "Row", "ScorecardSection",
    "SummarySection", "SurveyVM", "Table", "TeamsSection", "Theme", "Tile", "TrendsSection", "VocSection",
]
