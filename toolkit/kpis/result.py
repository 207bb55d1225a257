"""The KPI result: values per group with targets and scores; JSON (cli.md) and a tidy frame.

Both carry full precision (kpis.md: every machine output does); only terminal tables and reports round."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from toolkit.core.periods import Period
from toolkit.kpis.registry import REGISTRY


@dataclass
class KpiValue:
    """One KPI of one group. ``value`` is in data units (fractions, points, seconds)."""

    value: float | int | None
    n: int | None
    note: str | None = None
    ci: tuple[float, float] | None = None
    target: float | None = None
    weight: float = 0.0
    achievement: float | None = None
    met: bool | None = None
    gap: float | None = None
    small_sample: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Group:
    keys: dict[str, Any]
    kpis: dict[str, KpiValue]
    n: int | None = None  # the count the group's rank rests on (contacts, else responses/reviews)
    score: float | None = None
    rank: int | None = None
    flags: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # weighted KPIs without a value, left out of the score


@dataclass
class KpiResult:
    period: Period
    definitions: dict[str, Any]
    by: tuple[str, ...]
    kpis: tuple[str, ...]
    groups: list[Group]
    methods: dict[str, str] = field(default_factory=dict)
    excluded: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def group(self, **keys: Any) -> Group:
        """The group with exactly these keys (``result.group(team="A")``; no keys: the only group)."""
        for g in self.groups:
            if g.keys == keys:
                return g
        raise KeyError(f"no group {keys}")

    def value(self, kpi: str, **keys: Any) -> Any:
        return self.group(**keys).kpis[kpi].value

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``cxtk kpi --format json`` (cli.md), at full precision."""
        return {
            "period": self.period.to_dict(),
            "definitions": dict(self.definitions),
            "by": list(self.by),
            "methods": dict(self.methods),
            "excluded": self.excluded,
            "notes": list(self.notes),
            "groups": [
                {
                    "keys": dict(g.keys),
                    "kpis": {k: _kpi_dict(k, v) for k, v in g.kpis.items()},
                    "score": _finite(g.score),
                    "rank": g.rank,
                    "flags": list(g.flags),
                    "dropped": list(g.dropped),
                    "n": g.n,
                }
                for g in self.groups
            ],
        }

    def to_frame(self):
        """A tidy Polars frame: one row per group × KPI (keys…, kpi, value, n, target, …)."""
        import polars as pl

        rows = []
        for g in self.groups:
            for k, v in g.kpis.items():
                rows.append(
                    {
                        **{f: g.keys.get(f) for f in self.by},
                        "kpi": k,
                        "unit": REGISTRY[k].unit,
                        "value": None if v.value is None else float(v.value),
                        "n": v.n,
                        "target": v.target,
                        "achievement": v.achievement,
                        "met": v.met,
                        "gap": v.gap,
                        "ci_lo": v.ci[0] if v.ci else None,
                        "ci_hi": v.ci[1] if v.ci else None,
                        "small_sample": v.small_sample,
                        "note": v.note,
                    }
                )
        schema = {f: (pl.Int64 if f == "hour" else pl.String) for f in self.by} | {
            "kpi": pl.String,
            "unit": pl.String,
            "value": pl.Float64,
            "n": pl.Int64,
            "target": pl.Float64,
            "achievement": pl.Float64,
            "met": pl.Boolean,
            "gap": pl.Float64,
            "ci_lo": pl.Float64,
            "ci_hi": pl.Float64,
            "small_sample": pl.Boolean,
            "note": pl.String,
        }
        return pl.DataFrame(rows, schema=schema)


def _finite(v: float | None) -> float | None:
    """A float as it is (JSON has no infinity or NaN: those are null)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return float(v)


def _kpi_dict(kpi_id: str, v: KpiValue) -> dict[str, Any]:
    unit = REGISTRY[kpi_id].unit
    value = v.value if unit == "count" or v.value is None else _finite(v.value)
    if unit == "count" and value is not None:
        value = int(value)
    out = {
        "value": value,
        "n": v.n,
        "target": v.target,
        "achievement": _finite(v.achievement),
        "met": v.met,
        "gap": _finite(v.gap) if unit != "count" else v.gap,
        "ci": [_finite(v.ci[0]), _finite(v.ci[1])] if v.ci else None,
        "small_sample": v.small_sample,
        "note": v.note,
    }
    for name, extra in v.extra.items():
        out[name] = _finite(extra) if isinstance(extra, float) else extra
    return out
