# The public Python API: Emulator starts N nodes on one event loop (in a background thread,
# or in the foreground for the CLI), shares one Store and PartitionMap between them, and
# exposes the clock, per-node fault control, partition moves, counters and reset(). With
# the `tls` option every node listens with TLS only (tls.py builds the context).
# Used by __main__.py, pytest_plugin.py, the project's tests and users' tests.

import asyncio
import random
import threading
import time

from .clock import Clock
from .partitions import N_PARTITIONS, PartitionMap
from .security import Security
from .server import Node
from .storage import DEFAULT_NAMESPACES, Store
from .tls import check_options, server_context, tls_name


def _new_loop():
    try:
        import uvloop  # noqa: PLC0415 - optional speed-up, never required

        return uvloop.new_event_loop()
    except ImportError:
        return asyncio.new_event_loop()


class NodeControl:
    """Thread-safe handle on one node, returned by Emulator.node(i). Works the same whether
    the emulator runs in a thread or in a child process."""

    def __init__(self, emulator, index):
        self._emu = emulator
        self.index = index

    def _do(self, method, *args):
        return self._emu._control("node", self.index, method, *args)

    @property
    def name(self):
        """The node id as the `node` info command reports it."""
        return self._do("name")

    @property
    def address(self):
        return tuple(self._do("address"))

    @property
    def running(self):
        return self._do("running")

    @property
    def counters(self):
        """A copy of the request counters: requests, reads, writes, proxied, info."""
        return self._do("counters")

    @property
    def proxy_count(self):
        """How many single-record requests this node served for a partition it does not own."""
        return self._do("counters")["proxied"]

    def reset_counters(self):
        self._do("reset_counters")

    def stop(self, rebalance=True):
        """Closes the node's socket and connections; by default the others take its partitions."""
        self._do("stop", rebalance)

    def restart(self, rebalance=True):
        """Listens again on the same port; by default partitions are spread over it again."""
        self._do("restart", rebalance)

    def delay(self, seconds, include_info=False):
        """Delays every reply by `seconds` (0 turns it off)."""
        self._do("delay", seconds, include_info)

    def drop(self, count=-1, include_info=False):
        """Sends no reply to the next `count` requests (-1: all of them, until cleared)."""
        self._do("drop", count, include_info)

    def close_mid_reply(self, count=1, include_info=False):
        """Sends half of the next `count` replies, then closes the connection."""
        self._do("close_mid_reply", count, include_info)

    def corrupt(self, count=1, seed=0, include_info=False):
        """Changes 1 to 3 bytes in the body of each of the next `count` replies (-1: all of
        them, until cleared), keeping the proto framing; `seed` makes it repeatable."""
        self._do("corrupt", count, seed, include_info)

    def clear_faults(self):
        self._do("clear_faults")

    def close_connections(self):
        """Drops every client connection of this node, keeping it listening."""
        self._do("close_connections")

    @property
    def user_agents(self):
        """The user agents clients told this node ("1,python-19.3.0,<app_id>"), with counts."""
        return self._do("user_agents")

    @property
    def tls_sessions(self):
        """TLS connections accepted so far, counted by protocol version, by cipher and by
        client certificate CN (empty dicts without TLS)."""
        return self._do("tls_sessions")


class Emulator:
    """A local Aerospike-compatible cluster of `nodes` nodes on consecutive ports.

    With process=True the nodes run in a child Python process (same API), so that client
    calls which keep the GIL while they wait (the reference client's truncate, for one)
    cannot stall the server.
    """

    def __init__(
        self,
        port=3000,
        nodes=1,
        namespaces=DEFAULT_NAMESPACES,
        host="127.0.0.1",
        replication_factor=1,
        default_ttl=0,
        cluster_name=None,
        clock=None,
        process=False,
        users=None,
        tls=None,
        transactions=False,
    ):
        if nodes < 1:
            raise ValueError("nodes must be at least 1")
        tls = check_options(tls)
        self.config = {
            "port": port,
            "nodes": nodes,
            "namespaces": list(namespaces),
            "host": host,
            "replication_factor": replication_factor,
            "default_ttl": default_ttl,
            "cluster_name": cluster_name,
            "users": dict(users) if users else None,
            "tls": tls,
            "transactions": bool(transactions),
        }
        # Built here in process mode too, so that a bad certificate or key fails at once.
        self.ssl_context = server_context(tls) if tls else None
        self.tls_name = tls_name(tls) if tls else None
        self.process = process
        self.host = host
        self.cluster_name = cluster_name
        self.security = Security(users) if users else None
        self._remote = None
        self._remote_seeds = None
        if process:
            self.clock = RemoteClock(self)
        else:
            self.clock = clock or Clock()
        self.store = Store(
            self.clock, tuple(namespaces), default_ttl, replication_factor, transactions
        )
        self.pmap = PartitionMap(replication_factor)
        self.cluster_key = random.getrandbits(48)
        self.nodes = [Node(self, i, host, (port + i) if port else 0) for i in range(nodes)]
        self.sindexes = {}
        self.udfs = {}
        self.jobs = {}
        self.loop = None
        self._thread = None
        self._started_at = time.time()
        self._stop_event = None

    # -- cluster view used by the nodes --------------------------------------------------

    def namespace_names(self):
        return list(self.store.namespaces)

    def live_nodes(self):
        return [n for n in self.nodes if n.running]

    def uptime(self):
        return time.time() - self._started_at

    def sindex_count(self, ns, set_name):
        return sum(1 for s in self.sindexes.values() if s.ns == ns and s.set == set_name)

    def _topology_changed(self, rebalance=True):
        if rebalance:
            self.pmap.rebalance([n.index for n in self.live_nodes()])
        for n in self.nodes:
            n.partition_generation += 1
            n.peers_generation += 1

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def seeds(self):
        """(host, port) of every node; any one of them is enough as a client seed."""
        if self._remote is not None:
            return [tuple(x) for x in self._remote_seeds]
        return [(n.host, n.port) for n in self.nodes]

    @property
    def tls_seeds(self):
        """(host, port, tls_name) of every node, for a TLS client's `hosts` (the same as
        seeds when TLS is off)."""
        if self.tls_name is None:
            return self.seeds
        return [(h, p, self.tls_name) for h, p in self.seeds]

    @property
    def running(self):
        return self.loop is not None or self._remote is not None

    def start(self):
        """Starts the nodes (background thread, or child process); returns self."""
        if self.running:
            return self
        if self.process:
            from .remote import RemoteServer

            self._remote = RemoteServer(self.config)
            self._remote_seeds = self._remote.start()
            return self
        ready = threading.Event()
        errors = []

        def run():
            loop = _new_loop()
            asyncio.set_event_loop(loop)
            self.loop = loop
            try:
                loop.run_until_complete(self._open_all())
            except Exception as e:  # noqa: BLE001 - reported to the starting thread
                errors.append(e)
                self.loop = None
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            for n in self.nodes:
                n.close()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

        self._thread = threading.Thread(target=run, name="aerospike-emulator", daemon=True)
        self._thread.start()
        ready.wait()
        if errors:
            self._thread.join()
            self._thread = None
            raise errors[0]
        return self

    async def _open_all(self):
        opened = []
        try:
            for n in self.nodes:
                await n.open()
                opened.append(n)
        except OSError:
            for n in opened:
                n.close()
            raise
        self.pmap.rebalance([n.index for n in self.nodes])

    def stop(self):
        """Closes every node and stops the background loop (or child process)."""
        if self._remote is not None:
            self._remote.stop()
            self._remote = None
            return
        loop = self.loop
        if loop is None:
            return
        if self._thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join()
            self._thread = None
        elif self._stop_event is not None:
            loop.call_soon_threadsafe(self._stop_event.set)
        self.loop = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def serve_forever(self, on_ready=None, install_signals=True):
        """Runs the nodes in the calling thread until stop(), SIGINT or SIGTERM."""
        import signal

        loop = _new_loop()
        asyncio.set_event_loop(loop)
        self.loop = loop
        self._stop_event = asyncio.Event()
        try:
            loop.run_until_complete(self._open_all())
            if install_signals:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    try:
                        loop.add_signal_handler(sig, self._stop_event.set)
                    except (NotImplementedError, RuntimeError):
                        pass
            if on_ready is not None:
                on_ready(self)
            loop.run_until_complete(self._stop_event.wait())
        finally:
            for n in self.nodes:
                n.close()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()
            self.loop = None

    # -- running code on the loop ---------------------------------------------------------

    def _call(self, fn, *args):
        """Runs fn(*args) on the event loop and returns its result."""
        loop = self.loop
        if loop is None or self._in_loop():
            return fn(*args)
        fut = asyncio.run_coroutine_threadsafe(self._wrap(fn, *args), loop)
        return fut.result(30)

    @staticmethod
    async def _wrap(fn, *args):
        res = fn(*args)
        if asyncio.iscoroutine(res):
            res = await res
        return res

    def _in_loop(self):
        try:
            return asyncio.get_running_loop() is self.loop
        except RuntimeError:
            return False

    def _control(self, target, index, method, *args):
        """Runs a control operation here, or in the child process in process mode."""
        if self._remote is not None:
            return self._remote.call(target, index, method, list(args))
        return self._call(self._local_control, target, index, method, args)

    def _local_control(self, target, index, method, args):
        if target == "node":
            node = self.nodes[index]
            return _NODE_OPS[method](self, node, *args)
        if target == "clock":
            return getattr(self.clock, method)(*args)
        return getattr(self, "_op_" + method)(*args)

    # -- control API ---------------------------------------------------------------------

    def node(self, i):
        """A NodeControl for node `i` (fault injection, stop/restart, counters)."""
        if not 0 <= i < self.config["nodes"]:
            raise IndexError("no node %d" % i)
        return NodeControl(self, i)

    def move_partitions(self, partitions, to_node):
        """Makes node `to_node` the master of the given partition ids (or of a count of
        partitions taken from the other nodes) and bumps every partition-generation.
        Returns the list of partition ids moved."""
        if not isinstance(partitions, int):
            partitions = list(partitions)
        return self._control("emu", 0, "move_partitions", partitions, to_node)

    def _op_move_partitions(self, partitions, to_node):
        if isinstance(partitions, int):
            pids = [p for p in range(N_PARTITIONS) if self.pmap.owners[p][:1] != (to_node,)]
            pids = pids[:partitions]
        else:
            pids = list(partitions)
        self.pmap.move(pids, to_node, [n.index for n in self.live_nodes()])
        self._topology_changed(rebalance=False)
        return pids

    def rebalance(self):
        """Spreads the partitions evenly over the running nodes again."""
        self._control("emu", 0, "rebalance")

    def _op_rebalance(self):
        self._topology_changed(True)

    def owner(self, digest_or_pid):
        """Index of the master node of a partition id or a 20-byte digest."""
        pid = digest_or_pid
        if isinstance(digest_or_pid, (bytes, bytearray)):
            pid = (digest_or_pid[0] | (digest_or_pid[1] << 8)) & 0xFFF
        return self._control("emu", 0, "owner", pid)

    def _op_owner(self, pid):
        owners = self.pmap.owners[pid]
        return owners[0] if owners else None

    @property
    def proxy_counts(self):
        """Proxied single-record requests per node index."""
        return self._control("emu", 0, "proxy_counts")

    def _op_proxy_counts(self):
        return [n.counters["proxied"] for n in self.nodes]

    def reset(self):
        """Empties every namespace and drops secondary indexes, UDF modules and jobs."""
        self._control("emu", 0, "reset")

    def _op_reset(self):
        from .sindex import drop_all

        drop_all(self)
        self.store.reset()
        self.udfs.clear()
        self.jobs.clear()

    def transactions(self):
        """The open multi-record transactions (with transactions=True), for tests:
        [{"id", "ns", "deadline", "forward", "records": [digest hex, ...]}]."""
        return self._control("emu", 0, "transactions")

    def _op_transactions(self):
        mrt = self.store.mrt
        return mrt.describe() if mrt is not None else []

    def truncate(self, namespace, set_name=None):
        """Removes all records of a namespace, or of one set, at once."""
        self._control("emu", 0, "truncate", namespace, set_name)

    def _op_truncate(self, namespace, set_name):
        ns = self.store.namespaces[namespace]
        ns.truncate(set_name.encode() if set_name else None, self.clock.time_ns())

    def record_count(self, namespace, set_name=None):
        """Number of live records in a namespace (or one of its sets)."""
        return self._control("emu", 0, "record_count", namespace, set_name)

    def _op_record_count(self, namespace, set_name):
        ns = self.store.namespaces[namespace]
        self.store.expire_all(ns)
        if set_name is None:
            return len(ns.records)
        want = set_name.encode()
        return sum(1 for r in ns.records.values() if r.set_name == want)


def _set_fault(attr):
    def op(emu, node, value, include_info=False):
        setattr(node.faults, attr, value)
        node.faults.include_info = include_info

    return op


def _corrupt(emu, node, count, seed, include_info=False):
    node.faults.corrupt = count
    node.faults.rng.seed(seed)
    node.faults.include_info = include_info


def _close_connections(emu, node):
    for c in list(node.connections):
        c.close()


def _stop(emu, node, rebalance=True):
    if node.running:
        node.close()
        emu._topology_changed(rebalance)


async def _restart(emu, node, rebalance=True):
    if not node.running:
        await node.open()
        emu._topology_changed(rebalance)


def _reset_counters(emu, node):
    for k in node.counters:
        node.counters[k] = 0


_NODE_OPS = {
    "name": lambda emu, node: node.name,
    "address": lambda emu, node: (node.host, node.port),
    "running": lambda emu, node: node.running,
    "counters": lambda emu, node: dict(node.counters),
    "reset_counters": _reset_counters,
    "stop": _stop,
    "restart": _restart,
    "delay": lambda emu, node, s, inc=False: _set_fault("delay")(emu, node, float(s), inc),
    "drop": _set_fault("drop"),
    "close_mid_reply": _set_fault("close_mid_reply"),
    "corrupt": _corrupt,
    "clear_faults": lambda emu, node: node.faults.clear(),
    "close_connections": _close_connections,
    "tls_sessions": lambda emu, node: {k: dict(v) for k, v in node.tls_sessions.items()},
    "user_agents": lambda emu, node: dict(node.user_agents),
}


class RemoteClock:
    """The clock of an emulator running in a child process (same methods as Clock)."""

    def __init__(self, emulator):
        self._emu = emulator

    def _do(self, method, *args):
        return self._emu._control("clock", 0, method, *args)

    def time(self):
        return self._do("time")

    def time_ns(self):
        return self._do("time_ns")

    def cl_now(self):
        return self._do("cl_now")

    def advance(self, seconds):
        self._do("advance", seconds)

    def freeze(self, at=None):
        self._do("freeze", at)

    def unfreeze(self):
        self._do("unfreeze")
