"""Build script: compiles the C core (aerospike-client-c/) and the binding
(src/ext/) into one extension, `aerospike._core`, and packages the pure
Python parts: aerospike, aerospike_helpers, aerospike_lua (the Lua runtime of UDFs, shared
by the client's aggregations and the emulator) and aerospike_emulator.

Environment knobs (used by the Makefile):
  AS_SANITIZE=1   build with -fsanitize=address,undefined
  AS_DEBUG=1      build with -O0 -g
"""

import glob
import os

from setuptools import Extension, find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def sources():
    found = []
    for root in ("aerospike-client-c/src", "src/ext"):
        found += glob.glob(os.path.join(root, "**", "*.c"), recursive=True)
    return sorted(found)


def compile_args():
    args = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-D_GNU_SOURCE", "-fvisibility=hidden"]
    # Python's own headers trip these with -Wextra on some versions.
    args += ["-Wno-missing-field-initializers", "-Wno-cast-function-type"]
    if os.environ.get("AS_DEBUG") or os.environ.get("AS_SANITIZE"):
        args += ["-O0", "-g3", "-fno-omit-frame-pointer"]
    else:
        args += ["-O2"]
    if os.environ.get("AS_SANITIZE"):
        args += ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined"]
    return args


def link_args():
    if os.environ.get("AS_SANITIZE"):
        return ["-fsanitize=address,undefined"]
    return []


core = Extension(
    "aerospike._core",
    sources=sources(),
    include_dirs=["aerospike-client-c/include", "src/ext"],
    libraries=["ssl", "crypto", "z", "crypt", "pthread"],
    extra_compile_args=compile_args(),
    extra_link_args=link_args(),
)

packages = find_packages("src", include=["aerospike", "aerospike.*", "aerospike_helpers", "aerospike_helpers.*"])
package_dir = {p: os.path.join("src", *p.split(".")) for p in packages}
packages += find_packages(".", include=["aerospike_lua", "aerospike_lua.*"])
packages += find_packages(".", include=["aerospike_emulator", "aerospike_emulator.*"])

setup(
    packages=packages,
    package_dir=package_dir,
    ext_modules=[core],
    package_data={"aerospike_emulator": ["lua/*.lua"]},
)
