"""Outputs are atomic too (issue 11, item 8; the output parts of item 10).

Every file cxtk writes for a person goes to a temporary name in the same folder and is renamed
(``toolkit.core.outputs.atomic_write``). Each test puts an earlier file at the output path, breaks
the write — a writer that raises, a full disk, a kill -9, a read-only folder — and asserts that the
earlier file is byte-identical, that no partial or temporary file is left, and that the user reads
one line naming the output and the reason, not a traceback (and not the input file blamed).
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers_fs import can_mount_tmpfs, cxtk_env, run_readonly
from helpers_ingest import make_workspace

OLD = b"an earlier report, which must survive\n"
CALLS = """interaction_id,channel,team,customer_id,arrived_at,answered_at,ended_at,talk_s,resolved,complaint,csat
1,phone,A,k1,2026-10-01 09:00:00,2026-10-01 09:00:10,2026-10-01 09:03:00,170,Y,N,1
2,phone,A,k2,2026-10-01 09:05:00,2026-10-01 09:05:50,2026-10-01 09:09:00,190,Y,N,5
3,phone,B,k3,2026-10-02 09:00:00,,,,N,N,
4,chat,B,k1,2026-10-03 10:00:00,2026-10-03 10:00:30,2026-10-03 10:10:00,570,N,Y,2
"""
FULL = "free some space on that disk and run it again"


def one_line(err: str) -> str:
    assert "Traceback" not in err and "Exception ignored" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def ws(tmp_path, cli, monkeypatch):
    """A workspace with four October contacts (three survey ratings); the current folder."""
    ws = make_workspace(tmp_path / "ws")
    (ws / "calls.csv").write_text(CALLS, encoding="utf-8")
    monkeypatch.chdir(ws)
    assert cli("ingest", "interactions", "calls.csv").code == 0
    return ws


def _left(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# --- a writer that fails mid-write ---------------------------------------------------------------


def test_a_report_writer_that_raises_mid_write_leaves_the_old_pdf_and_no_temp(tmp_path, monkeypatch):
    import weasyprint

    from toolkit.core.resources import asset_dir
    from toolkit.report.render import render_pdf

    out = tmp_path / "monthly.pdf"
    out.write_bytes(OLD)
    written = []

    def half_then_boom(self, target=None, **kwargs):  # type: ignore[no-untyped-def]
        Path(target).write_bytes(b"%PDF-1.7 half a report")  # what a writer leaves when it dies mid-way
        written.append(target)
        raise RuntimeError("the renderer crashed")

    monkeypatch.setattr(weasyprint.Document, "write_pdf", half_then_boom)
    with pytest.raises(RuntimeError, match="the renderer crashed"):
        render_pdf("<p>x</p>", out, base_dir=tmp_path, allowed_dirs=[asset_dir("templates")], locale="en")
    assert written and Path(written[0]) != out  # it was given a temporary name …
    assert Path(written[0]).parent == out.parent  # … in the same folder (so the rename is atomic)
    assert out.read_bytes() == OLD  # was: the half-written PDF under the final name
    assert _left(tmp_path) == ["monthly.pdf"]


def test_a_finished_write_replaces_the_file_keeping_its_permissions(tmp_path):
    from toolkit.core.outputs import atomic_write

    out = tmp_path / "kpis.csv"
    out.write_bytes(OLD)
    out.chmod(0o640)
    with atomic_write(out) as tmp:
        tmp.write_bytes(b"new")
    assert out.read_bytes() == b"new"
    assert out.stat().st_mode & 0o777 == 0o640
    assert _left(tmp_path) == ["kpis.csv"]


def test_a_pipe_or_device_is_written_in_place_never_replaced(tmp_path):
    from toolkit.core.outputs import write_text

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_text(fifo, "through the pipe")  # `--out /dev/stdout` must not replace the device by a file
    reader.join(10)
    assert got == [b"through the pipe"]
    assert fifo.is_fifo()


# --- a full disk, on every output ---------------------------------------------------------------


def _polars_full(self, file=None, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Polars' writers on a full disk: part of the file, then this error (os error 28, no errno)."""
    if file is None or hasattr(file, "write"):
        raise AssertionError("expected a path")
    Path(file).write_bytes(b"half,a,file\n")
    raise OSError("No space left on device (os error 28)")


def _python_full(self, data, *args, **kwargs):  # type: ignore[no-untyped-def]
    with open(self, "w", encoding="utf-8") as out:
        out.write(data[: len(data) // 2])
    raise OSError(errno.ENOSPC, "No space left on device")


def _xlsx_full(result, out):  # type: ignore[no-untyped-def]
    Path(out).write_bytes(b"PK\x03\x04 half a workbook")
    raise OSError(errno.ENOSPC, "No space left on device")


def _pdf_full(self, target=None, **kwargs):  # type: ignore[no-untyped-def]
    Path(target).write_bytes(b"%PDF-1.7 half")
    raise OSError(errno.ENOSPC, "No space left on device")


CASES = {
    "kpi-csv": (("kpi", "--period", "2026-10", "--format", "csv", "--out", "OUT.csv"), "pathlib.Path.write_text", _python_full),
    "kpi-json": (("kpi", "--period", "2026-10", "--format", "json", "--out", "OUT.json"), "pathlib.Path.write_text", _python_full),
    "kpi-xlsx": (("kpi", "--period", "2026-10", "--format", "xlsx", "--out", "OUT.xlsx"), "toolkit.report.export.write_xlsx", _xlsx_full),
    "kpi-parquet": (("kpi", "--period", "2026-10", "--format", "parquet", "--out", "OUT.parquet"), "polars.DataFrame.write_parquet", _polars_full),
    "report-pdf": (("report", "qa", "--period", "2026-10", "--out", "OUT.pdf"), "weasyprint.Document.write_pdf", _pdf_full),
    "report-html": (("report", "qa", "--period", "2026-10", "--out", "r.pdf", "--html", "OUT.html"), "pathlib.Path.write_text", _python_full),
    "qa-sample-csv": (("qa", "sample", "--period", "2026-10", "--size", "2", "--out", "OUT.csv"), "polars.DataFrame.write_csv", _polars_full),
    "followups-csv": (("survey", "followups", "--period", "2026-10", "--format", "csv", "--out", "OUT.csv"), "pathlib.Path.write_text", _python_full),
    "mapping-suggest": (("mapping", "suggest", "calls.csv", "--out", "OUT.yaml"), "pathlib.Path.write_text", _python_full),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_full_disk_is_one_line_and_the_earlier_file_is_kept(ws, cli, monkeypatch, case):
    import importlib

    args, target, fake = CASES[case]
    outdir = ws / "out"
    outdir.mkdir()
    out = outdir / Path(args[-1]).name
    args = (*args[:-1], out)
    if case == "report-html":
        (outdir / "r.pdf").write_bytes(OLD)
    out.write_bytes(OLD)
    module, _, attr = target.rpartition(".")
    try:
        owner = importlib.import_module(module)
    except ModuleNotFoundError:  # a class attribute: module.Class.method
        module, _, cls = module.rpartition(".")
        owner = getattr(importlib.import_module(module), cls)
    monkeypatch.setattr(owner, attr, fake)
    r = cli(*args)
    monkeypatch.undo()
    assert out.read_bytes() == OLD  # was: truncated or half-written (and for some, a traceback)
    assert r.code == 1
    assert one_line(r.err) == f"Error: {out}: cannot write it (No space left on device); {FULL}"
    assert _left(outdir) == sorted(["r.pdf", out.name]) if case == "report-html" else [out.name]


def test_a_full_disk_writing_rejects_is_one_line_and_nothing_is_ingested(ws, cli, monkeypatch):
    import polars as pl
    from helpers_ingest import parquet_hashes

    bad = ws / "bad.csv"
    bad.write_text(CALLS.replace("1,phone,A", "9,fax,A", 1), encoding="utf-8")
    assert cli("ingest", "interactions", "bad.csv").code == 0
    (rejects,) = (ws / "rejects").iterdir()
    rejects.write_bytes(OLD)  # an earlier rejects file of the same export
    before = parquet_hashes(ws)
    monkeypatch.setattr(pl.DataFrame, "write_csv", _polars_full)
    r = cli("ingest", "interactions", "bad.csv")
    monkeypatch.undo()
    assert r.code == 1
    assert one_line(r.err) == f"Error: {rejects}: cannot write it (No space left on device); {FULL}"
    assert "bad.csv:" not in r.err  # the input file is not blamed
    assert rejects.read_bytes() == OLD
    assert _left(ws / "rejects") == [rejects.name]
    assert parquet_hashes(ws) == before


def test_a_real_full_disk_keeps_the_earlier_workbook(ws, tmp_path):
    """A real full file system (a small tmpfs in a private mount namespace; skipped where that is
    not allowed): xlsxwriter fails at close, the message is one line, the earlier file stays."""
    if not can_mount_tmpfs():
        pytest.skip("needs root and unshare to mount a small tmpfs")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    script = (
        'mount -t tmpfs -o size=256k tmpfs "$1" || exit 97\n'
        'cp "$2" "$1/kpis.xlsx"\n'
        'dd if=/dev/zero of="$1/filler" bs=1k 2>/dev/null; truncate -s -2K "$1/filler"\n'
        '"$3" -m toolkit kpi --period 2026-10 --by team --format xlsx --out "$1/kpis.xlsx" 2> "$4/err.txt"\n'
        'echo $? > "$4/rc.txt"; cp "$1/kpis.xlsx" "$4/after.xlsx"; ls -a "$1" > "$4/ls.txt"\n'
    )
    old = tmp_path / "old.xlsx"
    old.write_bytes(OLD * 20)
    done = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(mnt), str(old), sys.executable, str(out)],
                          cwd=ws, env=cxtk_env(), capture_output=True, text=True, timeout=180)
    if done.returncode == 97:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr[:200]}")
    assert (out / "rc.txt").read_text().strip() == "1", (out / "err.txt").read_text()
    assert one_line((out / "err.txt").read_text()) == (
        f"Error: {mnt / 'kpis.xlsx'}: cannot write it (No space left on device); {FULL}"
    )
    assert (out / "after.xlsx").read_bytes() == OLD * 20
    assert sorted((out / "ls.txt").read_text().split()) == [".", "..", "filler", "kpis.xlsx"]


# --- kill -9 while writing ------------------------------------------------------------------------

WRITER = r"""
import sys, time
from pathlib import Path
import polars as pl
from toolkit.qa.reviews import write_worksheet

def slow_csv(self, file, **kwargs):
    # a big export: the file is opened (truncated) first and written in pieces, as Polars does
    text = self.write_csv(None, **{k: v for k, v in kwargs.items() if k != "include_bom"})
    with open(file, "w", encoding="utf-8") as out:
        for i in range(0, len(text), 4096):
            out.write(text[i:i + 4096]); out.flush(); time.sleep(0.01)

n = 20_000
sheet = pl.DataFrame({"review_id": [f"QA-{i:05d}" for i in range(n)], "comment": ["a long comment " * 4] * n})
real = pl.DataFrame.write_csv
pl.DataFrame.write_csv = lambda self, file=None, **kw: real(self, None, **kw) if file is None else slow_csv(self, file, **kw)
print("writing", flush=True)
write_worksheet(sheet, Path(sys.argv[1]))
print("done", flush=True)
"""


def test_kill_9_while_writing_a_big_export_leaves_the_earlier_file(tmp_path):
    out = tmp_path / "review.csv"
    out.write_bytes(OLD)
    rng = random.Random(11)
    for trial in range(3):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(out)], stdout=subprocess.PIPE, text=True,
                                env=cxtk_env())
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        time.sleep(rng.uniform(0.5, 1.5))
        assert proc.poll() is None, f"trial {trial}: the write finished before the kill"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert out.read_bytes() == OLD, f"trial {trial}"  # was: a truncated, half-written worksheet
        partial = [n for n in _left(tmp_path) if n != out.name]
        assert len(partial) == 1 and partial[0].startswith(".review.csv."), partial  # it was mid-write
        proc.stdout.close()
    # the next write of that name completes, and removes what the killed writers left
    from toolkit.core.outputs import write_text

    write_text(out, "fresh")
    assert out.read_text() == "fresh"
    assert _left(tmp_path) == ["review.csv"]


# --- read-only folders (item 10) -------------------------------------------------------------------


def test_outputs_into_a_read_only_folder_are_one_line(ws, tmp_path):
    ro = tmp_path / "shared"
    ro.mkdir()
    (ro / "kpis.xlsx").write_bytes(OLD)
    r = run_readonly(ro, ws, "kpi", "--period", "2026-10", "--format", "xlsx", "--out", ro / "kpis.xlsx")
    assert r.returncode == 1
    line = one_line(r.stderr)
    assert line.startswith(f"Error: {ro / 'kpis.xlsx'}: cannot write it (")
    assert (ro / "kpis.xlsx").read_bytes() == OLD
    # --html into a read-only folder (the PDF's folder is writable): was a PermissionError traceback
    r = run_readonly(ro, ws, "report", "qa", "--period", "2026-10", "--out", tmp_path / "qa.pdf", "--html", ro / "qa.html")
    assert r.returncode == 1
    assert one_line(r.stderr).startswith(f"Error: {ro / 'qa.html'}: cannot write it (")
    assert _left(ro) == ["kpis.xlsx"]
