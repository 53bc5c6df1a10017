"""PyJWT 2.15.1's own test suite, taken unmodified from its source archive,
run against pyjwt_fast: `jwt` resolves to pyjwt_fast through install().

Tests that inspect PyJWT's private internals are deselected by the list in
docs/compat.md ("PyJWT's test suite"), each with its reason there.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VERSION = "2.15.1"
SDIST = f"pyjwt-{VERSION}.tar.gz"
CACHE = Path(os.environ.get("PJF_PYJWT_SDIST_DIR", ROOT / "tests" / ".pyjwt-sdist"))

# jwt must resolve to pyjwt_fast before pytest reads PyJWT's configuration,
# whose filterwarnings name jwt.warnings.InsecureKeyLengthWarning (newer
# pytest resolves it before loading -p plugins): install() runs first.
RUNNER = """\
import sys

import pyjwt_fast

pyjwt_fast.install()

import pytest

sys.exit(pytest.main(sys.argv[1:]))
"""


def deselected() -> list[str]:
    """Node ids listed in docs/compat.md's section on PyJWT's test suite."""
    text = (ROOT / "docs" / "compat.md").read_text(encoding="utf-8")
    section = text.split("## PyJWT's test suite", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(tests/test_\w+\.py::[\w:\[\]\-.]+)`", section)


def fetch_sdist() -> Path:
    path = CACHE / SDIST
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", f"pyjwt=={VERSION}", "-d", str(CACHE)],
            check=True,
        )
    return path


def test_pyjwt_suite_passes_on_pyjwt_fast(tmp_path: Path) -> None:
    try:
        sdist = fetch_sdist()
    except subprocess.CalledProcessError:
        if os.environ.get("CI"):
            raise
        pytest.skip("PyJWT's source archive could not be downloaded")

    top = f"pyjwt-{VERSION}/"
    with tarfile.open(sdist) as tar:
        members = [
            m for m in tar.getmembers()
            if m.name.startswith(top + "tests/") or m.name == top + "pyproject.toml"
        ]
        tar.extractall(tmp_path, members=members)  # noqa: S202 - PyPI's archive of a pinned release
    suite = tmp_path / top
    runner = tmp_path / "run_with_pyjwt_fast.py"
    runner.write_text(RUNNER)

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    args = [sys.executable, str(runner), "-q", "-p", "no:cacheprovider",
            "-c", str(suite / "pyproject.toml"), "--rootdir", str(suite), str(suite / "tests")]
    for node in deselected():
        args += ["--deselect", node]
    proc = subprocess.run(args, cwd=suite, env=env, capture_output=True, text=True, timeout=600)
    tail = "\n".join(proc.stdout.splitlines()[-40:])
    print(tail)
    assert proc.returncode == 0, f"PyJWT's suite failed on pyjwt_fast:\n{tail}\n{proc.stderr[-2000:]}"
    summary = proc.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary, summary
