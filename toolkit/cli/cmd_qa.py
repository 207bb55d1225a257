"""``cxtk qa sample`` and ``cxtk qa summary`` (thin over ``toolkit.qa.reviews``)."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.app import names_once, qa_app, state


class Format(enum.StrEnum):
    table = "table"
    json = "json"


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


@qa_app.command("sample")
def sample_cmd(
    period: Annotated[str, typer.Option("--period", help="2026-10, 2026-Q3, 2026-W41, 2026 or a day range.")],
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The reviewer's worksheet to write: .csv or .xlsx.")],
    rate: Annotated[float | None, typer.Option("--rate", help="Share of contacts to draw, e.g. 0.02.")] = None,
    size: Annotated[int | None, typer.Option("--size", help="Number of contacts to draw at random.")] = None,
    stratify: Annotated[
        str, typer.Option("--stratify", callback=names_once, help="Fields to stratify by, comma-separated (e.g. team,channel).")
    ] = "team",
    include_complaints: Annotated[
        bool,
        typer.Option("--include-complaints/--no-include-complaints", help="Add every complaint in full."),
    ] = True,
    key_customers: Annotated[
        str | None, typer.Option("--key-customers", help="customer_ids whose contacts are all reviewed.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same sample.")] = 0,
) -> None:
    """Draw a reproducible stratified sample of handled contacts and write a reviewer's worksheet.

    Example: cxtk qa sample --period 2026-10 --rate 0.02 --stratify team,channel --seed 7 --out review.xlsx
    (fill the score columns, then: cxtk ingest qa review.xlsx)
    """
    from toolkit.cli.cmd_analysis import load_workspace
    from toolkit.core.errors import CxtkError, writing
    from toolkit.qa.reviews import qa_sample, qa_worksheet, write_worksheet

    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise CxtkError(f"{out}: write the worksheet as .csv or .xlsx")
    config, frames, p = load_workspace(period)
    s = qa_sample(
        frames["interactions"], p, rate=rate, size=size, stratify=_split(stratify),
        include_complaints=include_complaints, key_customers=_split(key_customers), seed=seed,
        timezone=config.timezone,
    )  # fmt: skip
    with writing(out):
        write_worksheet(qa_worksheet(s, prefix=f"QA-{p.label}-s{seed}"), out)
    counts = dict(s.group_by("sample_reason").len().iter_rows())
    parts = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    if not state.quiet:
        typer.echo(f"wrote {out}: {s.height} contacts to review ({parts or 'none'})")
        random_n = counts.get("random", 0)
        if size is not None and stratify and random_n > size:
            typer.echo(f"note: --size {size} was raised to {random_n} random contacts so that every stratum "
                       f"({stratify}) has at least one")


@qa_app.command("summary")
def summary_cmd(
    period: Annotated[str, typer.Option("--period", help="2026-10, 2026-Q3, 2026-W41, 2026 or a day range.")],
    by: Annotated[str | None, typer.Option("--by", callback=names_once, help="Group by fields, e.g. team or agent_id.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Rubric scores by area and agent, pass rate, problems by category and severity, critical per 100.

    Example: cxtk qa summary --period 2026-10 --by team --format json
    """
    from toolkit.core.config import resolve_config
    from toolkit.core.errors import CxtkError
    from toolkit.core.periods import parse_period
    from toolkit.ingest.store import scan_dataset
    from toolkit.qa.reviews import check_period_has_reviews, qa_summary

    p = parse_period(period)
    config = resolve_config(state.config)
    qa = scan_dataset(config, "qa")
    if qa is None:
        raise CxtkError("no QA reviews in the store; ingest some with `cxtk ingest qa FILE`")
    check_period_has_reviews(qa, p)
    s = qa_summary(qa, p, _split(by), pass_mark=config.definitions.qa_pass_mark)
    if fmt == Format.json:
        typer.echo(json.dumps(s.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    from toolkit.core.safety import markup_text as m

    c = Console()
    pct = lambda v: "—" if v is None else f"{v * 100:.1f} %"  # noqa: E731
    num = lambda v: "—" if v is None else f"{v:.1f}"  # noqa: E731
    c.print(f"QA {p.label}: {s.reviews} reviews, mean score {num(s.score_mean)}, pass rate {pct(s.pass_rate)} "
            f"(pass mark {s.pass_mark:g}), critical per 100 reviews {num(s.critical_per_100)}")
    t = Table(title="Scores by area")
    for col in ("area", "mean", "reviews"):
        t.add_column(col)
    for r in s.areas.iter_rows(named=True):
        t.add_row(m(f"{r['label_en']} / {r['label_zh']}"), f"{r['mean']:.2f}" if r["mean"] is not None else "—", str(r["n"]))
    c.print(t)
    t = Table(title="Problems by category")
    for col in ("category", "count", "share", "minor", "major", "critical"):
        t.add_column(col)
    for r in s.problems.iter_rows(named=True):
        t.add_row(m(r["issue_category"]), str(r["count"]), pct(r["share"]), str(r["minor"]), str(r["major"]),
                  str(r["critical"]))
    c.print(t)
    if s.groups is not None:
        t = Table(title=m("By " + ", ".join(_split(by))))
        for col in (*_split(by), "reviews", "score", "pass rate", "critical/100"):
            t.add_column(m(col))
        for r in s.groups.iter_rows(named=True):
            t.add_row(*[m(r[b]) for b in _split(by)], str(r["reviews"]), num(r["score_mean"]),
                      pct(r["pass_rate"]), num(r["critical_per_100"]))
        c.print(t)
    t = Table(title="Agents (highest score first)")
    for col in ("agent", "team", "reviews", "score", "pass rate", "critical"):
        t.add_column(col)
    for r in s.by_agent.iter_rows(named=True):
        t.add_row(m(r["agent_id"]), m(r.get("team")), str(r["reviews"]), num(r["score_mean"]),
                  pct(r["pass_rate"]), str(r["critical"]))
    c.print(t)
