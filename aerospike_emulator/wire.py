# The wire format: proto framing, AS_MSG request parsing and response building
# (protocol.md sections 1, 3, 4, 5). No I/O here; server.py feeds it bytes, and the
# command modules (record.py, batch.py, scan.py) build their answers with it.

import struct

PROTO_VERSION = 2
T_INFO = 1
T_ADMIN = 2
T_MSG = 3
T_COMPRESSED = 4
MAX_PROTO_SIZE = 128 * 1024 * 1024

# info1
I1_READ = 0x01
I1_GET_ALL = 0x02
I1_SHORT_QUERY = 0x04
I1_BATCH = 0x08
I1_NOBINDATA = 0x20
I1_READ_AP_ALL = 0x40
I1_COMPRESS_RESPONSE = 0x80
# info2
I2_WRITE = 0x01
I2_DELETE = 0x02
I2_GENERATION = 0x04
I2_GENERATION_GT = 0x08
I2_DURABLE_DELETE = 0x10
I2_CREATE_ONLY = 0x20
I2_RESPOND_ALL_OPS = 0x80
# info3
I3_LAST = 0x01
I3_COMMIT_MASTER = 0x02
I3_PARTITION_DONE = 0x04
I3_UPDATE_ONLY = 0x08
I3_CREATE_OR_REPLACE = 0x10
I3_REPLACE_ONLY = 0x20

# Field types.
F_NAMESPACE = 0
F_SET = 1
F_KEY = 2
F_DIGEST = 4
F_TASK_ID = 7
F_SOCKET_TIMEOUT = 9
F_RPS = 10
F_PID_ARRAY = 11
F_DIGEST_ARRAY = 12
F_MAX_RECORDS = 13
F_BVAL_ARRAY = 15
F_INDEX_NAME = 21
F_INDEX_RANGE = 22
F_INDEX_CONTEXT = 23
F_INDEX_EXPRESSION = 24
F_INDEX_TYPE = 26
F_UDF_FILENAME = 30
F_UDF_FUNCTION = 31
F_UDF_ARGLIST = 32
F_UDF_OP = 33
F_BATCH = 41
F_BATCH_WITH_SET = 42
F_FILTER = 43

# Op types.
OP_READ = 1
OP_WRITE = 2
OP_CDT_READ = 3
OP_CDT_MODIFY = 4
OP_INCR = 5
OP_EXP_READ = 7
OP_EXP_MODIFY = 8
OP_APPEND = 9
OP_PREPEND = 10
OP_TOUCH = 11
OP_BITS_READ = 12
OP_BITS_MODIFY = 13
OP_DELETE_ALL = 14
OP_HLL_READ = 15
OP_HLL_MODIFY = 16

_MSG_HDR = struct.Struct(">BBBBBBIIIHH")
_OP_HDR = struct.Struct(">IBBBB")
_FIELD_HDR = struct.Struct(">IB")


class ProtocolError(Exception):
    """The request cannot be parsed; the server answers PARAMETER or closes the socket."""


def proto_header(ptype, size):
    return ((PROTO_VERSION << 56) | (ptype << 48) | size).to_bytes(8, "big")


class Msg:
    """A parsed AS_MSG: header values, fields by type, and ops as (op, ptype, name, value)."""

    __slots__ = (
        "info1",
        "info2",
        "info3",
        "info4",
        "result",
        "generation",
        "record_ttl",
        "timeout",
        "fields",
        "ops",
    )

    def __init__(self, info1, info2, info3, info4, gen, ttl, timeout, fields, ops, result=0):
        self.info1 = info1
        self.info2 = info2
        self.info3 = info3
        self.info4 = info4
        self.result = result
        self.generation = gen
        self.record_ttl = ttl
        self.timeout = timeout
        self.fields = fields
        self.ops = ops


def parse_fields_ops(body, pos, n_fields, n_ops, end=None):
    """Parses n_fields fields and n_ops ops starting at `pos`; returns (fields, ops, pos)."""
    if end is None:
        end = len(body)
    fields = {}
    for _ in range(n_fields):
        if pos + 5 > end:
            raise ProtocolError("truncated field")
        size = int.from_bytes(body[pos : pos + 4], "big")
        if size < 1 or pos + 4 + size > end:
            raise ProtocolError("bad field size")
        fields[body[pos + 4]] = body[pos + 5 : pos + 4 + size]
        pos += 4 + size
    ops = []
    for _ in range(n_ops):
        if pos + 8 > end:
            raise ProtocolError("truncated op")
        size, op, ptype, _flags, name_len = _OP_HDR.unpack_from(body, pos)
        if size < 4 + name_len or pos + 4 + size > end:
            raise ProtocolError("bad op size")
        name_end = pos + 8 + name_len
        ops.append((op, ptype, body[pos + 8 : name_end], body[name_end : pos + 4 + size]))
        pos += 4 + size
    return fields, ops, pos


def parse_msg(body):
    """Parses the body of a type-3 proto (the 8-byte proto header already removed)."""
    if len(body) < 22:
        raise ProtocolError("short AS_MSG header")
    hsz, i1, i2, i3, i4, rc, gen, ttl, tmo, nf, no = _MSG_HDR.unpack_from(body, 0)
    if hsz != 22:
        raise ProtocolError("bad header size")
    fields, ops, pos = parse_fields_ops(body, 22, nf, no)
    if pos != len(body):
        raise ProtocolError("trailing bytes")
    return Msg(i1, i2, i3, i4, gen, ttl, tmo, fields, ops, rc)


def pack_op(op, ptype, name, value):
    return _OP_HDR.pack(4 + len(name) + len(value), op, ptype, 0, len(name)) + name + value


def pack_field(ftype, data):
    return _FIELD_HDR.pack(len(data) + 1, ftype) + data


def msg_body(
    result, gen=0, void_time=0, ops=b"", n_ops=0, info1=0, info3=0, timeout=0, fields=b"", nf=0
):
    """Builds one AS_MSG (without proto header); ops/fields are already packed bytes."""
    return _MSG_HDR.pack(22, info1, 0, info3, 0, result, gen, void_time, timeout, nf, n_ops) + (
        fields + ops
    )


def msg_response(result, gen=0, void_time=0, ops=b"", n_ops=0, fields=b"", nf=0):
    """A whole single-record answer: proto header plus one AS_MSG."""
    size = 22 + len(fields) + len(ops)
    return (
        ((PROTO_VERSION << 56) | (T_MSG << 48) | size).to_bytes(8, "big")
        + _MSG_HDR.pack(22, 0, 0, 0, 0, result, gen, void_time, 0, nf, n_ops)
        + fields
        + ops
    )
