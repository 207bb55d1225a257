"""Safe, bounded YAML loading that remembers the line of every key, for error messages.

``load_yaml(path)`` returns the data and a ``Lines`` lookup so that a validation
error on ``targets.asa_s.weight`` can say "cxtk.yaml, line 27".

Every YAML file cxtk reads (cxtk.yaml, mappings, survey definitions, themes, the QA
rubric, the playbook, an actions list) goes through here, and is bounded before it is
built: a 361-byte file of nested aliases ("billion laughs") once took 4 s and 1.2 GB,
and an 867-byte actions file stored a 312 MB title. The parser's events are counted
first, in one streaming pass, and the file is refused with one line naming it when

- it is larger than ``MAX_YAML_BYTES`` (16 MiB),
- it holds more than ``MAX_YAML_NODES`` (250,000) values once aliases are expanded,
- one string is longer than ``MAX_YAML_STRING`` (65,536) characters, or
- it nests more than ``MAX_YAML_DEPTH`` (64) levels deep (aliases included).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from toolkit.core.errors import ConfigError

MAX_YAML_BYTES = 16 << 20
MAX_YAML_NODES = 250_000
MAX_YAML_STRING = 65_536
MAX_YAML_DEPTH = 64


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
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else key_node.tag  # a complex key
            lines.by_path[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


def _loader() -> Any:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster


def check_bounds(text: str, source: str) -> None:
    """Refuse a document that would be too large once built, from its parser events alone.

    Aliases are counted at the size of what they repeat, so ``[*a, *a, …]`` nine deep is
    seen for the 387 million values it stands for after reading a few hundred bytes.
    """
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, levels) it expands to
    stack: list[tuple[int, str | None, list[int]]] = []  # open collections: (values before, anchor, [deepest])
    total = aliased = 0
    for event in yaml.parse(text, Loader=_loader()):
        depth = len(stack)
        if isinstance(event, yaml.AliasEvent):
            values, levels = anchors.get(event.anchor or "", (1, 1))
            total += values
            aliased += values
            reach = depth + levels
        elif isinstance(event, yaml.ScalarEvent):
            if len(event.value) > MAX_YAML_STRING:
                raise ConfigError(
                    f"{source}, line {event.start_mark.line + 1}: a value of {len(event.value):,} characters; "
                    f"cxtk reads YAML values of at most {MAX_YAML_STRING:,} characters"
                )
            total += 1
            reach = depth + 1
            if event.anchor:
                anchors[event.anchor] = (1, 1)
        elif isinstance(event, yaml.CollectionStartEvent):
            total += 1
            stack.append((total - 1, event.anchor, [depth + 1]))
            reach = depth + 1
        elif isinstance(event, yaml.CollectionEndEvent):
            before, anchor, deepest = stack.pop()
            if anchor:
                anchors[anchor] = (total - before, deepest[0] - depth)
            if stack:
                stack[-1][2][0] = max(stack[-1][2][0], deepest[0])
            continue
        else:
            continue
        if stack:
            stack[-1][2][0] = max(stack[-1][2][0], reach)
        line = event.start_mark.line + 1
        if reach > MAX_YAML_DEPTH:
            raise ConfigError(f"{source}, line {line}: nested more than {MAX_YAML_DEPTH} levels deep"
                              + (" once its aliases are expanded" if isinstance(event, yaml.AliasEvent) else "")
                              + "; cxtk does not read YAML that deep")
        if total > MAX_YAML_NODES:
            if aliased:
                raise ConfigError(
                    f"{source}, line {line}: its aliases (*name) expand it to more than {MAX_YAML_NODES:,} values "
                    "(an alias bomb?); write the values out, or repeat fewer of them"
                )
            raise ConfigError(
                f"{source}: holds more than {MAX_YAML_NODES:,} values, more than cxtk reads from one YAML file; "
                "give long lists as CSV"
            )


def compose_bounded(text: str, source: str) -> Any:
    """The node tree of a bounded document (``check_bounds``); a syntax error names the source and line."""
    with _yaml_errors(source):
        check_bounds(text, source)
        return yaml.compose(text, Loader=_loader())


def construct(node: Any, source: str) -> Any:
    """The Python data of a node tree (safe tags only: a ``!!python/…`` tag is refused)."""
    if node is None:
        return None
    loader = _loader()("")
    try:
        with _yaml_errors(source):
            return loader.construct_document(node)
    finally:
        loader.dispose()


@contextmanager
def _yaml_errors(source: str) -> Iterator[None]:
    """A YAML error inside becomes a one-line ``ConfigError`` naming the source (and line)."""
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{source}{where}: invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: invalid YAML: {exc}") from None


def load_yaml_text(text: str, source: str) -> tuple[Any, Lines]:
    """Parse YAML text with the safe loader, bounded; a syntax error names the source and line."""
    node = compose_bounded(text, source)
    data = construct(node, source)
    lines = Lines()
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def read_yaml_text(path: Path, encoding: str = "utf-8-sig") -> str:
    """The text of a YAML file: a regular file of at most ``MAX_YAML_BYTES``, UTF-8 (BOM or not)."""
    import os
    import stat

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a pipe, device or socket)"
            raise ConfigError(f"{path}: is {what}; give a YAML file")
        if info.st_size > MAX_YAML_BYTES:
            raise ConfigError(
                f"{path}: {info.st_size / (1 << 20):,.1f} MiB; cxtk reads YAML files of at most "
                f"{MAX_YAML_BYTES >> 20} MiB (give long lists as CSV)"
            )
        return path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except PermissionError:
        raise ConfigError(f"{path}: cannot be read (permission denied); check the file's permissions") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the YAML file as UTF-8") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; give a YAML file") from None


def load_yaml(path: Path) -> tuple[Any, Lines]:
    """Read a YAML file (UTF-8, with or without BOM), bounded."""
    return load_yaml_text(read_yaml_text(path), str(path))


def safe_load(path: Path) -> Any:
    """The data of a YAML file, read as ``load_yaml`` does (bounded, safe tags only), without the lines."""
    text = read_yaml_text(Path(path))
    return construct(compose_bounded(text, str(path)), str(path))


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
