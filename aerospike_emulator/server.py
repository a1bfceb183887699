# One emulated node: its listening socket, its client connections, request dispatch by
# proto type and message kind, proxy counting, and the faults tests can switch on. With TLS
# on (the cluster's ssl_context), the node listens with TLS only, as a server whose service
# is configured TLS-only.
# Created and driven by Emulator (emulator.py); Connection objects live on its event loop.

import asyncio
import importlib
import logging
import random

from . import mrt, record
from .errors import ENTERPRISE_ONLY, PARAMETER, SEC_NOT_SUPPORTED, UNKNOWN, AsError
from .info import handle_info
from .storage import partition_id
from .tls import session_facts
from .wire import (
    F_DIGEST,
    F_UDF_FILENAME,
    I1_BATCH,
    I2_WRITE,
    MAX_PROTO_SIZE,
    T_ADMIN,
    T_COMPRESSED,
    T_INFO,
    T_MSG,
    ProtocolError,
    msg_response,
    parse_msg,
    proto_header,
)

log = logging.getLogger("aerospike_emulator")


class Faults:
    """Fault switches of one node. Counts of None mean off, -1 means every reply."""

    def __init__(self):
        self.delay = 0.0
        self.drop = None
        self.close_mid_reply = None
        self.corrupt = None
        self.rng = random.Random(0)
        self.include_info = False

    def clear(self):
        self.__init__()

    def active(self):
        return (bool(self.delay) or self.drop is not None or self.close_mid_reply is not None
                or self.corrupt is not None)

    def mangle(self, reply):
        """The reply with 1 to 3 bytes of each proto body changed (the 8-byte proto
        headers stay intact, so the framing still holds and only the contents lie)."""
        out = bytearray(reply)
        pos = 0
        while pos + 8 <= len(out):
            size = int.from_bytes(out[pos + 2 : pos + 8], "big")
            start, end = pos + 8, min(pos + 8 + size, len(out))
            if end > start:
                for _ in range(self.rng.randint(1, 3)):
                    out[self.rng.randrange(start, end)] ^= self.rng.randint(1, 255)
            pos = start + size
        return bytes(out)


def _take(count):
    # Consumes one use of a counted fault; returns (fires, remaining count).
    if count is None:
        return False, None
    if count < 0:
        return True, count
    if count == 0:
        return False, None
    return True, (count - 1 if count > 1 else None)


class Connection(asyncio.Protocol):
    """A client connection: splits the byte stream into protos and answers each one."""

    def __init__(self, node):
        self.node = node
        self.transport = None
        self.buf = bytearray()
        self.authenticated = False
        self.peer = ""

    def connection_made(self, transport):
        self.transport = transport
        self.node.connections.add(self)
        addr = transport.get_extra_info("peername")
        if isinstance(addr, tuple) and len(addr) >= 2:
            # The client address as query-show reports it: host+port.
            self.peer = "%s+%s" % (addr[0], addr[1])
        facts = session_facts(transport)
        if facts is not None:
            # A TLS connection is made once its handshake is done.
            for kind, value in zip(("versions", "ciphers", "client_certs"), facts):
                if value is not None:
                    seen = self.node.tls_sessions[kind]
                    seen[value] = seen.get(value, 0) + 1

    def connection_lost(self, exc):
        self.node.connections.discard(self)
        self.transport = None

    def data_received(self, data):
        buf = self.buf
        buf += data
        node = self.node
        while len(buf) >= 8:
            if buf[0] == 0x16 and buf[1] == 0x03:
                self.close()
                return
            head = int.from_bytes(buf[:8], "big")
            version = head >> 56
            ptype = (head >> 48) & 0xFF
            size = head & 0xFFFFFFFFFFFF
            if (version != 2 and not (version == 0 and ptype == T_ADMIN)) or not (
                1 <= ptype <= 4
            ):
                self.close()
                return
            if size > MAX_PROTO_SIZE:
                self.close()
                return
            end = 8 + size
            if len(buf) < end:
                return
            body = bytes(buf[8:end])
            del buf[:end]
            node.peer = self.peer
            try:
                security = node.cluster.security
                if security is None:
                    reply = node.handle(ptype, body)
                elif ptype == T_ADMIN:
                    reply = security.handle(self, body)
                elif not self.authenticated:
                    reply = security.refuse(ptype)
                else:
                    reply = security.guard(self, ptype, body) or node.handle(ptype, body)
            except Exception:
                log.exception("request failed on node %s", node.name)
                self.close()
                return
            if self.transport is None:
                return
            if reply is not None:
                self.send(reply, ptype == T_INFO)

    def send(self, reply, is_info):
        faults = self.node.faults
        if faults.active() and (not is_info or faults.include_info):
            fire, faults.drop = _take(faults.drop)
            if fire:
                return
            fire, faults.close_mid_reply = _take(faults.close_mid_reply)
            if fire:
                self.transport.write(reply[: max(1, len(reply) // 2)])
                self.close()
                return
            fire, faults.corrupt = _take(faults.corrupt)
            if fire:
                reply = faults.mangle(reply)
            if faults.delay:
                loop = asyncio.get_event_loop()
                loop.call_later(faults.delay, self._late_write, reply)
                return
        self.transport.write(reply)

    def _late_write(self, reply):
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(reply)

    def close(self):
        if self.transport is not None:
            self.transport.abort()
            self.transport = None


class Node:
    """One server node of the emulated cluster."""

    def __init__(self, cluster, index, host, port):
        self.cluster = cluster
        self.index = index
        self.host = host
        self.port = port
        self.node_id = 0
        self.name = ""
        self.server = None
        self.connections = set()
        self.peer = ""
        self.faults = Faults()
        self.partition_generation = 1
        self.peers_generation = 1
        self.counters = {"requests": 0, "proxied": 0, "info": 0, "reads": 0, "writes": 0}
        self.tls_sessions = {"versions": {}, "ciphers": {}, "client_certs": {}}
        self.user_agents = {}  # decoded user-agent-set values -> times told

    # -- lifecycle (runs on the event loop) ------------------------------------------

    async def open(self):
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(
            lambda: Connection(self),
            self.host,
            self.port,
            reuse_address=True,
            backlog=512,
            ssl=self.cluster.ssl_context,
            ssl_handshake_timeout=10 if self.cluster.ssl_context else None,
        )
        if self.port == 0:
            self.port = self.server.sockets[0].getsockname()[1]
        if not self.node_id:
            # A stable id per node: a fixed prefix, the node index and its port.
            self.node_id = 0xBB9000000000000 | ((self.index + 1) << 24) | self.port
            self.name = "%X" % self.node_id

    def close(self):
        if self.server is not None:
            self.server.close()
            self.server = None
        for conn in list(self.connections):
            conn.close()
        self.connections.clear()

    @property
    def running(self):
        return self.server is not None

    # -- request handling -----------------------------------------------------------

    def handle(self, ptype, body):
        """Answers one proto; returns the reply bytes, or None to send nothing."""
        if ptype == T_MSG:
            return self.handle_msg(body)
        if ptype == T_INFO:
            self.counters["info"] += 1
            out = handle_info(self, body)
            return proto_header(T_INFO, len(out)) + out
        if ptype == T_COMPRESSED:
            return msg_response(ENTERPRISE_ONLY)
        if ptype == T_ADMIN:
            return proto_header(T_ADMIN, 16) + bytes([0, SEC_NOT_SUPPORTED]) + bytes(14)
        return None

    def handle_msg(self, body):
        counters = self.counters
        counters["requests"] += 1
        try:
            msg = parse_msg(body)
        except ProtocolError:
            return msg_response(PARAMETER)
        if msg.info1 & I1_BATCH:
            return importlib.import_module("aerospike_emulator.batch").handle(self, msg)
        if F_DIGEST not in msg.fields:
            return importlib.import_module("aerospike_emulator.scan").handle(self, msg)
        cluster = self.cluster
        try:
            ns, digest = record.namespace_and_digest(cluster.store, msg.fields)
        except AsError as e:
            return msg_response(e.code)
        owners = cluster.pmap.owners[partition_id(digest)]
        if msg.info2 & I2_WRITE:
            counters["writes"] += 1
            if not owners or owners[0] != self.index:
                counters["proxied"] += 1
        else:
            counters["reads"] += 1
            if self.index not in owners:
                counters["proxied"] += 1
        fields = msg.fields
        if F_UDF_FILENAME in fields:
            udf = importlib.import_module("aerospike_emulator.udf")

            def run(view, m):
                return udf.apply_record(self, view, digest, m, fields)
        else:

            def run(view, m):
                return record.run(cluster.store, view, digest, m, fields)

        try:
            res = mrt.execute(cluster.store, ns, digest, msg, fields, run)
        except Exception:  # noqa: BLE001 - one bad request must not take the node down
            log.exception("single-record command failed on node %s", self.name)
            return msg_response(UNKNOWN)
        return msg_response(res.code, res.gen, res.void_time, res.ops, res.n_ops, res.fields, res.nf)
