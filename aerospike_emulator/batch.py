# Batch commands (an AS_MSG with info1 BATCH, protocol.md section 9): parses the rows of
# field 41 (or the older 42), runs each row through the single-record logic of record.py,
# and answers as the server does: rows packed back to back into type-3 protos of up to
# 128 KiB, then a separate LAST message. server.py calls handle() for every batch request.

import logging
import struct

from . import mrt, record, udf
from .errors import (
    FILTERED_OUT,
    NAMESPACE,
    NOT_FOUND,
    OK,
    PARAMETER,
    UNKNOWN,
    AsError,
)
from .expressions import compile_filter
from .storage import partition_id
from .wire import (
    F_BATCH,
    F_BATCH_WITH_SET,
    F_FILTER,
    F_KEY,
    F_NAMESPACE,
    F_UDF_FILENAME,
    I2_WRITE,
    I3_LAST,
    T_MSG,
    Msg,
    ProtocolError,
    msg_body,
    parse_fields_ops,
    proto_header,
)

log = logging.getLogger("aerospike_emulator")

# Parent flags (the byte after the row count).
BATCH_RESPOND_ALL_KEYS = 0x04

# Row flags (the byte after each row's digest).
ROW_REPEAT = 0x01
ROW_INFO = 0x02
ROW_GEN = 0x04
ROW_TTL = 0x08
ROW_INFO4 = 0x10

# The server fills 128 KiB blocks; each block carries a small bookkeeping header, so the
# rows of one proto may take this many bytes (the 32-byte header size is our reading of
# the server's buffer struct, not confirmed by a recorded vector). A row larger than that
# gets a block of its own, exactly its size.
BLOCK_SIZE = 128 * 1024
BLOCK_CAPACITY = BLOCK_SIZE - 32

# Result codes that never stop a batch sent without "respond all keys".
_SOFT_RESULTS = (OK, NOT_FOUND, FILTERED_OUT)

# info3 bits that an old-style row (flags 0x00) takes from the batch header: the SC read mode.
_I3_SC_READ_BITS = 0xC0


_ROW_HEAD = struct.Struct(">I20sB")


class _Malformed(Exception):
    """The batch payload cannot be read past this point; the batch ends with PARAMETER."""


class _Blocks:
    """Collects answer rows into protos the way the server fills its 128 KiB blocks."""

    __slots__ = ("protos", "rows", "size", "capacity")

    def __init__(self):
        self.protos = []
        self.rows = []
        self.size = 0
        self.capacity = BLOCK_CAPACITY

    def add(self, row):
        n = len(row)
        if self.rows and self.size + n > self.capacity:
            self._flush()
        if not self.rows:
            self.capacity = max(BLOCK_CAPACITY, n)
        self.rows.append(row)
        self.size += n

    def _flush(self):
        body = b"".join(self.rows)
        self.protos.append(proto_header(T_MSG, len(body)) + body)
        self.rows = []
        self.size = 0

    def finish(self, code):
        """The whole answer: the pending block, then the LAST message carrying `code`."""
        if self.rows:
            self._flush()
        last = msg_body(code, info3=I3_LAST)
        self.protos.append(proto_header(T_MSG, len(last)) + last)
        return b"".join(self.protos)


def handle(node, msg):
    """Answers one batch request; returns the reply bytes (every proto of the answer)."""
    out = _Blocks()
    try:
        code = _run(node, msg, out)
    except _Malformed as e:
        log.debug("malformed batch on node %s: %s", node.name, e)
        code = PARAMETER
    return out.finish(code)


class _Row:
    """What a row asks for; a REPEAT row reuses the previous row's _Row as it is."""

    __slots__ = ("ns", "msg", "fields", "has_key", "udf")

    def __init__(self, ns, msg, fields):
        self.ns = ns
        self.msg = msg
        self.fields = fields
        self.has_key = F_KEY in fields
        self.udf = F_UDF_FILENAME in fields


def _run(node, msg, out):
    # Reads the parent header, then parses and executes the rows one by one, as the server
    # does for in-memory namespaces. Returns the result code of the LAST message.
    payload = msg.fields.get(F_BATCH)
    if payload is None:
        payload = msg.fields.get(F_BATCH_WITH_SET)
    if payload is None or len(payload) < 5:
        return PARAMETER
    count = int.from_bytes(payload[0:4], "big")
    if count == 0:
        return PARAMETER
    respond_all_keys = payload[4] & BATCH_RESPOND_ALL_KEYS
    batch_filter = msg.fields.get(F_FILTER)
    if batch_filter is not None:
        try:
            compile_filter(batch_filter)
        except AsError:
            return PARAMETER
    cluster = node.cluster
    store = cluster.store
    owners = cluster.pmap.owners
    counters = node.counters
    pos = 5
    end = len(payload)
    prev = None
    for _ in range(count):
        if pos + 25 > end:
            raise _Malformed("row header beyond the payload")
        index, digest, flags = _ROW_HEAD.unpack_from(payload, pos)
        pos += 25
        if flags & ROW_REPEAT:
            if prev is None:
                raise _Malformed("the first row is a REPEAT")
            if prev.has_key:
                raise _Malformed("REPEAT of a row that carries a key")
            row = prev
        else:
            row, pos = _parse_row(payload, pos, flags, msg.info3, batch_filter, store)
            prev = row
        rmsg = row.msg
        part_owners = owners[partition_id(digest)]
        if rmsg.info2 & I2_WRITE:
            counters["writes"] += 1
            if not part_owners or part_owners[0] != node.index:
                counters["proxied"] += 1
        else:
            counters["reads"] += 1
            if node.index not in part_owners:
                counters["proxied"] += 1
        res = _execute(node, store, row, digest)
        out.add(
            msg_body(
                res.code, res.gen, res.void_time, res.ops, res.n_ops, timeout=index,
                fields=res.fields, nf=res.nf,
            )
        )
        if res.code not in _SOFT_RESULTS and not respond_all_keys:
            return res.code
    return OK


def _parse_row(payload, pos, flags, batch_info3, batch_filter, store):
    # Parses the attributes, fields and ops of a row that is not a REPEAT; returns the
    # _Row and the position after it.
    end = len(payload)
    need = 1 + (2 if flags & ROW_INFO else 0) + (1 if flags & ROW_INFO4 else 0)
    need += (2 if flags & ROW_GEN else 0) + (4 if flags & ROW_TTL else 0) + 4
    if pos + need > end:
        raise _Malformed("row attributes beyond the payload")
    info1 = payload[pos]
    pos += 1
    if flags & ROW_INFO:
        info2, info3 = payload[pos], payload[pos + 1]
        pos += 2
    else:
        info2, info3 = 0, batch_info3 & _I3_SC_READ_BITS
    info4 = 0
    if flags & ROW_INFO4:
        info4 = payload[pos]
        pos += 1
    gen = 0
    if flags & ROW_GEN:
        gen = int.from_bytes(payload[pos : pos + 2], "big")
        pos += 2
    ttl = 0
    if flags & ROW_TTL:
        ttl = int.from_bytes(payload[pos : pos + 4], "big")
        pos += 4
    n_fields = int.from_bytes(payload[pos : pos + 2], "big") or 1
    n_ops = int.from_bytes(payload[pos + 2 : pos + 4], "big")
    pos += 4
    if pos + 5 > end or payload[pos + 4] != F_NAMESPACE:
        raise _Malformed("a row does not start with its namespace field")
    try:
        fields, ops, pos = parse_fields_ops(payload, pos, n_fields, n_ops, end)
    except ProtocolError as e:
        raise _Malformed(str(e)) from None
    if batch_filter is not None and F_FILTER not in fields:
        fields[F_FILTER] = batch_filter
    ns_name = bytes(fields[F_NAMESPACE]).decode("utf-8", "replace")
    ns = store.namespaces.get(ns_name)
    rmsg = Msg(info1, info2, info3, info4, gen, ttl, 0, fields, ops)
    return _Row(ns, rmsg, fields), pos


def _execute(node, store, row, digest):
    # Runs one row and returns its record.Result; no exception leaves this function.
    if row.ns is None:
        return record.Result(NAMESPACE)
    fields = row.fields
    if row.udf:

        def run(view, m):
            return udf.apply_record(node, view, digest, m, fields)
    else:

        def run(view, m):
            return record.run(store, view, digest, m, fields)

    try:
        return mrt.execute(store, row.ns, digest, row.msg, fields, run)
    except Exception:  # noqa: BLE001 - one bad row must not take the node down
        log.exception("batch row failed on node %s", node.name)
        return record.Result(UNKNOWN)

