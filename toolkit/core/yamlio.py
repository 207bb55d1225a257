"""Safe YAML loading that remembers the line of every key, for error messages.

``load_yaml(path)`` returns the data and a ``Lines`` lookup so that a validation
error on ``targets.asa_s.weight`` can say "cxtk.yaml, line 27".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from toolkit.core.errors import ConfigError


@dataclass
class Lines:
    """Maps a key path (tuple of keys / list indexes) to the 1-based line where it is written."""

    by_path: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def line_of(self, loc: Sequence[Any]) -> int | None:
        """The line of the deepest known prefix of ``loc``."""
        path = tuple(loc)
        while path:
            if path in self.by_path:
                return self.by_path[path]
            path = path[:-1]
        return self.by_path.get((), None)


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: Lines) -> None:
    lines.by_path.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines.by_path[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


def load_yaml_text(text: str, source: str) -> tuple[Any, Lines]:
    """Parse YAML text with the safe loader; a syntax error names the source and line."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster
    try:
        node = yaml.compose(text, Loader=loader)
        data = yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{source}{where}: invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: invalid YAML: {exc}") from None
    lines = Lines()
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def load_yaml(path: Path) -> tuple[Any, Lines]:
    """Read a YAML file (UTF-8, with or without BOM)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except PermissionError:
        raise ConfigError(f"{path}: cannot be read (permission denied); check the file's permissions") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the YAML file as UTF-8") from None
    return load_yaml_text(text, str(path))


def validation_message(source: str, exc: Any, lines: Lines, model: Any = None) -> str:
    """Turn a pydantic ValidationError into one line per problem: file, line, key, what is accepted."""
    problems = []
    for err in _one_branch_per_union(exc.errors(), lines):
        loc = tuple(err.get("loc", ()))
        line = lines.line_of(loc)
        key = ".".join(str(p) for p in loc) or "(top level)"
        where = f"{source}, line {line}" if line else source
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            accepted = _accepted_keys(model, loc[:-1])
            msg = f"unknown key '{loc[-1]}'" + (f"; accepted keys: {', '.join(accepted)}" if accepted else "")
            key = ".".join(str(p) for p in loc[:-1]) or "(top level)"
            problems.append(f"{where}: {msg}" + ("" if key == "(top level)" else f" (under '{key}')"))
            continue
        if loc and loc[-1] == "[key]":  # a mapping key that is not allowed (e.g. a locale)
            owner = ".".join(str(p) for p in loc[:-2])
            problems.append(f"{where}: '{owner}' has key '{loc[-2]}': {msg[:1].lower()}{msg[1:]}")
            continue
        problems.append(f"{where}: '{key}': {msg}")
    return "; ".join(problems)


def _known_depth(loc: tuple[Any, ...], lines: Lines) -> int:
    """How many leading parts of ``loc`` are keys written in the file."""
    depth = 0
    while depth < len(loc) and loc[: depth + 1] in lines.by_path:
        depth += 1
    return depth


def _one_branch_per_union(errors: list[Any], lines: Lines) -> list[Any]:
    """Keep, for a value that matched no member of a union (``str | int | FieldSpec``), only the branch
    the user meant, with the branch tag dropped from ``loc``.

    Pydantic reports every member ("should be a valid string; … integer; … give exactly one of …"),
    tagging each with a loc part that is not a key of the file. The validator's own message wins,
    then the branch that got deepest (a mapping written as a mapping).
    """
    groups: dict[tuple[Any, ...], list[tuple[int, Any]]] = {}
    out: list[Any] = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        depth = _known_depth(loc, lines)
        if depth == len(loc) or err.get("type") in ("missing", "extra_forbidden") and depth == len(loc) - 1:
            out.append(err)
            continue
        groups.setdefault(loc[:depth], []).append((depth, err))
    for prefix, members in groups.items():
        if len(members) == 1:
            out.append(members[0][1])
            continue
        errs = [e for _, e in members]
        best = [e for e in errs if e.get("type") == "value_error"] or [
            e for e in errs if len(e.get("loc", ())) == max(len(x.get("loc", ())) for x in errs)
        ]
        stripped = [{**e, "loc": prefix + tuple(e["loc"])[len(prefix) + 1:]} for e in best]  # drop the tag
        wants = [str(e.get("msg", "")) for e in stripped]
        if len({e["loc"] for e in stripped}) == 1 and all(w.startswith("Input should be ") for w in wants):
            # one value, several acceptable shapes: say them in one problem
            either = " or ".join(w.removeprefix("Input should be ") for w in wants)
            stripped = [{**stripped[0], "msg": f"Input should be {either}"}]
        out.extend(stripped)
    return out


def _accepted_keys(model: Any, loc: tuple[Any, ...]) -> list[str]:
    """The field names of the (nested) pydantic model at ``loc``, when it can be followed."""
    from typing import get_args

    annotation = model
    for part in loc:
        target = _annotation_model(annotation)
        if target is not None and isinstance(part, str) and part in target.model_fields:
            annotation = target.model_fields[part].annotation
            continue
        # a dict key or list index: step into the container's value type
        args = [a for a in get_args(annotation) if a is not type(None)]
        if not args:
            return []
        annotation = args[-1]
    target = _annotation_model(annotation)
    if target is None:
        return []
    # fields excluded from dumps (such as Config.root) are not read from the file
    return [f.alias or name for name, f in target.model_fields.items() if not f.exclude]


def _annotation_model(annotation: Any) -> Any:
    """The pydantic model an annotation is, or holds (``Brand | None`` → Brand)."""
    from typing import get_args, get_origin

    if hasattr(annotation, "model_fields"):
        return annotation
    if get_origin(annotation) in (dict, list):
        return None
    for arg in get_args(annotation):
        found = _annotation_model(arg)
        if found is not None:
            return found
    return None
