"""``cxtk kpi``: KPIs of a period against targets, as a table or as data (json/csv/xlsx/parquet)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.app import app, names_once, state


class KpiFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


@app.command("kpi")
def kpi(
    period: Annotated[
        str, typer.Option("--period", help="2026-10, 2026-Q3, 2026-W41, 2026 or 2026-10-01..2026-10-15.")
    ],
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            callback=names_once,
            help="Group by fields, comma-separated: team, agent_id, channel, queue, topic, month, day, hour.",
        ),
    ] = None,
    kpis: Annotated[
        str | None,
        typer.Option("--kpi", callback=names_once, help="KPI ids, comma-separated (default: all), e.g. asa_s,fcr_rate."),
    ] = None,
    fmt: Annotated[
        KpiFormat, typer.Option("--format", help="table (for reading) or data: json, csv, xlsx, parquet.")
    ] = (KpiFormat.table),
    out: Annotated[
        Path | None, typer.Option("--out", dir_okay=False, help="Write to this file (required for xlsx and parquet).")
    ] = None,
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input", exists=True, dir_okay=False, help="Compute straight from an interactions export."
        ),
    ] = None,
    mapping: Annotated[
        str | None, typer.Option("--mapping", help="Mapping name or file for --input.")
    ] = None,
    no_mask: Annotated[
        bool,
        typer.Option("--no-mask", help="Write team, queue and topic names unmasked (phone numbers, e-mails): "
                                       "internal use only."),
    ] = False,
) -> None:
    """KPIs for a period, optionally grouped, against the targets of cxtk.yaml.

    Example: cxtk kpi --period 2026-10 --by team --format json
    """
    from toolkit.kpis.run import kpi_command

    result = kpi_command(
        period=period,
        by=_split(by),
        kpis=_split(kpis) or None,
        config_path=state.config,
        input_file=input_file,
        mapping=mapping,
    )
    if fmt == KpiFormat.table:
        from toolkit.kpis.table import print_table
        from toolkit.report.export import masked_result

        print_table(result if no_mask else masked_result(result))
        if out is not None:
            from toolkit.core.errors import writing
            from toolkit.report.export import write_kpis

            with writing(out):
                write_kpis(result, "csv" if out.suffix != ".json" else "json", out, mask=not no_mask)
        return
    from toolkit.core.errors import writing
    from toolkit.report.export import write_kpis

    with writing(out):
        write_kpis(result, fmt.value, out, mask=not no_mask)
    if out is not None and not state.quiet:
        typer.echo(f"wrote {out}", err=True)
