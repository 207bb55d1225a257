"""Write reports: ``write_report(kind, config, period, out)`` and ``write_demo_reports(config, out_dir, …)``.

The one place that joins builders (numbers → view model), templates (view model
→ HTML) and WeasyPrint (HTML → PDF) with the workspace's settings: template
override folder (``templates:``), brand folder (the logo's folder, the only
place besides the templates a resource may be read from) and locale.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from toolkit.core.errors import CxtkError

if TYPE_CHECKING:
    from toolkit.core.config import Config
    from toolkit.report.build import ReportContext

Kind = Literal["monthly", "quarterly", "survey", "qa"]
KINDS: tuple[str, ...] = ("monthly", "quarterly", "survey", "qa")


def _locale(config: Config, locale: str | None) -> str:
    loc = locale or config.locale
    if loc not in ("en", "zh-CN"):
        raise CxtkError(f"unknown locale {loc!r}: use en or zh-CN")
    return loc


def template_dirs(config: Config) -> list[Path]:
    """The workspace's template override folder (``templates:``), when set; it must exist."""
    if not config.templates:
        return []
    folder = config.path(config.templates)
    if folder is None or not folder.is_dir():
        raise CxtkError(f"templates: folder {folder} does not exist; create it or remove `templates:` from cxtk.yaml")
    return [folder.resolve()]


def allowed_dirs(config: Config) -> list[Path]:
    """Folders a report may read resources from: the template folders and the brand (logo) folder."""
    from toolkit.report.render import builtin_template_dir

    dirs = [*template_dirs(config), builtin_template_dir()]
    logo = config.brand.logo
    if logo and "://" not in logo and not logo.startswith("data:"):
        dirs.append(config.path(logo).resolve().parent)  # type: ignore[union-attr]
    return dirs


def build_view_model(kind: str, ctx: ReportContext) -> Any:
    """The view model of a report ``kind`` from a prepared context."""
    if kind == "monthly":
        from toolkit.report.build_monthly import monthly_from_context

        return monthly_from_context(ctx)
    if kind == "quarterly":
        from toolkit.report.build_quarterly import quarterly_from_context

        return quarterly_from_context(ctx)
    if kind == "survey":
        from toolkit.report.build_survey import survey_from_context

        return survey_from_context(ctx)
    if kind == "qa":
        from toolkit.report.build_qa import qa_from_context

        return qa_from_context(ctx)
    raise CxtkError(f"unknown report {kind!r}; choose one of: {', '.join(KINDS)}")


def render_view_model(kind: str, vm: Any, config: Config, out: Path, *, html_out: Path | None = None,
                      locale: str) -> Path:
    """Render a view model to ``out`` (PDF) and, when asked, ``html_out``."""
    from toolkit.report.render import render_html, render_pdf

    out = Path(out)
    if not out.parent.exists():
        raise CxtkError(f"{out}: folder {out.parent} does not exist")
    html = render_html(f"{kind}.html", vm, locale=locale, template_dirs=template_dirs(config))
    if html_out is not None:
        from toolkit.core.outputs import write_text

        write_text(html_out, html)
    return render_pdf(html, out, base_dir=config.root, allowed_dirs=allowed_dirs(config), locale=locale)


def write_report(
    kind: Kind,
    config: Config,
    period_text: str,
    out: Path,
    *,
    html_out: Path | None = None,
    locale: str | None = None,
    now: datetime | None = None,
) -> Path:
    """Compute and write one report as a PDF (and optionally its HTML); return the PDF path.

    Parameters
    ----------
    kind: ``"monthly"``, ``"quarterly"``, ``"survey"`` or ``"qa"``.
    config: the workspace config (its store, targets, brand, templates).
    period_text: ``"2026-10"`` (``"2026-Q3"`` for a quarterly report; a month gives its quarter).
    out: the PDF to write; its folder must exist.
    html_out: also write the HTML there.
    locale: ``"en"`` or ``"zh-CN"`` (default: the config's). zh-CN checks for a CJK font
        first and raises ``CxtkError`` with the install command when there is none.

    Raises ``CxtkError`` when the period holds no data.
    """
    from toolkit.report.build import make_context

    if kind not in KINDS:
        raise CxtkError(f"unknown report {kind!r}; choose one of: {', '.join(KINDS)}")
    loc = _locale(config, locale)
    if loc == "zh-CN":
        from toolkit.report.render import check_cjk_font

        check_cjk_font()  # before any computing: a missing font fails in a second, not after the numbers
    if kind == "quarterly":
        from toolkit.core.periods import quarter_of

        period_text = quarter_of(period_text)
    ctx = make_context(config, period_text, loc, now)
    vm = build_view_model(kind, ctx)
    return render_view_model(kind, vm, config, out, html_out=html_out, locale=loc)


def write_demo_reports(config: Config, out_dir: Path, period_text: str, locale: str | None = None,
                       *, now: datetime | None = None) -> list[Path]:
    """Write ``monthly.pdf``, ``quarterly.pdf``, ``survey.pdf``, ``qa.pdf`` and ``kpis.xlsx`` to ``out_dir``.

    The quarterly report covers the last complete quarter at ``period_text``
    (2026-10 → 2026-Q3); ``kpis.xlsx`` holds the month's KPIs by team.
    One context serves the three monthly reports, so their KPIs are computed once.
    """
    from toolkit.report.build import make_context
    from toolkit.report.export import write_kpis

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    loc = _locale(config, locale)
    if loc == "zh-CN":
        from toolkit.report.render import check_cjk_font

        check_cjk_font()
    ctx = make_context(config, period_text, loc, now)
    written = []
    for kind in ("monthly", "survey", "qa"):
        vm = build_view_model(kind, ctx)
        written.append(render_view_model(kind, vm, config, out_dir / f"{kind}.pdf", locale=loc))
    from toolkit.core.periods import last_complete_quarter

    qctx = make_context(config, last_complete_quarter(period_text), loc, ctx.now)
    written.insert(1, render_view_model("quarterly", build_view_model("quarterly", qctx), config,
                                        out_dir / "quarterly.pdf", locale=loc))
    xlsx = out_dir / "kpis.xlsx"
    write_kpis(ctx.kpis(by=("team",)), "xlsx", xlsx)
    written.append(xlsx)
    return written
