"""Typed, checked canonical rows from mapped source text.

``validated_frame`` returns a lazy frame with every canonical field parsed to its
store type, the derived fields of data.md (answered, wait_s, abandoned, handle_s…),
and three columns naming the first problem of a row: ``__field``, ``__value``,
``__reason``. A row with a problem goes to the rejects file; the others are stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.mapping import Mapping, skip_expr, source_exprs
from toolkit.schema import CHANNELS, DIRECTIONS, REALTIME_CHANNELS, Dataset, Field, polars_dtype

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
        reason_e = pl.when(cond).then(reason).otherwise(reason_e if reason_e is not None else pl.lit(None))
    if field_e is None:
        none = pl.lit(None, dtype=pl.String)
        return none, none, none
    return field_e.cast(pl.String), value_e.cast(pl.String), reason_e.cast(pl.String)


def _parse_datetime(text: Any, spec_format: str | None, default_format: str | None, tz: str) -> Any:
    import polars as pl

    formats = [spec_format] if spec_format else ([default_format] if default_format else []) + list(DATETIME_FORMATS)
    naive = pl.coalesce([text.str.to_datetime(fmt, strict=False, time_unit="us") for fmt in formats])
    local = naive.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    # ISO text with an offset (2026-10-01T08:00:00+08:00 or …Z) is an instant: convert it.
    offset = text.str.to_datetime("%Y-%m-%dT%H:%M:%S%#z", strict=False, time_unit="us").dt.convert_time_zone(tz)
    offset_sp = text.str.to_datetime("%Y-%m-%d %H:%M:%S%#z", strict=False, time_unit="us").dt.convert_time_zone(tz)
    return pl.coalesce([offset, offset_sp, local]) if not spec_format else local


def _excel_datetime(text: Any, tz: str) -> Any:
    import polars as pl

    days = text.cast(pl.Float64, strict=False)
    us = (days * 86_400_000_000).round(0).cast(pl.Int64) + EXCEL_EPOCH_US
    return us.cast(pl.Datetime("us")).dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")


def _parse_duration(text: Any, unit: str | None) -> Any:
    """Seconds from '125', '1,250.5', '0:03:25', '03:25', '125:00:00' or a number in ms/min/h."""
    import polars as pl

    clean = text.str.replace_all(",", "").str.strip_chars()
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
        return pl.coalesce([hms, number])
    return pl.when(clean.str.contains(":")).then(hms).otherwise(number * scale)


def _parse_bool(text: Any) -> Any:
    import polars as pl

    t = text.str.strip_chars().str.to_lowercase()
    return pl.when(t.is_in(TRUE_WORDS)).then(True).when(t.is_in(FALSE_WORDS)).then(False).otherwise(None)


def _parse_choice(name: str, text: Any, choices: Sequence[str]) -> Any:
    t = text.str.strip_chars().str.to_lowercase()
    syn = SYNONYMS.get(name, {})
    if syn:
        t = t.replace(syn)
    return t


def _field_expr(f: Field, text: Any, m: Mapping, tz: str) -> tuple[Any, list[tuple[Any, str, Any, Any]]]:
    """Parse one field; return the typed expression and its row checks."""
    import polars as pl

    spec = m.specs().get(f.name)
    checks: list[tuple[Any, str, Any, Any]] = []
    present = text.is_not_null()
    if f.kind == "str":
        value = text
        if f.choices:
            value = _parse_choice(f.name, text, f.choices)
            bad = present & ~value.is_in(list(f.choices))
            checks.append(
                (bad, f.name, text, pl.format("'{}' is not a valid {}; accepted: " + ", ".join(f.choices),
                                              text, pl.lit(f.name)))
            )
        return value, checks
    if f.kind == "datetime":
        if spec is not None and spec.excel_serial:
            value = _excel_datetime(text, tz)
            reason = pl.format("'{}' is not an Excel serial date", text)
        else:
            fmt = spec.format if spec is not None else None
            value = _parse_datetime(text, fmt, m.date_format, tz)
            expected = fmt or m.date_format or "YYYY-MM-DD HH:MM:SS"
            reason = pl.format("unparseable date '{}' (expected {})", text, pl.lit(expected))
        checks.append((present & value.is_null(), f.name, text, reason))
        return value, checks
    if f.kind == "date":
        fmt = spec.format if spec is not None else None
        formats = [fmt] if fmt else list(DATE_FORMATS)
        value = pl.coalesce(
            [text.str.to_date(x, strict=False) for x in formats]
            + [text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)]
        )
        if spec is not None and spec.excel_serial:
            value = _excel_datetime(text, "UTC").dt.date()
        checks.append((present & value.is_null(), f.name, text, pl.format("unparseable date '{}'", text)))
        return value, checks
    if f.kind == "bool":
        value = _parse_bool(text)
        checks.append(
            (present & value.is_null(), f.name, text, pl.format("'{}' is not a yes/no value (Y/N, 是/否, 1/0…)", text))
        )
        return value, checks
    if f.kind == "float":
        unit = spec.unit if spec is not None else None
        value = _parse_duration(text, unit) if f.name.endswith("_s") else text.str.replace_all(",", "").cast(
            pl.Float64, strict=False
        )
        checks.append((present & value.is_null(), f.name, text, pl.format("'{}' is not a number", text)))
        if f.lo is not None:
            what = "negative duration" if f.name.endswith("_s") else f"below {f.lo:g}"
            checks.append((value < f.lo, f.name, text, pl.format(what + " {}", text)))
        if f.hi is not None:
            checks.append((value > f.hi, f.name, text, pl.format("{} is above {}", text, pl.lit(f"{f.hi:g}"))))
        return value, checks
    # int and score
    number = text.str.strip_chars().cast(pl.Float64, strict=False)
    checks.append((present & number.is_null(), f.name, text, pl.format("'{}' is not a whole number", text)))
    checks.append((number.is_not_null() & (number != number.round(0)), f.name, text,
                   pl.format("'{}' is not a whole number", text)))
    label = {"csat": "CSAT", "nps": "NPS", "ces": "CES"}.get(f.name, f.name)
    if f.lo is not None and f.hi is not None:
        rng = f"{f.lo:g}–{f.hi:g}"
        checks.append(((number < f.lo) | (number > f.hi), f.name, text,
                       pl.format(label + " {} is outside " + rng, text)))
    elif f.lo is not None:
        checks.append((number < f.lo, f.name, text, pl.format(label + " {} is below " + f"{f.lo:g}", text)))
    in_range = pl.lit(True)
    if f.lo is not None:
        in_range = in_range & (number >= f.lo)
    if f.hi is not None:
        in_range = in_range & (number <= f.hi)
    return pl.when(in_range).then(number).cast(polars_dtype(f, tz)), checks


def validated_frame(
    raw: Any, m: Mapping, headers: Sequence[str], *, tz: str, source: str, path: Any
) -> Any:
    """The lazy canonical frame of one file: typed fields, derived fields, skip flag and first problem.

    Columns: the dataset's fields, ``__line``, ``__skip`` and ``__field`` / ``__value`` / ``__reason``.
    """
    import polars as pl

    ds: Dataset = m.ds
    sources = source_exprs(m, headers, path)
    skip = skip_expr(m, headers, path)
    # Missing required fields are a mapping problem, reported before any row is read.
    _check_required(m, sources)

    staged = raw.select(
        pl.col("__line"),
        skip.alias("__skip"),
        *[e.alias(k) for k, e in sources.items()],
    )
    typed: list[Any] = []
    checks: list[tuple[Any, str, Any, Any]] = []
    for f in ds.fields:
        if f.name == "source":
            typed.append(pl.lit(source, dtype=pl.String).alias("source"))
            continue
        if f.name not in sources:
            default = pl.lit(f.default) if f.default is not None else pl.lit(None)
            typed.append(default.cast(polars_dtype(f, tz)).alias(f.name))
            continue
        text = pl.col(f.name).str.strip_chars()
        text = pl.when(text.str.len_chars() > 0).then(text)
        expr, field_checks = _field_expr(f, text, m, tz)
        if f.default is not None:
            expr = expr.fill_null(pl.lit(f.default))
        typed.append(expr.cast(polars_dtype(f, tz)).alias(f.name))
        checks += [(c, n, pl.col(f.name + "__raw"), r) for c, n, _v, r in field_checks]
    # Field checks read the source text, so they are evaluated beside the typed values.
    f_field, f_value, f_reason = _first(checks)
    typed_frame = staged.with_columns(
        *typed, f_field.alias("__f1"), f_value.alias("__v1"), f_reason.alias("__r1")
    )
    derived, rule_checks = _derived(ds, sources, tz)
    frame = typed_frame.with_columns(derived) if derived else typed_frame
    required_checks = [
        (pl.col(name).is_null(), name, pl.lit(None, dtype=pl.String), pl.lit(f"required field '{name}' is empty"))
        for name in ds.required
    ]
    r_field, r_value, r_reason = _first(required_checks + rule_checks)
    has_field_error = pl.col("__f1").is_not_null()
    frame = frame.with_columns(
        pl.when(has_field_error).then(pl.col("__f1")).otherwise(r_field).alias("__field"),
        pl.when(has_field_error).then(pl.col("__v1")).otherwise(r_value).alias("__value"),
        pl.when(has_field_error).then(pl.col("__r1")).otherwise(r_reason).alias("__reason"),
    )
    return frame.select(["__line", "__skip", *ds.names, "__field", "__value", "__reason"])


def _check_required(m: Mapping, sources: dict[str, Any]) -> None:
    from toolkit.errors import InputError

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


def _derived(ds: Dataset, sources: dict[str, Any], tz: str) -> tuple[list[Any], list[tuple[Any, str, Any, Any]]]:
    """Fields data.md derives when the export lacks them, and the cross-field rules."""
    import polars as pl

    mapped = set(sources)
    out: list[Any] = []
    checks: list[tuple[Any, str, Any, Any]] = []
    if ds.name == "interactions":
        arrived, answered_at, ended = pl.col("arrived_at"), pl.col("answered_at"), pl.col("ended_at")
        answered = pl.col("answered") if "answered" in mapped else answered_at.is_not_null()
        answered = answered.fill_null(answered_at.is_not_null())
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
        checks = [
            ((answered_at < arrived), "answered_at", answered_at,
             pl.lit("answered before arrival (answered_at is earlier than arrived_at)")),
            ((ended < arrived), "ended_at", ended, pl.lit("ended before arrival (ended_at is earlier than arrived_at)")),
        ]
    elif ds.name == "surveys":
        if "sent_at" not in mapped:
            out = [pl.col("responded_at").alias("sent_at")]
        checks = [
            ((pl.col("responded_at") < pl.col("sent_at")), "responded_at", pl.col("responded_at"),
             pl.lit("responded before the invitation was sent")),
        ]
    elif ds.name == "qa" and "score" not in mapped:
        from toolkit.schema import QA_RUBRIC_DEFAULT

        items = [pl.col(c) for c in QA_RUBRIC_DEFAULT]
        # default rubric: each area scored 2–5; score = points ÷ maximum points × 100
        present = pl.sum_horizontal([i.is_not_null().cast(pl.Int32) for i in items])
        out = [pl.when(present > 0).then(pl.sum_horizontal(items) / (present * 5) * 100).alias("score")]
    elif ds.name == "actions":
        checks = [
            ((pl.col("due_on") < pl.col("opened_on")), "due_on", pl.col("due_on"), pl.lit("due before it was opened")),
        ]
    return out, checks


__all__ = ["validated_frame", "CHANNELS", "DIRECTIONS"]
