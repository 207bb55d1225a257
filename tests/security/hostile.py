"""Small workspaces whose data carries hostile text, for the tests of issue 11 items 5, 11 and 12.

Rows go in as Parquet so that any string survives the trip into the store unchanged (a CSV with a
NUL byte is, rightly, refused as binary).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

CONFIG = (
    "name: Hostile Centre\ntimezone: UTC\n"
    "targets:\n  asa_s: {target: 30, weight: 50}\n  aht_s: {target: 300, weight: 50}\n  csat: {target: 0.9, weight: 0}\n"
)


def contact(i: int, team: str, **fields: Any) -> dict[str, Any]:
    """An answered October 2026 phone call ``C{i}`` of ``team`` (wait 20-59 s, handle 300 s)."""
    arrived = datetime(2026, 10, 1 + i % 28, 9 + i % 8, i % 60)
    return {
        "interaction_id": f"C{i:05d}", "channel": "phone", "customer_id": f"U{i:05d}", "agent_id": f"A{i % 6}",
        "team": team, "arrived_at": f"{arrived:%Y-%m-%d %H:%M:%S}",
        "answered_at": f"{arrived + timedelta(seconds=20 + i % 40):%Y-%m-%d %H:%M:%S}",
        "talk_s": 200, "acw_s": 100, "resolved": "true", "complaint": "false", **fields,
    }  # fmt: skip


def response(i: int, team: str, csat: int = 5, comment: str | None = None, **fields: Any) -> dict[str, Any]:
    """A survey response ``S{i}`` to contact ``C{i}``."""
    day = 1 + i % 28
    return {
        "response_id": f"S{i:05d}", "interaction_id": f"C{i:05d}", "team": team, "channel": "phone",
        "sent_at": f"2026-10-{day:02d} 12:00:00", "responded_at": f"2026-10-{day:02d} 13:00:00",
        "csat": csat, "nps": 9 if csat >= 4 else 3, "comment": comment, **fields,
    }  # fmt: skip


def review(i: int, team: str, category: str | None, **fields: Any) -> dict[str, Any]:
    """A QA review ``Q{i}`` of contact ``C{i}``."""
    return {
        "review_id": f"Q{i:05d}", "interaction_id": f"C{i:05d}", "agent_id": f"A{i % 6}", "team": team,
        "reviewer": "R1", "reviewed_at": f"2026-10-{1 + i % 28:02d} 15:00:00", "attitude": 4, "communication": 4,
        "knowledge": 3, "problem_solving": 4, "score": 80, "issue_category": category,
        "severity": "minor" if category else None, **fields,
    }  # fmt: skip


def build(
    root: Path,
    interactions: list[dict[str, Any]],
    surveys: list[dict[str, Any]] | None = None,
    qa: list[dict[str, Any]] | None = None,
    actions: str | None = None,
    config: str = CONFIG,
) -> Path:
    """A workspace at ``root`` with these rows ingested (``actions``: the text of an actions YAML)."""
    import polars as pl

    from toolkit.core.config import load_config
    from toolkit.ingest.pipeline import ingest_files

    root.mkdir(parents=True, exist_ok=True)
    (root / "cxtk.yaml").write_text(config, encoding="utf-8")
    cfg = load_config(root / "cxtk.yaml")
    for name, rows in (("interactions", interactions), ("surveys", surveys), ("qa", qa)):
        if rows:
            path = root / f"{name}.parquet"
            pl.DataFrame(rows, infer_schema_length=None).write_parquet(path)
            result = ingest_files(cfg, name, [path])
            assert result.totals.accepted == len(rows), (name, result.totals)
    if actions is not None:
        path = root / "actions.yaml"
        path.write_text(actions, encoding="utf-8")
        ingest_files(cfg, "actions", [path])
    return root
