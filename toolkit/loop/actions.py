"""The improvement loop: action status, before/after effect of done actions, suggested new actions.

- ``load_actions``: an ``actions`` YAML (a list of actions) or CSV as a frame.
- ``action_status``: each action's status and whether it is overdue on ``today``.
- ``before_after``: an action's KPI in its scope over the ``n_periods`` months
  before ``opened_on`` against the ``n_periods`` months after ``done_on``.
- ``suggest_actions``: proposals from the bilingual playbook for unmet KPIs
  that have no open or done action yet; owner and due date are left blank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.core.errors import ConfigError, CxtkError

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config

ACTION_FIELDS = ("action_id", "kpi", "scope", "title", "owner", "opened_on", "due_on", "status", "done_on")


def load_actions(path: Path) -> pl.DataFrame:
    """Actions from a YAML list or a CSV with the canonical ``actions`` fields."""
    import polars as pl

    path = Path(path)
    schema = {f: (pl.Date if f.endswith("_on") else pl.String) for f in ACTION_FIELDS}
    if path.suffix.lower() in (".yaml", ".yml"):
        from toolkit.core.yamlio import safe_load

        data = safe_load(path) or []  # bounded: an alias bomb or a huge title is refused, naming the file
        if not isinstance(data, list):
            raise ConfigError(f"{path}: expected a list of actions (- action_id: …)")
        rows = [{f: item.get(f) for f in ACTION_FIELDS} for item in data]
        for r in rows:
            for f in ("opened_on", "due_on", "done_on"):
                if isinstance(r[f], str):
                    r[f] = date.fromisoformat(r[f])
        return pl.DataFrame(rows, schema=schema)
    df = pl.read_csv(path, infer_schema=False, glob=False)
    return df.select(
        [
            (pl.col(f).str.to_date() if f.endswith("_on") else pl.col(f)) if f in df.columns else pl.lit(None, dtype=t).alias(f)
            for f, t in schema.items()
        ]
    )


def action_status(actions: pl.DataFrame, today: date) -> pl.DataFrame:
    """Adds ``overdue`` (open and past ``due_on``) and ``days_overdue``; status defaults to open."""
    import polars as pl

    status = pl.col("status").fill_null("open")
    late = (status == "open") & (pl.col("due_on") < pl.lit(today)).fill_null(False)
    return actions.with_columns(
        status.alias("status"),
        late.alias("overdue"),
        pl.when(late).then((pl.lit(today) - pl.col("due_on")).dt.total_days()).alias("days_overdue"),
    )


def _months_before(day: date, n: int):
    from toolkit.core.periods import day_range, month

    first = month(day.year, day.month).shifted(-n)
    last = month(day.year, day.month).shifted(-1)
    return day_range(first.start, last.end)


def _months_after(day: date, n: int):
    from toolkit.core.periods import day_range, month

    first = month(day.year, day.month).shifted(1)
    last = month(day.year, day.month).shifted(n)
    return day_range(first.start, last.end)


def scope_filter(scope: str | None, interactions: pl.LazyFrame | None) -> dict[str, str]:
    """``{"team": X}`` or ``{"queue": X}`` for an action's scope ("all" or empty: no filter).

    ``team:X`` / ``queue:X`` say it explicitly; a bare name is looked up among the teams, then the queues.
    """
    import polars as pl

    if not scope or scope.strip().lower() in ("all", "*", "centre", "center"):
        return {}
    field, sep, name = scope.partition(":")
    if sep and field in ("team", "queue", "channel", "agent_id", "topic"):
        return {field: name}
    if interactions is not None:
        for f in ("team", "queue"):
            if f in interactions.collect_schema():
                hit = interactions.filter(pl.col(f) == scope).select(pl.len()).collect().item()
                if hit:
                    return {f: scope}
    raise CxtkError(f"action scope '{scope}' is neither a team nor a queue in the data; write team:NAME or queue:NAME")


def before_after(
    action: Mapping[str, Any],
    frames: Mapping[str, pl.LazyFrame | None],
    config: Config,
    n_periods: int = 3,
) -> dict[str, Any]:
    """The action's KPI in its scope: the ``n_periods`` months before the month it opened vs the months after the one it was done.

    Returns ``{action_id, kpi, scope, before: {period, value, n}, after: {…}, change, change_rel, direction}``;
    ``after`` is null until the action is done.
    """
    from toolkit.kpis.change import change_of
    from toolkit.kpis.compute import compute_kpis

    kpi = action["kpi"]
    where = scope_filter(action.get("scope"), frames.get("interactions"))
    by = list(where)

    def value(period) -> dict[str, Any]:
        r = compute_kpis(frames, period, by=by, kpis=[kpi], config=config)
        try:
            v = r.group(**where).kpis[kpi]
        except KeyError:
            return {"period": period.to_dict(), "value": None, "n": 0}
        return {"period": period.to_dict(), "value": v.value, "n": v.n}

    opened = action["opened_on"]
    before = value(_months_before(opened, n_periods))
    done = action.get("done_on")
    after = value(_months_after(done, n_periods)) if done else None
    c = change_of(kpi, after["value"] if after else None, before["value"])
    return {
        "action_id": action.get("action_id"),
        "kpi": kpi,
        "scope": where or "all",
        "before": before,
        "after": after,
        "change": c.change,
        "change_rel": c.change_rel,
        "direction": c.direction,
    }


def load_playbook(path: Path | None = None) -> dict[str, Any]:
    """The playbook (default: the shipped ``surveys/playbook.yaml``)."""
    from toolkit.core.yamlio import safe_load

    if path is None:
        from toolkit.core.resources import asset_dir

        path = asset_dir("surveys") / "playbook.yaml"
    data = safe_load(Path(path)) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected KPI ids as keys, each with en: and zh: title/detail")
    return data


def _context_text(context: Mapping[str, Any], zh: bool) -> dict[str, str]:
    """Placeholders for the playbook: topics, hours, team — empty when the analysis found nothing."""
    sep, colon = ("、", "：") if zh else (", ", ": ")
    out = {}
    topics = context.get("topics") or []
    hours = context.get("hours") or []
    team = context.get("team")
    sfx = "_zh" if zh else "_en"
    out["topics" + sfx] = f"{colon}{sep.join(map(str, topics))}" if topics else ""
    out["hours" + sfx] = f"{colon}{sep.join(f'{int(h):02d}:00' for h in hours)}" if hours else ""
    out["team" + sfx] = f"{colon}{team}" if team else ""
    return out


def suggest_actions(
    unmet_kpis: Sequence[str],
    existing_actions: pl.DataFrame | Sequence[Mapping[str, Any]] | None,
    playbook: Mapping[str, Any],
    locale: str = "en",
    *,
    context: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """One proposal per unmet KPI that has no open or done action and a playbook entry.

    ``context[kpi]`` may give ``topics`` (e.g. with most repeats), ``hours``
    (understaffed) or ``team`` (the main driver) to name in the title.
    """
    if existing_actions is None:
        rows: list[Mapping[str, Any]] = []
    elif hasattr(existing_actions, "to_dicts"):
        rows = existing_actions.to_dicts()
    else:
        rows = list(existing_actions)
    covered = {r["kpi"] for r in rows if (r.get("status") or "open") in ("open", "done")}
    zh = locale.lower().startswith("zh")
    out = []
    for kpi in unmet_kpis:
        entry = playbook.get(kpi)
        if kpi in covered or not entry:
            continue
        text = entry["zh" if zh else "en"]
        fill = {**_context_text({}, True), **_context_text({}, False)}
        fill.update(_context_text((context or {}).get(kpi, {}), zh))
        out.append(
            {
                "kpi": kpi,
                "title": text["title"].format(**fill),
                "detail": text.get("detail", "").format(**fill),
                "scope": ((context or {}).get(kpi, {}) or {}).get("team") or "all",
                "owner": None,
                "due_on": None,
                "status": "proposed",
            }
        )
    return out


