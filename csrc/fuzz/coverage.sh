#!/usr/bin/env bash
# Line coverage of csrc/ reached by a corpus:
#
#   PJF_FUZZ_COVERAGE=1 csrc/fuzz/build.sh TARGET
#   csrc/fuzz/coverage.sh TARGET [CORPUS_DIR...]
#
# Runs $PJF_FUZZ_OUT/TARGET_cov once over every input of the given corpora
# (default: the scratch corpus run.sh grew, then the seed corpus) and prints
# llvm-cov's report for the csrc/ files the target compiles in.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="${PJF_FUZZ_OUT:-/tmp/pjf-fuzz}"
WORK="${PJF_FUZZ_WORK:-$OUT/work}"
TARGET="$1"; shift
BIN="$OUT/${TARGET}_cov"
[ -x "$BIN" ] || { echo "coverage.sh: $BIN missing (PJF_FUZZ_COVERAGE=1 build.sh $TARGET)" >&2; exit 2; }
dirs=("$@")
[ ${#dirs[@]} -eq 0 ] && dirs=("$WORK/corpus/$TARGET" "$HERE/corpus/$TARGET")
PROF="$OUT/$TARGET.profraw"
export PJF_REPO="${PJF_REPO:-$REPO}"
LLVM_PROFILE_FILE="$PROF" "$BIN" -runs=0 "${dirs[@]}" >/dev/null 2>&1 || true
PROFDATA="$(command -v llvm-profdata || command -v llvm-profdata-14)"
COV="$(command -v llvm-cov || command -v llvm-cov-14)"
"$PROFDATA" merge -sparse "$PROF" -o "$OUT/$TARGET.profdata"
"$COV" report "$BIN" -instr-profile="$OUT/$TARGET.profdata" \
    -ignore-filename-regex='(fuzz/|/usr/|python3)'
