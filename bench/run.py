"""Measure the performance bars of quality.md on the reference workload, side by side.

    python bench/gen.py --rows 10_000_000          # once: bench/data (CSV + store + cxtk.yaml)
    python bench/run.py [--data bench/data] [--runs 3] [--only kpis,help,ingest,kpi-cli,report]
                        [--readme]                 # also write the table into bench/README.md

Each figure is the median of ``--runs`` runs; comparisons run their legs in
turn within each run, so that a noisy neighbour hits all of them alike. The
cxtk legs run this checkout's ``toolkit`` (``python -m toolkit`` with the
checkout first on ``PYTHONPATH``); a piece of cxtk that does not exist yet
prints "n/a (not implemented)" instead of failing the run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # this checkout's toolkit and bench, not an installed one

PERIOD_ALL = "2025-10-01..2026-10-31"  # all 13 months
NA = "n/a (not implemented)"
RSS_LIMIT_KB = 2 * 1024 * 1024

# Runs a command and prints its wall time and peak RSS (KiB): this wrapper has one child, so
# RUSAGE_CHILDREN's ru_maxrss is that child's own peak.
_TIMED = """
import resource, subprocess, sys, time, json
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"s": time.perf_counter() - t, "rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "code": p.returncode, "out": p.stdout[-2000:], "err": p.stderr[-2000:]}))
"""


@dataclass
class Row:
    bar: str
    figure: str
    reference: str = ""
    ratio: str = ""
    target: str = ""
    result: str = ""


@dataclass
class Timed:
    s: float
    rss_kb: int
    code: int
    out: str
    err: str


def timed(cmd: list[str], cwd: Path | None = None) -> Timed:
    """Wall time and peak RSS of one subprocess run."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    p = subprocess.run([sys.executable, "-c", _TIMED, *cmd], capture_output=True, text=True, cwd=cwd, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"timing wrapper failed: {p.stderr.strip()}")
    return Timed(**json.loads(p.stdout.strip().splitlines()[-1]))


def cxtk(*args: str) -> list[str]:
    return [sys.executable, "-m", "toolkit", *args]


def not_implemented(t: Timed) -> bool:
    """Typer's usage error for an unknown command, or a module that is not there yet."""
    text = t.err + t.out
    return (
        t.code == 2
        and ("No such command" in text or "No such option" in text)
        or "ModuleNotFoundError" in text
    )


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def fmt_s(s: float) -> str:
    return f"{s:.2f} s" if s >= 0.1 else f"{s * 1000:.0f} ms"


def last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:100] if lines else "no output"


# --- (a) the full KPI set by month × team -------------------------------------------------------


def cxtk_full_kpis(store_dir: Path):
    """The cxtk leg: the same table as the references, or None when the KPI engine is not there.

    This is the one place to adapt when ``toolkit.kpis`` changes its API.
    """
    try:
        from toolkit.core.config import Config
        from toolkit.core.periods import parse_period
        from toolkit.kpis.compute import compute_kpis
    except ImportError:
        return None

    from bench.reference_duckdb import KPIS
    from toolkit.ingest.store import scan_store

    frames = {"interactions": scan_store(store_dir, "interactions")}  # the Delta table's current files
    res = compute_kpis(frames, parse_period(PERIOD_ALL), by=("month", "team"), kpis=KPIS, config=Config())
    return res


def cxtk_table(res):
    """KpiResult → the references' wide pandas shape (month, team, one column per KPI)."""
    import numpy as np
    import pandas as pd

    from bench.reference_duckdb import COUNTS, KPIS

    long = res.to_frame().select("month", "team", "kpi", "value")
    wide = {}
    for month, team, kpi, value in long.iter_rows():
        wide.setdefault((str(month), team), {})[kpi] = np.nan if value is None else value
    df = pd.DataFrame([{"month": m, "team": t, **v} for (m, t), v in wide.items()])
    df = df.reindex(columns=["month", "team", *KPIS])
    df = df.sort_values(["month", "team"], na_position="last").reset_index(drop=True)
    df[COUNTS] = df[COUNTS].fillna(0).round().astype("int64")
    return df


def disagreements(a, b, names: tuple[str, str]) -> list[str]:
    """Where two KPI tables differ: counts exactly, rates and means to 1e-9."""
    import numpy as np

    from bench.reference_duckdb import COUNTS, KPIS

    if a[["month", "team"]].values.tolist() != b[["month", "team"]].values.tolist():
        return [f"{names[0]} and {names[1]} have different month × team rows ({len(a)} vs {len(b)})"]
    out = []
    for c in KPIS:
        x, y = a[c].to_numpy(float), b[c].to_numpy(float)
        same = (x == y) if c in COUNTS else np.isclose(x, y, rtol=0, atol=1e-9, equal_nan=True)
        if not same.all():
            i = int(np.argmin(same))
            out.append(
                f"{c}: {names[0]} {x[i]!r} vs {names[1]} {y[i]!r} at {a.loc[i, 'month']} {a.loc[i, 'team']}"
            )
    return out


def bench_full_kpis(data: Path, runs: int) -> list[Row]:
    from bench import reference_duckdb, reference_pandas

    store = data / "store"
    times: dict[str, list[float]] = {"cxtk": [], "duckdb": [], "pandas": []}
    tables = {}
    legs = {
        "duckdb": lambda: reference_duckdb.full_kpis(store),
        "pandas": lambda: reference_pandas.full_kpis(store),
        "cxtk": lambda: cxtk_full_kpis(store),
    }
    for _ in range(runs):
        for name, leg in legs.items():
            t0 = time.perf_counter()
            res = leg()
            times[name].append(time.perf_counter() - t0)
            tables[name] = res
    problems = disagreements(tables["duckdb"], tables["pandas"], ("duckdb", "pandas"))
    rows = []
    duck, pand = median(times["duckdb"]), median(times["pandas"])
    if tables["cxtk"] is None:
        rows.append(
            Row("full KPI set, month × team (cxtk vs DuckDB)", NA, f"DuckDB {fmt_s(duck)}", "", "≤ 1.0", "")
        )
        rows.append(
            Row("full KPI set, month × team (pandas vs cxtk)", NA, f"pandas {fmt_s(pand)}", "", "≥ 6", "")
        )
    else:
        problems += disagreements(cxtk_table(tables["cxtk"]), tables["duckdb"], ("cxtk", "duckdb"))
        cx = median(times["cxtk"])
        rows.append(Row("full KPI set, month × team (cxtk vs DuckDB)", fmt_s(cx), f"DuckDB {fmt_s(duck)}",
                        f"{cx / duck:.2f}", "≤ 1.0", "pass" if cx / duck <= 1.0 else "FAIL"))  # fmt: skip
        rows.append(Row("full KPI set, month × team (pandas vs cxtk)", fmt_s(cx), f"pandas {fmt_s(pand)}",
                        f"{pand / cx:.1f}", "≥ 6", "pass" if pand / cx >= 6 else "FAIL"))  # fmt: skip
    legs_run = "cxtk, DuckDB, pandas" if tables["cxtk"] is not None else "DuckDB, pandas"
    rows.append(Row("same numbers from " + legs_run, "agree" if not problems else f"{len(problems)} differ",
                    "", "", "all equal", "pass" if not problems else "FAIL"))  # fmt: skip
    for p in problems[:10]:
        print("  differs:", p, file=sys.stderr)
    return rows


# --- (b) start-up -------------------------------------------------------------------------------


def bench_help(runs: int) -> list[Row]:
    rows = []
    for args in (["--help"], ["kpi", "--help"]):
        ts = [timed(cxtk(*args)) for _ in range(runs)]
        label = "cxtk " + " ".join(args)
        if not_implemented(ts[0]):
            rows.append(Row(label, NA, target="< 0.5 s"))
            continue
        if ts[0].code != 0:
            rows.append(
                Row(label, f"exit {ts[0].code}: {last_line(ts[0].err)}", target="< 0.5 s", result="FAIL")
            )
            continue
        s = median([t.s for t in ts])
        rows.append(Row(label, fmt_s(s), target="< 0.5 s", result="pass" if s < 0.5 else "FAIL"))
    return rows


# --- (c) ingest ---------------------------------------------------------------------------------

_SINK = "import polars as pl, sys; pl.scan_csv(sys.argv[1]).sink_parquet(sys.argv[2])"


def bench_ingest(data: Path, runs: int) -> list[Row]:
    csv = data / "interactions.csv"
    base, ing = [], []
    with tempfile.TemporaryDirectory(dir=data.parent, prefix="ingest-") as tmp:
        tmp = Path(tmp)
        for i in range(runs):
            base.append(timed([sys.executable, "-c", _SINK, str(csv), str(tmp / f"sink{i}.parquet")]))
            (tmp / f"sink{i}.parquet").unlink(missing_ok=True)
            if ing and (not_implemented(ing[0]) or ing[0].code != 0):
                continue  # the baseline still gets its runs
            ws = tmp / f"ws{i}"
            ws.mkdir()
            (ws / "cxtk.yaml").write_text("name: ingest benchmark\ntimezone: UTC\n")
            ing.append(timed(cxtk("ingest", "interactions", str(csv), "--format", "json"), cwd=ws))
            shutil.rmtree(ws, ignore_errors=True)
    b = median([t.s for t in base])
    ref = f"scan_csv→sink_parquet {fmt_s(b)}"
    first = ing[0]
    if not_implemented(first):
        return [
            Row("ingest interactions.csv (time)", NA, ref, "", "≤ 1.5", ""),
            Row("ingest peak RSS", NA, "", "", "≤ 2 GB"),
        ]
    if first.code != 0:
        why = f"exit {first.code}: {last_line(first.err)}"
        return [Row("ingest interactions.csv (time)", why, ref, "", "≤ 1.5", "FAIL")]
    s = median([t.s for t in ing])
    rss = max(t.rss_kb for t in ing)
    return [
        Row(
            "ingest interactions.csv (time)",
            fmt_s(s),
            ref,
            f"{s / b:.2f}",
            "≤ 1.5",
            "pass" if s / b <= 1.5 else "FAIL",
        ),
        Row(
            "ingest peak RSS",
            f"{rss / 1024**2:.2f} GB",
            f"sink {max(t.rss_kb for t in base) / 1024**2:.2f} GB",
            "",
            "≤ 2 GB",
            "pass" if rss <= RSS_LIMIT_KB else "FAIL",
        ),  # fmt: skip
    ]


# --- (d) one month by team, whole process; (e) reports ------------------------------------------


def bench_command(label: str, args: list[str], cwd: Path, runs: int, limit_s: float) -> Row:
    ts = [timed(cxtk(*args), cwd=cwd)]
    if not_implemented(ts[0]):
        return Row(label, NA, target=f"< {limit_s:g} s")
    if ts[0].code != 0:
        return Row(
            label, f"exit {ts[0].code}: {last_line(ts[0].err)}", target=f"< {limit_s:g} s", result="FAIL"
        )
    ts += [timed(cxtk(*args), cwd=cwd) for _ in range(runs - 1)]
    s = median([t.s for t in ts])
    return Row(label, fmt_s(s), target=f"< {limit_s:g} s", result="pass" if s < limit_s else "FAIL")


def bench_kpi_cli(data: Path, runs: int) -> list[Row]:
    return [bench_command("cxtk kpi --period 2026-10 --by team", ["kpi", "--period", "2026-10", "--by", "team"],
                          data, runs, 1.0)]  # fmt: skip


def bench_reports(data: Path, runs: int) -> list[Row]:
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for locale, limit in (("en", 10.0), ("zh-CN", 15.0)):
        args = [
            "report",
            "monthly",
            "--period",
            "2026-10",
            "--out",
            str(out / f"monthly-{locale}.pdf"),
            "--locale",
            locale,
        ]
        rows.append(bench_command(f"cxtk report monthly ({locale})", args, data, runs, limit))
    return rows


# --- the table ----------------------------------------------------------------------------------


def machine() -> str:
    model = ""
    try:
        model = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")
            ),
            "",
        )
    except OSError:
        pass
    mem = ""
    try:
        kb = int(
            next(
                ln.split()[1]
                for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")
            )
        )
        mem = f", {kb / 1024**2:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({model or platform.processor() or 'unknown CPU'}){mem}, Python {platform.python_version()}"


def table(rows: list[Row]) -> str:
    head = ["bar", "figure", "reference", "ratio", "target", "result"]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    lines += [
        "| " + " | ".join([r.bar, r.figure, r.reference, r.ratio, r.target, r.result]) + " |" for r in rows
    ]
    return "\n".join(lines)


def workload_line(data: Path) -> str:
    import polars as pl

    from toolkit.ingest.store import scan_store

    n = scan_store(data / "store", "interactions").select(pl.len()).collect().item()
    return f"{n:,} interactions in the store"


def write_readme(text: str) -> None:
    readme = ROOT / "bench" / "README.md"
    start, end = "<!-- latest-results -->", "<!-- /latest-results -->"
    body = readme.read_text() if readme.exists() else f"# Benchmark\n\n{start}\n{end}\n"
    if start not in body:
        body += f"\n{start}\n{end}\n"
    before, rest = body.split(start, 1)
    after = rest.split(end, 1)[1] if end in rest else ""
    readme.write_text(f"{before}{start}\n{text}\n{end}{after}")


BARS = {
    "kpis": lambda d, n: bench_full_kpis(d, n),
    "help": lambda d, n: bench_help(n),
    "ingest": lambda d, n: bench_ingest(d, n),
    "kpi-cli": lambda d, n: bench_kpi_cli(d, n),
    "report": lambda d, n: bench_reports(d, n),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Measure the performance bars of quality.md.")
    ap.add_argument(
        "--data", type=Path, default=ROOT / "bench" / "data", help="folder written by bench/gen.py"
    )
    ap.add_argument("--runs", type=int, default=3, help="runs per figure (the median is reported)")
    ap.add_argument("--only", default=",".join(BARS), help=f"comma-separated subset of: {', '.join(BARS)}")
    ap.add_argument("--readme", action="store_true", help="write the table into bench/README.md")
    a = ap.parse_args(argv)
    data = a.data.resolve()
    if not (data / "store" / "interactions").is_dir():
        print(f"no workload in {data}: run `python bench/gen.py --out {data}` first", file=sys.stderr)
        return 1
    rows: list[Row] = []
    for name in a.only.split(","):
        if name not in BARS:
            print(f"unknown bar '{name}'; choose from: {', '.join(BARS)}", file=sys.stderr)
            return 2
        t0 = time.perf_counter()
        rows += BARS[name](data, a.runs)
        print(f"[{name}: {time.perf_counter() - t0:.0f} s]", file=sys.stderr, flush=True)
    text = (
        f"Measured {date.today().isoformat()} on {machine()}; {workload_line(data)}; "
        f"median of {a.runs} run(s).\n\n{table(rows)}"
    )
    print(text)
    if a.readme:
        write_readme(text)
    return 1 if any(r.result == "FAIL" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
