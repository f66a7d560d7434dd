"""Headless Chromium for the browser tests (Debian's package, driven by Playwright).

Without Chromium or Playwright the browser tests skip, saying why; where the browser is required
(CI=1 or THIDUA_REQUIRE_BROWSER=1, as .ci/run sets) they fail instead, so CI never passes without
them."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = any(
    os.environ.get(name, "").strip().lower() in {"1", "true", "yes"} for name in ("CI", "THIDUA_REQUIRE_BROWSER")
)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def missing(what: str):
    if REQUIRED:
        pytest.fail(f"{what}, and the browser tests are required here (CI or THIDUA_REQUIRE_BROWSER is set)")
    pytest.skip(what)


def playwright_api():
    """Playwright's sync API, once Chromium is known to be there (else skip or fail, as above)."""
    if CHROMIUM is None:
        missing("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright import sync_api
    except ImportError:
        missing("Playwright is not installed (pip install -r requirements-dev.txt)")
    return sync_api


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
