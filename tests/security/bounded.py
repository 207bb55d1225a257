"""Run ``cxtk`` in a subprocess whose memory is capped with ``resource.setrlimit`` (issue 11, items 4 and 10).

The cap is on the address space (``RLIMIT_AS``): a process that tries to hold a 1 GiB cell or
expand a billion-laughs document under a 512 MiB cap fails, where one that refuses the input
early finishes well inside it. Polars is held to two threads so that the address space of its
thread stacks does not depend on the machine's cores.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from helpers_fs import cxtk_env

_BOUNDED = (
    "import resource, sys\n"
    "limit = int(sys.argv[1]) << 20\n"
    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    "sys.argv = ['cxtk', *sys.argv[2:]]\n"
    "from toolkit.cli import main\n"
    "main()\n"
)


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float


def run_bounded(cwd: Path, *args: str | Path, limit_mib: int, tmpdir: Path | None = None,
                timeout: float = 120) -> Run:
    """``cxtk ARGS`` in ``cwd`` under an address-space cap of ``limit_mib`` MiB (and ``TMPDIR``)."""
    env = {**cxtk_env(), "POLARS_MAX_THREADS": "2", "RAYON_NUM_THREADS": "2"}
    if tmpdir is not None:
        tmpdir.mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmpdir)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _BOUNDED, str(limit_mib), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)


def one_line(err: str) -> str:
    """The single line of ``err`` (warnings aside); no traceback, no panic."""
    assert "Traceback" not in err and "panicked" not in err and "MemoryError" not in err, err
    lines = [x for x in err.strip().splitlines() if not x.startswith("warning: ")]
    assert len(lines) == 1, err
    return lines[0]


def files_under(folder: Path) -> list[Path]:
    """Every file left under ``folder`` (a scratch root), for 'nothing left behind'."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
