#!/usr/bin/env bash
# asan.sh: the sanitizer run (`make asan`). Builds the C core's unit tests and the
# extension with AddressSanitizer + UndefinedBehaviorSanitizer, runs the C unit tests
# (with leak detection), then the Python unit, conformance and integration suites
# against the sanitized extension (Python itself is not sanitized, so the ASan runtime
# is preloaded and leak detection is left to the C tests).
set -euo pipefail
cd "$(dirname "$0")/.."

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CORE_SRC=$(find aerospike-client-c/src -name '*.c' | sort)
TEST_SRC=$(find aerospike-client-c/test -name '*.c' | sort)

echo "== C unit tests (ASan + UBSan)"
${CC:-gcc} -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O1 -g $SAN -Iaerospike-client-c/include \
	-o aerospike-client-c/test/run_tests_asan $TEST_SRC $CORE_SRC -lssl -lcrypto -lz -lcrypt -lpthread
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	./aerospike-client-c/test/run_tests_asan

echo "== extension (ASan + UBSan)"
OUT=build/asan
rm -rf "$OUT/pkg"
mkdir -p "$OUT/pkg"
AS_SANITIZE=1 .venv/bin/python setup.py -q build_ext -b "$OUT/lib" -t "$OUT/tmp"
cp -r src/aerospike src/aerospike_helpers "$OUT/pkg/"
rm -f "$OUT"/pkg/aerospike/_core*.so
cp "$OUT"/lib/aerospike/_core*.so "$OUT/pkg/aerospike/"

LIBASAN=$(${CC:-gcc} -print-file-name=libasan.so)
LIBUBSAN=$(${CC:-gcc} -print-file-name=libubsan.so)
export LD_PRELOAD="$LIBASAN $LIBUBSAN"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export PYTHONPATH="$PWD/$OUT/pkg:$PWD"
echo "== Python suites on the sanitized extension"
.venv/bin/python -m pytest -q -p no:cacheprovider test/unit test/conformance test/integration
