"""A damaged store is named, not fatal (issue 11, item 6; the store parts of item 10).

Each test damages a real workspace the way a crash, a full disk or a stray copy does — a partition
file cut short, a file that is not Parquet or holds another table, a torn last line in the ingest
log, a read-only or full store — and asserts what the user gets: the file named in one line with
what to do, the other months readable, `cxtk store check` / `cxtk store repair` listing and setting
aside the damage with the source files to ingest again.
"""

from __future__ import annotations

import errno
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_fs import can_mount_tmpfs, cxtk_env, run_readonly
from helpers_ingest import live_part, make_workspace, parquet_hashes, store_frame

HEADER = "interaction_id,channel,arrived_at,answered_at,ended_at,talk_s,resolved,complaint,customer_id,csat"
MONTHS = ("2026-08", "2026-09", "2026-10")


def one_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = [x for x in err.strip().splitlines() if not x.startswith("warning: ")]
    assert len(lines) == 1, err
    return lines[0]


def _calls(path: Path, month: str, n: int = 19, prefix: str = "") -> Path:
    rows = [HEADER]
    for d in range(1, n + 1):
        t = f"{month}-{d:02d}"
        rows.append(f"{prefix}{month}-{d},phone,{t} 08:00:00,{t} 08:00:20,{t} 08:05:00,280,Y,N,k{d % 5},{1 + d % 5}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def ws(tmp_path, cli):
    """A workspace with 19 calls (and 19 linked survey ratings) in each of 2026-08, -09 and -10,
    one export file per month."""
    ws = make_workspace(tmp_path / "ws")
    exports = tmp_path / "exports"
    exports.mkdir()
    for m in MONTHS:
        r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", _calls(exports / f"calls-{m}.csv", m))
        assert r.code == 0, r.err
    return ws


def part(ws: Path, month: str, dataset: str = "interactions") -> Path:
    """The month's data file (one ingest per month made it)."""
    return live_part(ws, month, dataset)


def truncate(path: Path) -> bytes:
    data = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(data)
    return data


def kpi(cli, ws, period, kpis="contacts"):  # type: ignore[no-untyped-def]
    return cli("--config", ws / "cxtk.yaml", "kpi", "--period", period, "--kpi", kpis, "--format", "json")


def contacts(r) -> int:  # type: ignore[no-untyped-def]
    assert r.code == 0, r.err
    return json.loads(r.out)["groups"][0]["kpis"]["contacts"]["value"]


def damaged_line(path: Path, reason: str, what: str) -> str:
    return (
        f"Error: {path}: damaged store file ({reason}); {what} — run `cxtk store repair` to set it aside "
        "and see which source files to ingest again"
    )


def test_a_truncated_month_is_named_and_the_other_months_stay_readable(ws, cli):
    sep = part(ws, "2026-09")
    size = len(truncate(sep))
    # was: every command, whatever its period, died with a Polars traceback about the footer
    assert contacts(kpi(cli, ws, "2026-10")) == 19
    assert contacts(kpi(cli, ws, "2026-08", "contacts,asa_s,abandon_rate")) == 19
    reason = f"truncated Parquet file ({size:,} bytes, its footer is missing)"
    for period in ("2026-09", "2026-Q3", "2026-09-10..2026-09-12"):
        r = kpi(cli, ws, period)
        assert r.code == 1
        assert one_line(r.err) == damaged_line(sep, reason, "interactions of 2026-09 cannot be read")
    # plain reading leaves the damaged month out, it does not fail
    stored = store_frame(ws)
    assert stored.height == 38
    assert sorted({t.strftime("%Y-%m") for t in stored["arrived_at"]}) == ["2026-08", "2026-10"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"interaction_id,channel\nx,phone\n", "not a Parquet file"),
        (None, "foreign Parquet file, not interactions: no column interaction_id, source, channel, direction …; "
               "unknown column x"),
    ],
    ids=["csv-bytes", "another-table"],
)
def test_a_foreign_file_in_a_partition_is_named(ws, cli, content, reason):
    import polars as pl

    sep = part(ws, "2026-09")
    if content is None:
        pl.DataFrame({"x": [1, 2]}).write_parquet(sep)  # a valid Parquet file of some other table
    else:
        sep.write_bytes(content)
    assert contacts(kpi(cli, ws, "2026-10")) == 19
    r = kpi(cli, ws, "2026-09")
    assert r.code == 1
    assert one_line(r.err) == damaged_line(sep, reason, "interactions of 2026-09 cannot be read")


def test_a_damaged_survey_month_is_named_by_the_survey_commands(ws, cli):
    sep = part(ws, "2026-09", "surveys")
    truncate(sep)
    ok = cli("--config", ws / "cxtk.yaml", "survey", "summary", "--period", "2026-10", "--format", "json")
    assert ok.code == 0, ok.err
    r = cli("--config", ws / "cxtk.yaml", "survey", "summary", "--period", "2026-09")
    assert r.code == 1
    assert one_line(r.err).startswith(f"Error: {sep}: damaged store file (truncated Parquet file")
    assert "surveys of 2026-09 cannot be read" in r.err


def test_a_report_over_other_months_renders_and_warns_about_the_trend(ws, cli, tmp_path):
    aug = part(ws, "2026-08")
    truncate(aug)
    out = tmp_path / "monthly.pdf"
    r = cli("--config", ws / "cxtk.yaml", "report", "monthly", "--period", "2026-10", "--out", out)
    assert r.code == 0, r.err
    assert out.read_bytes().startswith(b"%PDF")
    # the 13-month trend goes on without August, and says so, naming the file
    warning = [x for x in r.err.splitlines() if x.startswith("warning: ")]
    assert warning and all(str(aug) in x and "`cxtk store repair`" in x for x in warning), r.err
    assert "Traceback" not in r.err
    r = cli("--config", ws / "cxtk.yaml", "report", "monthly", "--period", "2026-08", "--out", tmp_path / "aug.pdf")
    assert r.code == 1
    assert one_line(r.err).startswith(f"Error: {aug}: damaged store file")
    assert not (tmp_path / "aug.pdf").exists()


def test_a_comparison_whose_baseline_month_is_damaged_has_no_baseline_rather_than_a_wrong_one(ws, cli):
    sep = part(ws, "2026-09")
    truncate(sep)
    r = cli("--config", ws / "cxtk.yaml", "compare", "--period", "2026-10", "--against", "previous",
            "--kpi", "contacts", "--format", "json")
    assert r.code == 0, r.err
    kpi_ = json.loads(r.out)["groups"][0]["kpis"]["contacts"]
    assert (kpi_["value"], kpi_["baseline"], kpi_["change"]) == (19, None, None)  # not "+19 against 0"
    assert f"warning: {sep}: damaged store file" in r.err
    assert "the interactions figures of 2026-09 are not computed" in r.err


def test_store_check_lists_the_damaged_files_and_the_exports_that_fed_them(ws, cli, tmp_path):
    r = cli("--config", ws / "cxtk.yaml", "store", "check")
    assert r.code == 0, r.err
    assert "the store is intact (6 files, 3 ingest-log entries)" in r.out
    truncate(part(ws, "2026-09"))
    part(ws, "2026-10", "surveys").write_bytes(b"not parquet at all")
    r = cli("--config", ws / "cxtk.yaml", "store", "check", "--format", "json")
    assert r.code == 1
    report = json.loads(r.out)
    found = {(d["dataset"], d["month"]): d for d in report["damaged"]}
    assert set(found) == {("interactions", "2026-09"), ("surveys", "2026-10")}
    # the log records which months each export fed: only that month's export is named
    assert [s["path"] for s in found["interactions", "2026-09"]["sources"]] == [str(tmp_path / "exports/calls-2026-09.csv")]
    assert [s["path"] for s in found["surveys", "2026-10"]["sources"]] == [str(tmp_path / "exports/calls-2026-10.csv")]
    human = cli("--config", ws / "cxtk.yaml", "store", "check")
    assert human.code == 1
    assert f"DAMAGED {part(ws, '2026-09')}: truncated Parquet file" in human.out
    assert f"fed by {tmp_path / 'exports/calls-2026-09.csv'}" in human.out
    assert "calls-2026-08.csv" not in human.out


def test_store_repair_quarantines_the_file_and_names_what_to_ingest_again(ws, cli, tmp_path):
    sep = part(ws, "2026-09")
    damaged = truncate(sep)
    others = {k: v for k, v in parquet_hashes(ws).items() if "month=2026-09" not in k or "surveys" in k}
    r = cli("--config", ws / "cxtk.yaml", "store", "repair")
    assert r.code == 0, r.err
    moved = list((ws / "store" / "quarantine").glob(f"*/interactions/month=2026-09/{sep.name}"))
    assert len(moved) == 1 and moved[0].read_bytes() == damaged  # set aside, not deleted
    assert json.loads((moved[0].parents[2] / "manifest.json").read_text())["damaged"][0]["file"] == str(sep)
    export = tmp_path / "exports" / "calls-2026-09.csv"
    command = f"cxtk ingest interactions {export} --mapping canonical"
    assert f"  {command}" in r.out.splitlines()  # the command to run, on its own line
    assert not sep.exists()
    assert {k: v for k, v in parquet_hashes(ws).items() if not k.startswith("quarantine")} == others
    assert cli("--config", ws / "cxtk.yaml", "store", "check").code == 0
    assert contacts(kpi(cli, ws, "2026-10")) == 19
    # the printed command brings the month back; the other months' rows are duplicates
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", export, "--mapping", "canonical", "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["accepted"] == 19
    assert contacts(kpi(cli, ws, "2026-Q3")) == 38
    r = cli("--config", ws / "cxtk.yaml", "store", "repair")
    assert r.code == 0 and "Nothing to repair: the store is intact" in r.out


def test_an_ingest_into_a_damaged_store_is_refused_in_one_line_and_writes_nothing(ws, cli, tmp_path):
    sep = part(ws, "2026-09")
    size = len(truncate(sep))
    before = parquet_hashes(ws)
    log = (ws / "store" / "ingest-log.jsonl").read_bytes()
    new = _calls(tmp_path / "more.csv", "2026-10", 3, prefix="new-")
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", new)
    assert r.code == 1
    assert one_line(r.err) == damaged_line(
        sep, f"truncated Parquet file ({size:,} bytes, its footer is missing)", "nothing was ingested into interactions"
    )
    assert parquet_hashes(ws) == before
    assert (ws / "store" / "ingest-log.jsonl").read_bytes() == log


# --- the ingest log --------------------------------------------------------------------------------


def test_a_torn_last_log_line_is_dropped_with_a_warning_and_the_next_ingest_is_whole(ws, cli, tmp_path):
    log_path = ws / "store" / "ingest-log.jsonl"
    good = log_path.read_text(encoding="utf-8").splitlines()
    with open(log_path, "a", encoding="utf-8") as out:
        out.write('{"txn": "cut", "dataset": "interactions", "file": "/x/calls-2026-11.c')  # a full disk's doing
    new = _calls(tmp_path / "more.csv", "2026-10", 2, prefix="new-")
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", new)
    assert r.code == 0, r.err
    assert f"warning: {log_path} line 4 is cut off (a crash or a full disk interrupted its write): dropped" in r.err
    # was: the new entry was appended to the fragment, and every later reader failed on that line
    lines = log_path.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == good
    assert [json.loads(x)["file"] for x in lines[3:]] == [str(new)]
    assert log_path.read_bytes().endswith(b"\n")


def test_a_report_reads_a_log_with_a_torn_line_and_repairs_it(ws, cli, tmp_path):
    log_path = ws / "store" / "ingest-log.jsonl"
    good = log_path.read_bytes()
    log_path.write_bytes(good + b'{"txn": "cut", "dataset": "inter')
    r = cli("--config", ws / "cxtk.yaml", "report", "monthly", "--period", "2026-10", "--out", tmp_path / "m.pdf")
    assert r.code == 0, r.err  # was: json.decoder.JSONDecodeError traceback, no report
    assert f"warning: {log_path} line 4 is cut off" in r.err
    assert log_path.read_bytes() == good  # repaired: the fragment is gone, the entries are kept


def test_entries_glued_to_a_torn_line_by_an_older_version_are_kept():
    from toolkit.ingest.store import parse_log

    a = json.dumps({"txn": "a", "file": "a.csv"})
    b = json.dumps({"txn": "b", "file": "b.csv"})
    c = json.dumps({"txn": "c", "file": "c.csv"})
    # an older cxtk appended after a torn line: the next entry starts on the fragment's line
    raw = f'{a}\n{{"txn": "x", "fi{b}\n{c}\n'.encode()
    log = parse_log(raw)
    assert [e["txn"] for e in log.entries] == ["a", "b", "c"]
    assert [(p.line, p.text, p.torn) for p in log.problems] == [(2, '{"txn": "x", "fi', False)]


def test_a_full_disk_while_writing_the_log_leaves_the_old_log_whole(ws, cli, tmp_path, monkeypatch):
    import builtins

    log_path = ws / "store" / "ingest-log.jsonl"
    before = log_path.read_bytes()
    real_open = builtins.open

    class Full:
        def __init__(self, handle):  # type: ignore[no-untyped-def]
            self.handle = handle

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            self.handle.close()

        def write(self, data):  # type: ignore[no-untyped-def]
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(self.handle, name)

    def full_disk_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        handle = real_open(file, *args, **kwargs)
        return Full(handle) if Path(str(file)).name.startswith("ingest-log.jsonl.tmp-") else handle

    monkeypatch.setattr(builtins, "open", full_disk_open)
    new = _calls(tmp_path / "more.csv", "2026-10", 2, prefix="new-")
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", new)
    monkeypatch.undo()
    assert r.code == 1
    assert one_line(r.err) == (
        f"Error: {ws / 'store'}: cannot write to the store (No space left on device); the ingest is committed; its "
        "log line is completed by the next cxtk command — free some space on that disk and run it again"
    )
    assert log_path.read_bytes() == before  # never half a line
    assert not list((ws / "store").glob("ingest-log.jsonl.tmp-*"))
    # the data is committed; the next command (with space again) finishes the log from the journal
    assert contacts(kpi(cli, ws, "2026-10")) == 21
    lines = log_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and json.loads(lines[-1])["file"] == str(new)


# --- read-only and full stores (item 10) ---------------------------------------------------------


def test_a_full_disk_during_ingest_names_the_store_not_the_input(ws, cli, tmp_path, monkeypatch):
    import polars as pl

    before = parquet_hashes(ws)
    new = _calls(tmp_path / "more.csv", "2026-11", 2, prefix="new-")
    for target in ("staging", "partition"):
        real_sink = pl.LazyFrame.sink_parquet

        def full(self, path, *args, _target=target, _real=real_sink, **kwargs):  # type: ignore[no-untyped-def]
            staging = ".staging" in str(path)
            if staging == (_target == "staging"):
                raise pl.exceptions.ComputeError("parquet: underlying IO error: No space left on device (os error 28)")
            return _real(self, path, *args, **kwargs)

        monkeypatch.setattr(pl.LazyFrame, "sink_parquet", full)
        r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", new)
        monkeypatch.undo()
        assert r.code == 1, target
        # was: "more.csv: cannot be read as csv: … No space left on device" — the input blamed
        assert one_line(r.err) == (
            f"Error: {ws / 'store'}: cannot write to the store (No space left on device); nothing was ingested and "
            "the store is unchanged — free some space on that disk and run it again"
        ), target
        assert str(new) not in r.err
        assert parquet_hashes(ws) == before
        assert not list((ws / "store").rglob("*.tmp-*"))


def test_a_read_only_store_reads_and_refuses_to_ingest_in_one_line(ws, tmp_path):
    store = ws / "store"
    stray = store / "interactions" / "month=2026-10" / "data.parquet.tmp-dead-0"  # a crash's leftover
    stray.write_bytes(b"partial")
    r = run_readonly(store, ws, "kpi", "--period", "2026-10", "--kpi", "contacts", "--format", "json")
    assert r.returncode == 0, r.stderr  # was: PermissionError / OSError traceback from the recovery lock
    assert json.loads(r.stdout)["groups"][0]["kpis"]["contacts"]["value"] == 19
    new = _calls(tmp_path / "more.csv", "2026-11", 2, prefix="new-")
    r = run_readonly(store, ws, "ingest", "interactions", new)
    assert r.returncode == 1
    line = one_line(r.stderr)
    assert line.startswith(f"Error: {store}: cannot write to the store (")
    assert line.endswith("nothing was ingested and the store is unchanged — the store is read-only: make the "
                         "workspace writable (or copy it) to ingest")
    assert str(new) not in line


def test_a_read_only_rejects_folder_is_one_line_and_nothing_is_ingested(ws, tmp_path):
    (ws / "rejects").mkdir()
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nb1,fax,2026-10-01 08:00:00,,,,,,,\nb2,phone,2026-10-01 09:00:00,,,,,,,\n", encoding="utf-8")
    before = parquet_hashes(ws)
    r = run_readonly(ws / "rejects", ws, "ingest", "interactions", bad)
    assert r.returncode == 1
    line = one_line(r.stderr)
    assert line.startswith(f"Error: {ws / 'rejects'}/bad.interactions.") and ".rejects.csv: cannot write it (" in line
    assert parquet_hashes(ws) == before


def test_a_store_on_a_full_disk_keeps_its_state_for_real(ws, tmp_path):
    """A real full file system (a small tmpfs in a private mount namespace; skipped where that is
    not allowed): the ingest fails in one line naming the store, and the store is as before."""
    if not can_mount_tmpfs():
        pytest.skip("needs root and unshare to mount a small tmpfs")
    big = _calls(tmp_path / "big.csv", "2026-11", 40, prefix="x" * 4000)  # ~160 KB of ids: more than is left
    driver = tmp_path / "driver.sh"
    driver.write_text(
        'mount -t tmpfs -o size=2m tmpfs "$1" || exit 97\n'
        'cp -r "$2" "$1/ws" && cd "$1/ws" || exit 98\n'
        'dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null; truncate -s -64K "$1/filler"\n'  # 64 KiB left
        '"$3" -m toolkit ingest interactions "$4" 2> "$5/err.txt"; echo $? > "$5/rc.txt"\n'
        'find store -name "*.parquet" -exec sha256sum {} + > "$5/after.txt"\n'
        'find store > "$5/files.txt"\n',
        encoding="utf-8",
    )
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(["unshare", "-m", "sh", str(driver), str(mnt), str(ws), sys.executable, str(big), str(out)],
                          env=cxtk_env(), capture_output=True, text=True, timeout=180)
    if done.returncode == 97:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr[:200]}")
    assert done.returncode == 0, done.stderr
    assert (out / "rc.txt").read_text().strip() == "1", (out / "err.txt").read_text()
    line = one_line((out / "err.txt").read_text())
    assert line == (
        f"Error: {mnt / 'ws' / 'store'}: cannot write to the store (No space left on device); nothing was "
        "ingested and the store is unchanged — free some space on that disk and run it again"
    )
    expected = {f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(ws)}" for p in (ws / "store").rglob("*.parquet")}
    assert set((out / "after.txt").read_text().splitlines()) == expected
    assert not [n for n in (out / "files.txt").read_text().split() if ".tmp-" in n or ".staging/" in n]
