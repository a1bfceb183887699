# runner.py: runs one recorded scenario against the client under test.
# ClientBox owns the connected client (created once, re-created after a hang);
# run_scenario() plays the scenario's setup and call in a worker thread with a
# deadline while the stand-in checks the wire traffic, then gathers every
# problem (wire mismatches, missing exchanges, errors, result differences)
# into a list of texts. conftest.py builds both; test_vectors.py calls them.

import builtins
import faulthandler
import threading
import time
import traceback

from . import notation

DEFAULT_TIMEOUT = 20.0
WATCHDOG_GRACE = 30.0
# After this many timeouts in a row within one area (or twice as many in a
# row overall), the rest of that area (or of the run) fails at once instead
# of waiting for the deadline each time.
HANG_LIMIT = 3


class ClientUnavailable(Exception):
    """The client under test could not be imported, created or connected."""


def _call_with_deadline(func, timeout, name):
    """Run func() in a daemon thread; return ("value"|"exception"|"timeout", payload)."""
    box = {}

    def work():
        try:
            box["outcome"] = ("value", func())
        except BaseException as exc:  # noqa: BLE001 - everything is reported.
            box["outcome"] = ("exception", exc)

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        return ("timeout", thread)
    return box["outcome"]


class ClientBox:
    """Creates the client under test on first use and keeps it for the session.

    A failure to import or connect is remembered, so every scenario fails at
    once with the same clear message instead of waiting again.
    """

    def __init__(self, port, user_path, timeout=DEFAULT_TIMEOUT):
        self.port = port
        self.user_path = str(user_path)
        self.timeout = timeout
        self.client = None
        self.modules = None
        self.error = None
        self.hangs = {}

    def config(self):
        """Return the client configuration: one seed (the stand-in) and the Lua path."""
        return {"hosts": [("127.0.0.1", self.port)], "lua": {"user_path": self.user_path}}

    def get(self):
        """Return (client, namespace modules), or raise ClientUnavailable."""
        if self.error is not None:
            raise ClientUnavailable(self.error)
        if self.client is not None:
            return self.client, self.modules
        try:
            import aerospike
        except BaseException as exc:  # noqa: BLE001 - a broken package is reported.
            self.error = f"`import aerospike` failed: {type(exc).__name__}: {exc}"
            raise ClientUnavailable(self.error) from None
        try:
            import aerospike_helpers
        except ImportError:
            aerospike_helpers = None
        factory = getattr(aerospike, "client", None)
        if factory is None:
            self.error = (
                f"the aerospike package at {getattr(aerospike, '__file__', '?')} "
                "has no `client` function (client not implemented yet)"
            )
            raise ClientUnavailable(self.error)
        kind, payload = _call_with_deadline(
            lambda: factory(self.config()).connect(), self.timeout, "client-connect"
        )
        if kind != "value":
            if kind == "timeout":
                detail = f"did not return within {self.timeout:g} s"
            else:
                detail = f"raised {type(payload).__name__}: {payload}"
            self.error = f"aerospike.client(config).connect() {detail}"
            raise ClientUnavailable(self.error)
        self.client = payload
        self.modules = {"aerospike": aerospike, "aerospike_helpers": aerospike_helpers}
        return self.client, self.modules

    def discard(self, close=True):
        """Forget the client (after a hang) so the next scenario gets a new one.

        With close=False the client is abandoned without close(), because a
        thread may still be inside one of its calls.
        """
        client, self.client = self.client, None
        if client is not None and close:
            _call_with_deadline(client.close, 5.0, "client-close")

    def close(self):
        """Close the client at the end of the session."""
        self.discard()


def _format_exception(exc):
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return "".join(lines[-6:]).rstrip()


def run_scenario(scenario, standin, box, timeout=DEFAULT_TIMEOUT):
    """Replay one scenario; return the list of problems found (empty on success)."""
    sid = scenario["id"]
    area = sid.split("/", 1)[0]
    if box.hangs.get(area, 0) >= HANG_LIMIT:
        where = f"{HANG_LIMIT} scenarios of area {area!r} in a row, so the rest of the area"
        return [f"not run: the client hung in {where} fails without waiting"]
    if box.hangs.get("*", 0) >= 2 * HANG_LIMIT:
        where = f"{2 * HANG_LIMIT} scenarios in a row, so the rest of the run"
        return [f"not run: the client hung in {where} fails without waiting"]
    try:
        client, modules = box.get()
    except ClientUnavailable as exc:
        return [f"client unavailable: {exc}"]
    namespace = {"__builtins__": builtins, "c": client, **modules}
    state = {"failed_step": None}

    def play():
        for i, source in enumerate(scenario.get("setup", [])):
            state["failed_step"] = i
            exec(compile(source, f"<{sid} setup[{i}]>", "exec"), namespace)  # noqa: S102
        state["failed_step"] = None
        standin.set_phase("call")
        return eval(compile(scenario["call"], f"<{sid} call>", "eval"), namespace)

    standin.begin(scenario.get("exchanges", []), scenario.get("captured_at"), label=sid)
    started = time.monotonic()
    # A client that blocks while holding the GIL would also block the deadline
    # below; faulthandler's own thread then dumps every stack and ends the run.
    faulthandler.dump_traceback_later(timeout + WATCHDOG_GRACE, exit=True)
    try:
        kind, payload = _call_with_deadline(play, timeout, f"scenario {sid}")
    finally:
        faulthandler.cancel_dump_traceback_later()
    problems = []
    if kind == "timeout":
        problems.append(
            f"timeout: the scenario did not finish within {timeout:g} s "
            "(the stand-in dropped every connection and the client will be re-created)"
        )
        standin.drop_connections()
        payload.join(2.0)
        box.discard(close=not payload.is_alive())
        for counter in (area, "*"):
            box.hangs[counter] = box.hangs.get(counter, 0) + 1
    else:
        box.hangs[area] = box.hangs["*"] = 0
    wire_problems = standin.finish()
    problems.extend(wire_problems)
    if kind == "exception" and state["failed_step"] is not None:
        problems.append(f"setup step {state['failed_step']} raised:\n{_format_exception(payload)}")
    elif kind in ("value", "exception"):
        difference = notation.compare(scenario["result"], (kind, payload))
        if difference:
            if kind == "exception" and not notation.is_aerospike_error(payload):
                difference += "\n" + _format_exception(payload)
            problems.append(difference)
    elapsed = time.monotonic() - started
    if problems:
        problems.insert(0, f"scenario {sid} ({scenario.get('_source', '?')}, {elapsed:.2f} s)")
    return problems
