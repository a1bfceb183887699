# Makefile: the project's entry points. `make demo` and `make test` are the
# two commands of the README; .ci/run calls `make test`.

PY      := .venv/bin/python
REFPY   := .venv-ref/bin/python
OURPATH := PYTHONPATH=$(CURDIR)/src:$(CURDIR)
REFPATH := PYTHONPATH=$(CURDIR)
CORE_SRC := $(shell find aerospike-client-c/src -name '*.c' | sort)
CORE_TEST_SRC := $(shell find aerospike-client-c/test -name '*.c' | sort)
CFLAGS_CORE := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iaerospike-client-c/include
CORE_LIBS := -lssl -lcrypto -lz -lcrypt -lpthread
PYTEST  := -m pytest -q -p no:cacheprovider

.PHONY: setup build demo lint test ctest unit conformance integration integration-ref emulator-tests docs \
	asan bench clean

setup:
	./scripts/bootstrap.sh

build: setup
	$(PY) setup.py -q build_ext --inplace

demo: build
	$(OURPATH) $(PY) examples/demo.py

# The whole suite: C unit tests, Python unit tests, wire-vector conformance,
# the emulator's own tests, and the integration suite run twice against the
# emulator (our client, then the reference wheel), then the sanitizer run.
test: build lint ctest unit conformance emulator-tests integration integration-ref asan

aerospike-client-c/test/run_tests: $(CORE_SRC) $(CORE_TEST_SRC) $(shell find aerospike-client-c/include -name '*.h')
	$(CC) $(CFLAGS_CORE) -O1 -g -o $@ $(CORE_TEST_SRC) $(CORE_SRC) $(CORE_LIBS)

ctest: aerospike-client-c/test/run_tests
	./aerospike-client-c/test/run_tests

unit: build
	$(OURPATH) $(PY) $(PYTEST) test/unit

conformance: build
	$(OURPATH) $(PY) $(PYTEST) test/conformance

emulator-tests: build
	$(OURPATH) $(PY) $(PYTEST) test/emulator

integration: build
	$(OURPATH) $(PY) $(PYTEST) test/integration

integration-ref: setup
	$(REFPATH) $(REFPY) $(PYTEST) test/integration

# Python lint: pyflakes-level errors anywhere in the tree.
lint: setup
	.venv/bin/ruff check --select F,E9 src aerospike_emulator aerospike_lua test bench examples

# The same C core and binding built with AddressSanitizer and UBSan, then
# the C unit tests, the Python unit tests and the integration suite.
asan: setup
	./scripts/asan.sh

bench: build
	$(OURPATH) $(PY) bench/run.py

clean:
	rm -rf build src/aerospike/*.so aerospike-client-c/test/run_tests aerospike-client-c/test/run_tests_asan

# The Sphinx documentation (installs sphinx and myst-parser into .venv on first use).
docs: build
	.venv/bin/pip install -q --disable-pip-version-check sphinx myst-parser
	PYTHONPATH=$(CURDIR)/src:$(CURDIR) .venv/bin/sphinx-build -q -b html doc doc/_build/html
