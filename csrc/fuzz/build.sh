#!/usr/bin/env bash
# Builds the libFuzzer targets of csrc/fuzz/ with clang + ASan + UBSan.
#
#   csrc/fuzz/build.sh [TARGET...]     (default: all three targets)
#
# PJF_FUZZ_COVERAGE=1 builds source-coverage copies instead (TARGET_cov:
# -fprofile-instr-generate -fcoverage-mapping, no ASan/UBSan), which
# csrc/fuzz/coverage.sh runs over a corpus to report line coverage.
#
# Output goes to $PJF_FUZZ_OUT (default /tmp/pjf-fuzz), never into the source
# tree. Needs clang with libFuzzer (Debian: apt-get install clang
# libclang-rt-dev), the OpenSSL 3 headers (libssl-dev) and the Python
# development files of the python3 on PATH (python3-config --embed).
# CC may name another clang (e.g. CC=clang-16).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CSRC="$(cd "$HERE/.." && pwd)"
OUT="${PJF_FUZZ_OUT:-/tmp/pjf-fuzz}"
CC="${CC:-clang}"
PYTHON="${PYTHON:-python3}"
mkdir -p "$OUT"

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "build.sh: $CC not found (apt-get install clang libclang-rt-dev)" >&2
    exit 2
fi

# The python3-config that belongs to $PYTHON (a venv's python has none of its own).
PYCONFIG="$("$PYTHON" -c 'import sys, os, sysconfig; p = os.path.join(sysconfig.get_config_var("BINDIR") or "", "python%s-config" % sysconfig.get_python_version()); print(p if os.path.exists(p) else "python3-config")')"
PY_CFLAGS="$("$PYCONFIG" --includes)"
PY_LDFLAGS="$("$PYCONFIG" --ldflags --embed)"
PY_LIBDIR="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')"

SAN=(-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
SUFFIX=""
if [ "${PJF_FUZZ_COVERAGE:-0}" = 1 ]; then
    SAN=(-fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping)
    SUFFIX="_cov"
fi
CFLAGS=(-std=c11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter
        -DOPENSSL_API_COMPAT=0x30000000L -DOPENSSL_NO_DEPRECATED -DPJF_DEBUG=1 -UNDEBUG
        -I"$CSRC")

build() {
    local name="$1$SUFFIX"; shift
    echo "build.sh: $OUT/$name"
    "$CC" "${CFLAGS[@]}" "${SAN[@]}" "$@" -o "$OUT/$name"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_b64url fuzz_json_dec fuzz_decode)

for t in "${targets[@]}"; do
    case "$t" in
    fuzz_b64url)
        # pure C: the codec and the harness only
        build fuzz_b64url "$HERE/fuzz_b64url.c" "$CSRC/b64url.c"
        ;;
    fuzz_json_dec)
        # the decoder compiled in, CPython embedded (uninstrumented libpython)
        # shellcheck disable=SC2086
        build fuzz_json_dec $PY_CFLAGS "$HERE/fuzz_json_dec.c" "$CSRC/json_dec.c" \
            $PY_LDFLAGS -Wl,-rpath,"$PY_LIBDIR" -lcrypto
        ;;
    fuzz_decode)
        # every csrc/*.c compiled into the binary with the sanitizers; the
        # harness registers PyInit__native as the builtin pyjwt_fast._native
        # before Py_Initialize, so `import pyjwt_fast` runs this instrumented
        # copy, never the .so in the work tree.
        # shellcheck disable=SC2086
        build fuzz_decode $PY_CFLAGS -DPJF_REPO_DEFAULT="\"$(cd "$CSRC/.." && pwd)\"" \
            "$HERE/fuzz_decode.c" "$CSRC"/*.c \
            $PY_LDFLAGS -Wl,-rpath,"$PY_LIBDIR" -lcrypto
        ;;
    *)
        echo "build.sh: unknown target $t" >&2
        exit 2
        ;;
    esac
done
