#!/usr/bin/env bash
# bootstrap.sh: prepares a fresh machine for building and testing.
# - installs the system packages the build needs (OpenSSL and zlib headers)
#   and the openssl command the TLS tests make certificates with,
# - creates .venv (our client, built in place, plus the test tools),
# - creates .venv-ref (the reference client from PyPI, the test oracle and
#   benchmark baseline; it never sees our package).
# Safe to re-run: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
REF_VERSION=${AEROSPIKE_REF_VERSION:-19.3.0}

need_pkgs=()
[ -f /usr/include/openssl/ssl.h ] || need_pkgs+=(libssl-dev)
[ -f /usr/include/zlib.h ] || need_pkgs+=(zlib1g-dev)
[ -f /usr/include/crypt.h ] || need_pkgs+=(libcrypt-dev)
command -v gcc >/dev/null || need_pkgs+=(gcc)
# The TLS tests make their certificates with the openssl command.
command -v openssl >/dev/null || need_pkgs+=(openssl)
if [ ${#need_pkgs[@]} -gt 0 ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}"
fi

if [ ! -x .venv/bin/python ]; then
	"$PYTHON" -m venv .venv
fi
if [ ! -f .venv/.deps-ok ] || [ requirements-dev.txt -nt .venv/.deps-ok ]; then
	.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch .venv/.deps-ok
fi

if [ ! -x .venv-ref/bin/python ]; then
	"$PYTHON" -m venv .venv-ref
fi
if [ ! -f .venv-ref/.deps-ok ]; then
	.venv-ref/bin/pip install -q --disable-pip-version-check "aerospike==${REF_VERSION}" pytest lupa
	touch .venv-ref/.deps-ok
fi

.venv/bin/python setup.py -q build_ext --inplace
