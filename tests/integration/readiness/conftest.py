"""Fixtures of the readiness report tests."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

# The tests of this directory share readiness_page (imports are by path: --import-mode=importlib).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from readiness_page import CHROMIUM, render  # noqa: E402


@pytest.fixture
def chromium(tmp_path):
    """chromium(page_path, screenshot_path) -> readiness_page.Page."""
    if not shutil.which(CHROMIUM):
        pytest.skip("needs Debian's chromium (scripts/setup.sh installs it)")
    return lambda page, screenshot: render(tmp_path, page, screenshot)
