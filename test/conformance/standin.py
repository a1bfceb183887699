# standin.py: the stand-in server of the wire-vector conformance suite.
# It listens on a free loopback port, answers the client's cluster tending by
# itself (one node that owns every partition of `test` and `bar`), and plays
# one recorded scenario at a time: each request that is not tending is checked
# against the next recorded request (after the README's masks) and answered
# with the recorded responses, their record void times moved to "now".
# conftest.py starts one for the session; test_standin.py tests it.

import base64
import contextlib
import json
import re
import socket
import sys
import threading
import time
import traceback

from . import diff, wire

BUILD = "8.1.2.0"
NAMESPACES = ("test", "bar")
PEERS_GENERATION = 1
PARTITION_GENERATION = 1

# Every partition of a namespace, as the 684-character base64 bitmap of 512 0xff bytes.
ALL_PARTITIONS = base64.b64encode(b"\xff" * 512).decode("ascii")
NO_PARTITIONS = base64.b64encode(b"\x00" * 512).decode("ascii")

FEATURES = (
    "batch-any;batch-index;blob-bits;cdt-index;cdt-list;cdt-map;cluster-stable;float;geo;"
    "sindex-exists;peers;pipelining;pquery;pscans;query-show;relaxed-sc;replicas;replicas-all;"
    "replicas-master;replicas-max;truncate-namespace;udf"
)

# The info commands a tender may send: the README's list of left-out tending
# commands, plus the older and rarer ones other clients send while tending.
TEND_COMMANDS = frozenset(
    {
        "node",
        "partition-generation",
        "build",
        "version",
        "edition",
        "release",
        "user-agent-set",
        "peers-generation",
        "peers-clear-std",
        "peers-clear-alt",
        "peers-tls-std",
        "peers-tls-alt",
        "replicas",
        "replicas-all",
        "replicas-master",
        "replicas-prole",
        "features",
        "cluster-name",
        "partitions",
        "rack-ids",
        "racks",
        "rebalance-generation",
        "service",
        "services",
        "services-alumni",
        "services-alternate",
        "service-clear-std",
        "service-clear-alt",
        "service-tls-std",
        "service-tls-alt",
    }
)

_NAME_END = re.compile(r"[:/;]")


def command_name(command):
    """Return the name of an info command: the text before the first `:`, `/` or `;`."""
    return _NAME_END.split(command, 1)[0]


def is_tending(commands):
    """Tell whether an info request is built only from tend commands."""
    return bool(commands) and all(command_name(c) in TEND_COMMANDS for c in commands)


class _Conn:
    """One client connection and what the stand-in has learnt about it."""

    def __init__(self, number, sock):
        self.number = number
        self.sock = sock
        self.tender = False


class _Exchange:
    """One recorded exchange of a scenario, decoded from its hex form."""

    def __init__(self, raw):
        self.phase = raw.get("phase", "call")
        self.conn = raw.get("conn", 0)
        self.request = bytes.fromhex(raw["request"])
        self.responses = [bytes.fromhex(r) for r in raw.get("responses", [])]


def _summary(message):
    kind = wire.request_kind(message)
    if kind == "info":
        return f"info {wire.info_commands(message)!r}"[:200]
    return f"{kind} request of {len(message)} bytes: {diff.short_hex(message)}"


class StandIn:
    """A single-node Aerospike stand-in that replays recorded scenarios.

    Use start() and stop() around a session, and begin(), set_phase() and
    finish() around each scenario. finish() returns the list of problems
    found (mismatched, missing, unexpected or stray requests) as text.
    """

    def __init__(self, host="127.0.0.1", node_id="BB9C0FFEE000001", trace=None):
        self.host = host
        self.node_id = node_id
        self.trace = trace
        self.tend_counts = {}
        self._lock = threading.Lock()
        self._listener = None
        self._conns = {}
        self._next_conn = 0
        self._stopping = False
        self._active = False
        self._label = None
        self._exchanges = []
        self._pos = 0
        self._phase = "setup"
        self._captured_at = None
        self._problems = []
        self._strays = []

    # Lifecycle ----------------------------------------------------------------

    def start(self):
        """Open the listening socket on a free port and start accepting."""
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((self.host, 0))
        self._listener.listen(64)
        threading.Thread(target=self._accept_loop, name="standin-accept", daemon=True).start()
        return self

    @property
    def port(self):
        return self._listener.getsockname()[1]

    def stop(self):
        """Stop accepting and close every connection."""
        self._stopping = True
        with contextlib.suppress(OSError):
            self._listener.close()
        self.drop_connections()

    def drop_connections(self):
        """Close every client connection (used to unblock a hung client)."""
        with self._lock:
            conns = list(self._conns.values())
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
            conn.sock.close()

    # Scenarios ---------------------------------------------------------------

    def begin(self, exchanges, captured_at=None, label=None, phase="setup"):
        """Start playing a scenario given its raw `exchanges` list and capture time."""
        with self._lock:
            self._exchanges = [_Exchange(e) for e in exchanges]
            self._pos = 0
            self._phase = phase
            self._captured_at = captured_at
            self._label = label
            self._problems = []
            self._active = True

    def set_phase(self, phase):
        """Tell the stand-in that the scenario moved on to `phase` (setup or call)."""
        with self._lock:
            self._phase = phase

    def finish(self):
        """End the current scenario and return the list of problems as text."""
        with self._lock:
            problems = list(self._problems)
            for i in range(self._pos, len(self._exchanges)):
                ex = self._exchanges[i]
                problems.append(
                    f"exchange #{i} ({ex.phase}) was never requested; "
                    f"expected {_summary(ex.request)}"
                )
            if self._strays:
                problems.extend(self._strays)
                self._strays = []
            self._active = False
            self._label = None
            self._problems = []
            self._exchanges = []
            return problems

    def void_time_shift(self, now=None):
        """Return the whole seconds between the capture and `now` (default: the clock)."""
        if self._captured_at is None:
            return 0
        now = time.time() if now is None else now
        return int(now - self._captured_at)

    # Network --------------------------------------------------------------------

    def _accept_loop(self):
        while not self._stopping:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                conn = _Conn(self._next_conn, sock)
                self._next_conn += 1
                self._conns[conn.number] = conn
            threading.Thread(
                target=self._serve, args=(conn,), name=f"standin-conn-{conn.number}", daemon=True
            ).start()

    def _serve(self, conn):
        try:
            while True:
                message = _read_message(conn.sock)
                if message is None:
                    return
                answer = self.handle(conn, message)
                if answer:
                    conn.sock.sendall(answer)
        except OSError:
            return
        finally:
            with self._lock:
                self._conns.pop(conn.number, None)
            conn.sock.close()

    # Requests -----------------------------------------------------------------

    def handle(self, conn, message):
        """Return the bytes to send back for one request on a connection."""
        if wire.proto_type(message) == wire.TYPE_INFO:
            commands = wire.info_commands(message)
            if is_tending(commands):
                with self._lock:
                    if not conn.tender and self._next_request_is(message):
                        return self._play(conn, message)
                    conn.tender = True
                self._trace(conn, "tend", message)
                return self.tend_answer(commands)
        with self._lock:
            return self._play(conn, message)

    def _next_request_is(self, message):
        if not self._active or self._pos >= len(self._exchanges):
            return False
        return wire.requests_match(self._exchanges[self._pos].request, message)

    def _play(self, conn, message):
        """Match a scenario request and return its answer; the lock is held."""
        self._trace(conn, "play", message)
        if not self._active:
            self._strays.append(
                f"request on connection {conn.number} arrived between scenarios: "
                f"{_summary(message)}"
            )
            return wire.error_answer(message)
        if self._pos >= len(self._exchanges):
            self._problems.append(
                f"unexpected extra request #{self._pos} during {self._phase} "
                f"(all {len(self._exchanges)} recorded exchanges were already played): "
                f"{_summary(message)}"
            )
            self._pos += 1
            return wire.error_answer(message)
        index = self._pos
        ex = self._exchanges[index]
        if wire.request_kind(ex.request) != wire.request_kind(message):
            self._problems.append(
                f"exchange #{index} ({ex.phase}): request differs (left in place, the "
                f"client got an error answer)\n{diff.describe_mismatch(ex.request, message)}"
            )
            return wire.error_answer(message)
        self._pos += 1
        if ex.phase != self._phase:
            self._problems.append(
                f"exchange #{index} was recorded during {ex.phase} but requested during "
                f"{self._phase}"
            )
        if not wire.requests_match(ex.request, message):
            self._problems.append(
                f"exchange #{index} ({ex.phase}): request differs\n"
                f"{diff.describe_mismatch(ex.request, message)}"
            )
        shift = self.void_time_shift()
        return b"".join(wire.shift_void_times(r, shift) for r in ex.responses)

    def _trace(self, conn, what, message):
        if self.trace is not None:
            self.trace(
                f"{time.time():.3f} conn={conn.number} {what} "
                f"scenario={self._label} phase={self._phase} {_summary(message)}"
            )

    # Tending ---------------------------------------------------------------------

    def tend_answer(self, commands):
        """Return the info answer to a request made only of tend commands."""
        lines = []
        for cmd in commands:
            name = command_name(cmd)
            with self._lock:
                self.tend_counts[name] = self.tend_counts.get(name, 0) + 1
            lines.append(f"{cmd}\t{self.tend_value(name)}\n")
        return wire.info_message("".join(lines))

    def tend_value(self, name):
        """Return the value of one tend command for this single-node cluster."""
        own = f"{self.host}:{self.port}"
        peers = f"{PEERS_GENERATION},3000,[]"
        values = {
            "node": self.node_id,
            "partition-generation": str(PARTITION_GENERATION),
            "build": BUILD,
            "version": f"Aerospike Community Edition build {BUILD}",
            "edition": "Aerospike Community Edition",
            "release": (
                f"edition=Aerospike Community Edition;version={BUILD};os=linux;"
                "arch=x86_64;sha=0000000"
            ),
            "user-agent-set": "ok",
            "peers-generation": str(PEERS_GENERATION),
            "peers-clear-std": peers,
            "peers-clear-alt": peers,
            "peers-tls-std": peers,
            "peers-tls-alt": peers,
            "replicas": ";".join(f"{ns}:0,1,{ALL_PARTITIONS}" for ns in NAMESPACES),
            "replicas-all": ";".join(f"{ns}:1,{ALL_PARTITIONS}" for ns in NAMESPACES),
            "replicas-master": ";".join(f"{ns}:{ALL_PARTITIONS}" for ns in NAMESPACES),
            "replicas-prole": ";".join(f"{ns}:{NO_PARTITIONS}" for ns in NAMESPACES),
            "features": FEATURES,
            "cluster-name": "",
            "partitions": "4096",
            "rack-ids": ";".join(f"{ns}:0" for ns in NAMESPACES),
            "racks": ";".join(f"ns={ns}:rack_0={self.node_id}" for ns in NAMESPACES),
            "rebalance-generation": "1",
            "service": own,
            "services": "",
            "services-alumni": "",
            "services-alternate": "",
            "service-clear-std": own,
            "service-clear-alt": "",
            "service-tls-std": "",
            "service-tls-alt": "",
        }
        return values.get(name, "ERROR:4:unrecognized command")


def _read_exactly(sock, size):
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_message(sock):
    """Read one whole proto message, or return None when the peer closed."""
    header = _read_exactly(sock, wire.HEADER_SIZE)
    if header is None:
        return None
    _, _, size = wire.split_header(header)
    body = _read_exactly(sock, size) if size else b""
    if body is None:
        return None
    return header + body


def main():
    """Serve as a child process: JSON-line commands on stdin, answers on stdout.

    The first output line is {"port": N}. Each later input line is a command
    ({"op": "begin" | "set_phase" | "finish" | "drop_connections" |
    "tend_counts" | "stop", ...}) and gets one answer line {"ok": true,
    "result": ...} or {"ok": false, "error": text}. End of input stops the
    server. standin_process.py drives this.
    """
    trace_path = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None
    with contextlib.ExitStack() as stack:
        trace = None
        if trace_path:
            trace_file = stack.enter_context(open(trace_path, "a", encoding="utf-8"))

            def trace(line):
                print(line, file=trace_file, flush=True)

        server = StandIn(trace=trace).start()
        stack.callback(server.stop)
        _control_loop(server, sys.stdin, sys.stdout)


def _control_loop(server, inp, out):
    """Serve the JSON-line commands of main() until "stop" or end of input."""
    print(json.dumps({"port": server.port}), file=out, flush=True)
    for line in inp:
        if not line.strip():
            continue
        try:
            command = json.loads(line)
            op = command["op"]
            result = None
            if op == "begin":
                server.begin(
                    command["exchanges"],
                    command.get("captured_at"),
                    label=command.get("label"),
                    phase=command.get("phase", "setup"),
                )
            elif op == "set_phase":
                server.set_phase(command["phase"])
            elif op == "finish":
                result = server.finish()
            elif op == "drop_connections":
                server.drop_connections()
            elif op == "tend_counts":
                result = dict(server.tend_counts)
            elif op == "stop":
                print(json.dumps({"ok": True, "result": None}), file=out, flush=True)
                return
            else:
                raise ValueError(f"unknown command {op!r}")
            answer = {"ok": True, "result": result}
        except Exception:  # noqa: BLE001 - the parent gets the traceback.
            answer = {"ok": False, "error": traceback.format_exc()}
        print(json.dumps(answer), file=out, flush=True)


if __name__ == "__main__":
    main()
