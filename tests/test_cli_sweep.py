"""A newcomer's sweep of the CLI: each test is one problem found by misusing a command, now fixed.

Every test asserts the exit code and the one line a user reads (cli.md: exit 1 = one clear line on
stderr naming the file/line/field and what to do, never a traceback; exit 2 = usage error).
"""

from __future__ import annotations

import json

import pytest

CSV = """interaction_id,channel,team,arrived_at,answered_at,wait_s,talk_s
1,phone,A,2026-10-01 09:00:00,2026-10-01 09:00:10,10,100
2,phone,A,2026-10-01 09:05:00,2026-10-01 09:05:50,50,200
3,phone,B,2026-10-02 09:00:00,,40,
"""


def one_line(err: str) -> str:
    """The message a user reads: exactly one line, no traceback."""
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def calls(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_kpi_input_outside_a_workspace_computes(tmp_path, calls, cli, monkeypatch):
    # was: TypeError traceback (load_file called with a keyword it does not take)
    monkeypatch.chdir(tmp_path)
    r = cli("kpi", "--period", "2026-10", "--input", calls, "--kpi", "contacts,asa_s", "--format", "json")
    assert r.code == 0, r.err
    kpis = json.loads(r.out)["groups"][0]["kpis"]
    # 3 calls in October; answered ones waited 10 s and 50 s → ASA (10+50)/2 = 30
    assert kpis["contacts"]["value"] == 3
    assert kpis["asa_s"]["value"] == 30.0


def test_kpi_input_period_without_data(tmp_path, calls, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = cli("kpi", "--period", "2026-09", "--input", calls)
    assert r.code == 1
    assert one_line(r.err) == f"Error: no interactions in 2026-09 ({calls} has 2026-10 … 2026-10)"


QA_CSV = """review_id,interaction_id,agent_id,team,reviewer,reviewed_at,attitude,communication,knowledge,problem_solving
R1,1,a1,A,rev,2026-10-20 10:00:00,5,5,5,3
"""


@pytest.fixture
def workspace(tmp_path, calls, cli, monkeypatch):
    """A workspace with the three calls of October 2026 and one QA review; the current folder."""
    (tmp_path / "cxtk.yaml").write_text("name: t\ntimezone: UTC\n", encoding="utf-8")
    (tmp_path / "qa.csv").write_text(QA_CSV, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli("ingest", "interactions", "calls.csv").code == 0
    assert cli("ingest", "qa", "qa.csv").code == 0
    return tmp_path


def mapping_file(path, arrived_at_sql: str):
    """A mapping of calls.csv whose arrived_at comes from a SQL expression."""
    path.write_text(
        "name: m\ndataset: interactions\nfields:\n  interaction_id: interaction_id\n  channel: channel\n"
        "  answered_at: answered_at\n"
        f"  arrived_at:\n    sql: \"{arrived_at_sql}\"\n",
        encoding="utf-8",
    )
    return path


def test_mapping_sql_with_unknown_column(workspace, cli):
    # was: a page of Polars query plan and a traceback, from deep inside ingest
    mapping_file(workspace / "m.yaml", "arrivd_at || ':00'")
    r = cli("ingest", "interactions", "calls.csv", "--mapping", "m.yaml", "--dry-run")
    assert r.code == 1
    assert one_line(r.err) == (
        "Error: calls.csv: mapping 'm', field 'arrived_at': SQL expression \"arrivd_at || ':00'\" uses column "
        "'arrivd_at', which this file does not have; headers seen: interaction_id, channel, team, arrived_at, "
        "answered_at, wait_s, talk_s"
    )


def test_mapping_sql_with_wrong_type(workspace, cli):
    # was: InvalidOperationError traceback; columns are read as text, so `+ 1` on one cannot work
    mapping_file(workspace / "m.yaml", "arrived_at + 1")
    r = cli("ingest", "interactions", "calls.csv", "--mapping", "m.yaml", "--dry-run")
    assert r.code == 1
    assert one_line(r.err) == (
        "Error: calls.csv: mapping 'm', field 'arrived_at': SQL expression 'arrived_at + 1' fails on this file "
        "(every column is read as text): arithmetic on dtypes str and dyn int is not allowed "
        "(lhs: column 'arrived_at', rhs: expression `dyn int: 1`); try an explicit cast first"
    )


def test_mapping_sql_that_works_still_ingests(workspace, cli):
    mapping_file(workspace / "m.yaml", "arrived_at || ''")
    r = cli("ingest", "interactions", "calls.csv", "--mapping", "m.yaml", "--dry-run", "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["accepted"] == 3


def test_ingest_a_folder(workspace, cli):
    # was: "exports: file not found" for a folder that plainly exists
    (workspace / "exports").mkdir()
    r = cli("ingest", "interactions", "exports")
    assert r.code == 1
    assert one_line(r.err) == "Error: exports: is a folder, not a file; give the export files inside it, e.g. exports/*.csv"


@pytest.mark.parametrize(
    "args",
    [
        ("kpi", "--period", "2026-10", "--format", "json", "--out", "outdir"),
        ("survey", "followups", "--period", "2026-10", "--format", "csv", "--out", "outdir"),
        ("qa", "sample", "--period", "2026-10", "--size", "1", "--out", "outdir"),
        ("mapping", "suggest", "calls.csv", "--out", "outdir"),
    ],
)
def test_out_is_a_folder_is_a_usage_error(workspace, cli, args):
    # was: IsADirectoryError / xlsxwriter FileCreateError tracebacks (cxtk report already said this)
    (workspace / "outdir").mkdir()
    r = cli(*args)
    assert r.code == 2
    assert "Invalid value for '--out': file 'outdir' is a directory." in r.err


def test_qa_summary_period_without_reviews(workspace, cli):
    # was: exit 0 and a table of dashes for a month with no review at all
    r = cli("qa", "summary", "--period", "2026-11", "--format", "json")
    assert r.code == 1 and r.out == ""
    assert one_line(r.err) == (
        "Error: no QA reviews in 2026-11 (the store has 2026-10 … 2026-10); "
        "pick another --period or ingest that month's reviews"
    )
    r = cli("qa", "summary", "--period", "2026-10", "--format", "json")
    assert r.code == 0 and json.loads(r.out)["reviews"] == 1


def test_qa_sample_unknown_stratum_lists_only_contact_fields(workspace, cli):
    # was: the list ended with the sampler's internal column "_p"
    r = cli("qa", "sample", "--period", "2026-10", "--size", "1", "--stratify", "teams", "--out", "s.csv")
    assert r.code == 1
    line = one_line(r.err)
    assert line.startswith("Error: cannot stratify by teams; contact fields: interaction_id, source, channel, ")
    assert ", team, " in line and "_p" not in line


def test_init_on_a_file(tmp_path, cli, monkeypatch):
    # was: FileExistsError traceback from mkdir
    monkeypatch.chdir(tmp_path)
    (tmp_path / "acme").write_text("not a folder", encoding="utf-8")
    r = cli("init", "acme")
    assert r.code == 1
    assert one_line(r.err) == "Error: acme: is a file, not a folder; choose another folder"


def test_init_where_no_folder_can_be_made(tmp_path, cli, monkeypatch):
    # was: FileNotFoundError / NotADirectoryError traceback
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    r = cli("init", "afile/acme")
    assert r.code == 1
    assert one_line(r.err) == "Error: afile/acme: cannot create this folder (Not a directory); choose one you can write to"


def test_demo_never_wipes_a_real_workspace(tmp_path, cli, monkeypatch):
    # was: `cxtk demo --out .` beside a real workspace/ folder deleted it (shutil.rmtree) without asking
    monkeypatch.chdir(tmp_path)
    (tmp_path / "workspace").mkdir()
    (tmp_path / "workspace" / "cxtk.yaml").write_text("name: Our centre\n", encoding="utf-8")
    r = cli("demo", "--out", ".", "--no-reports", "--scale", "0.01")
    assert r.code == 1
    assert one_line(r.err) == "Error: workspace exists and is not a cxtk demo workspace; choose another --out"
    assert (tmp_path / "workspace" / "cxtk.yaml").read_text(encoding="utf-8") == "name: Our centre\n"


def test_quiet_silences_confirmations(workspace, cli):
    # was: --quiet still printed "wrote …" (qa sample), "Wrote …; check it" (mapping suggest), "Next: …" (init)
    r = cli("--quiet", "qa", "sample", "--period", "2026-10", "--size", "1", "--out", "s.csv")
    assert (r.code, r.out, r.err) == (0, "", "")
    assert (workspace / "s.csv").is_file()
    r = cli("--quiet", "mapping", "suggest", "calls.csv", "--out", "m.yaml")
    assert (r.code, r.out, r.err) == (0, "", "")
    assert (workspace / "m.yaml").is_file()
    r = cli("--quiet", "init", "other")
    assert r.code == 0 and "Next:" not in r.out
    # without --quiet the confirmation is there
    r = cli("qa", "sample", "--period", "2026-10", "--size", "1", "--out", "s.csv")
    assert r.code == 0 and r.out.startswith("wrote s.csv: ")


def test_utf16_forced_on_a_file_without_bom(workspace, cli):
    # was: "UnicodeError: UTF-16 stream does not start with BOM" traceback
    r = cli("ingest", "interactions", "calls.csv", "--encoding", "utf-16", "--dry-run")
    assert r.code == 1
    assert one_line(r.err) == (
        "Error: calls.csv: line 1 is not valid utf-16 text — pass --encoding with the file's real encoding "
        "(e.g. utf-8, gb18030, latin-1)"
    )


def test_wrong_encoding_keeps_the_headers_message_short(workspace, cli):
    # was: with utf-16-le forced, the whole file decoded into one "header" and was printed in full
    big = workspace / "big.csv"
    big.write_text(CSV + "".join(f"{i},phone,A,2026-10-03 09:00:00,,5,\n" for i in range(4, 400)), encoding="utf-8")
    r = cli("ingest", "interactions", "big.csv", "--encoding", "utf-16-le", "--dry-run")
    assert r.code == 1
    line = one_line(r.err)
    assert line.startswith("Error: big.csv: no mapping fits its headers (") and len(line) < 600
    assert "…); the canonical interactions mapping needs interaction_id, channel, arrived_at" in line


def test_unreadable_export(workspace, cli, monkeypatch):
    # chmod 000 does not stop root (who runs CI), so the operating system's refusal is simulated
    # where the reader first opens the file; was: PermissionError traceback for a non-root user
    import toolkit.ingest.text_tables

    def refuse(src, *_):
        raise PermissionError(13, "Permission denied", str(src))

    monkeypatch.setattr(toolkit.ingest.text_tables, "read_sample", refuse)
    r = cli("ingest", "interactions", "calls.csv", "--dry-run")
    assert r.code == 1
    assert one_line(r.err) == "Error: calls.csv: cannot be read (permission denied); check the file's permissions"


def test_unreadable_config(workspace, cli, monkeypatch):
    from pathlib import Path

    real = Path.read_text

    def read_text(self, *args, **kwargs):
        if self.name == "cxtk.yaml":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    r = cli("--config", "cxtk.yaml", "kpi", "--period", "2026-10")
    assert r.code == 1
    assert one_line(r.err) == "Error: cxtk.yaml: cannot be read (permission denied); check the file's permissions"


def test_config_pointing_at_a_folder_or_nowhere(workspace, cli):
    # was: "config file not found" for a folder that exists, and no hint for a wrong path
    (workspace / "conf").mkdir()
    r = cli("--config", "conf", "kpi", "--period", "2026-10")
    assert r.code == 1
    assert one_line(r.err) == "Error: conf: is a folder; pass the config file itself, e.g. --config conf/cxtk.yaml"
    r = cli("--config", "nowhere.yaml", "kpi", "--period", "2026-10")
    assert r.code == 1
    assert one_line(r.err) == "Error: nowhere.yaml: config file not found; check the --config path"


@pytest.mark.parametrize(
    "args",
    [
        ("kpi", "--period", "2026-10", "--format", "xlsx", "--out", "/proc/cxtk-k.xlsx"),  # xlsxwriter
        ("kpi", "--period", "2026-10", "--format", "csv", "--out", "/proc/cxtk-k.csv"),  # Python open
        ("qa", "sample", "--period", "2026-10", "--size", "1", "--out", "/proc/cxtk-s.csv"),  # Polars
        ("survey", "followups", "--period", "2026-10", "--format", "csv", "--out", "/proc/cxtk-f.csv"),
        ("mapping", "suggest", "calls.csv", "--out", "/proc/cxtk-m.yaml"),
    ],
)
def test_output_that_cannot_be_written(workspace, cli, args):
    # /proc refuses new files even to root; was: FileNotFoundError / FileCreateError tracebacks
    if args[0] == "survey":
        (workspace / "surveys.csv").write_text(
            "response_id,interaction_id,sent_at,responded_at,csat\nS1,1,2026-10-01 09:30:00,2026-10-01 10:00:00,1\n", encoding="utf-8"
        )
        assert cli("ingest", "surveys", "surveys.csv").code == 0
    r = cli(*args)
    assert r.code == 1
    assert one_line(r.err) == (
        f"Error: {args[-1]}: cannot write it (No such file or directory); check the folder exists and is "
        "writable and that the file is not open in another program"
    )


def test_writing_names_a_locked_output_but_not_other_files(tmp_path):
    from toolkit.core.errors import CxtkError, writing

    out = tmp_path / "kpis.xlsx"
    # the analyst's usual case: the workbook is open in Excel
    with pytest.raises(CxtkError) as info, writing(out):
        raise PermissionError(13, "Permission denied", str(out))
    assert str(info.value) == (
        f"{out}: cannot write it (Permission denied); check the folder exists and is writable "
        "and that the file is not open in another program"
    )
    # an OSError about another file (a template, a logo) is not blamed on the output
    with pytest.raises(FileNotFoundError), writing(out):
        raise FileNotFoundError(2, "No such file or directory", str(tmp_path / "logo.svg"))


@pytest.mark.parametrize(
    ("period", "why"),
    [
        # was: "Invalid week: 54" (Python's words, capitalised mid-sentence, no range)
        ("2026-W54", "week 54 does not exist (2026 has ISO weeks 1–53)"),
        ("2025-W53", "week 53 does not exist (2025 has ISO weeks 1–52)"),
        # was: "day is out of range for month", without saying which day
        ("2026-10-32..2026-11-01", "2026-10-32 is not a day of the calendar"),
        ("2026-02-29..2026-03-01", "2026-02-29 is not a day of the calendar"),
        ("2026-13", "month 13 does not exist"),
    ],
)
def test_impossible_periods_say_what_is_wrong(cli, period, why):
    r = cli("kpi", "--period", period)
    assert r.code == 1
    assert one_line(r.err) == (
        f"Error: period '{period}': {why}; accepted forms: 2026-10 (month), 2026-Q3 (quarter), "
        "2026-W41 (ISO week), 2026 (year), 2026-10-01..2026-10-15 (days)"
    )


def test_week_53_of_a_long_year_is_accepted():
    from toolkit.core.periods import parse_period

    # 2026 starts on a Thursday, so it has 53 ISO weeks; W53 = Mon 28 Dec 2026 … Sun 3 Jan 2027
    assert parse_period("2026-W53").to_dict() == {"label": "2026-W53", "start": "2026-12-28", "end": "2027-01-03"}


@pytest.mark.parametrize(
    ("field", "why"),
    [
        # was: "…'fields.interaction_id.str': Input should be a valid string; …'fields.interaction_id.int': …;
        #       …'fields.interaction_id.function-after[_one_source(), FieldSpec]': give exactly one of …"
        ("{column: interaction_id, sql: '1'}", "'fields.interaction_id': give exactly one of column, columns, sql or value"),
        # was: the typo drowned among three branch errors, and no list of accepted keys
        ("{colum: interaction_id}", "unknown key 'colum'; accepted keys: column, columns, sql, value, map, unit, format, "
                                    "excel_serial, optional, default (under 'fields.interaction_id')"),
        ("[a, b]", "'fields.interaction_id': Input should be a valid string or a valid integer or a valid dictionary "
                   "or instance of FieldSpec"),
    ],
)
def test_mapping_field_errors_name_the_branch_meant(workspace, cli, field, why):
    (workspace / "m.yaml").write_text(
        f"name: m\ndataset: interactions\nfields:\n  interaction_id: {field}\n  channel: channel\n"
        "  arrived_at: arrived_at\n",
        encoding="utf-8",
    )
    r = cli("ingest", "interactions", "calls.csv", "--mapping", "m.yaml", "--dry-run")
    assert r.code == 1
    assert one_line(r.err) == f"Error: m.yaml, line 4: {why}"
