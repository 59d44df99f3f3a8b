"""Pages drawn by a real browser: Debian's chromium, headless."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def dump_dom(page: Path, profile: Path) -> str:
    """The DOM chromium holds after running the page's scripts (5 s of virtual time)."""
    browser = shutil.which("chromium")
    assert browser, "chromium is missing: make test installs it (tests/chromium.sh)"
    out = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
         "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout
