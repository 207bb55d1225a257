"""A file opened with the mapping that fits it: named, chosen by its headers, or a survey definition's;
a mapping of another dataset is named as such. ``load_file`` reads one export without a store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.core.errors import InputError
from toolkit.ingest.mapping import Mapping, all_mappings, choose_mapping, resolve_mapping
from toolkit.ingest.schema import DATASETS, Dataset, dataset


def open_export(path: Path, ds: Dataset, mapping: Mapping | None, config: Any, encoding: str | None,
          sheet: str | int | None) -> tuple[Any, Mapping]:
    """Read the file and pick its mapping (the given one, or the best match of its headers)."""
    from toolkit.ingest.readers import read_table

    if mapping is not None:
        raw = read_table(
            path,
            encoding=encoding or mapping.encoding,
            sheet=sheet if sheet is not None else mapping.sheet,
            header_row=mapping.header_row,
            expected_headers=mapping.expected_headers(),
        )
        if mapping.dataset != ds.name:
            raw.close()
            raise InputError(
                f"{path}: mapping '{mapping.name}' is for {mapping.dataset}, not {ds.name}; "
                f"run `cxtk ingest {mapping.dataset} {path.name} --mapping {mapping.name}` or choose another mapping"
            )
        return raw, mapping
    candidates = [m for m in all_mappings(config).values() if m.dataset == ds.name]
    expected = list(dict.fromkeys(h for m in candidates for h in m.expected_headers()))
    definitions = _survey_definitions(config) if ds.name == "surveys" else {}
    expected += [h for d in definitions.values() for h in _definition_headers(d)]
    raw = read_table(path, encoding=encoding, sheet=sheet, expected_headers=expected)
    chosen = choose_mapping(ds.name, raw.columns, config)
    if chosen is None and definitions:
        chosen = _survey_mapping(raw.columns, definitions, path)
    if chosen is None:
        other = _other_dataset(raw.columns, ds, config)
        raw.close()
        if other is not None:
            raise InputError(
                f"{path}: these look like {other.dataset} rows (mapping '{other.name}' matches its headers), "
                f"not {ds.name}; run `cxtk ingest {other.dataset} {path.name}`"
            )
        # a header cell can be the whole file when the encoding or delimiter is wrong: keep the line short
        seen = ", ".join(c if len(c) <= 40 else c[:39] + "…" for c in raw.columns[:12])
        seen += " …" if len(raw.columns) > 12 else ""
        missing = [f for f in ds.required if f not in raw.columns]
        raise InputError(
            f"{path}: no mapping fits its headers ({seen}); "
            + (f"the canonical {ds.name} mapping needs {', '.join(missing)}; " if missing else "")
            + f"write one with `cxtk mapping suggest {path.name}` and pass it with --mapping"
        )
    if chosen.header_row != "auto" or chosen.encoding or chosen.sheet is not None:
        raw.close()
        return open_export(path, ds, chosen, config, encoding, sheet)
    return raw, chosen


def _survey_definitions(config: Any) -> dict[str, Any]:
    """Survey definitions shipped with cxtk plus the workspace's ``surveys/`` folder."""
    from toolkit.ingest.surveydefs import load_definitions

    extra = [config.root / "surveys"] if config is not None else []
    return load_definitions(extra)


def _definition_headers(defn: Any) -> list[str]:
    names: list[str] = []
    for aliases in defn.fields.values():
        names += list(aliases)
    for q in defn.questions:
        names += list(q.headers)
    return names


def _survey_mapping(headers: Sequence[str], definitions: dict[str, Any], path: Path) -> Mapping | None:
    """A survey batch matched by its question headers becomes a mapping (labels and scales as ``map:``)."""
    from toolkit.ingest.mapping import parse_mapping
    from toolkit.ingest.surveydefs import definition_to_mapping, match_definition

    defn = match_definition(headers, definitions)
    if defn is None:
        return None
    return parse_mapping(definition_to_mapping(defn, headers), f"{path} (survey definition '{defn.name}')")


def _other_dataset(headers: Sequence[str], ds: Dataset, config: Any) -> Mapping | None:
    for name in DATASETS:
        if name != ds.name:
            m = choose_mapping(name, headers, config)
            if m is not None:
                return m
    return None


def load_file(path: Path, dataset_name: str = "interactions", mapping: str | Path | None = None,
              config: Any = None, *, tz: str | None = None) -> Any:
    """Read one export into a canonical DataFrame without a workspace (ad hoc ``--input``).

    Rejected and skipped rows are left out; raises when nothing valid remains.
    """
    import polars as pl

    from toolkit.ingest.validate import validated_frame

    ds = dataset(dataset_name)
    chosen = resolve_mapping(mapping, config) if mapping is not None else None
    raw, m = open_export(Path(path), ds, chosen, config, None, None)
    try:
        zone = tz or (config.timezone if config is not None else "UTC")
        with raw.reading():  # a bad byte, quote or ragged row is one line naming the file, not a traceback
            frame = validated_frame(raw.frame, m, raw.columns, tz=zone, source=m.name, path=path)
            out = frame.filter(~pl.col("__skip") & pl.col("__field").is_null()).collect()
    finally:
        raw.close()
    return out.drop("__line", "__skip", "__field", "__value", "__reason", "__month").unique(
        subset=["source", *ds.id_fields], keep="last", maintain_order=True
    )
