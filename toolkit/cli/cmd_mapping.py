"""``cxtk mapping list | show | suggest`` — the mappings of real exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.app import mapping_app, state


@mapping_app.command("list")
def mapping_list() -> None:
    """List the built-in mappings and the workspace's own (cxtk.yaml `mappings:`).

    Example: cxtk mapping list
    """
    from toolkit.core.config import resolve_config
    from toolkit.core.safety import terminal_text
    from toolkit.ingest.mapping import all_mappings, builtin_mappings

    config = resolve_config(state.config, required=False)
    builtin = set(builtin_mappings())
    for name, m in sorted(all_mappings(config).items(), key=lambda kv: (kv[1].dataset, kv[0])):
        origin = "built-in" if name in builtin else "workspace"
        print(terminal_text(f"{name:<24} {m.dataset:<13} {origin:<9}  {m.description}"))


@mapping_app.command("show")
def mapping_show(name: Annotated[str, typer.Argument(help="Mapping name, e.g. cn-acd.")]) -> None:
    """Print a mapping as YAML, to read it or to copy it as a starting point.

    Example: cxtk mapping show cn-acd > my-acd.yaml
    """
    import yaml

    from toolkit.core.config import resolve_config
    from toolkit.ingest.mapping import resolve_mapping

    m = resolve_mapping(name, resolve_config(state.config, required=False))
    data = m.model_dump(exclude_defaults=True, exclude_none=True)
    data["fields"] = {
        k: (v if isinstance(v, str | int) else {kk: vv for kk, vv in v.items() if vv not in (None, False)})
        for k, v in data.get("fields", {}).items()
    }
    print(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), end="")


@mapping_app.command("suggest")
def mapping_suggest(
    file: Annotated[Path, typer.Argument(help="An export file to look at.", exists=True, dir_okay=False)],
    dataset: Annotated[str | None, typer.Option(help="interactions, surveys, … (default: guessed).")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding (default: detected).")] = None,
    out: Annotated[Path | None, typer.Option(dir_okay=False, help="Write the mapping here instead of printing it.")] = None,
) -> None:
    """Propose a mapping from a file's headers and sample values, for you to check and keep.

    Example: cxtk mapping suggest export.csv --out mappings/my-acd.yaml
    """
    from toolkit.ingest.suggest import suggest_mapping

    text = suggest_mapping(file, dataset, encoding=encoding)
    if out is None:
        print(text, end="")
        return
    from toolkit.core.outputs import write_text

    write_text(out, text, make_parents=True)
    if not state.quiet:
        print(f"Wrote {out}; check it, then: cxtk ingest DATASET {file.name} --mapping {out}")
