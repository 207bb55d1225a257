"""KPI exports: JSON contract, CSV/XLSX formula neutralising (numbers stay numbers), Parquet."""

import json

import polars as pl
import pytest

from toolkit.core.config import Config
from toolkit.core.errors import CxtkError
from toolkit.core.periods import parse_period
from toolkit.kpis.compute import compute_kpis
from toolkit.kpis.frames import frame_of
from toolkit.report.export import write_kpis


@pytest.fixture
def result():
    rows = [
        dict(interaction_id="1", channel="phone", team="=HYPERLINK(\"x\")", arrived_at="2026-10-01 09:00",
             answered_at="2026-10-01 09:00:45", wait_s=45.0),
        dict(interaction_id="2", channel="phone", team="B", arrived_at="2026-10-01 09:00",
             answered_at="2026-10-01 09:00:12", wait_s=12.345),
    ]
    cfg = Config(targets={"asa_s": {"target": 30, "weight": 1}})
    return compute_kpis({"interactions": frame_of("interactions", rows)}, parse_period("2026-10"), by=["team"],
                        kpis=["asa_s", "answer_rate", "csat"], config=cfg)


def test_json_contract(result, tmp_path):
    out = tmp_path / "k.json"
    write_kpis(result, "json", out)
    data = json.loads(out.read_text())
    assert data["period"] == {"label": "2026-10", "start": "2026-10-01", "end": "2026-10-31"}
    assert data["definitions"]["service_level_threshold_s"] == 20
    b = next(g for g in data["groups"] if g["keys"] == {"team": "B"})
    asa = b["kpis"]["asa_s"]
    # full precision (issue 10, item 5): 12.345 s as it is; target 30 s → achievement 30 / 12.345 = 2.43013…;
    # gap 12.345 − 30 = −17.655
    assert asa["value"] == 12.345 and asa["achievement"] == 30 / 12.345 and asa["met"] is True
    assert asa["gap"] == pytest.approx(-17.655, abs=1e-12)
    assert set(asa) >= {"value", "n", "target", "achievement", "met", "gap", "ci", "small_sample", "note"}
    assert b["kpis"]["csat"] == {**b["kpis"]["csat"], "value": None, "note": "no surveys data"}
    assert "score" in b and "rank" in b


def test_csv_neutralises_formulas_but_keeps_numbers(result, tmp_path):
    out = tmp_path / "k.csv"
    write_kpis(result, "csv", out)
    text = out.read_text()
    assert "'=HYPERLINK" in text
    back = pl.read_csv(out)
    assert back.filter(pl.col("kpi") == "asa_s")["gap"].to_list() == [15.0, pytest.approx(-17.655)]


def test_xlsx_is_formatted_and_safe(result, tmp_path):
    out = tmp_path / "k.xlsx"
    write_kpis(result, "xlsx", out)
    import openpyxl

    ws = openpyxl.load_workbook(out)["KPIs"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["team", "kpi", "unit"]
    cells = {(r[0].value, r[1].value): r for r in ws.iter_rows(min_row=2)}
    asa = cells[("'=HYPERLINK(\"x\")", "asa_s")]
    value = asa[header.index("value")]
    assert value.value == 45 and isinstance(value.value, (int, float))  # a number, not text
    rate = cells[("B", "answer_rate")][header.index("value")]
    assert rate.value == 1.0 and "%" in rate.number_format


def test_parquet_round_trip_and_errors(result, tmp_path):
    out = tmp_path / "k.parquet"
    write_kpis(result, "parquet", out)
    assert pl.read_parquet(out).height == 6  # 2 teams × 3 KPIs
    with pytest.raises(CxtkError, match="--out"):
        write_kpis(result, "xlsx", None)
    with pytest.raises(CxtkError, match="unknown format"):
        write_kpis(result, "pdf", tmp_path / "x.pdf")
