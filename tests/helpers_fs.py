"""Helpers for tests of hostile file systems: a read-only folder (even for root), run in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import toolkit

# the checkout whose toolkit this test run imports (subprocesses run the same code)
ROOT = Path(toolkit.__file__).resolve().parent.parent


def cxtk_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def run_readonly(folder: Path, cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``cxtk ARGS`` with ``folder`` read-only: by permissions, or (as root, who ignores them)
    by a read-only bind mount in a private mount namespace. Skips when neither is possible."""
    cmd = [sys.executable, "-m", "toolkit", *map(str, args)]
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
        for p in modes:
            p.chmod(0o555)
        try:
            return subprocess.run(cmd, cwd=cwd, env=cxtk_env(), capture_output=True, text=True, timeout=180)
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare: cannot make a read-only folder")
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" || exit 97; exec "$@"'
    done = subprocess.run(["unshare", "-m", "sh", "-c", script, str(folder), *cmd], cwd=cwd, env=cxtk_env(),
                          capture_output=True, text=True, timeout=180)
    if done.returncode == 97 or "unshare failed" in done.stderr:
        pytest.skip(f"cannot make a read-only mount here: {done.stderr.strip()[:200]}")
    return done


def can_mount_tmpfs() -> bool:
    """Root with unshare: a test may mount a small tmpfs (a real full disk) in a private namespace."""
    return os.geteuid() == 0 and shutil.which("unshare") is not None
