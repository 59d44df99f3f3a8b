"""Pages drawn by a real browser: Debian's chromium, headless."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def _chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    browser = shutil.which("chromium")
    assert browser, "chromium is missing: make test installs it (tests/chromium.sh)"
    out = subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000", *extra,
         page.as_uri()], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out


def dump_dom(page: Path, profile: Path) -> str:
    """The DOM chromium holds after running the page's scripts (5 s of virtual time)."""
    return _chromium(page, profile, "--dump-dom").stdout


def dom_and_console(page: Path, profile: Path) -> tuple[str, list[str]]:
    """The DOM, and every message the page's scripts wrote to the console
    (console.log/error and uncaught exceptions: chromium logs them all as
    CONSOLE lines on standard error with --enable-logging=stderr)."""
    out = _chromium(page, profile, "--dump-dom", "--enable-logging=stderr", "--v=0")
    return out.stdout, re.findall(r":CONSOLE[^\]]*\] (.*)", out.stderr)
