"""Workspaces: ``cxtk init`` writes one; ``cxtk demo`` builds one from the sample centre."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.core.errors import CxtkError
from toolkit.core.outputs import write_text
from toolkit.core.resources import asset_dir

INIT_CONFIG = """\
# cxtk workspace configuration. Every key is optional; the values shown are the defaults
# unless marked "example". Rates are fractions (0.85), NPS is in points, durations in seconds.

name: My Service Centre            # shown on report covers
locale: en                         # en | zh-CN (reports and tables)
timezone: Asia/Shanghai            # applied to naive timestamps in exports (example; default UTC)
store: store                       # where ingested data is kept, relative to this file
templates: null                    # a folder of templates that override the built-in ones by name

brand:
  logo: brand/logo.svg             # SVG or PNG, a local file
  primary: "#0B5FFF"
  accent: "#FF8A00"
  font: null                       # default: a sans font that covers the locale
  footer:                          # one text, or one per report language
    en: "Internal — for management use"
    zh-CN: "内部资料 — 仅供管理层使用"
  confidential: null               # e.g. {en: Confidential, zh-CN: 机密}: a mark on the cover and every page

definitions:                       # see docs/kpis.md; reports print the definitions in force
  service_level_threshold_s: 20    # answered within this many seconds counts for service level
  short_abandon_s: 5               # abandons quicker than this are not service failures
  fcr_window_days: 7               # a repeat contact within this window means not resolved first time
  fcr_same_topic: false            # count a repeat only on the same topic
  fcr_provisional: exclude         # contacts whose window is still open, no repeat yet: exclude, or include as resolved
  fcr_transfer_is_failure: true    # a transferred contact is not resolved at first contact
  csat_satisfied_min: 4            # CSAT (top-2-box) counts scores >= this as satisfied
  low_score_max: 2                 # CSAT <= this needs a follow-up call
  followup_on_detractors: false    # also follow up NPS detractors (0-6)
  followup_hours: 24
  min_sample: 30                   # below this n a figure is flagged "small sample" and not ranked
  achievement_cap: 1.0             # over-achievement on one KPI cannot hide another's gap
  reward_share: 0.2                # top share of teams/agents flagged for reward
  qa_pass_mark: 80

targets:                           # KPI id -> target and weight (weights need not sum to 100)
  asa_s:          {target: 30,   weight: 15}
  aht_s:          {target: 300,  weight: 20}
  fcr_rate:       {target: 0.85, weight: 25}
  sla_compliance: {target: 0.95, weight: 15}
  csat_mean:      {target: 4.5,  weight: 15}
  nps:            {target: 40,   weight: 5}
  complaint_rate: {target: 0.02, weight: 5}

team_targets: {}                   # example: {"Team B": {asa_s: {target: 40}}}

benchmarks:                        # named sets for horizontal comparison (example)
  industry: {fcr_rate: 0.90, asa_s: 20, csat: 0.85}

mappings: {}                       # your own export mappings, e.g. {my-acd: mappings/my-acd.yaml}

outages: []                        # example: [{start: "2026-10-12 09:00", end: "2026-10-12 11:30", reason: "ACD failure"}]

notes: {}                          # example: {"2026-10": {asa_s: "Peak queue after the product launch"}}
"""

PLACEHOLDER_LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60" viewBox="0 0 240 60">
  <rect x="0" y="8" width="44" height="44" rx="10" fill="#0B5FFF"/>
  <text x="22" y="38" font-family="sans-serif" font-size="22" font-weight="700" fill="#fff"
        text-anchor="middle">CX</text>
  <text x="56" y="39" font-family="sans-serif" font-size="22" font-weight="600" fill="#1b2430">Your logo</text>
</svg>
"""


def make_folder(folder: Path, *, exist_ok: bool = True) -> None:
    """``mkdir -p`` that fails with one line (a file in the way, no permission) instead of an OSError."""
    if folder.exists() and not folder.is_dir():
        raise CxtkError(f"{folder}: is a file, not a folder; choose another folder")
    try:
        folder.mkdir(parents=True, exist_ok=exist_ok)
    except OSError as exc:
        raise CxtkError(f"{folder}: cannot create this folder ({exc.strerror}); choose one you can write to") from None


def init_workspace(folder: Path) -> list[Path]:
    """Create a workspace: a commented cxtk.yaml, surveys/, brand/ with a placeholder logo."""
    make_folder(folder)
    config = folder / "cxtk.yaml"
    if config.exists():
        raise CxtkError(f"{config} already exists; choose an empty folder or edit that file")
    write_text(config, INIT_CONFIG)
    (folder / "surveys").mkdir(exist_ok=True)
    (folder / "mappings").mkdir(exist_ok=True)
    brand = folder / "brand"
    brand.mkdir(exist_ok=True)
    logo = brand / "logo.svg"
    if not logo.exists():
        logo.write_text(PLACEHOLDER_LOGO, encoding="utf-8")
    return [config, folder / "surveys", folder / "mappings", logo]


@dataclass
class DemoResult:
    workspace: Path
    out: Path
    ingests: list[Any] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


def _load_generator() -> Any:
    path = asset_dir("samples") / "generate.py"
    spec = importlib.util.spec_from_file_location("cxtk_sample_generator", path)
    if spec is None or spec.loader is None:
        raise CxtkError(f"{path}: the sample generator is missing from this installation")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DEMO_PERIOD = "2026-10"  # the sample centre's last month
INGEST_ORDER = ("interactions", "surveys", "qa", "agent-status", "actions")


def build_demo(out: Path, *, locale: str | None = None, scale: float = 1.0, reports: bool = True,
               say: Callable[[str], None] = lambda _m: None) -> DemoResult:
    """Generate the sample centre into ``out/workspace``, ingest everything, write the reports to ``out``."""
    from toolkit.core.config import load_config
    from toolkit.ingest.pipeline import ingest_files

    samples = asset_dir("samples")
    workspace = out / "workspace"
    make_folder(out)
    config_text = (samples / "cxtk.yaml").read_text(encoding="utf-8")
    if workspace.is_dir() and any(workspace.iterdir()):
        # only a previous demo is replaced: `--out .` beside a real workspace must not wipe it
        mine = workspace / "cxtk.yaml"
        first = mine.read_text(encoding="utf-8").split("\n", 1)[0] if mine.is_file() else None
        if first != config_text.split("\n", 1)[0]:
            raise CxtkError(f"{workspace} exists and is not a cxtk demo workspace; choose another --out")
        shutil.rmtree(workspace)
    make_folder(workspace)
    if locale:
        import re

        config_text = re.sub(r"(?m)^locale:.*$", f"locale: {locale}", config_text)
    (workspace / "cxtk.yaml").write_text(config_text, encoding="utf-8")
    if (samples / "brand").is_dir():
        shutil.copytree(samples / "brand", workspace / "brand")
    say("generating 13 months of a sample centre")
    files = _load_generator().generate(workspace / "exports", scale=scale)
    config = load_config(workspace / "cxtk.yaml")
    result = DemoResult(workspace, out)
    for name in INGEST_ORDER:
        paths = [Path(p) for p in files.get(name, [])]
        if not paths:
            continue
        say(f"ingesting {name} ({len(paths)} files)")
        result.ingests.append(ingest_files(config, name, paths, progress=say))
    if reports:
        from toolkit.report.api import write_demo_reports

        say("writing the reports")
        result.outputs = write_demo_reports(config, out, DEMO_PERIOD, locale)
    return result
