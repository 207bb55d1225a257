"""``cxtk store check``, ``repair`` and ``migrate`` (thin over ``toolkit.ingest.repair`` and ``migrate``)."""

from __future__ import annotations

import enum
import json
from typing import Annotated

import typer

from toolkit.cli.app import state, store_app


class Format(enum.StrEnum):
    table = "table"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="Lines for people, or json.")]


@store_app.command("check")
def check_cmd(fmt: FormatOption = Format.table) -> None:
    """List the store files that cannot be read, with the source files that fed their month; exit 1 if any.

    Every partition file is decoded and the ingest log read; nothing is changed.
    Example: cxtk store check
    """
    from toolkit.core.config import resolve_config
    from toolkit.ingest.repair import check_store

    report = check_store(resolve_config(state.config).store_dir)
    if fmt == Format.json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print(report, repaired=False)
    if not report.ok:
        raise typer.Exit(1)


@store_app.command("repair")
def repair_cmd(fmt: FormatOption = Format.table) -> None:
    """Move damaged files to store/quarantine/<time>/ and say which source files to ingest again.

    Broken ingest-log lines are dropped; the other months are not touched; nothing is deleted.
    Example: cxtk store repair
    """
    from toolkit.core.config import resolve_config
    from toolkit.ingest.repair import repair_store

    report = repair_store(resolve_config(state.config).store_dir)
    if fmt == Format.json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    _print(report, repaired=True)


def _print(report, *, repaired: bool) -> None:  # type: ignore[no-untyped-def]
    from toolkit.ingest.layout import LOG

    say = typer.echo
    if report.ok and not report.repaired:
        say(f"{'Nothing to repair: ' if repaired else ''}the store is intact ({report.files_checked} files, "
            f"{report.log_entries} ingest-log entries): {report.store}")
        return
    for d in report.damaged:
        moved = f" → moved to {d.quarantined_to}" if d.quarantined_to else ""
        say(f"{'quarantined' if d.quarantined_to else 'DAMAGED'} {d.damage.path}: {d.damage.reason}{moved}")
        if not d.sources:
            say("  the ingest log names no file for it")
        for s in d.sources:
            note = "" if s.certain else " (may have: logged before months were recorded)"
            state_note = {"missing": " [no longer there]", "changed": " [changed since]"}.get(s.state, "")
            say(f"  fed by {s.path} (ingested {s.at or '?'}){state_note}{note}")
    for p in report.log_problems:
        say(("repaired: " if repaired else "") + p.describe(report.store / LOG))
    if not repaired:
        if report.damaged:
            say("Run `cxtk store repair` to set the damaged files aside (nothing is deleted); "
                "then ingest the files listed again.")
        else:
            say("Run `cxtk store repair` to drop the broken log lines.")
        return
    again = report.to_reingest()
    if again:
        say("To restore the quarantined months, ingest these files again:")
        for s in again:
            say(f"  {s.command()}")
    elif report.damaged:
        say("The ingest log names no source file: ingest those months' exports again.")
    if not state.quiet and report.quarantine:
        say(f"The quarantined files are kept in {report.quarantine} (see manifest.json there).")


@store_app.command("migrate")
def migrate_cmd(fmt: FormatOption = Format.table) -> None:
    """Turn a store of the layout before Delta (month=…/data.parquet) into Delta tables, in place.

    No data file is rewritten: each dataset gets a _delta_log that lists its files. Any ingest does
    this first, so the command is only needed to hand the store to other readers before the next ingest.
    Example: cxtk store migrate
    """
    from toolkit.core.config import resolve_config
    from toolkit.ingest.migrate import migrate_store

    done = migrate_store(resolve_config(state.config).store_dir)
    if fmt == Format.json:
        typer.echo(json.dumps(done.to_dict(), ensure_ascii=False, indent=2))
    else:
        for name, n in done.migrated.items():
            typer.echo(f"migrated {name}: {n} file(s), now a Delta table at {done.store / name}")
        for name in done.already:
            typer.echo(f"{name}: already a Delta table")
        for d in done.damaged:
            typer.echo(f"left as it is: {d.path}: {d.reason} — run `cxtk store repair`, then migrate again")
        if not (done.migrated or done.already or done.damaged):
            typer.echo(f"nothing to migrate: no data in {done.store}")
    if done.damaged:
        raise typer.Exit(1)
