"""CI smoke run of the libFuzzer targets in csrc/fuzz/ (docs/fuzzing.md).

Builds the three targets with clang + ASan + UBSan into a temporary directory
and runs each one briefly on its seed corpus and dictionary (about 60 s of
fuzzing in total), asserting libFuzzer's exit status 0, no crash / leak /
timeout / OOM reproducer written, and that inputs really ran.

Skipped, with the reason, when clang or libFuzzer is not installed (Debian:
apt-get install clang libclang-rt-dev) or when PJF_SKIP_FUZZ_SMOKE=1.
PJF_FUZZ_SMOKE_SECONDS scales the run (default 60, split across the targets).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FUZZ = REPO / "csrc" / "fuzz"
CC = os.environ.get("CC", "clang")

TOTAL = int(os.environ.get("PJF_FUZZ_SMOKE_SECONDS", "60"))
# share of the budget: the decode target is the slowest and the widest
TARGETS = {"fuzz_b64url": 0.15, "fuzz_json_dec": 0.3, "fuzz_decode": 0.55}


def _skip_reason() -> str | None:
    if os.environ.get("PJF_SKIP_FUZZ_SMOKE") == "1":
        return "PJF_SKIP_FUZZ_SMOKE=1"
    if not sys.platform.startswith("linux"):
        return "libFuzzer smoke run is Linux-only"
    if shutil.which(CC) is None:
        return f"{CC} not installed (apt-get install clang libclang-rt-dev)"
    try:
        rtdir = subprocess.run([CC, "-print-runtime-dir"], capture_output=True, text=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        return f"{CC} -print-runtime-dir failed: {e}"
    lib = Path(rtdir) / f"libclang_rt.fuzzer-{platform.machine()}.a"
    if not lib.exists():
        return f"libFuzzer not installed ({lib} missing: apt-get install libclang-rt-dev)"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason()))


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PJF_FUZZ_OUT"] = str(tmp / "bin")
    env["PJF_FUZZ_WORK"] = str(tmp / "work")
    env["PJF_REPO"] = str(REPO)
    env["PYTHON"] = sys.executable
    # the embedded interpreter of fuzz_decode imports PyJWT (the oracle) and
    # cryptography from this interpreter's site-packages (a venv's included)
    paths = [p for p in site.getsitepackages() + [sysconfig.get_paths()["purelib"]] if p]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.pop("PJF_FUZZ_ORACLE", None)
    return env


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    env = _env(tmp)
    r = subprocess.run(["bash", str(FUZZ / "build.sh")], env=env, capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, f"build.sh failed:\n{r.stdout}\n{r.stderr}"
    return tmp, env


@pytest.mark.parametrize("target", list(TARGETS))
def test_fuzz_target_smoke(fuzz_env, target):
    tmp, env = fuzz_env
    seconds = max(5, int(TOTAL * TARGETS[target]))
    r = subprocess.run(["bash", str(FUZZ / "run.sh"), target, str(seconds)], env=env,
                       capture_output=True, text=True, timeout=seconds + 600)
    log = r.stdout + r.stderr
    artifacts = sorted(p.name for p in (tmp / "work" / "artifacts" / target).iterdir())
    assert r.returncode == 0, f"{target} exited {r.returncode}:\n{log[-6000:]}"
    assert not artifacts, f"{target} wrote reproducers {artifacts}:\n{log[-6000:]}"
    m = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    assert m and int(m.group(1)) > 100, f"{target} ran too few inputs:\n{log[-3000:]}"
    # the seed corpus was loaded (not a run on an empty corpus)
    assert re.search(r"\d+ files found in .*corpus/" + target, log), log[-3000:]
