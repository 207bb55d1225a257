"""cxtk: contact-centre evaluation toolkit — the Python API for notebooks.

The library does the work; ``toolkit.cli`` is a thin Typer layer over it, and this module is
the same library for an analyst in a notebook::

    import toolkit

    ws = toolkit.open_workspace("demo/workspace")
    ws.kpis("2026-10", by="team").to_frame()          # a Polars frame, one row per group × KPI
    ws.explain("2026-10", "fcr_rate")                  # the contacts behind that figure, row by row
    ws.compare("2026-10", against="previous").to_dict()
    ws.report("monthly", "2026-10", out="monthly.pdf")

Every method returns the object the matching CLI command prints (``KpiResult``,
``CompareResult``, ``SurveySummary``, ``AnomalyResult``, ``IngestResult``) or a Polars frame,
and raises ``toolkit.CxtkError`` with the CLI's one-line message. See ``docs/api.md``.

Nothing heavy is imported here: ``import toolkit`` stays as cheap as ``cxtk --help``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["CxtkError", "Workspace", "open_workspace"]

if TYPE_CHECKING:
    import polars as pl

    from toolkit.analysis.anomalies import AnomalyResult
    from toolkit.analysis.compare import CompareResult
    from toolkit.core.config import Config
    from toolkit.ingest.results import IngestResult
    from toolkit.kpis.result import KpiResult
    from toolkit.survey.summary import SurveySummary

DATASETS = ("interactions", "surveys", "qa", "agent-status", "actions")


def __getattr__(name: str) -> Any:
    if name == "CxtkError":  # lazily, so that `import toolkit` imports nothing else
        from toolkit.core.errors import CxtkError

        return CxtkError
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


def open_workspace(path: str | Path = ".") -> Workspace:
    """The workspace at ``path``: a folder holding ``cxtk.yaml``, or the ``cxtk.yaml`` itself.

    Raises ``CxtkError`` naming the file when there is none or it does not validate.
    """
    from toolkit.core.config import load_config
    from toolkit.core.errors import ConfigError

    _register_kpi_ids()
    p = Path(path)
    file = p / "cxtk.yaml" if p.is_dir() else p
    if not file.is_file():
        raise ConfigError(f"{file}: no cxtk.yaml there; create a workspace with `cxtk init DIR`")
    return Workspace(load_config(file), file.resolve())


class Workspace:
    """A workspace opened for analysis: its config, its store, and the commands as methods."""

    def __init__(self, config: Config, config_path: Path) -> None:
        self.config = config
        self.config_path = config_path

    def __repr__(self) -> str:
        return f"Workspace({str(self.config_path.parent)!r}, name={self.config.name!r})"

    @property
    def root(self) -> Path:
        return self.config_path.parent

    # --- data -------------------------------------------------------------------------------

    def frame(self, dataset: str = "interactions") -> pl.LazyFrame | None:
        """One dataset of the store as a lazy Polars frame (canonical columns), or None when empty."""
        from toolkit.ingest.store import scan_dataset

        return scan_dataset(self.config, dataset)

    def frames(self) -> dict[str, pl.LazyFrame | None]:
        return {name: self.frame(name) for name in ("interactions", "surveys", "qa", "agent-status")}

    def ingest(self, dataset: str, files: str | Path | Sequence[str | Path], *, mapping: str | Path | None = None,
               strict: bool = False, dry_run: bool = False) -> IngestResult:
        """``cxtk ingest DATASET FILE…``: every row accepted, rejected, a duplicate or skipped (``.to_dict()``)."""
        from toolkit.ingest.pipeline import ingest_files

        paths = [Path(files)] if isinstance(files, str | Path) else [Path(f) for f in files]
        return ingest_files(self.config, dataset, paths, mapping=mapping, strict=strict, dry_run=dry_run)

    # --- numbers ----------------------------------------------------------------------------

    def kpis(self, period: str, by: str | Sequence[str] = (), kpis: Sequence[str] | None = None) -> KpiResult:
        """``cxtk kpi --period P --by …``: every KPI with target, achievement and gap (``.to_frame()``)."""
        from toolkit.kpis.run import kpi_command

        return kpi_command(period=period, by=_fields(by), kpis=kpis, config_path=self.config_path)

    def explain(self, period: str, kpi: str, by: str | Sequence[str] = ()) -> pl.DataFrame:
        """``cxtk explain``: one row per record behind ``kpi`` — ``in_denominator``, ``in_numerator`` (or
        ``value``), ``reason`` — that adds up to the figure of ``kpis()``."""
        from toolkit.kpis.run import explain_command

        return explain_command(period=period, kpi=kpi, by=_fields(by), config_path=self.config_path)

    def compare(self, period: str, against: str = "previous", by: str | Sequence[str] = (),
                kpis: Sequence[str] | None = None) -> CompareResult:
        """``cxtk compare``: against previous, last-year, trend, benchmark[:NAME] or teams (``.to_frame()``)."""
        from toolkit.analysis.compare import compare

        period_, frames = self._period_frames(period)
        return compare(frames, period_, against, by=_fields(by), kpis=kpis, config=self.config)

    def anomalies(self, period: str) -> AnomalyResult:
        """``cxtk anomalies``: days and phone hours beyond median ± 3.5 MAD, surges, outages (``.anomalies``)."""
        from toolkit.analysis.anomalies import find_anomalies

        period_, frames = self._period_frames(period)
        return find_anomalies(frames, period_, config=self.config)

    def survey_summary(self, period: str, by: str | Sequence[str] = (), *, mask: bool = True) -> SurveySummary:
        """``cxtk survey summary``: response rate, CSAT / NPS with 95 % intervals, themes (``.to_dict()``)."""
        from toolkit.survey.run import summary_command

        return summary_command(period=period, by=_fields(by), config_path=self.config_path, mask=mask)

    def followups(self, period: str, *, now: Any = None, mask: bool = True) -> pl.DataFrame:
        """``cxtk survey followups``: unhappy customers to call back within 24 h, with their status."""
        from toolkit.survey.run import followups_command

        items, _ = followups_command(period=period, now=now, config_path=self.config_path, mask=mask)
        return items

    # --- reports ----------------------------------------------------------------------------

    def report(self, kind: str, period: str, out: str | Path, *, locale: str | None = None,
               html_out: str | Path | None = None) -> Path:
        """``cxtk report KIND --period P --out FILE``: write the PDF (monthly, quarterly, survey, qa)."""
        from toolkit.report.api import write_report

        return write_report(kind, self.config, period, Path(out),  # type: ignore[arg-type]
                            html_out=Path(html_out) if html_out else None, locale=locale)

    def _period_frames(self, period: str) -> tuple[Any, dict[str, pl.LazyFrame | None]]:
        from toolkit.core.periods import parse_period
        from toolkit.kpis.run import check_period_has_data

        p = parse_period(period)
        frames = self.frames()
        check_period_has_data(frames.get("interactions"), p, "the store", self.config.timezone)
        return p, frames


def _fields(by: str | Sequence[str]) -> list[str]:
    """``"team,queue"`` or ``["team", "queue"]`` → ``["team", "queue"]``."""
    if isinstance(by, str):
        return [f.strip() for f in by.split(",") if f.strip()]
    return list(by)


def _register_kpi_ids() -> None:
    from toolkit.core.config import use_kpi_ids
    from toolkit.kpis.registry import KPI_IDS

    use_kpi_ids(lambda: KPI_IDS)
