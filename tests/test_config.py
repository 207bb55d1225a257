"""cxtk.yaml validation: exact messages with file, line and accepted values; an empty file is valid."""

from __future__ import annotations

import pytest
from helpers_ingest import make_workspace

ACCEPTED = ("name, locale, timezone, store, templates, brand, definitions, targets, team_targets, benchmarks, "
            "mappings, outages, notes")


def _error(tmp_path, text: str) -> str:
    from toolkit.core.config import load_config
    from toolkit.core.errors import ConfigError

    path = make_workspace(tmp_path, text) / "cxtk.yaml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value).replace(str(path), "cxtk.yaml")


def test_empty_config_is_valid(tmp_path):
    from toolkit.core.config import load_config

    config = load_config(make_workspace(tmp_path, "") / "cxtk.yaml")
    assert (config.locale, config.timezone, config.store) == ("en", "UTC", "store")
    assert config.store_dir == (tmp_path / "store").resolve()
    assert config.definitions.service_level_threshold_s == 20


def test_comment_only_config_is_valid(tmp_path):
    from toolkit.core.config import load_config

    assert load_config(make_workspace(tmp_path, "# nothing yet\n") / "cxtk.yaml").name == "Service Centre"


def test_unknown_key_names_line_and_accepted_keys(tmp_path):
    assert _error(tmp_path, "name: Acme\ncolour: red\n") == (
        f"cxtk.yaml, line 2: unknown key 'colour'; accepted keys: {ACCEPTED}")


def test_root_is_not_a_setting(tmp_path):
    # `root` is an internal field (where the file was found); it used to be accepted silently
    assert _error(tmp_path, "root: /etc\n") == f"cxtk.yaml, line 1: unknown key 'root'; accepted keys: {ACCEPTED}"


def test_unknown_nested_key_lists_that_level(tmp_path):
    assert _error(tmp_path, "brand:\n  primary: \"#000000\"\n  colour: red\n") == (
        "cxtk.yaml, line 3: unknown key 'colour'; accepted keys: logo, primary, accent, font, footer, confidential"
        " (under 'brand')")


def test_bad_locale_lists_accepted_values(tmp_path):
    assert _error(tmp_path, "name: X\nlocale: fr\n") == "cxtk.yaml, line 2: 'locale': Input should be 'en' or 'zh-CN'"


def test_footer_per_locale_names_a_wrong_locale(tmp_path):
    text = "brand:\n  footer:\n    en: Internal\n    zh: 内部\n"
    assert _error(tmp_path, text) == "cxtk.yaml, line 4: 'brand.footer' has key 'zh': input should be 'en' or 'zh-CN'"


def test_bad_colour(tmp_path):
    assert _error(tmp_path, "brand:\n  accent: orange\n") == (
        "cxtk.yaml, line 2: 'brand.accent': 'orange' is not a colour; write it as #RRGGBB, e.g. \"#0B5FFF\"")


def test_bad_timezone(tmp_path):
    assert _error(tmp_path, "timezone: Mars/Olympus\n") == (
        "cxtk.yaml, line 1: 'timezone': unknown time zone 'Mars/Olympus'; use an IANA name such as Asia/Shanghai or UTC")


def test_invalid_yaml_names_line(tmp_path):
    assert _error(tmp_path, "name: X\nbrand: [\n") .startswith("cxtk.yaml, line 3: invalid YAML")


def test_top_level_list_is_an_error(tmp_path):
    assert _error(tmp_path, "- a\n- b\n") == (
        "cxtk.yaml: expected a mapping of keys (name:, targets:, …) at the top level")


def test_cli_reports_config_error_in_one_line(cli, tmp_path):
    ws = make_workspace(tmp_path, "locale: fr\n")
    (tmp_path / "a.csv").write_text("interaction_id,channel,arrived_at\n", encoding="utf-8")
    r = cli("--config", ws / "cxtk.yaml", "ingest", "interactions", tmp_path / "a.csv")
    assert r.code == 1
    assert r.err == f"Error: {ws / 'cxtk.yaml'}, line 1: 'locale': Input should be 'en' or 'zh-CN'\n"
