# Scan/query request parsing (protocol.md section 10a): turns an AS_MSG without a digest
# field into a QueryRequest, checking each field the way the server does and raising
# AsError with the server's result code when a request cannot run. scan.py calls parse().

import json
import struct

from .errors import NAMESPACE, PARAMETER, UNSUPPORTED_FEATURE, AsError
from .ops import READ_OPS, WRITE_OPS
from .sindexdata import RANGE_BLOB, RANGE_GEO, RANGE_INT, RANGE_STR
from .wire import (
    F_BVAL_ARRAY,
    F_DIGEST_ARRAY,
    F_FILTER,
    F_INDEX_CONTEXT,
    F_INDEX_EXPRESSION,
    F_INDEX_NAME,
    F_INDEX_RANGE,
    F_INDEX_TYPE,
    F_MAX_RECORDS,
    F_NAMESPACE,
    F_PID_ARRAY,
    F_RPS,
    F_SET,
    F_SOCKET_TIMEOUT,
    F_TASK_ID,
    F_UDF_ARGLIST,
    F_UDF_FILENAME,
    F_UDF_FUNCTION,
    F_UDF_OP,
    I1_NOBINDATA,
    I1_SHORT_QUERY,
    I2_WRITE,
    I3_PARTITION_DONE,
    OP_READ,
)

# Field 40: the bin list of old secondary-index queries.
F_QUERY_BINLIST = 40

# Job types, with the names query-show reports.
BASIC = "basic"
AGGREGATION = "aggregation"
BACKGROUND_OPS = "background-ops"
BACKGROUND_UDF = "background-udf"

# UDF_OP values.
UDF_OP_AGGREGATE = 1
UDF_OP_BACKGROUND = 2

# Index types of field 26, as sindex.py names them.
INDEX_TYPES = {0: "default", 1: "list", 2: "mapkeys", 3: "mapvalues"}

# Particle types of an INDEX_RANGE and the index key type each needs.
_RANGE_KINDS = {1: RANGE_INT, 3: RANGE_STR, 4: RANGE_BLOB, 23: RANGE_GEO}

# The server sends at most this many ids in a PID_ARRAY request: one per partition.
N_PARTITIONS = 4096

# The server's error for a GeoJSON value it cannot parse.
GEO_INVALID_GEOJSON = 160


class IndexRange:
    """The secondary-index filter of field 22: a bin (or none when an index name or an
    expression names the index), the key type, and the bounds or the GeoJSON shape."""

    __slots__ = ("bin", "kind", "begin", "end", "shape")

    def __init__(self, bin_name, kind, begin, end, shape=None):
        self.bin = bin_name
        self.kind = kind
        self.begin = begin
        self.end = end
        self.shape = shape


class QueryRequest:
    """Everything a scan or query asks for, read from the request's header, fields and ops."""

    def __init__(self):
        self.kind = BASIC
        self.ns = None
        self.set_name = None
        self.trid = 0
        self.rps = 0
        self.socket_timeout = 0
        self.pids = None
        self.resume = {}
        self.max_records = 0
        self.filter = None
        self.range = None
        self.itype = "default"
        self.context = None
        self.index_name = None
        self.index_exp = None
        self.nobins = False
        self.read_ops = []
        self.bin_names = None
        self.write_ops = []
        self.udf = None


def _u16le_list(data):
    if not data or len(data) % 2:
        raise AsError(PARAMETER, "bad PID_ARRAY")
    return [v for (v,) in struct.iter_unpack("<H", data)]


def _int_field(fields, ftype, size):
    data = fields.get(ftype)
    if data is None:
        return 0
    if len(data) != size:
        raise AsError(PARAMETER, "bad field %d" % ftype)
    return int.from_bytes(data, "big")


def parse_range(data):
    """Reads an INDEX_RANGE payload; raises AsError(PARAMETER) when it is malformed."""
    data = bytes(data)
    try:
        if data[0] != 1:
            raise AsError(PARAMETER, "one range only")
        n = data[1]
        bin_name = data[2 : 2 + n]
        pos = 2 + n
        ptype = data[pos]
        pos += 1
        blen = int.from_bytes(data[pos : pos + 4], "big")
        begin = data[pos + 4 : pos + 4 + blen]
        pos += 4 + blen
        elen = int.from_bytes(data[pos : pos + 4], "big")
        end = data[pos + 4 : pos + 4 + elen]
        pos += 4 + elen
    except IndexError:
        raise AsError(PARAMETER, "truncated range") from None
    if pos != len(data) or len(begin) != blen or len(end) != elen:
        raise AsError(PARAMETER, "bad range size")
    kind = _RANGE_KINDS.get(ptype)
    if kind is None:
        raise AsError(PARAMETER, "bad range type")
    if kind == RANGE_INT:
        if blen != 8 or elen != 8:
            raise AsError(PARAMETER, "integer bounds need 8 bytes")
        lo = int.from_bytes(begin, "big", signed=True)
        hi = int.from_bytes(end, "big", signed=True)
        if lo > hi:
            raise AsError(PARAMETER, "begin above end")
        return IndexRange(bin_name, kind, lo, hi)
    if kind == RANGE_GEO:
        try:
            shape = json.loads(begin.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise AsError(GEO_INVALID_GEOJSON, "bad GeoJSON") from None
        if not isinstance(shape, dict) or shape.get("type") not in (
            "Point",
            "Polygon",
            "MultiPolygon",
            "AeroCircle",
        ):
            raise AsError(GEO_INVALID_GEOJSON, "unsupported GeoJSON shape")
        return IndexRange(bin_name, kind, begin, begin, shape)
    # Strings and blobs: the server reads only `begin`.
    return IndexRange(bin_name, kind, begin, begin)


def _bin_list(data):
    data = bytes(data)
    if not data:
        raise AsError(PARAMETER, "empty bin list")
    names = []
    pos = 1
    for _ in range(data[0]):
        if pos >= len(data):
            raise AsError(PARAMETER, "truncated bin list")
        n = data[pos]
        names.append(data[pos + 1 : pos + 1 + n])
        pos += 1 + n
    return names


def parse(store, msg):
    """Reads a scan/query AS_MSG into a QueryRequest; raises AsError on a bad request."""
    fields = msg.fields
    req = QueryRequest()
    ns_name = fields.get(F_NAMESPACE)
    if ns_name is None:
        raise AsError(NAMESPACE)
    req.ns = store.namespaces.get(bytes(ns_name).decode("utf-8", "replace"))
    if req.ns is None:
        raise AsError(NAMESPACE)
    set_name = fields.get(F_SET)
    if set_name:
        if len(set_name) >= 64:
            raise AsError(PARAMETER, "set name too long")
        req.set_name = bytes(set_name)
    req.trid = _int_field(fields, F_TASK_ID, 8)
    req.rps = _int_field(fields, F_RPS, 4)
    req.socket_timeout = _int_field(fields, F_SOCKET_TIMEOUT, 4)
    req.max_records = _int_field(fields, F_MAX_RECORDS, 8)
    if req.rps and msg.info1 & I1_SHORT_QUERY:
        raise AsError(PARAMETER, "rps with a short query")
    _read_partitions(req, fields)
    _read_index(req, fields)
    filt = fields.get(F_FILTER)
    if filt is not None:
        from .expressions import compile_filter

        req.filter = compile_filter(filt)
    _read_kind(req, msg)
    return req


def _read_partitions(req, fields):
    pid_data = fields.get(F_PID_ARRAY)
    digest_data = fields.get(F_DIGEST_ARRAY)
    if pid_data is None and digest_data is None:
        return
    pids = _u16le_list(pid_data) if pid_data is not None else []
    if digest_data is not None:
        if not digest_data or len(digest_data) % 20:
            raise AsError(PARAMETER, "bad DIGEST_ARRAY")
        digests = [bytes(digest_data[i : i + 20]) for i in range(0, len(digest_data), 20)]
        bvals = [None] * len(digests)
        bval_data = fields.get(F_BVAL_ARRAY)
        if bval_data is not None:
            if len(bval_data) != 8 * len(digests):
                raise AsError(PARAMETER, "BVAL_ARRAY does not match DIGEST_ARRAY")
            bvals = [v for (v,) in struct.iter_unpack("<q", bytes(bval_data))]
        for d, b in zip(digests, bvals):
            pid = (d[0] | (d[1] << 8)) & 0xFFF
            if pid in req.resume:
                raise AsError(PARAMETER, "two digests for one partition")
            req.resume[pid] = (d, b)
            pids.append(pid)
    if len(pids) > N_PARTITIONS or any(p >= N_PARTITIONS for p in pids):
        raise AsError(PARAMETER, "bad partition id")
    if len(set(pids)) != len(pids):
        raise AsError(PARAMETER, "duplicate partition id")
    req.pids = pids


def _read_index(req, fields):
    rng = fields.get(F_INDEX_RANGE)
    itype = fields.get(F_INDEX_TYPE)
    if itype is not None:
        if len(itype) != 1 or itype[0] not in INDEX_TYPES:
            raise AsError(PARAMETER, "bad INDEX_TYPE")
        req.itype = INDEX_TYPES[itype[0]]
    name = fields.get(F_INDEX_NAME)
    exp = fields.get(F_INDEX_EXPRESSION)
    ctx = fields.get(F_INDEX_CONTEXT)
    if rng is None:
        return
    req.range = parse_range(rng)
    if name is not None:
        req.index_name = bytes(name).decode("utf-8", "replace")
    if exp is not None:
        req.index_exp = bytes(exp)
    if ctx is not None:
        req.context = bytes(ctx)
    if req.range.bin and (name is not None or exp is not None):
        raise AsError(PARAMETER, "a bin name with an index name or expression")
    if not req.range.bin and name is None and exp is None:
        raise AsError(PARAMETER, "no bin, index name or expression")
    if exp is not None and ctx is not None:
        raise AsError(PARAMETER, "an expression with a context")


def _read_kind(req, msg):
    fields = msg.fields
    udf_op = fields.get(F_UDF_OP)
    if udf_op is not None:
        if len(udf_op) != 1 or udf_op[0] not in (UDF_OP_AGGREGATE, UDF_OP_BACKGROUND):
            raise AsError(PARAMETER, "bad UDF_OP")
        if F_UDF_FILENAME not in fields or F_UDF_FUNCTION not in fields:
            raise AsError(PARAMETER, "UDF without module or function")
        req.kind = AGGREGATION if udf_op[0] == UDF_OP_AGGREGATE else BACKGROUND_UDF
        req.udf = (
            bytes(fields[F_UDF_FILENAME]),
            bytes(fields[F_UDF_FUNCTION]),
            bytes(fields.get(F_UDF_ARGLIST, b"")),
        )
        if msg.ops:
            raise AsError(PARAMETER, "ops with a UDF")
        return
    if msg.info2 & I2_WRITE:
        req.kind = BACKGROUND_OPS
        if not msg.ops:
            raise AsError(PARAMETER, "a background query without ops")
        for op in msg.ops:
            if op[0] not in WRITE_OPS:
                raise AsError(PARAMETER, "a read op in a background query")
        req.write_ops = msg.ops
        return
    if not msg.info3 & I3_PARTITION_DONE:
        raise AsError(UNSUPPORTED_FEATURE, "the client must accept partition-done")
    req.nobins = bool(msg.info1 & I1_NOBINDATA)
    for op in msg.ops:
        if op[0] not in READ_OPS:
            raise AsError(PARAMETER, "a write op in a foreground query")
    if msg.ops and not all(op[0] == OP_READ and op[2] for op in msg.ops):
        req.read_ops = msg.ops
    elif msg.ops:
        req.bin_names = [op[2] for op in msg.ops]
    elif F_QUERY_BINLIST in fields:
        req.bin_names = _bin_list(fields[F_QUERY_BINLIST])
