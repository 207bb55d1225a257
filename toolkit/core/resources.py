"""Where the shipped assets (templates, surveys, samples) live.

In a checkout they are the top-level folders; in an installed wheel they are
force-included under ``toolkit/_assets`` (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent  # the toolkit package (this file is in toolkit/core)


def asset_dir(name: str) -> Path:
    """Return the folder of a shipped asset group: ``templates``, ``surveys`` or ``samples``."""
    for candidate in (_PKG / "_assets" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cxtk is missing its {name}/ folder (looked in {_PKG / '_assets'} and {_PKG.parent})")
