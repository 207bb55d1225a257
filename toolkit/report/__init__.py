"""The report layer: view models → HTML (Jinja2) → PDF (WeasyPrint), in English or Chinese.

Modules: ``fmt`` (numbers, dates, durations by locale), ``labels`` (en/zh-CN
wording), ``viewmodel`` (the data a template renders, plus FAKE samples),
``charts`` (SVG charts), ``render`` (HTML and PDF). Import the submodule you
need; this package imports nothing heavy.
"""
