"""Typed, checked canonical rows from mapped source text.

``validated_frame`` returns a lazy frame with every canonical field parsed to its
store type, the derived fields of data.md (answered, wait_s, abandoned, handle_s…),
and three columns naming the first problem of a row: ``__field``, ``__value``,
``__reason``. A row with a problem goes to the rejects file; the others are stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from toolkit.ingest.mapping import Mapping, recode, resolve_column, skip_expr, source_exprs
from toolkit.ingest.schema import CHANNELS, DIRECTIONS, REALTIME_CHANNELS, Dataset, Field, polars_dtype

TRUE_WORDS = ("y", "yes", "true", "t", "1", "是", "对", "有", "✓", "√", "x")
FALSE_WORDS = ("n", "no", "false", "f", "0", "否", "无", "没有", "-")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d%H%M%S",
)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d.%m.%Y")
# Spellings seen in real exports; anything else must be mapped with `map:`.
SYNONYMS = {
    "channel": {
        "call": "phone", "voice": "phone", "telephone": "phone", "电话": "phone", "语音": "phone", "热线": "phone",
        "webchat": "chat", "web chat": "chat", "live chat": "chat", "im": "chat", "在线": "chat", "在线客服": "chat",
        "e-mail": "email", "mail": "email", "邮件": "email", "电子邮件": "email",
        "web form": "ticket", "form": "ticket", "工单": "ticket",
        "社交": "social", "微博": "social", "微信": "social", "wechat": "social",
        "自助": "ivr", "self-service": "ivr",
    },
    "direction": {"in": "inbound", "呼入": "inbound", "out": "outbound", "呼出": "outbound"},
    "severity": {"一般": "minor", "较严重": "major", "严重": "critical", "low": "minor", "medium": "major",
                 "high": "critical"},
    "status": {"closed": "done", "完成": "done", "已完成": "done", "进行中": "open", "取消": "dropped",
               "cancelled": "dropped", "canceled": "dropped"},
}
EXCEL_EPOCH_US = -2209161600 * 1_000_000  # 1899-12-30 as microseconds since the Unix epoch


def _first(checks: Sequence[tuple[Any, str, Any, Any]]) -> tuple[Any, Any, Any]:
    """Chain (condition, field, value, reason) checks: the first failing one names the problem."""
    import polars as pl

    field_e = value_e = reason_e = None
    for cond, field, value, reason in reversed(checks):
        field_e = pl.when(cond).then(pl.lit(field)).otherwise(field_e if field_e is not None else pl.lit(None))
        value_e = pl.when(cond).then(value.cast(pl.String)).otherwise(
            value_e if value_e is not None else pl.lit(None, dtype=pl.String)
        )
        # a literal template ("{}" stands for the value): no string is built for rows that pass
        reason_e = pl.when(cond).then(pl.lit(reason)).otherwise(reason_e if reason_e is not None else pl.lit(None))
    if field_e is None:
        none = pl.lit(None, dtype=pl.String)
        return none, none, none
    return field_e.cast(pl.String), value_e.cast(pl.String), reason_e.cast(pl.String)


OFFSET_FORMATS = ("%Y-%m-%dT%H:%M:%S%#z", "%Y-%m-%d %H:%M:%S%#z", "%Y-%m-%dT%H:%M:%S%.f%#z")


def best_format(values: Any, candidates: Sequence[str]) -> str:
    """The candidate format that parses most of a sample of values (the first on a tie)."""
    import polars as pl

    sample = values.drop_nulls()
    if sample.len() == 0:
        return candidates[0]
    scores = [
        (sample.str.to_datetime(fmt, strict=False, time_unit="us").is_not_null().sum(), -i, fmt)
        for i, fmt in enumerate(candidates)
    ]
    del pl
    return max(scores)[2]


def _datetime_from(text: Any, fmt: str, tz: str) -> Any:
    if "|" in fmt:  # a column mixing local times and instants with an offset: each row by its form
        import polars as pl

        return pl.coalesce([_datetime_from(text, f, tz) for f in fmt.split("|")])
    parsed = text.str.to_datetime(fmt, strict=False, time_unit="us")
    if "z" in fmt:  # an instant with an offset: convert to the workspace zone
        return parsed.dt.convert_time_zone(tz)
    return parsed.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")


def _excel_datetime(text: Any, tz: str) -> Any:
    import polars as pl

    days = text.cast(pl.Float64, strict=False)
    # Excel's own range (1900 … 9999): beyond it a serial is no date, and must not overflow the cast
    days = pl.when(days.is_between(0, 2_958_466)).then(days)
    us = (days * 86_400_000_000).round(0).cast(pl.Int64) + EXCEL_EPOCH_US
    return us.cast(pl.Datetime("us")).dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")


def _parse_duration(text: Any, unit: str | None) -> Any:
    """Seconds from '125', '1,250.5', '0:03:25', '03:25', '125:00:00' or a number in ms/min/h."""
    import polars as pl

    clean = text.str.replace_all(",", "", literal=True)
    number = clean.cast(pl.Float64, strict=False)
    parts = clean.str.split(":").list.eval(pl.element().cast(pl.Float64, strict=False))
    n = parts.list.len()
    hms = (
        pl.when(n == 3)
        .then(parts.list.get(0, null_on_oob=True) * 3600 + parts.list.get(1, null_on_oob=True) * 60
              + parts.list.get(2, null_on_oob=True))
        .when(n == 2)
        .then(parts.list.get(0, null_on_oob=True) * 60 + parts.list.get(1, null_on_oob=True))
    )
    scale = {"s": 1.0, None: 1.0, "ms": 0.001, "min": 60.0, "h": 3600.0, "hms": 1.0}[unit]
    if unit == "hms":
        return pl.when(clean.str.contains(":", literal=True)).then(hms).otherwise(number)
    return pl.when(clean.str.contains(":", literal=True)).then(hms).otherwise(number * scale)


def _parse_bool(text: Any) -> Any:
    import polars as pl

    t = text.str.to_lowercase()
    return pl.when(t.is_in(TRUE_WORDS)).then(True).when(t.is_in(FALSE_WORDS)).then(False).otherwise(None)


def _parse_choice(name: str, text: Any) -> Any:
    t = text.str.to_lowercase()
    syn = SYNONYMS.get(name, {})
    return recode(t, syn, default=t) if syn else t


Check = tuple[Any, str, Any, str]  # (condition, field, value shown, reason template with "{}" for the value)


def reason_expr() -> Any:
    """The reason of a rejected row: its template with the value filled in (only rejected rows pay for it)."""
    import polars as pl

    return pl.col("__reason").str.replace("{}", pl.col("__value").fill_null(""), literal=True)


def _typed(f: Field, txt: Any, m: Mapping, tz: str, formats: dict[str, str]) -> Any:
    """The typed value of one field from its trimmed text (null when it does not parse)."""
    import polars as pl

    spec = m.specs().get(f.name)
    if f.kind == "str":
        return _parse_choice(f.name, txt) if f.choices else txt
    if f.kind == "datetime":
        if spec is not None and spec.excel_serial:
            return _excel_datetime(txt, tz)
        return _datetime_from(txt, formats[f.name], tz)
    if f.kind == "date":
        if spec is not None and spec.excel_serial:
            return _excel_datetime(txt, "UTC").dt.date()
        fmt = spec.format if spec is not None and spec.format else None
        if fmt:
            return txt.str.to_date(fmt, strict=False)
        return pl.coalesce([txt.str.slice(0, 10).str.to_date(x, strict=False) for x in DATE_FORMATS])
    if f.kind == "bool":
        return _parse_bool(txt)
    if f.kind == "float":
        unit = spec.unit if spec is not None else None
        if f.name.endswith("_s"):
            if unit != "hms" and formats.get(f.name) != "clock":
                # the sample has no h:mm:ss text: plain numbers (a clock value later is rejected)
                scale = {"s": 1.0, None: 1.0, "ms": 0.001, "min": 60.0, "h": 3600.0}[unit]
                return txt.str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False) * scale
            return _parse_duration(txt, unit)
        return txt.str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False)
    return txt.cast(pl.Float64, strict=False)  # int and score: checked, then cast


def _out_of_range(f: Field, val: Any) -> Any:
    """A date or time outside 1970–2100: kept out of the store (year 10000 broke every later command)."""
    import polars as pl

    lo, hi = date(1970, 1, 1), date(2101, 1, 1)
    day = val if f.kind == "date" else val.dt.date()
    return (day < pl.lit(lo)) | (day >= pl.lit(hi))


def _gap_check(f: Field, txt: Any, val: Any, raw: Any, fmt: str | None, tz: str) -> list[Check]:
    """A local time skipped by a spring-forward change: named as such, not as unparseable.

    Only zones with daylight saving pay for the second parse it needs.
    """
    if f.kind != "datetime" or not fmt or "z" in fmt or "|" in fmt or not has_dst(tz):
        return []
    naive = txt.str.to_datetime(fmt, strict=False, time_unit="us")
    return [(txt.is_not_null() & val.is_null() & naive.is_not_null(), f.name, raw,
             "'{}' does not exist in " + tz + " (the clocks went forward)")]


def has_dst(tz: str) -> bool:
    """The zone changes its offset during the years cxtk reads (a gap or a fold can occur)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    offsets = {datetime(y, month, 15, tzinfo=zone).utcoffset() for y in (2010, 2026) for month in (1, 7)}
    return len(offsets) > 1


def _checks(f: Field, m: Mapping, formats: dict[str, str], tz: str = "UTC") -> list[Check]:
    """Row checks of one field, on its text (``f__txt``), typed value (``f``) and source (``f__raw``)."""
    import polars as pl

    txt, val, raw = pl.col(f.name + "__txt"), pl.col(f.name), pl.col(f.name + "__raw")
    present = txt.is_not_null()
    spec = m.specs().get(f.name)
    label = {"csat": "CSAT", "nps": "NPS", "ces": "CES"}.get(f.name, f.name)
    if f.kind == "str":
        if not f.choices:
            return []
        accepted = ", ".join(f.choices)
        return [(present & ~val.is_in(list(f.choices)), f.name, raw,
                 "'{}' is not a valid " + f.name + "; accepted: " + accepted)]
    if f.kind in ("datetime", "date"):
        if spec is not None and spec.excel_serial:
            return [(present & val.is_null(), f.name, raw, "'{}' is not an Excel serial date"),
                    (_out_of_range(f, val), f.name, raw, "Excel serial {} is a date outside 1970–2100")]
        gap = _gap_check(f, txt, val, raw, formats.get(f.name), tz)
        expected = formats.get(f.name) or (spec.format if spec is not None and spec.format else "%Y-%m-%d")
        return [*gap, (present & val.is_null(), f.name, raw,
                       "unparseable date '{}' (expected " + expected.replace("{", "").replace("|", " or ") + ")"),
                (_out_of_range(f, val), f.name, raw, "date '{}' is outside 1970–2100")]
    if f.kind == "bool":
        return [(present & val.is_null(), f.name, raw,
                 "'{}' is not a yes/no value (Y/N, yes/no, 是/否, 1/0, true/false)")]
    if f.kind == "float":
        out: list[Check] = [(present & val.is_null(), f.name, raw, "'{}' is not a number"),
                            (~val.is_finite(), f.name, raw, "'{}' is not a finite number")]
        if f.lo is not None:
            what = "negative duration" if f.name.endswith("_s") and f.lo == 0 else f"below {f.lo:g}:"
            out.append((val < f.lo, f.name, raw, what + " {}"))
        if f.hi is not None:
            out.append((val > f.hi, f.name, raw, "{} is above " + f"{f.hi:g}"))
        return out
    out = [
        (present & val.is_null(), f.name, raw, "'{}' is not a whole number"),
        (~val.is_finite(), f.name, raw, "'{}' is not a finite number"),
        (val != val.round(0), f.name, raw, "'{}' is not a whole number"),
    ]
    if f.lo is not None and f.hi is not None:
        out.append(((val < f.lo) | (val > f.hi), f.name, raw,
                    label + " {} is outside " + f"{f.lo:g}–{f.hi:g}"))
    elif f.lo is not None:
        out.append((val < f.lo, f.name, raw, label + " {} is below " + f"{f.lo:g}"))
    return out


def _format_of_column(values: Any) -> str:
    """The best format of a sample; ``"naive|offset"`` when it mixes local times and instants."""
    best = best_format(values, (*DATETIME_FORMATS, *OFFSET_FORMATS))
    other = OFFSET_FORMATS if best in DATETIME_FORMATS else DATETIME_FORMATS
    second = best_format(values, other)
    parsed = values.drop_nulls().str.to_datetime(second, strict=False, time_unit="us")
    if parsed.is_not_null().any():
        return f"{best}|{second}"
    return best


def _datetime_formats(m: Mapping, fields: Sequence[Field], stage: Any) -> dict[str, str]:
    """One format per datetime field: the mapping's, else the candidate that parses a sample best."""
    specs = m.specs()
    need = [f.name for f in fields if f.kind == "datetime"]
    durations = [f.name for f in fields if f.kind == "float" and f.name.endswith("_s")]
    formats: dict[str, str] = {}
    sample = None
    if durations:
        sample = stage.select([n + "__txt" for n in need + durations]).head(2000).collect()
        for name in durations:
            if sample[name + "__txt"].str.contains(":", literal=True).any():
                formats[name] = "clock"
    for name in need:
        spec = specs.get(name)
        if spec is not None and spec.format:
            formats[name] = spec.format
        elif m.date_format:
            formats[name] = m.date_format
        else:
            if sample is None:
                sample = stage.select([n + "__txt" for n in need + durations]).head(2000).collect()
            formats[name] = _format_of_column(sample[name + "__txt"])
    return formats


def validated_frame(
    raw: Any, m: Mapping, headers: Sequence[str], *, tz: str, source: str, path: Any
) -> Any:
    """The lazy canonical frame of one file: typed fields, derived fields, skip flag and first problem.

    Columns: the dataset's fields, ``__line``, ``__skip`` and ``__field`` / ``__value`` / ``__reason``.
    Parsing happens once per field; checks then compare plain columns, which keeps the plan small.
    """
    import polars as pl

    ds: Dataset = m.ds
    sources = source_exprs(m, headers, path)
    skip = skip_expr(m, headers, path)
    _check_required(m, sources, path)  # a mapping problem, reported before any row is read
    mapped = [f for f in ds.fields if f.name in sources and f.name != "source"]
    specs = m.specs()
    # Each cell is trimmed once (a string copy: the dearest step of validation) and named
    # ``__s``; emptiness is then a byte-length test on it.
    stage = raw.select(
        pl.col("__line"),
        skip.alias("__skip"),
        *[sources[f.name + "__raw"].alias(f.name + "__raw") for f in mapped],
        *([_latest_expr(resolve_column(m.latest_by, headers, m, "latest_by", path)).alias("__latest")]
          if m.latest_by is not None else []),
        *[sources[f.name].str.strip_chars().alias(f.name + "__s") for f in mapped],
    )
    trimmed = [
        _with_default(pl.when(pl.col(f.name + "__s").str.len_bytes() > 0).then(pl.col(f.name + "__s")),
                      specs[f.name].default).alias(f.name + "__txt")
        for f in mapped
    ]
    # a row whose mapped columns are all empty is a blank row: skipped, and counted as such
    # (a column read as is is blank when its trimmed text is; a mapped or computed one is tested raw)
    blanks = [
        pl.col(f.name + "__s").str.len_bytes() == 0
        if not specs[f.name].map and specs[f.name].sql is None
        else pl.col(f.name + "__raw").is_null() | (pl.col(f.name + "__raw").cast(pl.String).str.strip_chars() == "")
        for f in mapped
        if specs[f.name].value is None
    ]
    blank = pl.all_horizontal([b.fill_null(True) for b in blanks]) if blanks else pl.lit(False)
    stage = stage.with_columns(*trimmed, (pl.col("__skip") | blank).alias("__skip")).drop(
        [f.name + "__s" for f in mapped]
    )
    formats = _datetime_formats(m, mapped, stage)
    typed = []
    checks: list[Check] = []
    for f in ds.fields:
        if f.name == "source":
            typed.append(pl.lit(source, dtype=pl.String).alias("source"))
        elif f.name in sources:
            typed.append(_typed(f, pl.col(f.name + "__txt"), m, tz, formats).alias(f.name))
            checks += _checks(f, m, formats, tz)
        else:
            default = pl.lit(f.default) if f.default is not None else pl.lit(None)
            typed.append(default.cast(polars_dtype(f, tz)).alias(f.name))
    stage = stage.with_columns(typed)
    f_field, f_value, f_reason = _first(checks)
    stage = stage.with_columns(f_field.alias("__f1"), f_value.alias("__v1"), f_reason.alias("__r1"))
    # store types (a value that failed its check is nulled; the row is rejected anyway)
    finals = []
    for f in mapped:
        col = pl.col(f.name)
        if f.kind in ("int", "score"):
            ok = col == col.round(0)
            if f.lo is not None:
                ok = ok & (col >= f.lo)
            if f.hi is not None:
                ok = ok & (col <= f.hi)
            col = pl.when(ok).then(col)
        if f.default is not None:
            col = col.fill_null(pl.lit(f.default))
        finals.append(col.cast(polars_dtype(f, tz), strict=False).alias(f.name))
    stage = stage.with_columns(finals)
    derived, rule_checks = _derived(ds, sources, tz)
    if derived:
        stage = stage.with_columns(derived)
    required_checks: list[Check] = [
        (pl.col(name).is_null(), name, pl.lit(None, dtype=pl.String), f"required field '{name}' is empty")
        for name in ds.required
    ]
    r_field, r_value, r_reason = _first(required_checks + rule_checks)
    has_field_error = pl.col("__f1").is_not_null()
    stage = stage.with_columns(
        pl.when(has_field_error).then(pl.col("__f1")).otherwise(r_field).alias("__field"),
        pl.when(has_field_error).then(pl.col("__v1")).otherwise(r_value).alias("__value"),
        pl.when(has_field_error).then(pl.col("__r1")).otherwise(r_reason).alias("__reason"),
    )
    month = pl.col(ds.time_field).dt.strftime("%Y-%m") if ds.time_field else pl.lit(None, dtype=pl.String)
    # the id as written in the source, for the rejects file and the id-conflict reasons
    ids = [pl.col(f + "__raw").cast(pl.String) for f in ds.id_fields if f + "__raw" in stage.collect_schema()]
    written_id = pl.concat_str(ids, separator=" / ") if ids else pl.lit(None, dtype=pl.String)
    extra = [written_id.alias("__id")]
    return stage.with_columns(extra).select(
        ["__line", "__skip", *ds.names, "__field", "__value", "__reason", "__id",
         *(["__latest"] if m.latest_by is not None else [])]
    ).with_columns(month.alias("__month"))


def _latest_expr(column: str) -> Any:
    """A sortable version stamp from ``latest_by``'s column: an instant, else a number, else the text."""
    import polars as pl

    text = pl.col(column).cast(pl.String).str.strip_chars()
    instant = text.str.to_datetime(strict=False, time_unit="us", time_zone="UTC")
    number = text.cast(pl.Float64, strict=False)
    # one sortable key: instants as epoch microseconds, numbers as they are
    return pl.coalesce(instant.dt.epoch("us").cast(pl.Float64), number)


def _with_default(text: Any, default: Any) -> Any:
    """A mapped column's text with the mapping's ``default:`` in its blank cells (none: they stay null)."""
    import polars as pl

    if default is None:
        return text
    from toolkit.ingest.mapping import _as_text

    return text.fill_null(pl.lit(_as_text(default), dtype=pl.String))


def _check_required(m: Mapping, sources: dict[str, Any], path: Any = None) -> None:
    from toolkit.core.errors import InputError

    specs = {k.removesuffix("__raw") for k in sources}
    for name in m.ds.required:
        if name in specs:
            continue
        if m.ds.name == "surveys" and name == "sent_at" and "responded_at" in specs:
            continue
        raise InputError(
            f"mapping '{m.name}' does not say where '{name}' (required for {m.ds.name}) comes from; "
            f"add it under fields:"
        )
    channel = str(m.constants.get("channel", "")).lower()
    if m.ds.name == "interactions" and channel in REALTIME_CHANNELS and not {
        "answered", "answered_at", "talk_s", "abandoned"
    } & specs:
        raise InputError(
            f"{path}: mapping '{m.name}' says every row is a {channel} contact but maps none of answered, answered_at, "
            "talk_s: it cannot tell answered from abandoned; map one of them"
        )


def _derived(ds: Dataset, sources: dict[str, Any], tz: str) -> tuple[list[Any], list[tuple[Any, str, Any, Any]]]:
    """Fields data.md derives when the export lacks them, and the cross-field rules."""
    import polars as pl

    mapped = set(sources)
    out: list[Any] = []
    checks: list[tuple[Any, str, Any, Any]] = []
    if ds.name == "interactions":
        arrived, answered_at, ended = pl.col("arrived_at"), pl.col("answered_at"), pl.col("ended_at")
        # answered is read, never guessed: the flag, else an answer time, else talk time > 0,
        # else (a feed that flags abandons only) not abandoned
        signal = answered_at.is_not_null()
        if "talk_s" in mapped:
            signal = signal | (pl.col("talk_s") > 0).fill_null(False)
        if "abandoned" in mapped and not {"answered_at", "talk_s"} & mapped:
            signal = ~pl.col("abandoned")
        answered = pl.col("answered") if "answered" in mapped else signal
        answered = answered.fill_null(signal)
        realtime_in = pl.col("channel").is_in(list(REALTIME_CHANNELS)) & (pl.col("direction") == "inbound")
        abandoned = pl.col("abandoned") if "abandoned" in mapped else None
        abandoned = (abandoned.fill_null(realtime_in & ~answered) if abandoned is not None
                     else realtime_in & ~answered)
        wait = (answered_at - arrived).dt.total_microseconds() / 1e6
        wait_abandoned = (ended - arrived).dt.total_microseconds() / 1e6
        derived_wait = pl.when(answered).then(wait).when(abandoned).then(wait_abandoned)
        wait_s = pl.col("wait_s").fill_null(derived_wait) if "wait_s" in mapped else derived_wait
        parts = [pl.col(c) for c in ("talk_s", "hold_s", "acw_s")]
        any_part = pl.any_horizontal([p.is_not_null() for p in parts])
        handle = pl.when(any_part).then(pl.sum_horizontal([p.fill_null(0) for p in parts]))
        handle_s = pl.col("handle_s").fill_null(handle) if "handle_s" in mapped else handle
        out = [
            answered.alias("answered"),
            abandoned.alias("abandoned"),
            wait_s.alias("wait_s"),
            handle_s.alias("handle_s"),
        ]
        checks = []
        if not {"answered", "answered_at", "talk_s", "abandoned"} & mapped:
            # nothing in the export tells answered from abandoned: a queued contact cannot be judged
            checks.append((realtime_in, "answered", pl.col("channel"),
                           "a {} contact, but the mapping maps none of answered, answered_at, talk_s: "
                           "cannot tell answered from abandoned; map one of them"))
        checks += [
            ((answered_at < arrived), "answered_at", answered_at,
             "answered before arrival (answered_at is earlier than arrived_at)"),
            ((ended < arrived), "ended_at", ended, "ended before arrival (ended_at is earlier than arrived_at)"),
        ]
    elif ds.name == "surveys":
        if "sent_at" not in mapped:
            out = [pl.col("responded_at").alias("sent_at")]
        checks = [
            ((pl.col("responded_at") < pl.col("sent_at")), "responded_at", pl.col("responded_at"),
             "responded before the invitation was sent"),
        ]
    elif ds.name == "qa" and "score" not in mapped:
        from toolkit.ingest.schema import QA_RUBRIC_DEFAULT

        items = [pl.col(c) for c in QA_RUBRIC_DEFAULT]
        # default rubric: each area scored 2–5; score = points ÷ maximum points × 100
        present = pl.sum_horizontal([i.is_not_null().cast(pl.Int32) for i in items])
        out = [pl.when(present > 0).then(pl.sum_horizontal(items) / (present * 5) * 100).alias("score")]
    elif ds.name == "actions":
        checks = [
            ((pl.col("due_on") < pl.col("opened_on")), "due_on", pl.col("due_on"), "due before it was opened"),
        ]
    return out, checks


__all__ = ["validated_frame", "CHANNELS", "DIRECTIONS"]
