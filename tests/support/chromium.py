"""Debian's Chromium, as the browser tests launch it."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Headless in a container: no sandbox (root), no /dev/shm limits, no GPU, and nothing that
# would reach for the network by itself (the origin test counts every request).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

BROWSER_TESTS = Path(__file__).resolve().parents[1] / "browser"


def is_browser_test(path: Path) -> bool:
    """Whether a test lives under tests/browser (they run last: see tests/conftest.py)."""
    return BROWSER_TESTS in Path(path).resolve().parents
