"""A real `spmo serve` on a free loopback port (temporary SQLite database) and a
Playwright page in Debian's chromium, for the planners' page tests (docs/page.md).

Playwright is driven through `executable_path` (its own browser builds are never
downloaded); tests/chromium.sh installs chromium. Every console error and
uncaught page error is collected in `.errors`."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "build" / "screenshots"
"""Where each screen's picture is copied (ignored by git), beside the test's tmp_path."""


class Server:
    """`spmo serve` as a subprocess; `call` speaks JSON to it."""

    def __init__(self, tmp_path: Path, role: str = "plan", **env: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        database = f"sqlite:///{tmp_path / 'page.db'}"
        env = {**os.environ, "SPMO_WORKERS": "2", **env}
        env.pop("SPMO_AUTH", None)  # keys on, as a portal would run it
        made = subprocess.run(
            [sys.executable, "-m", "spmo", "keys", "create", "--role", role, "--name",
             "page-tests", "--database", database, "--json"],
            capture_output=True, text=True, env=env, check=True)
        self.key: str | None = json.loads(made.stdout)["key"]
        """The API key the page is given (a `plan` key of the test's database,
        or of `role`)."""
        self.log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "spmo", "serve", "--host", "127.0.0.1", "--port",
             str(self.port), "--database", database],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"content-type": "application/json",
                                                  **({"x-api-key": self.key} if self.key else {})})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                if self.call("GET", "/healthz")[0] == 200:
                    return
            except (urllib.error.URLError, ConnectionError):
                pass
            assert self.process.poll() is None, "spmo serve stopped: see server.log"
            assert time.monotonic() < deadline, "spmo serve did not answer in time"
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="module")
def spmo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server per test module (and xdist worker): its start takes seconds."""
    served = Server(tmp_path_factory.mktemp("spmo-serve"))
    try:
        served.wait_ready()
        yield served
    finally:
        served.stop()


@pytest.fixture
def browser_page(spmo_server: Server) -> Iterator[Page]:
    """A fresh page (1440 x 900, a laptop) whose console errors land in `.errors`;
    the server's key, if it has one, is in the tab's sessionStorage before the page
    loads (as if typed earlier), so no call goes without it."""
    assert Path(CHROMIUM).exists(), "chromium is missing: make test installs it (tests/chromium.sh)"
    with sync_playwright() as playwright:
        # Playwright gives the browser a fresh profile of its own (no --user-data-dir)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900},
                                      accept_downloads=True, locale="en-GB")
        context.set_default_timeout(20_000)
        if spmo_server.key:
            context.add_init_script(
                f"sessionStorage.setItem('spmo.apiKey', {json.dumps(spmo_server.key)})")
        opened = context.new_page()
        opened.errors = []
        opened.on("console", lambda m: opened.errors.append(f"console: {m.text}")
                  if m.type == "error" else None)
        opened.on("pageerror", lambda e: opened.errors.append(f"page error: {e}"))
        try:
            yield opened
        finally:
            context.close()
            browser.close()


def screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    """The whole page as `name`.png under tmp_path, copied to build/screenshots/."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return screenshot_copy(path)


def screenshot_copy(path: Path) -> Path:
    """Copy a screenshot to build/screenshots/ (the test's tmp_path is not kept)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENSHOTS / path.name)
    return path
