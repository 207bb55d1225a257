"""``cxtk explain``: the records behind one KPI of a period, each with what it adds and why not (cli.md)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.app import app, state


class ExplainFormat(enum.StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"


@app.command("explain")
def explain(
    period: Annotated[
        str, typer.Option("--period", help="2026-10, 2026-Q3, 2026-W41, 2026 or 2026-10-01..2026-10-15.")
    ],
    kpi: Annotated[str, typer.Option("--kpi", help="The KPI id, e.g. fcr_rate or asa_s.")],
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The file to write (.csv, .xlsx or .parquet).")],
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Group columns, comma-separated: team, agent_id, channel, queue, topic, month, day, hour.",
        ),
    ] = None,
    fmt: Annotated[
        ExplainFormat | None, typer.Option("--format", help="csv, xlsx or parquet (default: from --out).")
    ] = None,
) -> None:
    """The records behind a KPI: in the denominator? in the numerator (or the value)? and why not.

    Adding the file up gives the figure: Σ in_numerator ÷ Σ in_denominator for a rate, the mean of
    value over the rows in the denominator for a mean.

    Example: cxtk explain --period 2026-10 --kpi fcr_rate --by team --out fcr.csv
    """
    from toolkit.core.errors import writing
    from toolkit.kpis.explain import summary
    from toolkit.kpis.run import explain_command
    from toolkit.report.export import write_rows

    chosen = fmt.value if fmt is not None else {".xlsx": "xlsx", ".parquet": "parquet"}.get(out.suffix.lower(), "csv")
    by_fields = [p.strip() for p in (by or "").split(",") if p.strip()]
    frame = explain_command(period=period, kpi=kpi, by=by_fields, config_path=state.config)
    with writing(out):
        write_rows(frame, chosen, out, sheet=kpi[:31])
    if not state.quiet:
        typer.echo(f"wrote {out}: {frame.height:,} records of {kpi}; {summary(frame, kpi)}", err=True)
