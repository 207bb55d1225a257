"""`cxtk init` writes a valid, commented workspace; `cxtk demo` builds and ingests the sample centre."""

from __future__ import annotations

import polars as pl

from toolkit.core.config import load_config
from toolkit.ingest.store import read_log, scan_store


def test_init_writes_a_valid_commented_config(cli, tmp_path):
    r = cli("init", tmp_path / "acme")
    assert r.code == 0, r.err
    config_path = tmp_path / "acme" / "cxtk.yaml"
    text = config_path.read_text(encoding="utf-8")
    assert "# cxtk workspace configuration" in text
    config = load_config(config_path)  # the example must itself be valid
    assert config.targets["fcr_rate"].target == 0.85
    assert (tmp_path / "acme" / "brand" / "logo.svg").read_text().startswith("<svg")


def test_init_refuses_to_overwrite(cli, tmp_path):
    assert cli("init", tmp_path).code == 0
    r = cli("init", tmp_path)
    assert r.code == 1
    assert r.err.strip() == f"Error: {tmp_path / 'cxtk.yaml'} already exists; choose an empty folder or edit that file"


def test_demo_ingests_every_dataset_with_balanced_accounting(cli, tmp_path):
    r = cli("--quiet", "demo", "--out", tmp_path / "demo", "--scale", "0.05", "--no-reports")
    assert r.code == 0, r.err
    store = tmp_path / "demo" / "workspace" / "store"
    log = read_log(store)
    datasets = {entry["dataset"] for entry in log}
    assert datasets == {"interactions", "surveys", "qa", "agent-status", "actions"}
    for entry in log:
        assert entry["read"] == entry["accepted"] + entry["rejected"] + entry["duplicate"] + entry["skipped"]
    # the GB18030 Chinese ACD export went through the cn-acd mapping, its 合计 rows skipped
    calls = [e for e in log if e["file"].endswith(".csv") and "calls-" in e["file"]]
    assert len(calls) == 13
    assert all(e["mapping"] == "cn-acd" and e["encoding"] == "gb18030" and e["skipped"] == 1 for e in calls)
    stored = scan_store(store, "interactions").select(pl.len()).collect().item()
    assert stored == sum(e["accepted"] for e in log if e["dataset"] == "interactions")
    assert "Sample workspace:" in r.out
