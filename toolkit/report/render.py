"""Render a view model to HTML (Jinja2, autoescaped) and HTML to PDF (WeasyPrint, no network).

* ``render_html("monthly.html", vm, locale="en", template_dirs=[workspace/templates])``:
  a workspace's template folder comes first in the search path, so any built-in
  template (``base.html``, ``report.css``, ``macros.html``, ``monthly.html``…) is
  overridden by a file of the same name there.
* ``render_pdf(html, out, base_dir=…, allowed_dirs=[…], locale=…)``: resources
  (logo, images, stylesheets) are fetched only as ``file:`` URLs under
  ``allowed_dirs``; http(s), data: and any other file are refused, which makes
  WeasyPrint skip them. Customer text is data, never markup, and never a fetch.
* zh-CN needs a CJK font found by fontconfig (``check_cjk_font``); it is named in
  the CSS so WeasyPrint embeds (a subset of) it.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from toolkit.core.errors import ConfigError, CxtkError
from toolkit.report.labels import kpi_name, label

# WenQuanYi first: its subsetting costs ~2 s per document against ~4.6 s for Noto CJK.
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC")
LATIN_FONT = "DejaVu Sans"
CJK_FONT_HINT = (
    "zh-CN reports need a CJK font: install it with `sudo apt-get install fonts-wqy-microhei` (or run `make demo`)"
)
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


@lru_cache(maxsize=1)
def _zh_families() -> frozenset[str]:
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    # fc-list prints "English,中文,…" aliases per line.
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def check_cjk_font() -> str:
    """The CJK font family zh-CN reports use ("WenQuanYi Micro Hei", else "Noto Sans CJK SC").

    Raises ``CxtkError`` with the install command when fontconfig knows neither;
    call it early (before computing a report) to fail fast."""
    found = _zh_families()
    for family in CJK_FONTS:
        if family in found:
            return family
    raise CxtkError(CJK_FONT_HINT)


def report_font(locale: str, brand_font: str | None = None) -> str:
    """The font family of a report: the brand's font, then a CJK font for zh-CN or DejaVu Sans for en.

    For zh-CN a brand font is used only as the first choice in the CSS; the CJK font
    is still returned as the fallback that covers Chinese (see ``font_stack``)."""
    if locale == "zh-CN":
        return check_cjk_font()
    return brand_font or LATIN_FONT


def font_stack(locale: str, brand_font: str | None = None) -> str:
    """A CSS ``font-family`` value: brand font first (if any), then the locale's font."""
    if brand_font and not re.fullmatch(r"[\w .\-]{1,60}", brand_font):
        raise ConfigError(f"brand.font: {brand_font!r} is not a font family name (letters, digits, spaces, - and .)")
    names = [n for n in (brand_font, report_font(locale)) if n]
    names = list(dict.fromkeys(names))
    return ", ".join(f'"{n}"' for n in names) + ", sans-serif"


def builtin_template_dir() -> Path:
    """The shipped ``templates/`` folder."""
    from toolkit.core.resources import asset_dir

    return asset_dir("templates")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_of_css(locale: str) -> str:
    """"Page {page} of {pages}" as CSS content: ``"Page " counter(page) " of " counter(pages)``."""
    parts = re.split(r"(\{page\}|\{pages\})", label("page.of", locale))
    out = []
    for p in parts:
        if p == "{page}":
            out.append("counter(page)")
        elif p == "{pages}":
            out.append("counter(pages)")
        elif p:
            out.append(_css_string(p))
    return " ".join(out)


def _logo_src(logo: str | None) -> str | None:
    if not logo:
        return None
    if "://" in logo or logo.startswith("data:"):
        return logo  # kept as given: the PDF fetcher refuses anything but allowed files
    path = Path(logo)
    return path.resolve().as_uri() if path.is_absolute() else logo


def _brand_colours(brand: Any) -> dict[str, str]:
    colours = {}
    for key in ("primary", "accent"):
        value = getattr(brand, key, None) or ""
        if not _COLOUR.match(value):
            raise ConfigError(f"brand.{key}: {value!r} is not a colour; write it as #RRGGBB, e.g. \"#0B5FFF\"")
        colours[key] = value
    return colours


def _masked(value: Any) -> Any:
    """Jinja ``finalize``: every text a template writes goes out PII-masked (markup, i.e. our own
    chart SVG, is masked where it is made: ``charts.render_svg``)."""
    from markupsafe import Markup

    from toolkit.core.privacy import mask_text

    return mask_text(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def make_env(template_dirs: Iterable[Path] | None = None, *, mask: bool = True):
    """A Jinja2 environment: autoescape on, the given folders searched before the built-in templates;
    with ``mask`` every ``{{ … }}`` text is PII-masked (``core.privacy``): team, queue, topic, agent,
    action and QA category names as well as comments, whatever section or template shows them."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    dirs = [Path(d) for d in (template_dirs or [])] + [builtin_template_dir()]
    env = Environment(
        loader=FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,  # for every template, .css included: customer text is never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_masked if mask else None,
    )
    env.tests["absent"] = lambda v: type(v).__name__ == "Absent"
    return env


def render_html(template_name: str, vm: Any, *, locale: str, template_dirs: list[Path] | None = None,
                mask: bool = True) -> str:
    """Render ``template_name`` (e.g. ``"monthly.html"``) with view model ``vm`` to an HTML string.

    Parameters
    ----------
    template_name: a template file name, looked up in ``template_dirs`` then the built-in folder.
    vm: a view model (``toolkit.report.viewmodel``); its ``meta`` drives the page furniture.
    locale: ``"en"`` or ``"zh-CN"`` (labels, page footer, font).
    template_dirs: folders whose templates override the built-in ones by name (workspace ``templates:``).
    mask: PII-mask every text the templates write (reports always do; ``False`` is for tests and debugging).

    Returns
    -------
    Self-contained HTML (CSS inlined, charts inline SVG); the logo stays a reference.
    """
    from jinja2 import TemplateNotFound

    meta = vm.meta
    brand = meta.brand
    env = make_env(template_dirs, mask=mask)
    try:
        template = env.get_template(template_name)
    except TemplateNotFound as exc:
        raise CxtkError(f"report template {template_name!r} not found in {', '.join(str(d) for d in (template_dirs or []))}"
                        f" or the built-in templates") from exc
    context = {
        "vm": vm,
        "meta": meta,
        "locale": locale,
        "lang": "zh-CN" if locale == "zh-CN" else "en",
        "t": lambda key: label(key, locale),
        "kpi_name": lambda kpi_id: kpi_name(kpi_id, locale),
        "font_family": font_stack(locale, brand.font),
        "colours": _brand_colours(brand),
        "logo_src": _logo_src(brand.logo),
        "page_of_css": _page_of_css(locale),
    }
    return template.render(**context)


class _LocalOnlyFetcher:
    """Factory of a WeasyPrint URL fetcher that serves files under ``allowed_dirs`` and refuses the rest."""

    @staticmethod
    def build(allowed_dirs: Iterable[Path]):
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        roots = [Path(d).resolve() for d in allowed_dirs]

        class LocalOnlyFetcher(URLFetcher):
            refused: list[str]

            def __init__(self) -> None:
                super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False)
                self.refused = []

            def fetch(self, url: str, headers: Any = None) -> Any:
                path = allowed_path(url, roots)
                if path is None:
                    self.refused.append(url)
                    # Raising makes WeasyPrint skip the resource; nothing is opened.
                    raise ValueError(f"refused to fetch {url[:80]!r}: only files under the template and brand folders")
                return URLFetcherResponse(path.as_uri(), body=path.read_bytes())

        return LocalOnlyFetcher()


def allowed_path(url: str, roots: Iterable[Path]) -> Path | None:
    """The local file a ``file:`` URL names when it lies under one of ``roots`` (symlinks resolved); else None."""
    parsed = urlparse(url)
    if parsed.scheme.lower() != "file" or parsed.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parsed.path)).resolve()
    if not path.is_file():
        return None
    for root in roots:
        if path.is_relative_to(root):
            return path
    return None


def _created_at() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC)


def render_pdf(
    html: str,
    out_path: Path,
    *,
    base_dir: Path,
    allowed_dirs: list[Path],
    locale: str,
    verbose: bool = False,
) -> Path:
    """Write ``html`` as a PDF to ``out_path`` and return it.

    Parameters
    ----------
    html: output of ``render_html``.
    out_path: the PDF file to write (its folder must exist).
    base_dir: folder relative URLs (e.g. ``brand/logo.svg``) resolve against (the workspace).
    allowed_dirs: the only folders resources may be read from (template and brand folders).
    locale: ``"zh-CN"`` checks the CJK font first and fails with the install hint.
    verbose: let WeasyPrint's warnings (e.g. refused URLs) reach the log.

    Under ``SOURCE_DATE_EPOCH`` the creation date and file identifier are fixed, so
    the same input gives the same PDF.
    """
    from weasyprint import HTML

    from toolkit.core.outputs import atomic_write

    if locale == "zh-CN":
        check_cjk_font()
    fetcher = _LocalOnlyFetcher.build(allowed_dirs)
    logger = logging.getLogger("weasyprint")
    previous = logger.level
    if not verbose:
        logger.setLevel(logging.CRITICAL)
    try:
        document = HTML(string=html, base_url=Path(base_dir).resolve().as_uri() + "/", url_fetcher=fetcher).render()
        created = _created_at().strftime("%Y-%m-%dT%H:%M:%SZ")
        document.metadata.created = created
        document.metadata.modified = created
        options: dict[str, Any] = {}
        if os.environ.get("SOURCE_DATE_EPOCH"):
            options["pdf_identifier"] = b"cxtk-" + created.encode()
        with atomic_write(out_path) as tmp:  # never a partial PDF under the final name
            document.write_pdf(tmp, **options)
    finally:
        logger.setLevel(previous)
    return Path(out_path)


def vm_to_dict(vm: Any) -> dict[str, Any]:
    """A view model as plain dicts (for debugging or a JSON preview)."""
    return asdict(vm) if is_dataclass(vm) else dict(vm)
