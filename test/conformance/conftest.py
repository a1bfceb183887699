# conftest.py: fixtures of the wire-vector conformance suite. One stand-in
# server (in a child process) and one client serve every scenario. Each
# scenario runs from a temporary working folder that is also the client's Lua
# user_path, because the UDF scenarios write vec_udf.lua into the working
# folder before udf_put.
# Environment: WIRE_VECTORS_DIR (vector folder), CONFORMANCE_TIMEOUT (seconds
# per scenario, default 20), CONFORMANCE_TRACE (file to log every request).

import os
import time

import pytest

from . import runner, vectors
from .standin_process import StandInProcess

_TIMINGS = {}


@pytest.fixture(scope="session")
def standin():
    server = StandInProcess(trace_path=os.environ.get("CONFORMANCE_TRACE")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    """The scenarios' working folder, which is also the client's Lua user_path."""
    return tmp_path_factory.mktemp("conformance-cwd")


@pytest.fixture(scope="session")
def client_box(standin, workdir):
    timeout = float(os.environ.get("CONFORMANCE_TIMEOUT", runner.DEFAULT_TIMEOUT))
    box = runner.ClientBox(standin.port, workdir, timeout=timeout)
    yield box
    box.close()


@pytest.fixture
def replay(standin, client_box, workdir):
    """Return a function that replays one scenario (from `workdir`) and returns its problems."""
    timeout = client_box.timeout

    def run(scenario):
        started = time.monotonic()
        previous = os.getcwd()
        os.chdir(workdir)
        try:
            return runner.run_scenario(scenario, standin, client_box, timeout=timeout)
        finally:
            os.chdir(previous)
            area = scenario["id"].split("/", 1)[0]
            spent = _TIMINGS.setdefault(area, [0, 0.0])
            spent[0] += 1
            spent[1] += time.monotonic() - started

    return run


def pytest_terminal_summary(terminalreporter):
    if not _TIMINGS:
        return
    which = "our" if vectors.client_is_ours() else "the reference"
    total = sum(t for _, t in _TIMINGS.values())
    parts = ", ".join(f"{area} {n} in {t:.1f}s" for area, (n, t) in _TIMINGS.items())
    terminalreporter.write_line(
        f"wire-vector conformance ({which} client): {total:.1f} s replaying: {parts}"
    )
