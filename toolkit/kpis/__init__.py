"""The KPI engine: registry of KPI definitions, computation per period and group, scoring."""

from toolkit.core import config as _config
from toolkit.kpis.registry import KPI_IDS, REGISTRY, Kpi, kpi

_config.use_kpi_ids(lambda: KPI_IDS)  # config validation names unknown KPI ids (core cannot import us)

__all__ = ["KPI_IDS", "REGISTRY", "Kpi", "KpiResult", "compute_kpis", "kpi"]


def __getattr__(name: str):
    # compute pulls in Polars helpers; keep `import toolkit.kpis` light for the CLI's start-up.
    if name == "compute_kpis":
        from toolkit.kpis.compute import compute_kpis

        return compute_kpis
    if name == "KpiResult":
        from toolkit.kpis.result import KpiResult

        return KpiResult
    raise AttributeError(name)
