#!/usr/bin/env bash
# Runs one libFuzzer target built by build.sh.
#
#   csrc/fuzz/run.sh TARGET SECONDS [libFuzzer flags or extra corpus dirs...]
#
# TARGET is fuzz_b64url, fuzz_json_dec or fuzz_decode. The seed corpus
# csrc/fuzz/corpus/TARGET is read but never written: new corpus entries go to
# $PJF_FUZZ_WORK/corpus/TARGET and crash / timeout / leak reproducers to
# $PJF_FUZZ_WORK/artifacts/TARGET/ (default PJF_FUZZ_WORK=$PJF_FUZZ_OUT/work,
# PJF_FUZZ_OUT=/tmp/pjf-fuzz). The libFuzzer log is $PJF_FUZZ_WORK/TARGET.log
# and is also printed. The exit status is libFuzzer's: 0 when no finding.
# Set PJF_FUZZ_JOBS=N for N parallel workers (default 1). Run it under
# `nice -n 19` on a shared machine.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 TARGET SECONDS [libFuzzer flags...]" >&2
    exit 2
fi
TARGET="$1"
SECONDS_="$2"
shift 2

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="${PJF_FUZZ_OUT:-/tmp/pjf-fuzz}"
WORK="${PJF_FUZZ_WORK:-$OUT/work}"
BIN="$OUT/$TARGET"

# fuzz_decode: libFuzzer's per-input leak check scans CPython's whole heap
# after almost every input (CPython's caches make malloc/free counts differ),
# which cuts the speed a hundredfold; the exit-time LeakSanitizer pass still
# runs (ASAN_OPTIONS detect_leaks=1) and reports every object an input leaked
# that nothing references. PJF_FUZZ_PER_INPUT_LEAKS=1 turns the per-input
# check back on (for replaying a corpus: run.sh fuzz_decode 0 -runs=0).
PER_INPUT_LEAKS=1
case "$TARGET" in
fuzz_b64url)   MAXLEN=4096 ;;
fuzz_json_dec) MAXLEN=8192 ;;
fuzz_decode)   MAXLEN=8192; PER_INPUT_LEAKS="${PJF_FUZZ_PER_INPUT_LEAKS:-0}" ;;
*) echo "run.sh: unknown target $TARGET" >&2; exit 2 ;;
esac

if [ ! -x "$BIN" ]; then
    echo "run.sh: $BIN missing: run csrc/fuzz/build.sh first" >&2
    exit 2
fi

mkdir -p "$WORK/corpus/$TARGET" "$WORK/artifacts/$TARGET"
DICT="$HERE/$TARGET.dict"

# fuzz_decode finds the package through PJF_REPO (default: this checkout).
export PJF_REPO="${PJF_REPO:-$REPO}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1:handle_abort=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$HERE/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

args=(
    -max_total_time="$SECONDS_"
    -max_len="$MAXLEN"
    -timeout=5
    -rss_limit_mb=2048
    -malloc_limit_mb=2048
    -print_final_stats=1
    -detect_leaks="$PER_INPUT_LEAKS"
    -artifact_prefix="$WORK/artifacts/$TARGET/"
)
[ -f "$DICT" ] && args+=(-dict="$DICT")
if [ "${PJF_FUZZ_JOBS:-1}" -gt 1 ]; then
    args+=(-fork="$PJF_FUZZ_JOBS")
fi

# the first corpus dir is written to (scratch); the seed dir, and any extra
# corpus dirs among the arguments, are only read
set +e
"$BIN" "${args[@]}" "$WORK/corpus/$TARGET" "$HERE/corpus/$TARGET" "$@" 2>&1 | tee "$WORK/$TARGET.log"
rc=${PIPESTATUS[0]}
set -e
exit "$rc"
