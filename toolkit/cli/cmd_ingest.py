"""``cxtk ingest DATASET FILE…`` — pour exports into the workspace store, with the accounting."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.app import app, state


class DatasetName(str, Enum):
    interactions = "interactions"
    surveys = "surveys"
    qa = "qa"
    agent_status = "agent-status"
    actions = "actions"


class IngestFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def ingest(
    dataset: Annotated[DatasetName, typer.Argument(help="Which canonical dataset the files feed.")],
    files: Annotated[list[Path], typer.Argument(help="Export files (CSV/TSV/TXT, XLSX/XLS/ODS, Parquet, JSONL, "
                                                     "gz/zip of these; YAML for actions).")],
    mapping: Annotated[str | None, typer.Option(help="Mapping name (see `cxtk mapping list`) or a YAML file. "
                                                     "Default: the mapping whose headers match.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding, e.g. gb18030 (default: detected).")] = None,
    sheet: Annotated[str | None, typer.Option(help="Excel sheet name or 0-based index (default: the first).")] = None,
    source: Annotated[str | None, typer.Option(help="Name of the system the export came from "
                                                    "(default: the mapping's name); part of the dedupe key.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Any rejected row is an error; nothing is written.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and count only; write nothing.")] = False,
    fmt: Annotated[IngestFormat, typer.Option("--format", help="Output: a table for people or JSON.")] = (
        IngestFormat.table
    ),
) -> None:
    """Ingest exports into the store; every row is accepted, rejected, a duplicate or skipped.

    Example: cxtk ingest interactions calls-2026-10.csv tickets-2026-10.csv
    """
    from toolkit.core.config import resolve_config
    from toolkit.ingest.pipeline import ingest_files
    from toolkit.ingest.results import check_accounting

    config = resolve_config(state.config)
    sheet_arg: str | int | None = int(sheet) if sheet is not None and sheet.isdigit() else sheet
    progress = _progress(fmt == IngestFormat.json)
    with progress as say:
        result = ingest_files(
            config, dataset.value, files, mapping=mapping, encoding=encoding, sheet=sheet_arg,
            strict=strict, dry_run=dry_run, source=source, progress=say,
        )
    check_accounting(result)
    if fmt == IngestFormat.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    print_accounting(result)


def print_accounting(result) -> None:  # type: ignore[no-untyped-def]
    """The human accounting table of an ingest."""
    from rich.console import Console
    from rich.table import Table

    from toolkit.core.safety import markup_text as m

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    title = f"{'Dry run — nothing written' if result.dry_run else 'Ingested'}: {result.dataset}"
    table = Table(title=title, title_justify="left")
    for col in ("file", "mapping", "encoding", "read", "accepted", "rejected", "duplicate", "skipped", "updated"):
        table.add_column(col, justify="right" if col not in ("file", "mapping", "encoding") else "left")
    for f in result.files:
        c = f.counts
        table.add_row(m(Path(f.path).name), m(f.mapping), m(f.encoding or "—"), *(f"{v:,}" for v in (
            c.read, c.accepted, c.rejected, c.duplicate, c.skipped, c.updated)))
    t = result.totals
    if len(result.files) > 1:
        table.add_row("total", "", "", *(f"{v:,}" for v in (
            t.read, t.accepted, t.rejected, t.duplicate, t.skipped, t.updated)), style="bold")
    console.print(table)
    console.print(
        f"read {t.read:,} = accepted {t.accepted:,} + rejected {t.rejected:,} + duplicate {t.duplicate:,}"
        f" + skipped {t.skipped:,}" + (f" ({t.updated:,} of the accepted replaced changed rows)" if t.updated else "")
    )
    linked: dict[str, list[int]] = {}
    for f in result.files:
        for name, lc in f.linked.items():
            acc = linked.setdefault(name, [0, 0])
            acc[0] += lc.get("accepted", lc.get("rows", 0))
            acc[1] += lc.get("duplicate", 0)
    for name, (accepted, duplicate) in linked.items():
        console.print(f"Also {accepted:,} linked {m(name)} rows from ratings carried on the export"
                      + (f" ({duplicate:,} already stored)" if duplicate else ""))
    for f in result.files:
        if f.counts.rejected:
            where = f.rejects_file or "(not written: dry run)"
            console.print(f"[yellow]{m(Path(f.path).name)}: {f.counts.rejected:,} rejected rows → {m(where)}[/yellow]")
            for r in f.first_rejects[:3]:
                console.print(f"  line {r['__line']}, {m(r['__field'])}: {m(r['__reason'])}")
    for f in result.files:
        for note in f.notes:
            console.print(f"[yellow]{m(Path(f.path).name)}: {m(note)}[/yellow]")
    if result.store:
        console.print(f"Store: {m(result.store)}  ({result.seconds:.1f} s)")


class _progress:
    """A spinner with the current step on a terminal; silent in pipes, JSON and --quiet."""

    def __init__(self, machine_output: bool) -> None:
        self.enabled = sys.stderr.isatty() and not machine_output and not state.quiet
        self._status = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not self.enabled:
            return lambda _msg: None
        from rich.console import Console

        from toolkit.core.safety import markup_text

        self._status = Console(stderr=True).status("starting…")
        self._status.__enter__()
        return lambda msg: self._status.update(markup_text(msg))

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(*exc)
