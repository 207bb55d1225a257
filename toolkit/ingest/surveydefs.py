"""Survey definitions (``surveys/*.yaml``): which headers carry which score, on which scale.

A definition lists its questions; each names the headers it appears under in real
exports (several spellings and languages), the canonical score it feeds (``csat``
1–5, ``nps`` 0–10, ``ces`` 1–7 or ``comment``), the scale it is asked on, and its
answer labels (``非常满意`` → 5, ``★★★★☆`` → 4). :func:`definition_to_mapping` turns
a definition and a file's headers into an ordinary mapping (``config.md``) whose
``map:`` entries carry every valid source value already converted, so the generic
mapping engine needs nothing special and rejects any other value.

Rescaling rule (when the source scale differs from the canonical one): the linear
map of the source range onto the canonical range, rounded half up:
``lo' + (x − lo)·(hi' − lo')/(hi − lo)``. For a 1–10 CSAT this equals
``ceil(x/2)`` (10, 9 → 5; 8, 7 → 4; … 2, 1 → 1); for a 1–7 CSAT it gives
1, 2, 2, 3, 4, 4, 5. Labels are given on the source scale and rescaled the same way.

A YAML file in a surveys folder is a definition when it says ``kind: survey`` or
has ``questions:``; other files there (``themes.yaml``, QA rubrics) are ignored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from toolkit.core.errors import ConfigError, InputError
from toolkit.core.resources import asset_dir

__all__ = [
    "CANONICAL_SCALES",
    "Question",
    "SurveyDefinition",
    "definition_to_mapping",
    "load_definition",
    "load_definitions",
    "match_definition",
    "rescale",
]

Score = Literal["csat", "nps", "ces", "comment"]
#: Canonical scale of each score in the ``surveys`` dataset.
CANONICAL_SCALES: dict[str, tuple[int, int]] = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
#: Non-score fields of the ``surveys`` dataset a definition may give headers for.
SurveyField = Literal[
    "response_id",
    "interaction_id",
    "customer_id",
    "agent_id",
    "team",
    "channel",
    "queue",
    "sent_at",
    "responded_at",
    "followed_up_at",
]
_FULL_STAR, _EMPTY_STAR = "★", "☆"


class Question(BaseModel):
    """One question of a survey and how its answers become a canonical score."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    score: Score
    headers: list[str] = Field(min_length=1)
    scale: tuple[int, int] | None = None
    labels: dict[str, int] = Field(default_factory=dict)
    stars: bool = False
    required: bool = True

    @model_validator(mode="after")
    def _check_scale(self) -> Question:
        if self.score == "comment":
            if self.scale is not None or self.labels or self.stars:
                raise ValueError("a comment question takes no scale, labels or stars")
            return self
        lo, hi = self.source_scale
        if lo >= hi:
            raise ValueError(f"scale [{lo}, {hi}] must go from low to high")
        bad = {k: v for k, v in self.labels.items() if not lo <= v <= hi}
        if bad:
            raise ValueError(f"labels {bad} fall outside the scale [{lo}, {hi}]")
        if self.stars and lo < 0:
            raise ValueError("stars need a scale starting at 0 or more")
        return self

    @property
    def source_scale(self) -> tuple[int, int]:
        """The scale answers are given on (the canonical one when not stated)."""
        return self.scale or CANONICAL_SCALES[self.score]

    def value_map(self) -> dict[str, int]:
        """Every valid source answer → its canonical score (numbers as "5" and "5.0", labels, stars)."""
        if self.score == "comment":
            return {}
        src, dst = self.source_scale, CANONICAL_SCALES[self.score]
        out = {str(x): rescale(x, src, dst) for x in range(src[0], src[1] + 1)}
        # Spreadsheet cells often arrive as floats ("5.0"); they are valid answers too.
        out.update({f"{x}.0": rescale(x, src, dst) for x in range(src[0], src[1] + 1)})
        if self.stars:
            for n in range(max(src[0], 1), src[1] + 1):
                out[_FULL_STAR * n + _EMPTY_STAR * (src[1] - n)] = rescale(n, src, dst)
                out[_FULL_STAR * n] = rescale(n, src, dst)
        for label, x in self.labels.items():
            out[label] = rescale(x, src, dst)
            # Exports differ in capitalisation ("Very satisfied" / "very satisfied").
            out.setdefault(label.lower(), rescale(x, src, dst))
        return out


class SurveyDefinition(BaseModel):
    """A survey: its name, the headers of its non-score fields, and its questions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["survey"] = "survey"
    name: str = Field(min_length=1)
    title: dict[str, str] = Field(default_factory=dict)
    fields: dict[SurveyField, list[str]] = Field(default_factory=dict)
    questions: list[Question] = Field(min_length=1)
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("questions")
    @classmethod
    def _one_question_per_score(cls, questions: list[Question]) -> list[Question]:
        scores = [q.score for q in questions]
        dupes = sorted({s for s in scores if scores.count(s) > 1})
        if dupes:
            raise ValueError(f"more than one question feeds {', '.join(dupes)}")
        ids = [q.id for q in questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        owners: dict[str, str] = {}
        for q in questions:
            for h in q.headers:
                other = owners.setdefault(_normal(h), q.id)
                if other != q.id:
                    raise ValueError(f"header '{h}' is listed for both '{other}' and '{q.id}'")
        if all(q.score == "comment" for q in questions):
            raise ValueError("a survey needs at least one scored question (csat, nps or ces)")
        return questions


def rescale(x: int, src: tuple[int, int], dst: tuple[int, int]) -> int:
    """Map ``x`` linearly from the ``src`` scale onto ``dst``, rounding half up.

    >>> [rescale(x, (1, 10), (1, 5)) for x in (10, 9, 8, 2, 1)]
    [5, 5, 4, 1, 1]
    """
    if src == dst:
        return x
    # Fractions so that a value exactly halfway (e.g. 2.5) rounds up, not to even.
    value = dst[0] + Fraction(x - src[0]) * (dst[1] - dst[0]) / (src[1] - src[0])
    return math.floor(value + Fraction(1, 2))


def _normal(header: str) -> str:
    """Header as compared: case, spaces, underscores and dashes ignored."""
    return re.sub(r"[\s_\-]+", "", header).casefold()


def _find(aliases: Sequence[str], headers: Sequence[str]) -> str | None:
    """The actual header (as spelled in the file) for the first alias present."""
    by_normal: dict[str, str] = {}
    for h in headers:
        by_normal.setdefault(_normal(h), h)
    for alias in aliases:
        if _normal(alias) in by_normal:
            return by_normal[_normal(alias)]
    return None


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at pydantic's error location ``loc``."""
    import yaml

    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == str(key)), None)
            if pair is None:
                break
            # The key's line: that is where a reader looks for "key 'questions'".
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def load_definition(path: Path) -> SurveyDefinition | None:
    """Read one YAML file; ``None`` when it is not a survey definition (e.g. ``themes.yaml``).

    Raises ``ConfigError`` naming the file, line and key of the first problem.
    """
    from toolkit.core.yamlio import compose_bounded, construct, read_yaml_text

    try:
        text = read_yaml_text(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    node = compose_bounded(text, str(path))  # bounded: an alias bomb or a huge value is refused
    data = construct(node, str(path))
    if not isinstance(data, dict) or not (data.get("kind") == "survey" or "questions" in data):
        return None
    try:
        defn = SurveyDefinition.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-after"))
        line = _line_of(node, loc)
        key = ".".join(str(p) for p in loc) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        raise ConfigError(f"{path}:{line}: survey definition key '{key}': {msg}") from None
    return defn.model_copy(update={"path": path})


def load_definitions(extra_dirs: Sequence[Path] = ()) -> dict[str, SurveyDefinition]:
    """The shipped survey definitions, then those of ``extra_dirs`` (a later one overrides by name).

    Example: ``load_definitions([Path("surveys")])["post-contact"].questions``.
    """
    out: dict[str, SurveyDefinition] = {}
    for folder in (asset_dir("surveys"), *map(Path, extra_dirs)):
        if not folder.is_dir():
            continue
        seen: dict[str, Path] = {}
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            defn = load_definition(path)
            if defn is None:
                continue
            if defn.name in seen:
                raise ConfigError(
                    f"{path}: survey name '{defn.name}' is already used by {seen[defn.name].name}; rename one"
                )
            seen[defn.name] = path
            out[defn.name] = defn
    return out


def _score_of_match(defn: SurveyDefinition, headers: Sequence[str]) -> int | None:
    """How well ``headers`` fit ``defn``: None if a required question is missing."""
    hits = 0
    for q in defn.questions:
        if _find(q.headers, headers) is not None:
            hits += 10
        elif q.required:
            return None
    return hits + sum(_find(a, headers) is not None for a in defn.fields.values())


def match_definition(headers: Sequence[str], defs: dict[str, SurveyDefinition]) -> SurveyDefinition | None:
    """The definition whose required questions all appear in ``headers`` and that fits best.

    Fit = questions found (×10) plus other fields found; ties go to the name first
    in alphabetical order. ``None`` when no definition has all its required questions.
    """
    best: tuple[int, str] | None = None
    for name, defn in defs.items():
        score = _score_of_match(defn, headers)
        if score is not None and (best is None or (-score, name) < (-best[0], best[1])):
            best = (score, name)
    return defs[best[1]] if best else None


def definition_to_mapping(defn: SurveyDefinition, headers: Sequence[str]) -> dict:
    """A mapping (``config.md`` language) reading a file with ``headers`` by ``defn``.

    Score fields become ``{"column": header, "map": {source value: canonical score}}``;
    the comment and other fields become the header name; ``survey`` is a constant.
    Raises ``InputError`` when a required question has none of its headers.
    """
    fields: dict[str, Any] = {}
    for field, aliases in defn.fields.items():
        header = _find(aliases, headers)
        if header is not None:
            fields[field] = header
    for q in defn.questions:
        header = _find(q.headers, headers)
        if header is None:
            if q.required:
                raise InputError(
                    f"survey '{defn.name}': question '{q.id}' ({q.score}) needs one of the headers "
                    f"{', '.join(q.headers)}; the file has {', '.join(headers)}"
                )
            continue
        fields[q.score] = header if q.score == "comment" else {"column": header, "map": q.value_map()}
    return {"name": defn.name, "dataset": "surveys", "constants": {"survey": defn.name}, "fields": fields}
