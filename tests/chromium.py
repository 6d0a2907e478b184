"""How every test and benchmark starts Chromium: Debian's build, flags for a closed network."""

from __future__ import annotations

import os

# Without the background-networking flags Chromium keeps calling home, and this machine's closed
# network refuses each call.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """``$CHROMIUM``, or Debian's /usr/bin/chromium (Playwright cannot download browsers here)."""
    return os.environ.get("CHROMIUM") or "/usr/bin/chromium"
