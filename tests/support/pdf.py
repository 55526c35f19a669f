"""Reading a PDF back in tests with poppler-utils (pdftotext, pdftoppm): a missing program
fails the test with a clear message, never a skip."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def tool(name: str) -> str:
    """The path of a poppler-utils program; a clear failure (never a skip) without it."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"{name} is missing: install Debian's poppler-utils (scripts/test does) to check "
            "the hand-off PDF"
        )
    return found


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "handoff.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        [tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(done.stdout.decode("utf-8").split())
