#!/usr/bin/env bash
# Build pyjwt_fast._native with AddressSanitizer + UndefinedBehaviorSanitizer
# (PJF_SANITIZE=1, see setup.py) in a scratch copy of the repository -- never in
# place, so the checkout's normal build is untouched -- and run pytest on it.
#
#   tools/sanitize.sh                      # default: the C-heavy test files
#   tools/sanitize.sh tests/test_vectors.py -k HS256
#
# Fails (non-zero exit) on a test failure or on any sanitizer report: ASan stops
# the process on its first error, UBSan too (-fno-sanitize-recover=undefined),
# and the log is grepped for reports as a second line of defence.
#
# ASAN_OPTIONS=detect_leaks=0: CPython does not free everything at exit (interned
# strings, static types, module state of extensions that never unload, the
# obmalloc arenas), so LeakSanitizer would report thousands of "leaks" that are
# the interpreter's by design. Leaks of pyjwt_fast itself are covered by
# tests/test_leaks.py (refcounts, allocated blocks, RSS) instead.
#
# LD_PRELOAD: python itself is not built with ASan, so the ASan runtime must be
# loaded first (before libc's malloc is bound); libubsan is preloaded with it.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3}"
if [ "$#" -eq 0 ]; then
    set -- tests/test_api_hmac.py tests/test_vectors.py tests/test_json_native.py \
        tests/test_pubkey_vectors.py tests/test_pk_delegate.py tests/test_hostile.py \
        tests/test_leaks.py -k "not rss"
fi

SCRATCH="$(mktemp -d /tmp/pjf-sanitize.XXXXXX)"
LOG="$SCRATCH/sanitizer.log"
trap 'echo "scratch copy: $SCRATCH (log: $LOG)"' EXIT

echo "== copying $REPO to $SCRATCH/repo"
mkdir -p "$SCRATCH/repo"
tar -C "$REPO" --exclude=./build --exclude=./.git --exclude='*.so' --exclude=__pycache__ \
    --exclude=.hypothesis --exclude=.pytest_cache -cf - . | tar -C "$SCRATCH/repo" -xf -

echo "== building with PJF_SANITIZE=1"
(cd "$SCRATCH/repo" && PJF_SANITIZE=1 CC="${CC:-gcc}" "$PY" setup.py build_ext --inplace -q \
    > "$SCRATCH/build.log" 2>&1) || { cat "$SCRATCH/build.log"; exit 2; }

LIBASAN="$(gcc -print-file-name=libasan.so)"
LIBUBSAN="$(gcc -print-file-name=libubsan.so)"
for lib in "$LIBASAN" "$LIBUBSAN"; do
    [ -e "$lib" ] || { echo "missing sanitizer runtime $lib (install gcc's libasan/libubsan)"; exit 2; }
done

export LD_PRELOAD="$LIBASAN $LIBUBSAN"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:log_path=$SCRATCH/asan${PJF_ASAN_OPTIONS:+:$PJF_ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$SCRATCH/ubsan"
# obmalloc hides use-after-free of Python objects from ASan: use plain malloc.
export PYTHONMALLOC=malloc
export PYTHONPATH="$SCRATCH/repo${PYTHONPATH:+:$PYTHONPATH}"

echo "== pytest $* (in $SCRATCH/repo)"
cd "$SCRATCH/repo"
"$PY" - <<'PYEOF'
import pyjwt_fast._native as n, os
assert n.__file__.startswith(os.getcwd()), n.__file__
print("using", n.__file__)
PYEOF
set +e
"$PY" -m pytest -q -p no:cacheprovider "$@" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e

reports=$(cat "$SCRATCH"/asan.* "$SCRATCH"/ubsan.* 2>/dev/null | grep -cE "ERROR: AddressSanitizer|runtime error:|UndefinedBehaviorSanitizer" || true)
reports=$((reports + $(grep -cE "ERROR: AddressSanitizer|runtime error:" "$LOG" || true)))
if [ "$reports" -ne 0 ]; then
    echo "== SANITIZER REPORTS: $reports"
    cat "$SCRATCH"/asan.* "$SCRATCH"/ubsan.* 2>/dev/null | head -200
    exit 1
fi
if [ "$rc" -ne 0 ]; then
    echo "== pytest failed (exit $rc)"
    exit "$rc"
fi
echo "== clean: no sanitizer reports, tests passed"
