"""Targets, achievement, composite score and ranking (kpis.md, "Targets…").

- achievement: actual ÷ target when up; target ÷ actual when down; actual 0 on
  a down KPI meets it and scores the cap.
- gap: actual − target in the KPI's unit.
- composite: Σ w·min(ach, cap) ÷ Σ w × 100 over weighted KPIs with a value;
  the others drop out (listed in ``Group.dropped``) and the weights renormalise.
- ranking: by score, 1 = best, ties share the better rank; groups whose ``n``
  is below min_sample, and groups whose key is null (flag ``unassigned``), are
  listed but not ranked; the top ``reward_share`` (at least one when the share
  is above 0) and the bottom 3 are flagged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from toolkit.kpis.registry import REGISTRY

if TYPE_CHECKING:
    from toolkit.core.config import Config
    from toolkit.kpis.result import Group, KpiValue

BOTTOM_FLAGGED = 3
GROUP_N_KPIS = ("contacts", "responses", "qa_score_mean")  # what a group's n is, in this order


def achievement(actual: float, target: float, direction: str, cap: float) -> float | None:
    """Achievement rate of ``actual`` against ``target`` (1.0 = exactly on target)."""
    if direction == "down":
        if actual <= 0:
            return cap
        return target / actual
    if target == 0:
        return None if actual == 0 else cap
    return actual / target


def met(actual: float, target: float, direction: str) -> bool:
    """Actual on the right side of the target (on it counts as met)."""
    return actual <= target if direction == "down" else actual >= target


def apply_target(kv: KpiValue, kpi_id: str, target: float | None, weight: float, cap: float) -> None:
    kv.target = target
    kv.weight = weight
    if target is None or kv.value is None:
        return
    direction = REGISTRY[kpi_id].direction
    if direction == "none":
        kv.gap = float(kv.value) - target
        return
    kv.achievement = achievement(float(kv.value), target, direction, cap)
    kv.met = met(float(kv.value), target, direction)
    kv.gap = float(kv.value) - target


def composite(kpis: dict[str, KpiValue], cap: float) -> tuple[float | None, list[str]]:
    """Weighted capped achievement in 0…100 over KPIs with a value, and the weighted ones dropped."""
    total_w = 0.0
    acc = 0.0
    dropped = []
    for kpi_id, kv in kpis.items():
        if kv.target is None or kv.weight <= 0:
            continue
        if kv.achievement is None:
            dropped.append(kpi_id)
            continue
        total_w += kv.weight
        acc += kv.weight * min(kv.achievement, cap)
    if total_w == 0:
        return None, dropped
    return acc / total_w * 100.0, dropped


def group_n(g: Group) -> int | None:
    """What a group's sample size means for ranking: contacts, else survey responses, else reviews."""
    for kpi_id in GROUP_N_KPIS:
        kv = g.kpis.get(kpi_id)
        if kv is not None and kv.n is not None:
            return kv.n
    ns = [kv.n for kv in g.kpis.values() if kv.n is not None]
    return max(ns) if ns else None


def rank(groups: Sequence[Group], min_sample: int, reward_share: float) -> None:
    """Rank groups by score (1 = best); small or unscored groups get rank None."""
    ranked = [g for g in groups if g.score is not None and (g.n is None or g.n >= min_sample)]
    ranked.sort(key=lambda g: -g.score)  # type: ignore[operator]
    prev_score, prev_rank = None, 0
    for i, g in enumerate(ranked, start=1):
        g.rank = prev_rank if g.score == prev_score else i
        prev_score, prev_rank = g.score, g.rank
    for g in groups:
        if g.rank is None and g.score is not None and g.n is not None and g.n < min_sample:
            g.flags.append("small_sample")
    if len(ranked) < 2:
        return
    top = max(1, math.floor(reward_share * len(ranked))) if reward_share > 0 else 0
    for g in ranked[:top]:
        g.flags.append("top")
    bottom = min(BOTTOM_FLAGGED, len(ranked) - top)
    for g in ranked[len(ranked) - bottom :]:
        g.flags.append("bottom")


def score_groups(groups: list[Group], config: Config, by: Sequence[str]) -> None:
    """Fill targets, achievement, met, gap per KPI; the composite score; rank when grouped."""
    d = config.definitions
    for g in groups:
        team = g.keys.get("team") if "team" in by else None
        for kpi_id, kv in g.kpis.items():
            t = config.target_for(kpi_id, team)
            if t is None:
                continue
            apply_target(kv, kpi_id, t.target, t.weight, d.achievement_cap)
        g.score, g.dropped = composite(g.kpis, d.achievement_cap)
        g.n = group_n(g)
    if by:
        # A group without a key (calls abandoned before routing have no team) is no team or agent:
        # it is listed as "unassigned" but takes no rank or flag from the real groups.
        keyed = [g for g in groups if all(g.keys.get(f) not in (None, "") for f in by)]
        for g in groups:
            if any(g.keys.get(f) in (None, "") for f in by):
                g.flags.append("unassigned")
        rank(keyed, d.min_sample, d.reward_share)
