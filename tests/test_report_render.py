"""Render the FAKE sample reports to HTML and PDF and read them back as a reader would.

PDFs are rendered once per locale (module fixtures) to keep the file fast.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from toolkit.report.render import allowed_path, builtin_template_dir, render_html, render_pdf
from toolkit.report.samples import monthly as sample_monthly_vm
from toolkit.report.viewmodel import Absent, Theme, VocSection


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    # Whitespace normalised: a title may wrap across lines on the page.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


@pytest.fixture(scope="module")
def monthly_pdfs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    pdfs = {}
    for locale in ("en", "zh-CN"):
        html = render_html("monthly.html", sample_monthly_vm(locale), locale=locale)
        pdfs[locale] = render_pdf(html, out / f"monthly-{locale}.pdf", base_dir=out,
                                  allowed_dirs=[builtin_template_dir()], locale=locale)
    return pdfs


def test_en_pdf_shows_the_figures(monthly_pdfs):
    text = _pdf_text(monthly_pdfs["en"])
    # ASA 45 s against 30 s → 30/45 = 66.7 %; FCR 72 % against 85 % → 0.72/0.85 = 84.7 %
    for expected in ("Service evaluation — October 2026", "Efficiency scorecard", "Average speed of answer",
                     "66.7 %", "84.7 %", "87.3", "Page 2 of", "Data quality and methodology"):
        assert expected in text, expected
    assert "nan" not in text.split() and "None" not in text.split()


def test_zh_pdf_shows_chinese_labels(monthly_pdfs):
    text = _pdf_text(monthly_pdfs["zh-CN"])
    for expected in ("服务评估报告 — 2026年10月", "效率指标评分表", "平均应答速度", "一次解决率", "66.7%", "第 2 页"):
        assert expected in text, expected


def test_zh_pdf_embeds_cjk_font(monthly_pdfs):
    fonts = subprocess.run(["pdffonts", str(monthly_pdfs["zh-CN"])], capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line or "NotoSansCJK" in line]
    assert cjk, fonts
    assert all(" yes " in line for line in cjk)  # emb column
    # No missing glyphs: every character of the source text comes back out of the PDF.
    text = _pdf_text(monthly_pdfs["zh-CN"])
    assert "�" not in text and "客户之声" in text and "数据质量与方法说明" in text


def test_hostile_comment_is_text_not_markup():
    html = render_html("monthly.html", sample_monthly_vm("en"), locale="en")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_no_network_and_no_foreign_files(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        vm = sample_monthly_vm("en")
        vm.meta.brand = replace(vm.meta.brand, logo=f"http://127.0.0.1:{port}/logo.png")
        vm.voc = VocSection([Theme("Hostile", "1", "1 %", [
            f'<img src="http://127.0.0.1:{port}/x">', '<img src="file:///etc/passwd">',
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">'])])
        html = render_html("monthly.html", vm, locale="en")
        # Even injected straight into the HTML (as if a template forgot to escape), nothing is fetched.
        html = html.replace("</body>", f'<img src="http://127.0.0.1:{port}/raw"><img src="file:///etc/passwd">'
                                       f'<img src="data:image/svg+xml,<svg xmlns=\'http://www.w3.org/2000/svg\'>'
                                       f'<image href=\'http://127.0.0.1:{port}/svg\'/></svg>"></body>')
        out = render_pdf(html, tmp_path / "r.pdf", base_dir=tmp_path, allowed_dirs=[builtin_template_dir()], locale="en")
        assert out.stat().st_size > 10_000
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert _Recorder.hits == []
    assert "root:" not in _pdf_text(tmp_path / "r.pdf")


def test_allowed_path_rules(tmp_path):
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert allowed_path((brand / "logo.svg").as_uri(), [brand]) == brand / "logo.svg"
    assert allowed_path("file:///etc/passwd", [brand]) is None
    assert allowed_path((brand / ".." / ".." / "etc" / "passwd").as_uri(), [brand]) is None
    assert allowed_path("http://127.0.0.1/x", [brand]) is None
    assert allowed_path("data:text/plain,hi", [brand]) is None


def test_workspace_template_overrides_builtin(tmp_path):
    (tmp_path / "macros.html").write_text(
        (builtin_template_dir() / "macros.html").read_text().replace(
            '<div class="tile ', '<div data-custom="yes" class="tile '))
    html = render_html("monthly.html", sample_monthly_vm("en"), locale="en", template_dirs=[tmp_path])
    assert 'data-custom="yes"' in html
    (tmp_path / "monthly.html").write_text('{% extends "base.html" %}{% block content %}CUSTOM MONTHLY{% endblock %}')
    html = render_html("monthly.html", sample_monthly_vm("en"), locale="en", template_dirs=[tmp_path])
    assert "CUSTOM MONTHLY" in html and "Efficiency scorecard" not in html


def test_absent_section_prints_its_reason_not_a_table():
    vm = sample_monthly_vm("en")
    vm.agents = Absent("No agent_status data: staffing and workforce figures are not available.")
    vm.voc = None
    html = render_html("monthly.html", vm, locale="en")
    assert "No agent_status data" in html
    assert 'id="voc"' not in html and 'href="#voc"' not in html


@pytest.mark.parametrize("name", ["quarterly", "survey", "qa"])
def test_other_reports_render_html(name):
    from toolkit.report import samples

    vm = getattr(samples, name)("zh-CN")
    html = render_html(f"{name}.html", vm, locale="zh-CN")
    assert vm.meta.title in html
