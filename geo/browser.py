"""Debian's Chromium under Playwright, launched one way for the benchmark and the tests.

Playwright cannot download a browser here (no internet), so it drives the system's Chromium; the flags
keep the browser from calling home (no background networking, component updates, sync or QUIC), which an
intranet would block and a measurement would count.
"""

from __future__ import annotations

import os
from pathlib import Path

#: the flags every launch uses
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str | None:
    """Debian's Chromium (``BEM_CHROMIUM`` overrides); None lets Playwright choose."""
    for candidate in (os.environ.get("BEM_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def launch(pw, **kw):
    """A Chromium of the Playwright instance ``pw`` with the project's flags (``kw``: more launch options)."""
    return pw.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS), **kw)
