"""Themes of customer comments: a bilingual keyword dictionary, theme counts, frequent terms.

The dictionary ships as ``surveys/themes.yaml`` (each theme: an English and a
Chinese label and its keywords); a workspace file adds themes or keywords: the
workspace's own ``surveys/themes.yaml`` (``workspace_themes_file``), read by
``cxtk survey summary`` and by every report alike.
Tagging is one case-insensitive ``str.contains`` per theme over the comment
column, so it runs in Polars at any volume. Keyword forms:

- a keyword with any non-ASCII character (Chinese) matches anywhere in the text;
- an ASCII keyword matches at the start of a word (``wait`` finds ``waiting``;
  for a whole word only, use a regex: ``re:\\bfees?\\b`` skips ``feedback``);
- ``re:<regex>`` is used as it is (Rust regex syntax, as Polars reads it).
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from toolkit.core.errors import ConfigError
from toolkit.core.resources import asset_dir

if TYPE_CHECKING:
    import polars as pl

    from toolkit.core.config import Config

#: Where a workspace keeps its own themes, relative to its cxtk.yaml.
WORKSPACE_THEMES = "surveys/themes.yaml"

__all__ = [
    "Theme",
    "load_stopwords",
    "load_themes",
    "tag_themes",
    "theme_pattern",
    "theme_summary",
    "top_terms",
]


class ThemeLabel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    en: str
    zh: str = Field(alias="zh-CN")


class Theme(BaseModel):
    """One theme: labels in English and Chinese, and the keywords that signal it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: ThemeLabel
    keywords: list[str] = Field(min_length=1)

    @field_validator("keywords")
    @classmethod
    def _valid_regexes(cls, keywords: list[str]) -> list[str]:
        for kw in keywords:
            if kw.startswith("re:"):
                import polars as pl

                # Checked by the engine that will run it: Rust regex has no look-around.
                try:
                    pl.Series([""]).str.contains(kw[3:])
                except pl.exceptions.ComputeError as exc:
                    lines = str(exc).splitlines()
                    reason = next(
                        (ln.removeprefix("error: ") for ln in lines if ln.startswith("error:")), lines[0]
                    )
                    raise ValueError(f"keyword {kw!r} is not a valid regular expression ({reason})") from None
            elif not kw.strip():
                raise ValueError("a keyword is empty")
        return keywords


class _ThemeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    themes: dict[str, Theme]


class _ThemeAddition(BaseModel):
    """A workspace entry: labels optional when it only adds keywords to a shipped theme."""

    model_config = ConfigDict(extra="forbid")

    label: ThemeLabel | None = None
    keywords: list[str] = Field(default_factory=list)


class _AdditionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    themes: dict[str, _ThemeAddition]


def _read_yaml(path: Path) -> object:
    from toolkit.core.yamlio import safe_load

    try:
        return safe_load(path)  # bounded: an alias bomb or a huge value is refused, naming the file
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None


def _config_error(path: Path, exc: ValidationError) -> ConfigError:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"])
    msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
    return ConfigError(f"{path}: theme key '{key}': {msg}")


def workspace_themes_file(config: Config) -> Path | None:
    """The workspace's ``surveys/themes.yaml`` when it exists (else None): the ``extra`` of
    ``load_themes`` for anything that reads the workspace's comments."""
    path = config.path(WORKSPACE_THEMES)
    return path if path is not None and path.is_file() else None


def workspace_themes(config: Config) -> dict[str, Theme]:
    """The shipped themes merged with the workspace's (``load_themes(workspace_themes_file(config))``)."""
    return load_themes(workspace_themes_file(config))


def load_themes(extra: Path | None = None) -> dict[str, Theme]:
    """The shipped themes, merged with a workspace file ``extra`` when given.

    In ``extra``, a theme with a new id needs labels and keywords; one with a
    shipped id adds its keywords and, if given, replaces the labels.
    Example: ``load_themes(Path("surveys/themes.yaml"))["waiting"].label.zh`` → ``"等待时间"``.
    """
    base_path = asset_dir("surveys") / "themes.yaml"
    try:
        themes = dict(_ThemeFile.model_validate(_read_yaml(base_path)).themes)
    except ValidationError as exc:
        raise _config_error(base_path, exc) from None
    if extra is None:
        return themes
    try:
        additions = _AdditionFile.model_validate(_read_yaml(extra)).themes
    except ValidationError as exc:
        raise _config_error(extra, exc) from None
    for theme_id, add in additions.items():
        old = themes.get(theme_id)
        if old is None and (add.label is None or not add.keywords):
            raise ConfigError(
                f"{extra}: theme key 'themes.{theme_id}': a new theme needs a label and keywords"
            )
        try:
            themes[theme_id] = Theme(
                label=add.label or old.label,
                keywords=[
                    *(old.keywords if old else []),
                    *[k for k in add.keywords if not old or k not in old.keywords],
                ],
            )
        except ValidationError as exc:
            msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise ConfigError(f"{extra}: theme key 'themes.{theme_id}': {msg}") from None
    return themes


def _keyword_regex(keyword: str) -> str:
    import polars as pl

    if keyword.startswith("re:"):
        return keyword[3:]
    if keyword.isascii():
        # Start of a word, without \b: Rust's \b is Unicode-aware and sees no
        # boundary between Chinese and Latin letters ("打开APP").
        return "(?:^|[^a-z0-9])" + pl.escape_regex(keyword)
    return pl.escape_regex(keyword)


def theme_pattern(theme: Theme) -> str:
    """The case-insensitive regex that finds ``theme`` in a text."""
    return "(?i)(?:" + "|".join(_keyword_regex(k) for k in theme.keywords) + ")"


def tag_themes(
    frame: pl.LazyFrame, text_col: str = "comment", themes: dict[str, Theme] | None = None
) -> pl.LazyFrame:
    """Add a ``themes`` column (list of theme ids, in dictionary order) found in ``text_col``.

    A null or empty text gets an empty list. Example:
    ``tag_themes(surveys).filter(pl.col("themes").list.contains("waiting"))``.
    """
    import polars as pl

    themes = load_themes() if themes is None else themes
    text = pl.col(text_col)
    hits = [pl.when(text.str.contains(theme_pattern(t))).then(pl.lit(tid)) for tid, t in themes.items()]
    if not hits:
        return frame.with_columns(themes=pl.lit([], dtype=pl.List(pl.String)))
    return frame.with_columns(themes=pl.concat_list(hits).list.drop_nulls())


def theme_summary(
    surveys: pl.LazyFrame | pl.DataFrame,
    low_score_max: int = 2,
    examples: int = 3,
    mask: bool = True,
    themes: dict[str, Theme] | None = None,
) -> pl.DataFrame:
    """Counts of themes among the comments, with their share of low scores and examples.

    Columns: ``theme``, ``label_en``, ``label_zh``, ``count`` (comments with the
    theme), ``share`` (of all non-empty comments), ``low_score_share`` (of the
    theme's comments, those with csat ≤ ``low_score_max`` or nps ≤ 6),
    ``examples`` (up to ``examples`` distinct comments, shortest first then in
    text order, PII masked unless ``mask=False``). Themes found in no comment
    are left out; rows go by count, most first, then theme id.
    """
    import polars as pl

    from toolkit.core.privacy import mask_expr

    themes = load_themes() if themes is None else themes
    lf = surveys.lazy()
    names = lf.collect_schema().names()
    score = {c: (pl.col(c) if c in names else pl.lit(None, dtype=pl.Int8)) for c in ("csat", "nps")}
    comment = pl.col("comment").str.strip_chars()
    comments = lf.select(
        comment=mask_expr(comment) if mask else comment,
        low=((score["csat"] <= low_score_max) | (score["nps"] <= 6)).fill_null(False),
    ).filter(pl.col("comment").str.len_chars() > 0)
    tagged = tag_themes(comments, "comment", themes).explode("themes").filter(pl.col("themes").is_not_null())
    per_theme = tagged.group_by(theme="themes").agg(
        count=pl.len().cast(pl.Int64),
        low=pl.col("low").sum(),
        # A struct sorts field by field: shortest first, then by text.
        examples=pl.struct(n=pl.col("comment").str.len_chars(), text="comment")
        .unique()
        .sort()
        .head(examples)
        .struct.field("text"),
    )
    labels = pl.LazyFrame(
        {
            "theme": list(themes),
            "label_en": [t.label.en for t in themes.values()],
            "label_zh": [t.label.zh for t in themes.values()],
        },
        schema={"theme": pl.String, "label_en": pl.String, "label_zh": pl.String},
    )
    n_comments = comments.select(pl.len()).collect().item()
    return (
        per_theme.join(labels, on="theme", how="inner")
        .select(
            "theme",
            "label_en",
            "label_zh",
            "count",
            share=pl.col("count") / pl.lit(n_comments, dtype=pl.Float64),
            low_score_share=pl.col("low") / pl.col("count"),
            examples=pl.col("examples").cast(pl.List(pl.String)),
        )
        .sort(["count", "theme"], descending=[True, False])
        .collect()
    )


def _read_words(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.lstrip().startswith("#"))


@functools.cache
def load_stopwords() -> frozenset[str]:
    """The shipped Chinese and English stop words (lower case)."""
    folder = asset_dir("surveys")
    return _read_words(folder / "stopwords-zh.txt") | _read_words(folder / "stopwords-en.txt")


# Chinese runs go to jieba; Latin words (with inner apostrophes: don't) are taken whole.
_RUNS = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)*)")


@functools.cache
def _jieba():
    import jieba

    # jieba logs "Building prefix dict..." to stderr on first use; keep the CLI quiet.
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def terms(text: str, stopwords: frozenset[str] | None = None) -> list[str]:
    """The content words of ``text`` in order: Chinese segmented by jieba, English lower-cased.

    Dropped: stop words, punctuation, numbers, single characters.
    """
    stop = load_stopwords() if stopwords is None else stopwords
    out: list[str] = []
    for cjk, latin in _RUNS.findall(text):
        words = _jieba().lcut(cjk) if cjk else [latin.lower().replace("’", "'")]
        out.extend(w for w in words if len(w) > 1 and w not in stop)
    return out


def top_terms(
    comments: Sequence[str | None] | pl.Series, n: int = 20, mask: bool = True
) -> list[tuple[str, int]]:
    """The ``n`` most frequent content words of ``comments`` with their counts.

    Ties go in alphabetical order so the list is reproducible. Comments are
    masked first (``mask=True``) so that no part of an e-mail or number shows.
    Example: ``top_terms(["客服态度很好但是问题没解决"])`` →
    ``[("态度", 1), ("解决", 1), ("问题", 1)]``.
    """
    from toolkit.core.privacy import mask_text

    counts: Counter[str] = Counter()
    for text in comments:
        if text:
            counts.update(terms(mask_text(text) if mask else text))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
