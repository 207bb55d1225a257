"""``cxtk.yaml``: the workspace configuration, validated with pydantic.

Everything has a default, so an empty file is a valid workspace. Errors name the
file, the line and the key, and list what is accepted (``toolkit.core.yamlio``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from toolkit.core.errors import ConfigError
from toolkit.core.yamlio import load_yaml, validation_message

CONFIG_NAME = "cxtk.yaml"
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Brand(_Strict):
    logo: str | None = None
    primary: str = "#0B5FFF"
    accent: str = "#FF8A00"
    font: str | None = None
    # one text, or one per locale ({en: …, zh-CN: …}); unset: a default in the report's language
    footer: str | dict[Literal["en", "zh-CN"], str] | None = None
    confidential: str | dict[Literal["en", "zh-CN"], str] | None = None

    @field_validator("primary", "accent")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not _COLOUR.match(value):
            raise ValueError(f"'{value}' is not a colour; write it as #RRGGBB, e.g. \"#0B5FFF\"")
        return value


class Definitions(_Strict):
    """Definitions in force for KPIs (kpis.md explains each)."""

    service_level_threshold_s: float = Field(20, ge=0)
    short_abandon_s: float = Field(5, ge=0)
    fcr_window_days: float = Field(7, gt=0)
    fcr_same_topic: bool = False
    # Derived FCR (kpis.md): contacts whose repeat window is still open at the data's end, with no
    # repeat seen, are left out of the rate (exclude) or counted as resolved (include); a transferred
    # contact is not resolved at first contact (the seeds' "no transfer and no second contact").
    fcr_provisional: Literal["exclude", "include"] = "exclude"
    fcr_transfer_is_failure: bool = True
    csat_satisfied_min: int = Field(4, ge=1, le=5)
    low_score_max: int = Field(2, ge=1, le=5)
    followup_on_detractors: bool = False
    followup_hours: float = Field(24, gt=0)
    min_sample: int = Field(30, ge=1)
    achievement_cap: float = Field(1.0, gt=0)
    reward_share: float = Field(0.2, ge=0, le=1)
    qa_pass_mark: float = Field(80, ge=0, le=100)


class Target(_Strict):
    target: float | None = None
    weight: float = Field(0, ge=0)


class Outage(_Strict):
    start: datetime
    end: datetime
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Outage:
        if self.end <= self.start:
            raise ValueError(f"outage ends ({self.end}) before it starts ({self.start})")
        return self


class Config(_Strict):
    name: str = "Service Centre"
    locale: Literal["en", "zh-CN"] = "en"
    timezone: str = "UTC"
    store: str = "store"
    templates: str | None = None
    brand: Brand = Brand()
    definitions: Definitions = Definitions()
    targets: dict[str, Target] = Field(default_factory=dict)
    team_targets: dict[str, dict[str, Target]] = Field(default_factory=dict)
    benchmarks: dict[str, dict[str, float]] = Field(default_factory=dict)
    mappings: dict[str, str | dict[str, Any]] = Field(default_factory=dict)
    outages: list[Outage] = Field(default_factory=list)
    notes: dict[str, dict[str, str]] = Field(default_factory=dict)

    # Not from the file: where it was read, so relative paths resolve against it.
    root: Path = Field(default=Path("."), exclude=True)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'; use an IANA name such as Asia/Shanghai or UTC") from None
        return value

    @field_validator("notes", mode="before")
    @classmethod
    def _period_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): v for k, v in value.items()}
        return value

    @property
    def store_dir(self) -> Path:
        return (self.root / self.store).resolve()

    def path(self, relative: str | None) -> Path | None:
        """A path from the config, resolved against the folder of cxtk.yaml."""
        if relative is None:
            return None
        p = Path(relative)
        return p if p.is_absolute() else (self.root / p)

    def target_for(self, kpi: str, team: str | None = None) -> Target | None:
        """The target of a KPI, with a team's override merged over the centre's."""
        base = self.targets.get(kpi)
        override = self.team_targets.get(team, {}).get(kpi) if team is not None else None
        if override is None:
            return base
        merged = (base.model_dump() if base else {}) | override.model_dump(exclude_unset=True)
        return Target(**merged)


def find_config(start: Path | None = None) -> Path | None:
    """``cxtk.yaml`` in ``start`` (default: the current folder) or its nearest parent."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path) -> Config:
    """Read and validate a ``cxtk.yaml``; raises ConfigError naming file, line and key."""
    data, lines = load_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys (name:, targets:, …) at the top level")
    if "root" in data:
        # `root` is where the file was found, never a setting: treat it as the unknown key it is.
        line = lines.line_of(("root",))
        accepted = ", ".join(n for n, f in Config.model_fields.items() if not f.exclude)
        raise ConfigError(f"{path}{f', line {line}' if line else ''}: unknown key 'root'; accepted keys: {accepted}")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(validation_message(str(path), exc, lines, Config)) from None
    unknown = _unknown_kpis(config)
    if unknown:
        kpi, where = unknown[0]
        line = lines.line_of(where)
        known = list(_kpi_ids()) if _kpi_ids else []
        hint = _closest(kpi, known)
        raise ConfigError(
            f"{path}{f', line {line}' if line else ''}: unknown KPI id '{kpi}'"
            + (f" (did you mean '{hint}'?)" if hint else "")
            + f"; known ids: {', '.join(known)}"
        )
    return config.model_copy(update={"root": path.parent.resolve()})


# The KPI ids a config may name. The registry lives two layers up (toolkit.kpis), so it hands
# them down: toolkit.kpis registers its ids when imported, and the CLI imports it before any
# config is read. Without a registry (core used alone) KPI ids are not checked.
_kpi_ids: Callable[[], Collection[str]] | None = None


def use_kpi_ids(provider: Callable[[], Collection[str]]) -> None:
    """Set the function that lists the known KPI ids (called by ``toolkit.kpis``)."""
    global _kpi_ids
    _kpi_ids = provider


def _unknown_kpis(config: Config) -> list[tuple[str, tuple[Any, ...]]]:
    if _kpi_ids is None:
        return []
    known = set(_kpi_ids())
    found: list[tuple[str, tuple[Any, ...]]] = []
    found += [(k, ("targets", k)) for k in config.targets if k not in known]
    for team, targets in config.team_targets.items():
        found += [(k, ("team_targets", team, k)) for k in targets if k not in known]
    for name, bench in config.benchmarks.items():
        found += [(k, ("benchmarks", name, k)) for k in bench if k not in known]
    return found


def _closest(word: str, choices: Any) -> str | None:
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


def resolve_config(explicit: Path | None = None, *, required: bool = True) -> Config | None:
    """The config named by ``--config``, else the nearest ``cxtk.yaml``; None when optional and absent."""
    path = explicit or find_config()
    if path is None:
        if required:
            raise ConfigError(
                "no cxtk.yaml here or in a parent folder; create a workspace with `cxtk init DIR` "
                "or pass --config PATH"
            )
        return None
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; pass the config file itself, e.g. --config {path / 'cxtk.yaml'}")
    if not path.exists():
        raise ConfigError(f"{path}: config file not found; check the --config path")
    from toolkit.core.safety import regular_file_problem

    problem = regular_file_problem(path)  # a FIFO would make cxtk wait forever
    if problem:
        raise ConfigError(f"{path}: {problem.replace('the export', 'the config')}")
    return load_config(path)
