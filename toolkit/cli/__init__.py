"""``cxtk`` console script: parses options, calls the library, prints, sets the exit code.

Every module named ``cmd_*.py`` in this package registers its commands on the
apps of ``toolkit.cli.app``; it must import heavy libraries inside its commands
so that ``cxtk --help`` stays fast.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import warnings

from toolkit.cli.app import app, state
from toolkit.core.errors import CxtkError, CxtkWarning

for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("cmd_")):
    importlib.import_module(f"{__name__}.{_mod}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; a ``CxtkError`` becomes ``Error: …`` on stderr and exit 1.

    Usage errors are Typer's own (exit 2); ``--verbose`` or ``CXTK_DEBUG=1`` shows tracebacks.
    A ``CxtkWarning`` from the library is one ``warning: …`` line on stderr.
    """
    from toolkit.core.scratch import sweep

    sweep()  # what a killed run left in the scratch folder goes now, not when a read next needs it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", CxtkWarning)
            warnings.showwarning = _show_warning
            app(args=argv, prog_name="cxtk")
    except CxtkError as exc:
        if state.verbose or os.environ.get("CXTK_DEBUG") == "1":
            raise
        from toolkit.core.safety import terminal_text

        print(f"Error: {terminal_text(exc)}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        sys.exit(130)


_showwarning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
    if issubclass(category, CxtkWarning):
        print(f"warning: {message}", file=sys.stderr)
        return
    _showwarning(message, category, filename, lineno, file, line)


__all__ = ["app", "main"]
