"""The package type-checks under mypy --strict (hints, _native.pyi, py.typed)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_strict_is_clean() -> None:
    pytest.importorskip("mypy")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "pyjwt_fast"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_stubs_and_marker_ship() -> None:
    assert (ROOT / "pyjwt_fast" / "py.typed").exists()
    assert (ROOT / "pyjwt_fast" / "_native.pyi").exists()
