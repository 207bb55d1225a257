"""cxtk: contact-centre evaluation toolkit.

The library does the work; ``toolkit.cli`` is a thin Typer layer over it.
"""

__version__ = "0.1.0"
