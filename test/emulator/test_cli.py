# The command line: `python -m aerospike_emulator` starts, prints its seed, answers info
# and stops cleanly on SIGINT and SIGTERM.

import os
import signal
import subprocess
import sys

import pytest

from .rawclient import Conn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _start(*args):
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "aerospike_emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    seed = None
    for _ in range(5):
        line = proc.stdout.readline()
        if line.startswith("seed "):
            host, port = line.split()[1].rsplit(":", 1)
            seed = (host, int(port))
            break
    assert seed, proc.stderr.read()
    return proc, seed


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cli_runs_and_stops(sig):
    proc, seed = _start("--nodes", "2", "--namespace", "alpha", "--namespace", "beta")
    try:
        with Conn(seed) as c:
            assert c.info("namespaces") == "alpha;beta"
            assert c.info("peers-clear-std").count("[") == 3
    finally:
        proc.send_signal(sig)
        assert proc.wait(10) == 0
    assert "stopped" in proc.stdout.read()


def test_cli_help():
    out = subprocess.run(
        [sys.executable, "-m", "aerospike_emulator", "--help"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=ROOT),
    )
    assert out.returncode == 0 and "--nodes" in out.stdout
