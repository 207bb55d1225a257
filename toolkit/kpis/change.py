"""One KPI beside its baseline: the change, its relative size and its direction.

Shared by the comparisons (``analysis.compare``) and the actions' before/after effect
(``loop.actions``), so it lives with the KPI results rather than in either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

# Changes smaller than this, in the KPI's data unit, read as "unchanged" (display precision).
_TOLERANCE = {"rate": 5e-5, "seconds": 5e-3, "score": 5e-3, "points": 5e-3, "count": 0.5}


@dataclass
class KpiChange:
    """One KPI of one group beside its baseline. Values are in data units (fractions, points, s)."""

    value: float | None
    baseline: float | None
    change: float | None
    change_rel: float | None
    direction: str | None  # improved | worsened | unchanged; None for KPIs without a better side
    significant: bool | None
    p_value: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "value": finite(self.value),
            "baseline": finite(self.baseline),
            "change": finite(self.change),
            "change_rel": finite(self.change_rel),
            "direction": self.direction,
            "significant": self.significant,
        }
        if self.p_value is not None:
            out["p_value"] = finite(self.p_value)
        out.update(self.extra)
        return out


def finite(v: Any) -> Any:
    """A number as it is, at full precision (machine outputs never round); non-finite floats are null."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    return v


def direction_of(kpi: str, change: float | None) -> str | None:
    """"improved" / "worsened" / "unchanged" for a change of ``kpi``, by its direction; None if it has none."""
    from toolkit.kpis.registry import REGISTRY

    spec = REGISTRY[kpi]
    if change is None or spec.direction == "none":
        return None
    if abs(change) < _TOLERANCE.get(spec.unit, 1e-9):
        return "unchanged"
    better = change > 0 if spec.direction == "up" else change < 0
    return "improved" if better else "worsened"


def change_of(kpi: str, value: float | None, baseline: float | None) -> KpiChange:
    """Absolute and relative change of ``value`` from ``baseline`` with its direction (no test)."""
    if value is None or baseline is None:
        return KpiChange(value, baseline, None, None, None, None)
    change = float(value) - float(baseline)
    rel = change / abs(float(baseline)) if baseline else None
    return KpiChange(float(value), float(baseline), change, rel, direction_of(kpi, change), None)
