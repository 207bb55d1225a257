"""Bounded resources (issue 11, item 4).

Each test writes the small hostile input the sweep found — a few hundred bytes of nested YAML
aliases, an actions file whose title expands, a 3 MB archive that stands for a gigabyte, a
workbook of one huge cell, a staffing workload of 10¹² contacts — and asserts that cxtk refuses
it with one line naming the file (and the bound), quickly, inside a capped address space
(``resource.setrlimit`` in a subprocess, see ``bounded.py``), leaving no scratch file behind.
The caps: ``core.yamlio`` (MAX_YAML_*), ``ingest.archives`` (MAX_EXPANSION_RATIO, FREE_EXPANSION,
MAX_LINE_BYTES), ``analysis.staffing`` (MAX_TRAFFIC_ERLANGS, MAX_AGENTS).
"""

from __future__ import annotations

import gzip
import io
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bounded import files_under, one_line, run_bounded
from helpers_fs import cxtk_env
from helpers_ingest import make_workspace, store_rows

from toolkit.core.errors import CxtkError

ALIAS_BOMB_LEVELS = 9  # 9⁹ = 387,420,489 values in 9 short lines


def alias_bomb(levels: int, key: str = "bomb", indent: str = "") -> str:
    """``key:`` holding a list whose aliases nest ``levels`` deep: 9**levels values in ~40 bytes a level."""
    lines = [f"{indent}{key}:", f'{indent}  - &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{indent}  - &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def nested_title(levels: int) -> str:
    """A flow list that defines and repeats its own anchors: about 1.1 × 9**(levels - 1) values."""
    parts = ['&l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    parts += [f"&l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "[" + ", ".join(parts) + "]"


CALLS = (
    "interaction_id,channel,arrived_at,answered_at,ended_at,talk_s,resolved,complaint\n"
    "c1,phone,2026-10-01 08:00:00,2026-10-01 08:00:20,2026-10-01 08:05:00,280,Y,N\n"
)
HEADER = b"interaction_id,channel,arrived_at,comment\n"


# --- YAML: aliases, node counts, long strings ------------------------------------------------------


def test_a_361_byte_alias_bomb_cxtk_yaml_is_refused_at_once_in_bounded_memory(tmp_path):
    """Was: 4 s and 1.2 GB for a 361-byte cxtk.yaml (here 9 levels: 13 s and over a GB before the fix)."""
    ws = make_workspace(tmp_path / "ws", "timezone: UTC\n" + alias_bomb(ALIAS_BOMB_LEVELS, "notes"))
    assert (ws / "cxtk.yaml").stat().st_size < 600
    run = run_bounded(ws, "kpi", "--period", "2026-10", limit_mib=512, timeout=60)
    assert run.code == 1
    assert one_line(run.err) == (
        f"Error: {ws / 'cxtk.yaml'}, line 8: its aliases (*name) expand it to more than 250,000 values "
        "(an alias bomb?); write the values out, or repeat fewer of them"
    )
    assert run.seconds < 20


def _rubric(text: str, path: Path) -> None:
    from toolkit.qa.reviews import load_rubric

    load_rubric(path)


def _playbook(text: str, path: Path) -> None:
    from toolkit.loop.actions import load_playbook

    load_playbook(path)


def _actions(text: str, path: Path) -> None:
    from toolkit.loop.actions import load_actions

    load_actions(path)


def _mapping(text: str, path: Path) -> None:
    from toolkit.ingest.mapping import load_mapping_file

    load_mapping_file(path)


def _survey_definition(text: str, path: Path) -> None:
    from toolkit.ingest.surveydefs import load_definitions

    load_definitions([path.parent])


def _themes(text: str, path: Path) -> None:
    from toolkit.survey.themes import load_themes

    load_themes(path)


def _actions_ingest(text: str, path: Path) -> None:
    from toolkit.ingest.readers import read_table

    read_table(path)


READERS = {  # what reads it, the file name, and what the file holds around the bomb
    "qa rubric": (_rubric, "qa-rubric.yaml", "name: r\nareas: []\n"),
    "playbook": (_playbook, "playbook.yaml", ""),
    "actions (load_actions)": (_actions, "actions.yaml", ""),
    "actions (ingest)": (_actions_ingest, "actions.yaml", ""),
    "mapping": (_mapping, "my-acd.yaml", "name: my-acd\ndataset: interactions\nfields: {}\n"),
    "survey definition": (_survey_definition, "post-contact.yaml", "kind: survey\nname: x\n"),
    "themes": (_themes, "themes.yaml", ""),
}


@pytest.mark.parametrize("reader", READERS, ids=list(READERS))
def test_every_yaml_cxtk_reads_refuses_an_alias_bomb_naming_the_file(tmp_path, reader):
    """Six levels (531,441 values): each reader went on to build, validate or print them all."""
    read, name, rest = READERS[reader]
    folder = tmp_path / "surveys"
    folder.mkdir()
    path = folder / name
    text = rest + alias_bomb(6)
    if reader.startswith("actions"):
        text = "- action_id: A1\n  kpi: fcr_rate\n  title: x\n" + alias_bomb(6, "detail", "  ")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CxtkError) as caught:
        read(text, path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line ")
    assert "its aliases (*name) expand it to more than 250,000 values" in message
    assert "\n" not in message


def test_an_actions_file_whose_title_expands_is_refused_and_nothing_is_stored(tmp_path, cli, monkeypatch):
    """Was: an 867-byte actions.yaml stored a 312 MB title; the quarterly report then crashed."""
    ws = make_workspace(tmp_path / "ws")
    monkeypatch.chdir(ws)
    path = ws / "actions.yaml"
    record = "- action_id: A1\n  kpi: fcr_rate\n  owner: Ann\n  opened_on: 2026-10-01\n  title: {}\n"
    # five levels (74,000 values) pass the node cap, but the title written out is over 400 KB
    path.write_text(record.format(nested_title(5)), encoding="utf-8")
    assert path.stat().st_size < 500
    r = cli("ingest", "actions", "actions.yaml")
    assert r.code == 1
    line = one_line(r.err)
    assert line.startswith("Error: actions.yaml, line 1: field 'title' is ")
    assert line.endswith(" characters written out; cxtk reads values of at most 65,536 characters")
    assert store_rows(ws, "actions") == 0
    # nine levels, as in the sweep: the aliases alone pass the cap, and that is said first
    path.write_text(record.format(nested_title(9)), encoding="utf-8")
    assert path.stat().st_size < 867
    r = cli("ingest", "actions", "actions.yaml")
    assert r.code == 1
    assert one_line(r.err) == (
        "Error: actions.yaml, line 5: its aliases (*name) expand it to more than 250,000 values (an alias bomb?); "
        "write the values out, or repeat fewer of them"
    )
    assert store_rows(ws, "actions") == 0
    # the same record with an ordinary title goes in
    path.write_text(record.format("Call back within a day"), encoding="utf-8")
    assert cli("ingest", "actions", "actions.yaml").code == 0
    assert store_rows(ws, "actions") == 1


def test_a_yaml_string_longer_than_the_cap_is_refused_with_its_line(tmp_path, cli):
    ws = make_workspace(tmp_path / "ws", "timezone: UTC\nname: " + "x" * 100_000 + "\n")
    r = cli("--config", ws / "cxtk.yaml", "kpi", "--period", "2026-10")
    assert r.code == 1
    assert one_line(r.err) == (
        f"Error: {ws / 'cxtk.yaml'}, line 2: a value of 100,000 characters; cxtk reads YAML values of at most "
        "65,536 characters"
    )


def test_yaml_nested_deeper_than_the_cap_or_larger_than_16_mib_is_refused(tmp_path):
    from toolkit.core.errors import ConfigError
    from toolkit.core.yamlio import load_yaml

    deep = tmp_path / "deep.yaml"
    deep.write_text("- " * 70 + "x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"deep\.yaml, line 1: nested more than 64 levels deep"):
        load_yaml(deep)
    many = tmp_path / "many.yaml"
    many.write_text("[" + ",".join(["1"] * 260_000) + "]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"many\.yaml: holds more than 250,000 values.*give long lists as CSV"):
        load_yaml(many)
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * (17 << 20) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"big\.yaml: 17\.0 MiB; cxtk reads YAML files of at most 16 MiB"):
        load_yaml(big)


def test_ordinary_anchors_and_merge_keys_still_load(tmp_path):
    from toolkit.core.yamlio import load_yaml

    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {target: 30, weight: 10}\ntargets:\n  asa_s: *b\n  aht_s: {<<: *b, target: 300}\n",
                    encoding="utf-8")
    data, lines = load_yaml(path)
    assert data["targets"] == {"asa_s": {"target": 30, "weight": 10}, "aht_s": {"target": 300, "weight": 10}}
    assert lines.line_of(("targets", "aht_s")) == 4


# --- compressed inputs -----------------------------------------------------------------------------


def _member(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def cell_bomb(path: Path, gib: int = 1) -> Path:
    """A .gz of a header and one row whose last cell is ``gib`` GiB of 'x' (gzip members concatenated)."""
    block = _member(b"x" * (64 << 20))
    with open(path, "wb") as f:
        f.write(_member(HEADER + b"c1,phone,2026-10-01 08:00:00,"))
        for _ in range(16 * gib):
            f.write(block)
        f.write(_member(b"\n"))
    return path


def test_a_small_gz_that_expands_to_a_huge_cell_is_refused_in_bounded_memory_leaving_no_scratch(tmp_path):
    """Was: a 3 MB .gz expanding to a 3 GiB cell aborted the process and left a 3.1 GB file in /tmp."""
    ws = make_workspace(tmp_path / "ws")
    gz = cell_bomb(ws / "calls.csv.gz")
    assert gz.stat().st_size < 2 << 20
    scratch = tmp_path / "tmp"
    run = run_bounded(ws, "ingest", "interactions", "calls.csv.gz", limit_mib=1024, tmpdir=scratch, timeout=120)
    assert run.code == 1
    assert one_line(run.err) == (
        "Error: calls.csv.gz: line 2 is longer than 8 MiB once expanded; no cell of an export is that large "
        "(a compression bomb or not a table?)"
    )
    assert files_under(scratch) == []
    assert store_rows(ws) == 0


def _ratio_bomb(path: Path) -> Path:
    """Identical rows: ~256 MiB of CSV in well under a megabyte (over 500 times smaller)."""
    rows = CALLS.splitlines(keepends=True)[1].encode() * ((64 << 20) // 77)
    block = _member(rows)
    with open(path, "wb") as f:
        f.write(_member(CALLS.splitlines(keepends=True)[0].encode()))
        for _ in range(4):
            f.write(block)
    return path


def test_a_gz_expanding_past_100_times_its_size_is_refused_within_the_cap(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    gz = _ratio_bomb(ws / "calls.csv.gz")
    scratch = tmp_path / "tmp"
    run = run_bounded(ws, "ingest", "interactions", "calls.csv.gz", limit_mib=1024, tmpdir=scratch)
    size = gz.stat().st_size
    allowed = max(64 << 20, 100 * size)  # archives.FREE_EXPANSION, MAX_EXPANSION_RATIO
    assert run.code == 1
    assert one_line(run.err) == (
        f"Error: calls.csv.gz: expands to more than {allowed / (1 << 20):,.0f} MiB, over 100 times its own "
        f"{size / 1024:,.0f} KiB "
        "(a compression bomb?); unpack it yourself if you trust it"
    )
    assert files_under(scratch) == []


def test_a_zip_member_expanding_past_the_cap_is_refused(tmp_path):
    from toolkit.core.errors import InputError
    from toolkit.ingest.readers import read_table

    path = tmp_path / "calls.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("calls.csv", CALLS + CALLS.splitlines(keepends=True)[1] * ((80 << 20) // 77))
    assert path.stat().st_size < 1 << 20
    with pytest.raises(InputError, match=r"calls\.zip: expands to more than 64 MiB, over 100 times its own"):
        read_table(path)


def test_an_ordinary_gz_and_zip_still_read(tmp_path):
    from toolkit.ingest.readers import read_table

    rows = "".join(f"c{i},phone,2026-10-01 08:00:00,2026-10-01 08:00:20,2026-10-01 08:05:00,{i % 600},Y,N\n"
                   for i in range(50_000))
    (tmp_path / "calls.csv.gz").write_bytes(gzip.compress((CALLS + rows).encode()))
    with read_table(tmp_path / "calls.csv.gz") as t, t.reading():
        assert t.frame.collect().height == 50_001


def _workbook_bomb(path: Path, mib: int) -> Path:
    """A valid .xlsx whose one text cell is ``mib`` MiB of 'x' (shared strings compress ~1000:1)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["interaction_id", "channel", "arrived_at", "note"])
    ws.write_row(1, 0, ["c1", "phone", "2026-10-01 08:00:00", "PLACEHOLDER"])
    wb.close()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            z.writestr(info.filename, data.replace(b"PLACEHOLDER", b"x" * (mib << 20)))
    return path


def test_a_workbook_whose_parts_expand_past_the_cap_is_refused_in_bounded_memory(tmp_path):
    """Found in the sweep: a 1.5 MB .xlsx of one 1.5 GB cell took 200 s and 16 GB to read."""
    ws = make_workspace(tmp_path / "ws")
    book = _workbook_bomb(ws / "calls.xlsx", 200)
    run = run_bounded(ws, "mapping", "suggest", "calls.xlsx", limit_mib=1024, timeout=120)
    assert run.code == 1
    assert one_line(run.err) == (
        f"Error: calls.xlsx: its parts expand to 200 MiB, over 100 times the workbook's own "
        f"{book.stat().st_size / 1024:,.0f} KiB (a compression bomb?); save it again in a spreadsheet program "
        "or export it as CSV"
    )
    assert run.seconds < 30


# --- scratch files: one folder per run, cleaned at the start of the next ---------------------------

_LEAVE_SCRATCH = (
    "import os, signal, sys\n"
    "from toolkit.ingest.rawtable import Scratch\n"
    "s = Scratch()\n"
    "p = s.file('calls.csv')\n"
    "p.write_bytes(b'x' * 4096)\n"
    "print(p, flush=True)\n"
    "if sys.argv[1] == 'kill':\n"
    "    os.kill(os.getpid(), signal.SIGKILL)\n"
    "if sys.argv[1] == 'abort':\n"
    "    os.abort()\n"
    "sys.stdin.read()  # 'live': hold the run until told to end\n"
)


def _scratch_run(how: str, tmpdir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", _LEAVE_SCRATCH, how], env={**cxtk_env(), "TMPDIR": str(tmpdir)},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_scratch_left_by_a_killed_or_aborted_run_is_removed_at_the_next_start_and_a_live_one_kept(tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    left = []
    for how in ("kill", "abort"):
        proc = _scratch_run(how, tmpdir)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode in (-signal.SIGKILL, -signal.SIGABRT)
        left.append(Path(out.strip()))
        assert left[-1].is_file()  # a killed run cannot clean up after itself
    live = _scratch_run("live", tmpdir)
    live_file = Path(live.stdout.readline().strip())
    try:
        done = subprocess.run([sys.executable, "-m", "toolkit", "--version"], env={**cxtk_env(), "TMPDIR": str(tmpdir)},
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        for path in left:
            assert not path.exists() and not path.parent.parent.exists(), path  # the dead runs' folders
        assert live_file.is_file()  # a run still going keeps its files
    finally:
        live.communicate("", timeout=60)
    assert live.returncode == 0
    assert not live_file.exists() and not live_file.parent.parent.exists()  # removed at its own exit
    assert files_under(tmpdir) == []


def test_scratch_lives_in_one_private_folder_per_run(tmp_path):
    code = (
        "from toolkit.ingest.rawtable import Scratch\n"
        "a, b = Scratch(), Scratch()\n"
        "print(a.file('x').parent.parent, b.file('y').parent.parent)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env={**cxtk_env(), "TMPDIR": str(tmp_path)},
                          capture_output=True, text=True, timeout=60)
    first, second = map(Path, done.stdout.split())
    assert first == second and first.parent == tmp_path / f"cxtk-scratch-{os.getuid()}"
    assert first.name.startswith(f"run-{first.name.split('-')[1]}-")
    assert (first.parent.stat().st_mode & 0o777) == 0o700


# --- staffing ----------------------------------------------------------------------------------------


def test_erlang_with_a_volume_of_1e12_is_refused_with_the_bound_in_bounded_memory(tmp_path):
    """Was: `cxtk staffing erlang --volume 1e12` asked numpy for 10¹¹ numbers: an out-of-memory traceback."""
    run = run_bounded(tmp_path, "staffing", "erlang", "--volume", "1e12", "--interval-min", "30", "--aht", "180",
                      "--threshold", "20", "--target-sl", "80", limit_mib=1024, timeout=60)
    assert run.code == 1
    assert one_line(run.err) == (
        "Error: the workload is 1e+11 Erlangs (volume 1e+12 per 1800 s × AHT 180 s); Erlang C here sizes at most "
        "100,000 Erlangs, far more than one queue carries — check the volume, interval and AHT (or split the queue)."
    )
    run = run_bounded(tmp_path, "staffing", "erlang", "--volume", "100", "--interval-min", "30", "--aht", "180",
                      "--threshold", "20", "--agents", "1000000000000", limit_mib=1024, timeout=60)
    assert run.code == 1
    assert one_line(run.err) == (
        "Error: agents must be a whole number of 1 or more (at most 1,000,000), got 1000000000000."
    )


def test_erlang_at_the_bound_still_answers_and_by_interval_rows_are_bounded_too():
    import polars as pl

    from toolkit.analysis import staffing

    big = staffing.agents_needed(1_000_000, 1800, 180, 0.8, 20)  # 100,000 Erlangs: the largest allowed
    assert big.traffic_erlangs == 100_000 and 100_000 < big.agents < 101_000
    frame = pl.DataFrame({"volume": [100.0, 1e12], "aht_s": [180.0, 180.0]})
    with pytest.raises(CxtkError, match=r"at most 100,000 Erlangs"):
        staffing.agents_needed_by_interval(frame, target_sl=0.8, threshold_s=20, interval_s=1800)
