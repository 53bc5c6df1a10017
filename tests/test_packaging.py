"""The source distribution holds everything a clean machine needs to build
the package: C sources and headers, the Python package, type stubs."""
from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("pyjwt_fast-*.tar.gz")
    return path


def test_sdist_contents(sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for c in sorted((ROOT / "csrc").glob("*.[ch]")):
        assert f"csrc/{c.name}" in names
    for py in sorted((ROOT / "pyjwt_fast").glob("*.py")):
        assert f"pyjwt_fast/{py.name}" in names
    for extra in ("pyjwt_fast/_native.pyi", "pyjwt_fast/py.typed", "setup.py", "pyproject.toml",
                  "README.md", "LICENSE", "docs/compat.md"):
        assert extra in names
    assert not any(n.startswith(("tests/", "benchmarks/", "csrc/fuzz/")) for n in names)


def test_sdist_builds_a_working_wheel(sdist: Path, tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(sdist)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("pyjwt_fast-*.whl")
    import zipfile

    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert any(n.startswith("pyjwt_fast/_native") and n.endswith(".so") for n in names)
    assert "pyjwt_fast/_native.pyi" in names and "pyjwt_fast/py.typed" in names
    # The wheel imports and works on its own, away from the source tree.
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    code = ("import pyjwt_fast as j; t = j.encode({'a': 1}, 'k' * 32); "
            "assert j.decode(t, 'k' * 32, algorithms=['HS256']) == {'a': 1}; print(j.__file__)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(target)},
                         check=True, capture_output=True, text=True).stdout
    assert str(target) in out
