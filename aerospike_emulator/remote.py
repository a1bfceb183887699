# Process mode: runs an Emulator in a child Python process and forwards control calls to it
# as JSON lines over the child's stdin/stdout. Emulator(process=True) uses RemoteServer; the
# child side is `python -m aerospike_emulator.remote`, which runs child_main().

import json
import os
import subprocess
import sys
import threading


class RemoteError(RuntimeError):
    """A control call failed inside the child process."""


class RemoteServer:
    """Parent-side handle on an emulator child process."""

    def __init__(self, config):
        self.config = config
        self.proc = None
        self.lock = threading.Lock()

    def start(self):
        pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ)
        # A sanitizer runtime preloaded for the client under test has no business in the
        # server process (it also breaks Python's crypt module there).
        env.pop("LD_PRELOAD", None)
        env["PYTHONPATH"] = pkg_parent + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aerospike_emulator.remote", json.dumps(self.config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            bufsize=1,
        )
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(10)
            raise RuntimeError("the emulator child process did not start")
        reply = json.loads(line)
        if "error" in reply:
            self.proc.wait(10)
            raise OSError(reply["error"])
        return reply["seeds"]

    def call(self, target, index, method, args):
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                raise RemoteError("the emulator child process is not running")
            self.proc.stdin.write(json.dumps([target, index, method, args]) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise RemoteError("the emulator child process exited")
        reply = json.loads(line)
        if "error" in reply:
            raise RemoteError(reply["error"])
        return reply.get("result")

    def stop(self):
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def child_main(argv):
    from .emulator import Emulator

    config = json.loads(argv[0])
    out = sys.stdout
    sys.stdout = sys.stderr
    emu = Emulator(**config)
    try:
        emu.start()
    except OSError as e:
        out.write(json.dumps({"error": str(e)}) + "\n")
        out.flush()
        return 1
    out.write(json.dumps({"seeds": emu.seeds}) + "\n")
    out.flush()
    try:
        for line in sys.stdin:
            try:
                target, index, method, args = json.loads(line)
                result = emu._control(target, index, method, *args)
                reply = {"result": result}
            except Exception as e:  # noqa: BLE001 - reported to the parent
                reply = {"error": "%s: %s" % (type(e).__name__, e)}
            out.write(json.dumps(reply) + "\n")
            out.flush()
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
