# standin_process.py: runs the stand-in server (standin.py) in a child process
# and drives it over a JSON-line pipe. The suite needs this because a client
# may block inside C code while holding the GIL (the reference client's
# udf_put does), which would freeze a stand-in running on a thread of the
# same process. conftest.py uses StandInProcess; its methods mirror StandIn's.

import contextlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

_TEST_DIR = Path(__file__).resolve().parents[1]


class StandInError(RuntimeError):
    """The stand-in child process failed or answered with an error."""


class StandInProcess:
    """A StandIn living in a child Python process, with the same scenario API."""

    def __init__(self, trace_path=None):
        self.trace_path = trace_path
        self.port = None
        self._proc = None
        self._lock = threading.Lock()

    def start(self):
        """Start the child and wait until it reports its listening port."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(_TEST_DIR), env.get("PYTHONPATH", "")) if p
        )
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "conformance.standin", self.trace_path or ""],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            encoding="utf-8",
        )
        first = self._proc.stdout.readline()
        if not first:
            raise StandInError("the stand-in process exited before reporting its port")
        self.port = json.loads(first)["port"]
        return self

    def _call(self, op, **args):
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                raise StandInError("the stand-in process is not running")
            self._proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        if not line:
            raise StandInError(f"the stand-in process died during {op!r}")
        answer = json.loads(line)
        if not answer.get("ok"):
            raise StandInError(answer.get("error", "unknown error"))
        return answer.get("result")

    def begin(self, exchanges, captured_at=None, label=None, phase="setup"):
        self._call("begin", exchanges=exchanges, captured_at=captured_at, label=label, phase=phase)

    def set_phase(self, phase):
        self._call("set_phase", phase=phase)

    def finish(self):
        return self._call("finish")

    def drop_connections(self):
        self._call("drop_connections")

    @property
    def tend_counts(self):
        return self._call("tend_counts")

    def stop(self):
        """Ask the child to stop, then make sure it is gone."""
        if self._proc is None:
            return
        with contextlib.suppress(StandInError, OSError, ValueError):
            self._call("stop")
        try:
            self._proc.stdin.close()
            self._proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
        self._proc = None
